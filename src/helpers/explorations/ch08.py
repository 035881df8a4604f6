r"""Chapter 8's exploration: Bennett's k and n against time and space.

Bennett's algorithm on :math:`T = k^n` steps takes :math:`(2k-1)^n` steps to reach
:math:`x_T` cleanly, with :math:`n(k-1)+1` pebbles; reversing the whole program (the forward and
the backward sweep of :func:`helpers.reversible_vjp.reversible_vjp`) costs :math:`(2k-1)^n + 1`.
The branching factor :math:`k` trades space for time: the exponent
:math:`\log_k(2k-1)` falls towards 1 as :math:`k` grows, while the pebbles grow as
:math:`(k-1)\log_k T`. The explorer draws the play itself (cells against moves) and where it sits
among all plays :math:`(k, n)`, next to Treeverse with as many stored states.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from helpers.explore import Explorer, IntSlider
from helpers.pebble import ReversibleGame, bennett_moves, bennett_peak, bennett_steps, history, treeverse_steps

__all__ = ["bennett_explorer", "MAX_CELLS"]

#: the largest board the explorer draws move by move (k**n above it is refused)
MAX_CELLS = 625


@lru_cache(maxsize=64)
def _board(k: int, n: int) -> np.ndarray:
    return history(ReversibleGame, bennett_moves(k, n), k**n, bennett_peak(k, n))


def _readouts(k: int, n: int) -> dict:
    T = k**n
    states = bennett_peak(k, n) + 1  # x_0 included, as Treeverse counts it
    full = bennett_steps(k, n) + 1
    return {
        "T = k^n": T,
        "steps to x_T (2k-1)^n": bennett_steps(k, n),
        "steps / T": bennett_steps(k, n) / T,
        "pebbles n(k-1)+1": bennett_peak(k, n),
        "time exponent log_k(2k-1)": math.log(2 * k - 1) / math.log(k),
        "full reversal (2k-1)^n+1": full,
        "Treeverse, same states": treeverse_steps(T, states) if T >= 1 else 0,
    }


def bennett_explorer() -> Explorer:
    """An :class:`~helpers.explore.Explorer` with sliders ``k`` (2..5) and ``n`` (1..4).

    Left: Bennett's play on :math:`k^n` cells (blue: a pebble; moves run downwards). Right:
    steps against :math:`T` for every :math:`(k, n)` with :math:`k^n \\le 625`, one line per
    :math:`k` (slope :math:`\\log_k(2k-1)` on log axes), the current play circled and
    Treeverse's steps with as many stored states marked. Readouts: see :func:`_readouts`.
    """
    from helpers.plotting import COLORS

    colors = [COLORS["blue"], COLORS["orange"], COLORS["green"], COLORS["vermillion"]]

    def draw(axes, k, n):
        if k**n > MAX_CELLS:
            raise ValueError(f"k**n = {k ** n} cells is more than this explorer draws ({MAX_CELLS}); "
                             "lower k or n")
        left, right = axes[0, 0], axes[0, 1]
        board = _board(k, n)
        left.imshow(board, aspect="auto", interpolation="nearest", cmap="Blues", vmin=0, vmax=1.6)
        left.set(xlabel="cell i", ylabel="move (time)", title="Bennett's play")
        left.grid(False)
        for kk, col in zip(range(2, 6), colors):
            ns = [m for m in range(1, 9) if kk**m <= MAX_CELLS]
            right.loglog([kk**m for m in ns], [bennett_steps(kk, m) for m in ns], "o-", ms=3,
                         color=col, label=f"k = {kk}")
        r = _readouts(k, n)
        right.loglog([k**n], [r["steps to x_T (2k-1)^n"]], "o", ms=11, mfc="none", color="black",
                     label="this play")
        right.loglog([k**n], [r["Treeverse, same states"]], "s", ms=6, color="black",
                     label="Treeverse, same states")
        right.loglog([2, MAX_CELLS], [2, MAX_CELLS], ":", color="grey", lw=1, label="T (store all)")
        right.set(xlabel="program length T (steps)", ylabel="steps", title="time")
        right.legend(fontsize=6.5, loc="lower right")
        return r

    return Explorer({"k": IntSlider(2, 5, 2, label="branching k"),
                     "n": IntSlider(1, 4, 3, label="levels n")},
                    draw, layout=(1, 2), figsize=(7.0, 3.4))
