r"""The two pebble games of reverse-mode differentiation, and their schedules.

A time-stepping program :math:`x_{t+1} = f(x_t)` for :math:`t = 0, \dots, n-1` is a row of
cells :math:`0, 1, \dots, n`; a **pebble** on cell :math:`i` means "the state :math:`x_i` is in
memory". One pebble is one unit of memory, one placement is one call of :math:`f`.

**Checkpoint game** (:class:`CheckpointGame`). One pebble starts on cell 0; at most
``n_pebbles`` pebbles are on the board at once, the one on cell 0 included.

* ``place(i)``: cell :math:`i-1` holds a pebble and cell :math:`i` is empty; costs one step
  (running :math:`f` on :math:`x_{i-1}`).
* ``remove(i)``: any pebbled cell; free (forgetting a state).
* ``paint(i)``: cell :math:`i` holds a pebble and (:math:`i = n` or cell :math:`i+1` is
  painted); free. Painting is the backward sweep: painting :math:`n` seeds
  :math:`\bar x_n`, painting :math:`i < n` runs the vector-Jacobian product of step
  :math:`i`, :math:`\bar x_i = \bar x_{i+1}\,\partial f(x_i)/\partial x_i`, which needs
  :math:`x_i`.
* Done when every cell :math:`0..n` is painted.

**Reversible game** (:class:`ReversibleGame`). Cell 0 holds a fixed pebble that is not
counted; at most ``n_pebbles`` pebbles on cells :math:`1..n`. A reversible computer cannot
erase, so removing a pebble is *uncomputing* the state, which needs its predecessor.

* ``place(i)`` and ``remove(i)``: allowed only when cell :math:`i-1` holds a pebble; each
  costs one step.
* Reached when cell :math:`n` holds a pebble; clean when, besides, no cell other than 0 and
  :math:`n` holds one.

Moves are ``(action, cell)`` tuples. An illegal move raises :class:`IllegalMove` (a
``ValueError``) whose message names the broken rule. :func:`play` replays a list of moves
and returns its ``(steps, peak)``.

**Schedules.** :func:`treeverse_moves` plays the checkpoint game with the fewest steps
possible (the binomial construction of Griewank 1992, adapted to the exact rules above);
:func:`store_all_moves`, :func:`recompute_all_moves` and :func:`uniform_moves` are the
classic alternatives; :func:`bennett_moves` is Bennett's recursive strategy for the
reversible game. :func:`min_steps_checkpoint` and :func:`min_steps_reversible` search all
plays exhaustively (small boards only).

**Optimal checkpointing, exactly.** Let :math:`N(t, p)` be the longest board that ``p``
pebbles can finish when no cell is placed more than :math:`t` times. The first pebble left
behind (at cell :math:`m`) splits the board into a right part, solved with ``p - 1`` pebbles,
and a left part, whose cells were already placed once, so

.. math:: N(t, p) = N(t, p-1) + 1 + N(t-1, p),\qquad N(t, 2) = 1,\ N(0, p) = 0,

solved by :math:`N(t,p) + 1 = \eta(t, d) + \eta(t-1, d)` with :math:`d = p - 2` and
:math:`\eta(\tau,\delta) = \binom{\tau+\delta}{\delta}`. The fewest steps for ``n`` cells
are :math:`\sum_{k=1}^{n} t_p(k)` with :math:`t_p(k) = \min\{t : N(t,p) \ge k\}`
(:func:`treeverse_steps`); the tests check both against exhaustive search.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, NamedTuple, Sequence

import numpy as np

__all__ = [
    "IllegalMove",
    "CheckpointGame",
    "ReversibleGame",
    "PlayResult",
    "play",
    "eta",
    "reach_checkpoint",
    "treeverse_steps",
    "treeverse_moves",
    "store_all_moves",
    "recompute_all_moves",
    "uniform_moves",
    "uniform_peak",
    "bennett_moves",
    "bennett_steps",
    "bennett_peak",
    "min_steps_checkpoint",
    "min_steps_reversible",
    "max_reach_reversible",
    "history",
    "render_text",
    "plot_history",
    "animate_history",
    "board_widget",
]

ACTIONS = ("place", "remove", "paint")
Move = tuple[str, int]

# cell codes of a history: bit 0 = pebble, bit 1 = painted
EMPTY, PEBBLE, PAINTED, PEBBLE_PAINTED = 0, 1, 2, 3


class IllegalMove(ValueError):
    """A move that breaks a rule of a pebble game; the message names the rule."""


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


# =========================================================================== the games
class _Game:
    """State shared by both games: pebbles, step counter, peak and the moves played."""

    kind = "game"

    def __init__(self, n_cells: int, n_pebbles: int | None = None, *, record: bool = True) -> None:
        self.record = record  # keep the list of moves (for history and rendering)
        self.n_cells = _check_int("n_cells", n_cells, 0)
        if n_pebbles is None:
            n_pebbles = self.n_cells + 1
        self.n_pebbles = _check_int("n_pebbles", n_pebbles, 0)
        self.pebbles: set[int] = set()
        self.steps = 0
        self.peak = 0
        self.moves: list[Move] = []

    # -- helpers ------------------------------------------------------------
    def _log(self, move: Move) -> None:
        if self.record:
            self.moves.append(move)

    def _cell(self, action: str, cell: object) -> int:
        if isinstance(cell, bool) or not isinstance(cell, (int, np.integer)):
            raise IllegalMove(f"{action}({cell!r}): the cell must be an integer index")
        cell = int(cell)
        if not 0 <= cell <= self.n_cells:
            raise IllegalMove(f"{action}({cell}): cell out of range; the board has cells "
                              f"0..{self.n_cells}")
        return cell

    @property
    def n_on_board(self) -> int:
        """Pebbles that count against the budget."""
        return len(self.pebbles)

    def move(self, move: Sequence) -> None:
        """Play one move ``(action, cell)``."""
        if not isinstance(move, (tuple, list)) or len(move) != 2:
            raise IllegalMove(f"a move must be an (action, cell) tuple, got {move!r}")
        action, cell = move
        if action not in ACTIONS:
            raise IllegalMove(f"unknown action {action!r}: the actions are 'place', 'remove', 'paint'")
        getattr(self, action)(cell)

    def copy_empty(self) -> "_Game":
        """A fresh game with the same board and budget."""
        return type(self)(self.n_cells, self.n_pebbles)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(n_cells={self.n_cells}, n_pebbles={self.n_pebbles}) "
                f"steps={self.steps} peak={self.peak}")


class CheckpointGame(_Game):
    """The checkpoint pebble game on cells ``0..n_cells`` with at most ``n_pebbles`` pebbles.

    One pebble starts on cell 0 and counts against the budget. ``place`` costs one step;
    ``remove`` and ``paint`` are free. See the module docstring for the rules. With
    ``record=False`` the moves are not kept (a referee that uses no memory per move).
    """

    kind = "checkpoint"

    def __init__(self, n_cells: int, n_pebbles: int | None = None, *, record: bool = True) -> None:
        super().__init__(n_cells, n_pebbles, record=record)
        if self.n_pebbles < 1:
            raise ValueError("n_pebbles must be >= 1: the pebble on cell 0 counts against the budget")
        self.pebbles = {0}
        self.painted: set[int] = set()
        self.peak = 1

    def place(self, i: int) -> None:
        """Put a pebble on cell ``i`` (one step): needs a pebble on ``i-1`` and none on ``i``."""
        i = self._cell("place", i)
        if i == 0:
            raise IllegalMove("place(0): cell 0 has no predecessor, so a pebble removed from it "
                              "can never come back (rule: place(i) needs a pebble on cell i-1)")
        if i - 1 not in self.pebbles:
            raise IllegalMove(f"place({i}): cell {i - 1} holds no pebble (rule: place(i) needs a "
                              "pebble on cell i-1)")
        if i in self.pebbles:
            raise IllegalMove(f"place({i}): cell {i} already holds a pebble (rule: place(i) needs "
                              "cell i empty)")
        if len(self.pebbles) + 1 > self.n_pebbles:
            raise IllegalMove(f"place({i}): no pebble left; all {self.n_pebbles} are on the board "
                              "(rule: at most n_pebbles pebbles at once)")
        self.pebbles.add(i)
        self.steps += 1
        self.peak = max(self.peak, len(self.pebbles))
        self._log(("place", i))

    def remove(self, i: int) -> None:
        """Take the pebble off cell ``i`` (free)."""
        i = self._cell("remove", i)
        if i not in self.pebbles:
            raise IllegalMove(f"remove({i}): cell {i} holds no pebble (rule: remove only a pebbled cell)")
        self.pebbles.remove(i)
        self._log(("remove", i))

    def paint(self, i: int) -> None:
        """Paint cell ``i`` (free): needs a pebble on ``i`` and ``i == n_cells`` or ``i+1`` painted."""
        i = self._cell("paint", i)
        if i in self.painted:
            raise IllegalMove(f"paint({i}): cell {i} is already painted (rule: each cell is painted once)")
        if i not in self.pebbles:
            raise IllegalMove(f"paint({i}): cell {i} holds no pebble (rule: paint(i) needs a pebble on cell i)")
        if i != self.n_cells and i + 1 not in self.painted:
            raise IllegalMove(f"paint({i}): cell {i + 1} is not painted yet (rule: paint(i) needs "
                              "i == n_cells or cell i+1 painted)")
        self.painted.add(i)
        self._log(("paint", i))

    @property
    def done(self) -> bool:
        """Every cell ``0..n_cells`` is painted."""
        return len(self.painted) == self.n_cells + 1

    def cells(self) -> np.ndarray:
        """Current board as codes: bit 0 pebble, bit 1 painted."""
        c = np.zeros(self.n_cells + 1, dtype=np.int8)
        c[list(self.pebbles)] |= PEBBLE
        if self.painted:
            c[list(self.painted)] |= PAINTED
        return c


class ReversibleGame(_Game):
    """The reversible pebble game on cells ``0..n_cells``, at most ``n_pebbles`` on ``1..n_cells``.

    Cell 0 holds a fixed pebble that is not counted. ``place(i)`` and ``remove(i)`` each
    cost one step and need a pebble on cell ``i-1``.
    """

    kind = "reversible"

    def __init__(self, n_cells: int, n_pebbles: int | None = None, *, record: bool = True) -> None:
        if n_pebbles is None:
            n_pebbles = n_cells
        super().__init__(n_cells, n_pebbles, record=record)

    def _has(self, i: int) -> bool:
        return i == 0 or i in self.pebbles

    def place(self, i: int) -> None:
        """Compute cell ``i`` (one step): needs a pebble on ``i-1`` and none on ``i``."""
        i = self._cell("place", i)
        if i == 0:
            raise IllegalMove("place(0): cell 0 holds the fixed input pebble (rule: cell 0 is never "
                              "placed or removed)")
        if not self._has(i - 1):
            raise IllegalMove(f"place({i}): cell {i - 1} holds no pebble (rule: place(i) needs a "
                              "pebble on cell i-1)")
        if i in self.pebbles:
            raise IllegalMove(f"place({i}): cell {i} already holds a pebble (rule: place(i) needs "
                              "cell i empty)")
        if len(self.pebbles) + 1 > self.n_pebbles:
            raise IllegalMove(f"place({i}): no pebble left; all {self.n_pebbles} are on cells "
                              f"1..{self.n_cells} (rule: at most n_pebbles pebbles besides cell 0)")
        self.pebbles.add(i)
        self.steps += 1
        self.peak = max(self.peak, len(self.pebbles))
        self._log(("place", i))

    def remove(self, i: int) -> None:
        """Uncompute cell ``i`` (one step): needs a pebble on ``i-1``, because erasing is not
        allowed in a reversible computer."""
        i = self._cell("remove", i)
        if i == 0:
            raise IllegalMove("remove(0): cell 0 holds the fixed input pebble (rule: cell 0 is never "
                              "placed or removed)")
        if i not in self.pebbles:
            raise IllegalMove(f"remove({i}): cell {i} holds no pebble (rule: remove only a pebbled cell)")
        if not self._has(i - 1):
            raise IllegalMove(f"remove({i}): cell {i - 1} holds no pebble, so cell {i} cannot be "
                              "uncomputed (rule: remove(i) needs a pebble on cell i-1)")
        self.pebbles.remove(i)
        self.steps += 1
        self._log(("remove", i))

    def paint(self, i: int) -> None:
        raise IllegalMove(f"paint({i}): the reversible game has no paint move (rule: only place "
                          "and remove)")

    @property
    def reached(self) -> bool:
        """Cell ``n_cells`` holds a pebble."""
        return self.n_cells == 0 or self.n_cells in self.pebbles

    @property
    def clean(self) -> bool:
        """Reached, and no cell other than 0 and ``n_cells`` holds a pebble."""
        return self.reached and self.pebbles <= {self.n_cells}

    @property
    def done(self) -> bool:
        """Reached and clean: the goal of the reversible game."""
        return self.clean

    def cells(self) -> np.ndarray:
        c = np.zeros(self.n_cells + 1, dtype=np.int8)
        c[0] = PEBBLE
        if self.pebbles:
            c[list(self.pebbles)] |= PEBBLE
        return c


class PlayResult(NamedTuple):
    """What :func:`play` returns: the step count and the peak number of pebbles."""

    steps: int
    peak: int


def play(game: _Game, moves: Iterable[Sequence]) -> PlayResult:
    """Replay ``moves`` on ``game`` (modified in place) and return ``(steps, peak)``.

    Raises :class:`IllegalMove` at the first illegal move, saying which move (by index) and
    which rule. Check ``game.done`` afterwards to know whether the goal was met.
    """
    if not isinstance(game, _Game):
        raise TypeError(f"play: game must be a CheckpointGame or ReversibleGame, got {type(game).__name__}")
    for k, mv in enumerate(moves):
        try:
            game.move(mv)
        except IllegalMove as exc:
            raise IllegalMove(f"move {k}: {exc}") from None
    return PlayResult(game.steps, game.peak)


# =========================================================================== binomial theory
def eta(tau: int, delta: int) -> int:
    r""":math:`\eta(\tau,\delta) = \binom{\tau+\delta}{\delta}`, Griewank's binomial reach."""
    if tau < 0 or delta < 0:
        return 0
    return math.comb(tau + delta, delta)


