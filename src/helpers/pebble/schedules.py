r"""Named schedules: move lists that play the games.

:func:`treeverse_moves` plays the checkpoint game with the fewest steps possible (the binomial
construction of Griewank 1992, adapted to the exact rules of :class:`~helpers.pebble.CheckpointGame`);
:func:`store_all_moves`, :func:`recompute_all_moves` and :func:`uniform_moves` are the classic
alternatives; :func:`bennett_moves` is Bennett's recursive strategy for the reversible game,
with its step count :func:`bennett_steps` and peak :func:`bennett_peak`.
"""

from __future__ import annotations

import math

import numpy as np

from helpers.pebble.games import Move, _check_int
from helpers.pebble.optimal import _min_checkpoint_pebbles, _require_feasible, _sweeps

__all__ = ["treeverse_moves", "store_all_moves", "recompute_all_moves", "uniform_moves",
           "uniform_peak", "bennett_moves", "bennett_steps", "bennett_peak"]


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
