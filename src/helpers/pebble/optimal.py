r"""The optimum of each game: Griewank's binomial formulas and exhaustive searches.

**Checkpoint game, exactly.** Let :math:`N(t, p)` be the longest board that ``p`` pebbles can
finish when no cell is placed more than :math:`t` times. The first pebble left behind (at cell
:math:`m`) splits the board into a right part, solved with ``p - 1`` pebbles, and a left part,
whose cells were already placed once, so

.. math:: N(t, p) = N(t, p-1) + 1 + N(t-1, p),\qquad N(t, 2) = 1,\ N(0, p) = 0,

solved by :math:`N(t,p) + 1 = \eta(t, d) + \eta(t-1, d)` with :math:`d = p - 2` and
:math:`\eta(\tau,\delta) = \binom{\tau+\delta}{\delta}` (:func:`eta`,
:func:`reach_checkpoint`). The fewest steps for ``n`` cells are :math:`\sum_{k=1}^{n} t_p(k)`
with :math:`t_p(k) = \min\{t : N(t,p) \ge k\}` (:func:`treeverse_steps`).

**Exhaustive searches** (small boards only): :func:`min_steps_checkpoint` (0-1 breadth-first
search over positions), :func:`min_steps_reversible` and :func:`max_reach_reversible`
(breadth-first search of the reversible game). The tests check the formulas against them.

**Revolve's convention.** Griewank and Walther's Revolve (and Treeverse.jl) count differently:
a program of :math:`l` steps, :math:`s` snapshot slots (:math:`x_0` among them) plus one working
state that *advances in place* (:math:`x_i \to x_{i+1}` overwrites it), and an adjoint step that
runs step :math:`i` again with a tape from :math:`x_i` (so :math:`x_l` is never stored, and the
taped steps are not counted). The fewest advances are
:math:`t\,l - \eta(t-1, s+1)` with :math:`t = \min\{t : \eta(t, s) \ge l\}`
(:func:`revolve_steps`), checked against a breadth-first search of that model
(:func:`min_steps_revolve`).
"""

from __future__ import annotations

import math
from collections import deque
from functools import lru_cache

from helpers.pebble.games import Move, _check_int

__all__ = ["eta", "reach_checkpoint", "treeverse_steps", "min_steps_checkpoint",
           "min_steps_reversible", "max_reach_reversible", "revolve_steps", "min_steps_revolve"]


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


# =========================================================================== Revolve's convention
def revolve_steps(n_steps: int, snapshots: int) -> int:
    r"""Fewest forward steps ("advances") to reverse ``n_steps`` steps in Revolve's model with
    ``snapshots`` slots (see the module docstring): :math:`t\,l - \eta(t-1, s+1)` with
    :math:`t = \min\{t : \eta(t, s) \ge l\}`; the ``l`` taped steps of the adjoint sweep come on
    top. Griewank and Walther, *ACM TOMS* 26 (2000). Raises ``ValueError`` if impossible
    (``snapshots = 0`` and ``n_steps >= 2``)."""
    n = _check_int("n_steps", n_steps, 0)
    s = _check_int("snapshots", snapshots, 0)
    if n <= 1:
        return 0
    if s == 0:
        raise ValueError(f"Revolve's model needs a snapshot slot to reverse {n} steps (x_0 must be kept)")
    t = 0
    while eta(t, s) < n:
        t += 1
    return t * n - eta(t - 1, s + 1)


def min_steps_revolve(n_steps: int, snapshots: int):
    """Fewest advances in Revolve's model, by exhaustive search (0-1 breadth-first search over
    (snapshot cells, working state, next step to reverse)); ``None`` if impossible. Small
    problems only (``n_steps <= 24``)."""
    n = _check_int("n_steps", n_steps, 0)
    s = _check_int("snapshots", snapshots, 0)
    if n > 24:
        raise ValueError(f"min_steps_revolve is exhaustive: use n_steps <= 24, got {n}")
    if n == 0:
        return 0
    start = (frozenset(), 0, n - 1)  # snapshots, working state (-1: none), next step to reverse
    dist = {start: 0}
    dq = deque([start])
    while dq:
        state = dq.popleft()
        snaps, w, nxt = state
        d = dist[state]
        if nxt < 0:
            return d
        moves = []
        if w == nxt:  # adjoint step: a taped run of step nxt from x_nxt (not counted)
            moves.append(((snaps, -1, nxt - 1), 0))
        if 0 <= w < nxt:  # advance in place
            moves.append(((snaps, w + 1, nxt), 1))
        if w >= 0 and w not in snaps and len(snaps) < s:  # take a snapshot
            moves.append(((snaps | {w}, w, nxt), 0))
        for c in snaps:  # restore a snapshot, or free it
            moves.append(((snaps, c, nxt), 0))
            moves.append(((snaps - {c}, w, nxt), 0))
        for (sn, ww, nx), cost in moves:
            key = (frozenset(c for c in sn if c <= nx), ww if ww <= nx else -1, nx)
            nd = d + cost
            if key not in dist or nd < dist[key]:
                dist[key] = nd
                (dq.appendleft if cost == 0 else dq.append)(key)
    return None