@lru_cache(maxsize=1 << 14)
def reach_checkpoint(t: int, n_pebbles: int) -> int:
    r"""Longest board :math:`N(t,p)` the checkpoint game finishes with ``n_pebbles`` pebbles when
    no cell is placed more than ``t`` times.

    :math:`N(t,p) = \eta(t,p-2) + \eta(t-1,p-2) - 1` for :math:`p \ge 2, t \ge 1`;
    :math:`N(0,p) = 0`, :math:`N(t,1) = 0`.
    """
    if t <= 0 or n_pebbles <= 1:
        return 0
    d = n_pebbles - 2
    return eta(t, d) + eta(t - 1, d) - 1


def _min_checkpoint_pebbles(n_cells: int) -> int:
    return 1 if n_cells == 0 else (2 if n_cells == 1 else 3)


@lru_cache(maxsize=1 << 16)
def _sweeps(n: int, p: int) -> int:
    """Smallest t with N(t, p) >= n (n >= 1, p feasible)."""
    lo, hi = 1, 1
    while reach_checkpoint(hi, p) < n:
        hi *= 2
    while lo < hi:
        mid = (lo + hi) // 2
        if reach_checkpoint(mid, p) >= n:
            hi = mid
        else:
            lo = mid + 1
    return lo


def treeverse_steps(n_cells: int, n_pebbles: int) -> int:
    r"""Fewest steps to finish the checkpoint game: :math:`\sum_{k=1}^{n} t_p(k)`.

    :math:`t_p(k)` is the least number of sweeps with :math:`N(t,p) \ge k`
    (:func:`reach_checkpoint`). Raises ``ValueError`` if the board cannot be finished.
    """
    n = _check_int("n_cells", n_cells, 0)
    p = _check_int("n_pebbles", n_pebbles, 1)
    _require_feasible(n, p)
    if n == 0:
        return 0
    t = _sweeps(n, p)
    total, prev = 0, 0
    for s in range(1, t):
        r = min(reach_checkpoint(s, p), n)
        total += s * (r - prev)
        prev = r
    return total + t * (n - prev)


