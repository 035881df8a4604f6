r"""The rules of the two pebble games: :class:`CheckpointGame` and :class:`ReversibleGame`.

A time-stepping program :math:`x_{t+1} = f(x_t)` for :math:`t = 0, \dots, n-1` is a row of
cells :math:`0, 1, \dots, n`; a **pebble** on cell :math:`i` means "the state :math:`x_i` is in
memory". One pebble is one unit of memory, one placement is one call of :math:`f`. The rules
of each game are in its class docstring and in :mod:`helpers.pebble`; a move is an
``(action, cell)`` tuple, an illegal move raises :class:`IllegalMove` naming the broken rule,
and :func:`play` replays a list of moves and returns ``(steps, peak)``.
"""

from __future__ import annotations

from typing import Iterable, NamedTuple, Sequence

import numpy as np

__all__ = ["IllegalMove", "CheckpointGame", "ReversibleGame", "PlayResult", "play", "Move",
           "ACTIONS", "EMPTY", "PEBBLE", "PAINTED", "PEBBLE_PAINTED"]

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

    # -- the one move both games share ---------------------------------------
    _place0 = "place(0): cell 0 has no predecessor"
    _full = "on the board (rule: at most n_pebbles pebbles at once)"

    def _has(self, i: int) -> bool:
        return i in self.pebbles

    def place(self, i: int) -> None:
        """Put a pebble on cell ``i`` (compute :math:`x_i`, one step): needs a pebble on
        ``i-1`` and none on ``i``, and a free pebble."""
        i = self._cell("place", i)
        if i == 0:
            raise IllegalMove(self._place0)
        if not self._has(i - 1):
            raise IllegalMove(f"place({i}): cell {i - 1} holds no pebble (rule: place(i) needs a "
                              "pebble on cell i-1)")
        if i in self.pebbles:
            raise IllegalMove(f"place({i}): cell {i} already holds a pebble (rule: place(i) needs "
                              "cell i empty)")
        if len(self.pebbles) + 1 > self.n_pebbles:
            raise IllegalMove(f"place({i}): no pebble left; all {self.n_pebbles} are "
                              + self._full.format(n=self.n_cells))
        self.pebbles.add(i)
        self.steps += 1
        self.peak = max(self.peak, len(self.pebbles))
        self._log(("place", i))

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
    _place0 = ("place(0): cell 0 has no predecessor, so a pebble removed from it can never come "
               "back (rule: place(i) needs a pebble on cell i-1)")

    def __init__(self, n_cells: int, n_pebbles: int | None = None, *, record: bool = True) -> None:
        super().__init__(n_cells, n_pebbles, record=record)
        if self.n_pebbles < 1:
            raise ValueError("n_pebbles must be >= 1: the pebble on cell 0 counts against the budget")
        self.pebbles = {0}
        self.painted: set[int] = set()
        self.peak = 1

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
    _place0 = "place(0): cell 0 holds the fixed input pebble (rule: cell 0 is never placed or removed)"
    _full = "on cells 1..{n} (rule: at most n_pebbles pebbles besides cell 0)"

    def __init__(self, n_cells: int, n_pebbles: int | None = None, *, record: bool = True) -> None:
        if n_pebbles is None:
            n_pebbles = n_cells
        super().__init__(n_cells, n_pebbles, record=record)

    def _has(self, i: int) -> bool:
        return i == 0 or i in self.pebbles

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