def _require_feasible(n: int, p: int) -> None:
    need = _min_checkpoint_pebbles(n)
    if p < need:
        raise ValueError(f"the checkpoint game on {n} cells needs at least {need} pebbles "
                         f"(cell 0, and two to walk forward), got n_pebbles={p}")


# =========================================================================== checkpoint schedules
def _t(k: int, p: int) -> float:
    """Marginal cost t_p(k) of the k-th cell (inf where p pebbles cannot reach k cells)."""
    if k <= 0:
        return 0
    if p < _min_checkpoint_pebbles(k):
        return math.inf
    return _sweeps(k, p)


def _split(n: int, p: int) -> int:
    r"""Where to leave the first pebble on a segment of ``n`` cells with ``p`` pebbles.

    Leaving it on cell :math:`m` costs :math:`g(\ell) = m + F(n-m, p-1) + F(\ell, p)` with
    :math:`\ell = m - 1` the left part. Both :math:`F` are convex (their increments are the
    sweep counts :math:`t_p(k)`, which never decrease), so :math:`g` is convex and its
    minimum is the first :math:`\ell` with
    :math:`g(\ell+1) - g(\ell) = 1 + t_p(\ell+1) - t_{p-1}(n-1-\ell) \ge 0`, found by bisection.
    """
    if p <= 2:
        return 1
    lo, hi = 0, n - 1  # candidate left lengths
    while lo < hi:
        mid = (lo + hi) // 2
        if 1 + _t(mid + 1, p) - _t(n - 1 - mid, p - 1) >= 0:
            hi = mid
        else:
            lo = mid + 1
    return lo + 1


def treeverse_moves(n_cells: int, n_pebbles: int) -> list[Move]:
    r"""A fewest-steps play of the checkpoint game (binomial checkpointing, Treeverse).

    Recursively: walk forward from the segment's base to the split cell :math:`m`, leave a
    pebble there, finish the right part :math:`[m, e]` with one pebble fewer, then the left
    part :math:`[b, m-1]` with the freed pebble. Step count = :func:`treeverse_steps`.
    Runs in time proportional to the number of moves (about :math:`t\,n`).
    """
    n = _check_int("n_cells", n_cells, 0)
    p = _check_int("n_pebbles", n_pebbles, 1)
    _require_feasible(n, p)
    p = min(p, n + 1)
    moves: list[Move] = []
    emit = moves.append
    stack = [(0, n, p)]  # segments (base, end, pebbles); base holds a pebble, end+1 is painted
    while stack:
        b, e, q = stack.pop()
        while e > b:
            m = b + _split(e - b, q)
            emit(("place", b + 1))
            for c in range(b + 2, m + 1):
                emit(("place", c))
                if c - 1 != b:
                    emit(("remove", c - 1))
            stack.append((b, m - 1, q))  # left part, later
            b, q = m, q - 1  # right part, now
        emit(("paint", b))
        emit(("remove", b))
    return moves


def store_all_moves(n_cells: int) -> list[Move]:
    """Store every state: ``n_cells`` steps, ``n_cells + 1`` pebbles (time O(T), space O(T))."""
    n = _check_int("n_cells", n_cells, 0)
    moves: list[Move] = [("place", i) for i in range(1, n + 1)]
    for i in range(n, -1, -1):
        moves += [("paint", i), ("remove", i)]
    return moves


def recompute_all_moves(n_cells: int) -> list[Move]:
    """Keep only cell 0; walk from 0 to each cell in turn: ``n(n+1)/2`` steps, 3 pebbles
    (time O(T^2), space O(1))."""
    n = _check_int("n_cells", n_cells, 0)
    moves: list[Move] = []
    for i in range(n, 0, -1):
        moves.append(("place", 1))
        for c in range(2, i + 1):
            moves += [("place", c), ("remove", c - 1)]
        moves += [("paint", i), ("remove", i)]
    moves += [("paint", 0), ("remove", 0)]
    return moves


def uniform_moves(n_cells: int, n_pebbles: int | None = None, segment: int | None = None) -> list[Move]:
    r"""Uniform checkpoints: keep every ``segment``-th state in a first sweep, then store all
    states of one segment at a time, last segment first.

    With :math:`c = \lceil n/s\rceil` segments of length :math:`s` the play takes
    :math:`n + (c-1)(s-1)` steps and at most :math:`c + s` pebbles, so :math:`s \approx \sqrt{n}`
    gives time :math:`\approx 2T` and space :math:`\approx 2\sqrt{T}`. Give ``segment``
    directly, or ``n_pebbles`` and the longest segment that fits is chosen.
    """
    n = _check_int("n_cells", n_cells, 0)
    if n == 0:
        return [("paint", 0), ("remove", 0)]
    if segment is None:
        if n_pebbles is None:
            segment = max(1, math.isqrt(n))
        else:
            p = _check_int("n_pebbles", n_pebbles, 1)
            fits = [s for s in range(1, n + 1) if uniform_peak(n, s) <= p]
            if not fits:
                best = min(uniform_peak(n, s) for s in range(1, n + 1))
                raise ValueError(f"uniform checkpointing of {n} cells needs at least {best} pebbles, "
                                 f"got n_pebbles={p}")
            segment = max(fits)
    s = _check_int("segment", segment, 1)
    starts = list(range(0, n, s))  # the checkpoint cells
    moves: list[Move] = []
    for c in range(1, starts[-1] + 1):  # first sweep: keep the checkpoints only
        moves.append(("place", c))
        if (c - 1) % s:
            moves.append(("remove", c - 1))
    for j in range(len(starts) - 1, -1, -1):  # one segment at a time, stored whole
        a = starts[j]
        e = n if j == len(starts) - 1 else starts[j + 1] - 1
        moves += [("place", c) for c in range(a + 1, e + 1)]
        for c in range(e, a - 1, -1):
            moves += [("paint", c), ("remove", c)]
    return moves


def uniform_peak(n_cells: int, segment: int) -> int:
    """Peak pebbles of :func:`uniform_moves` with segments of length ``segment``."""
    n, s = n_cells, segment
    if n == 0:
        return 1
    c = -(-n // s)
    last = n - (c - 1) * s
    return max(c + last, c + s - 2 if c >= 2 else 0)


# =========================================================================== reversible schedules
def _radices(k, levels: int | None) -> list[int]:
    """Per-level branching factors: ``k`` repeated ``levels`` times, or a sequence of k's."""
    if isinstance(k, (list, tuple, np.ndarray)):
        if levels is not None and levels != len(k):
            raise ValueError(f"levels={levels} does not match the {len(k)} branching factors given")
        return [_check_int("k", int(x), 2) for x in k]
    k = _check_int("k", k, 2)
    return [k] * _check_int("levels", 0 if levels is None else levels, 0)


def bennett_steps(k, levels: int | None = None) -> int:
    r"""Steps of Bennett's strategy: :math:`T_r = (2k-1)^{n}`, ``n = levels``
    (:math:`\prod_i (2k_i - 1)` for per-level factors ``k = [k_1, ..., k_n]``)."""
    return math.prod(2 * x - 1 for x in _radices(k, levels))


def bennett_peak(k, levels: int | None = None) -> int:
    r"""Peak pebbles of Bennett's strategy: :math:`n(k-1) + 1` (the seed's :math:`S_r = n(k-1)`
    plus the output pebble; :math:`\sum_i (k_i - 1) + 1` for per-level factors)."""
    return sum(x - 1 for x in _radices(k, levels)) + 1


def bennett_moves(k, levels: int | None = None) -> list[Move]:
    r"""Bennett's algorithm on the reversible game with ``n_cells = k**levels``, ending clean.

    A segment of :math:`k^{L}` cells is cut into :math:`k` sub-segments of :math:`k^{L-1}`:
    compute the ends of all :math:`k` of them one after the other (:math:`P`), then uncompute
    the ends of the first :math:`k-1` in reverse order (:math:`Q`). Steps
    :math:`(2k-1)^{L}`, peak :math:`L(k-1) + 1`. ``k`` may also be a list of per-level
    factors ``[k_1, ..., k_n]`` (outermost first) for ``n_cells = k_1 ... k_n``.
    """
    ks = _radices(k, levels)
    moves: list[Move] = []
    sizes = [math.prod(ks[i + 1:]) for i in range(len(ks))]  # sub-segment length per level

    def run(base: int, level: int, action: str) -> None:
        # place (or remove) the pebble on the end of the segment of this level that starts at
        # base, leaving every cell in between as it was
        if level == len(ks):
            moves.append((action, base + 1))
            return
        kk, size = ks[level], sizes[level]
        if action == "place":
            for j in range(kk):
                run(base + j * size, level + 1, "place")
            for j in range(kk - 2, -1, -1):
                run(base + j * size, level + 1, "remove")
        else:  # the exact mirror image of 'place'
            for j in range(kk - 1):
                run(base + j * size, level + 1, "place")
            for j in range(kk - 1, -1, -1):
                run(base + j * size, level + 1, "remove")

    run(0, 0, "place")
    return moves


# =========================================================================== exhaustive searches
def min_steps_checkpoint(n_cells: int, n_pebbles: int, *, return_moves: bool = False):
    """Fewest steps to finish the checkpoint game, by exhaustive search (0-1 BFS).

    The state is (pebbled cells, first painted cell); pebbles on painted cells are dropped, as
    they can never help again. Returns ``None`` if the game cannot be finished, else the step
    count, or ``(steps, moves)`` with ``return_moves=True``. Meant for boards of about 20
    cells or fewer.
    """
    n = _check_int("n_cells", n_cells, 0)
    p = _check_int("n_pebbles", n_pebbles, 1)
    if n > 24:
        raise ValueError(f"min_steps_checkpoint is exhaustive: use n_cells <= 24, got {n}")
    start = (1, n + 1)  # bitmask of pebbles, first painted cell
    dist = {start: 0}
    parent: dict = {start: None}
    dq = deque([start])
    while dq:
        state = dq.popleft()
        mask, k = state
        d = dist[state]
        if k == 0:
            if not return_moves:
                return d
            moves: list[Move] = []
            s = state
            while parent[s] is not None:
                s, mv = parent[s]
                moves.extend(reversed(mv))
            return d, moves[::-1]
        nxt = []
        # paint the next cell (free), dropping its pebble
        if mask >> (k - 1) & 1:
            nxt.append(((mask & ~(1 << (k - 1)), k - 1), 0, [("paint", k - 1), ("remove", k - 1)]))
        # remove (free); never the pebble on cell 0 while cell 0 is unpainted
        m = mask & ~1
        while m:
            low = m & -m
            i = low.bit_length() - 1
            nxt.append(((mask & ~low, k), 0, [("remove", i)]))
            m ^= low
        # place (one step) on unpainted cells only
        if bin(mask).count("1") < p:
            m = mask
            while m:
                low = m & -m
                i = low.bit_length()  # = (index of low) + 1
                if i < k and not mask >> i & 1:
                    nxt.append(((mask | 1 << i, k), 1, [("place", i)]))
                m ^= low
        for s2, w, mv in nxt:
            nd = d + w
            if s2 not in dist or nd < dist[s2]:
                dist[s2] = nd
                parent[s2] = (state, mv)
                (dq.appendleft if w == 0 else dq.append)(s2)
    return None


def _reversible_bfs(n_cells: int, n_pebbles: int, goal):
    n, p = n_cells, n_pebbles
    full = (1 << (n + 1)) - 1
    start = 1  # cell 0, fixed
    dist = {start: 0}
    parent = {start: None}
    dq = deque([start])
    while dq:
        mask = dq.popleft()
        if goal(mask):
            moves: list[Move] = []
            s = mask
            while parent[s] is not None:
                s, mv = parent[s]
                moves.append(mv)
            return dist[mask], moves[::-1]
        count = bin(mask).count("1") - 1
        d = dist[mask]
        m = mask & (full >> 1)
        while m:
            low = m & -m
            i = low.bit_length()  # cell after a pebbled cell
            m ^= low
            if i > n:
                continue
            bit = 1 << i
            if mask & bit:
                s2, mv = mask & ~bit, ("remove", i)
            elif count < p:
                s2, mv = mask | bit, ("place", i)
            else:
                continue
            if s2 not in dist:
                dist[s2] = d + 1
                parent[s2] = (mask, mv)
                dq.append(s2)
    return None


def min_steps_reversible(n_cells: int, n_pebbles: int, *, clean: bool = True,
                         return_moves: bool = False):
    """Fewest steps to reach cell ``n_cells`` (and, with ``clean=True``, leave no other
    pebble) in the reversible game, by breadth-first search. ``None`` if impossible.
    Meant for boards of about 20 cells or fewer."""
    n = _check_int("n_cells", n_cells, 0)
    p = _check_int("n_pebbles", n_pebbles, 0)
    if n > 40:
        raise ValueError(f"min_steps_reversible is exhaustive: use n_cells <= 40, got {n}")
    target = 1 << n
    if n == 0:
        res = (0, [])
    elif clean:
        res = _reversible_bfs(n, p, lambda mask: mask == (target | 1))
    else:
        res = _reversible_bfs(n, p, lambda mask: bool(mask & target))
    if res is None:
        return None
    return res if return_moves else res[0]


def max_reach_reversible(n_pebbles: int) -> int:
    """Farthest cell that ``n_pebbles`` pebbles can ever reach in the reversible game, by
    exhaustive search over every reachable position (the answer is ``2**n_pebbles - 1``)."""
    p = _check_int("n_pebbles", n_pebbles, 0)
    if p > 6:
        raise ValueError(f"max_reach_reversible is exhaustive: use n_pebbles <= 6, got {p}")
    n = 2 ** p + 1  # a board longer than any pebbling can reach
    seen = {1}
    dq = deque([1])
    best = 0
    while dq:
        mask = dq.popleft()
        best = max(best, mask.bit_length() - 1)
        count = bin(mask).count("1") - 1
        m = mask
        while m:
            low = m & -m
            i = low.bit_length()
            m ^= low
            if i > n:
                continue
            bit = 1 << i
            if mask & bit:
                s2 = mask & ~bit
            elif count < p:
                s2 = mask | bit
            else:
                continue
            if s2 not in seen:
                seen.add(s2)
                dq.append(s2)
    return best


# =========================================================================== rendering
def history(game_or_kind, moves: Sequence[Move] | None = None, n_cells: int | None = None,
            n_pebbles: int | None = None) -> np.ndarray:
    """The board after each move as an array of shape ``(len(moves) + 1, n_cells + 1)``.

    Call as ``history(game)`` for a game already played (its moves are replayed on a fresh
    board), or ``history(game_class, moves, n_cells, n_pebbles)``. Codes: 0 empty, 1 pebble,
    2 painted, 3 painted and pebbled.
    """
    if isinstance(game_or_kind, _Game):
        fresh = game_or_kind.copy_empty()
        moves = list(game_or_kind.moves) if moves is None else list(moves)
    else:
        if moves is None or n_cells is None:
            raise TypeError("history(game_class, moves, n_cells, n_pebbles): give the moves and the board size")
        fresh = game_or_kind(n_cells, n_pebbles)
        moves = list(moves)
    rows = [fresh.cells()]
    for k, mv in enumerate(moves):
        try:
            fresh.move(mv)
        except IllegalMove as exc:
            raise IllegalMove(f"move {k}: {exc}") from None
        rows.append(fresh.cells())
    return np.array(rows)


_GLYPH = {EMPTY: "·", PEBBLE: "●", PAINTED: "▒", PEBBLE_PAINTED: "◉"}


def render_text(game: _Game, moves: Sequence[Move] | None = None, *, max_rows: int = 200) -> str:
    """The history as text, one line per move: cells left to right, time downwards.

    ``·`` empty, ``●`` pebble, ``▒`` painted, ``◉`` painted with a pebble.
    """
    h = history(game, moves)
    mv = list(game.moves if moves is None else moves)
    fresh = game.copy_empty()
    width = len(str(len(mv)))
    lines = [f"{'':>{width}}  {'move':<11} {'board':<{fresh.n_cells + 1}}  steps pebbles"]
    steps = 0
    for r, row in enumerate(h):
        if r > 0:
            steps += mv[r - 1][0] == "place" or (fresh.kind == "reversible")
        label = "start" if r == 0 else f"{mv[r - 1][0]}({mv[r - 1][1]})"
        count = int(np.sum(row & PEBBLE)) - (1 if fresh.kind == "reversible" else 0)
        lines.append(f"{r:>{width}}  {label:<11} {''.join(_GLYPH[int(c)] for c in row)}  "
                     f"{steps:>5} {count:>7}")
        if r + 1 >= max_rows and r + 1 < len(h):
            lines.append(f"... ({len(h) - r - 1} more moves)")
            break
    return "\n".join(lines)


def _cmap():
    from matplotlib.colors import ListedColormap

    from helpers.plotting import COLORS

    return ListedColormap(["#f2f2f2", COLORS["blue"], COLORS["orange"], COLORS["vermillion"]])


def plot_history(game: _Game, moves: Sequence[Move] | None = None, ax=None, *,
                 title: str | None = None):
    """Draw the history as an image: cells on the horizontal axis, moves downwards.

    Grey empty, blue pebble, orange painted, red painted with a pebble.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    h = history(game, moves)
    if ax is None:
        _, ax = plt.subplots(figsize=(min(8, 2 + 0.35 * h.shape[1]), min(8, 1.5 + 0.06 * h.shape[0])))
    cmap = _cmap()
    ax.imshow(h, cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto", interpolation="nearest")
    ax.set_xlabel("cell i (state $x_i$)")
    ax.set_ylabel("move number (time)")
    ax.grid(False)
    if title is None:
        title = f"{game.kind} game: {game.steps} steps, peak {game.peak} pebbles"
    ax.set_title(title)
    labels = ["empty", "pebble", "painted", "pebble + painted"] if game.kind == "checkpoint" \
        else ["empty", "pebble"]
    ax.legend(handles=[Patch(color=cmap(i), label=l) for i, l in enumerate(labels)],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    return ax


def animate_history(game: _Game, moves: Sequence[Move] | None = None, *, max_frames: int = 60,
                    interval: int = 250, title: str | None = None):
    """A matplotlib animation of the board, one frame per move (evenly subsampled to at most
    ``max_frames`` frames, always showing the last). Render with
    :func:`helpers.plotting.animation_html`."""
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    h = history(game, moves)
    mv = list(game.moves if moves is None else moves)
    counts = np.concatenate([[0], np.cumsum([
        1 if (m[0] == "place" or (game.kind == "reversible")) else 0 for m in mv])])
    frames = np.unique(np.linspace(0, len(h) - 1, min(max_frames, len(h))).round().astype(int))
    n = h.shape[1]
    fig, ax = plt.subplots(figsize=(min(7.5, 1.5 + 0.4 * n), 1.9))
    cmap = _cmap()
    im = ax.imshow(h[:1], cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto", interpolation="nearest")
    ax.set_yticks([])
    ax.set_xticks(range(0, n, max(1, n // 16)))
    ax.set_xlabel("cell i")
    ax.grid(False)
    head = title or f"{game.kind} game"

    def draw(f):
        im.set_data(h[f:f + 1])
        last = "start" if f == 0 else f"{mv[f - 1][0]}({mv[f - 1][1]})"
        ax.set_title(f"{head} | move {f}: {last} | steps {counts[f]}, pebbles "
                     f"{int(np.sum(h[f] & 1)) - (game.kind == 'reversible')}", fontsize=10)
        return (im,)

    return FuncAnimation(fig, draw, frames=frames, interval=interval, blit=False)


def board_widget(game: _Game, reference: Sequence[Move] | None = None):
    """An ipywidgets board to play ``game`` by hand: click a cell, then place / remove / paint.

    Shows the step and pebble counters, the broken rule when a move is illegal, and, if a
    ``reference`` play is given, its step count and peak for comparison. Needs a running
    kernel; the book shows an animation next to it.
    """
    import ipywidgets as w

    state = {"game": game.copy_empty(), "cell": 1 if game.n_cells >= 1 else 0}
    ref = None
    if reference is not None:
        g = game.copy_empty()
        ref = play(g, reference)
    color = {EMPTY: "#f2f2f2", PEBBLE: "#0072B2", PAINTED: "#E69F00", PEBBLE_PAINTED: "#D55E00"}
    buttons = [w.Button(description=str(i), layout=w.Layout(width="38px", height="38px"))
               for i in range(game.n_cells + 1)]
    status = w.HTML()
    actions = ["place", "remove"] + (["paint"] if game.kind == "checkpoint" else [])
    action_buttons = [w.Button(description=a) for a in actions]
    reset = w.Button(description="reset", button_style="warning")

    def refresh(msg: str = "") -> None:
        g = state["game"]
        for i, b in enumerate(buttons):
            b.style.button_color = color[int(g.cells()[i])]
            b.style.font_weight = "bold" if i == state["cell"] else "normal"
        goal = "done!" if g.done else ""
        line = (f"cell <b>{state['cell']}</b> selected | steps <b>{g.steps}</b> | pebbles "
                f"<b>{g.n_on_board}</b>/{g.n_pebbles} (peak {g.peak}) {goal}")
        if ref is not None:
            line += f" | reference play: {ref.steps} steps, peak {ref.peak}"
        status.value = line + (f"<br><span style='color:#D55E00'>{msg}</span>" if msg else "")

    def select(i):
        def f(_):
            state["cell"] = i
            refresh()
        return f

    def act(a):
        def f(_):
            try:
                state["game"].move((a, state["cell"]))
                refresh()
            except IllegalMove as exc:
                refresh(f"illegal: {exc}")
        return f

    for i, b in enumerate(buttons):
        b.on_click(select(i))
    for a, b in zip(actions, action_buttons):
        b.on_click(act(a))

    def do_reset(_):
        state["game"] = game.copy_empty()
        refresh()

    reset.on_click(do_reset)
    refresh()
    return w.VBox([w.HBox(buttons, layout=w.Layout(flex_flow="row wrap")),
                   w.HBox(action_buttons + [reset]), status])
