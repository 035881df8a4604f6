r"""Chapter 7's exploration: the memory budget against recomputation.

A budget of :math:`\delta` stored states (pebbles, :math:`x_0` included) on a program of
:math:`T` steps: the explorer draws the play of the chosen schedule (cells against moves) and the
time overhead of every budget, with the current one marked. Treeverse's cost is the optimum
:math:`F(T, \delta) = \sum_k t_\delta(k)` of :func:`helpers.pebble.treeverse_steps`; uniform
checkpoints need at least about :math:`2\sqrt T` states and cost more at any budget.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from helpers.explore import Choice, Explorer, IntSlider
from helpers.pebble import (
    CheckpointGame,
    history,
    play,
    recompute_all_moves,
    treeverse_moves,
    treeverse_steps,
    uniform_moves,
    uniform_peak,
)

__all__ = ["budget_explorer", "T_CHOICES"]

#: the program lengths the explorer offers
T_CHOICES = (16, 32, 64)


@lru_cache(maxsize=256)
def _play(schedule: str, T: int, delta: int):
    """(history, steps, peak) of a schedule with at most ``delta`` pebbles, or None if it cannot
    run with so few."""
    if schedule == "treeverse":
        moves = treeverse_moves(T, delta)
    elif schedule == "uniform":
        fits = [s for s in range(1, T + 1) if uniform_peak(T, s) <= delta]
        if not fits:
            return None
        # the cheapest segment length that fits (fewest steps, then fewest pebbles): the play the
        # right panel's uniform curve counts, so that the circle sits on it
        best = min(fits, key=lambda s: (sum(a == "place" for a, _ in uniform_moves(T, segment=s)),
                                        uniform_peak(T, s), -s))
        moves = uniform_moves(T, segment=best)
    else:  # recompute all: three pebbles whatever the budget
        moves = recompute_all_moves(T)
    g = CheckpointGame(T, delta)
    steps, peak = play(g, moves)
    return history(g), steps, peak


@lru_cache(maxsize=16)
def _curves(T: int):
    budgets = np.arange(3, T + 2)
    tree = np.array([treeverse_steps(T, int(b)) for b in budgets]) / T
    uni = {}
    for s in range(1, T + 1):  # the cheapest uniform play at each peak, replayed
        steps, pk = play(CheckpointGame(T, T + 1), uniform_moves(T, segment=s))
        uni[pk] = min(uni.get(pk, np.inf), steps / T)
    ub = np.array(sorted(uni))
    ut = np.minimum.accumulate(np.array([uni[b] for b in ub]))  # more states never cost more
    return budgets, tree, ub, ut


def _plain_log_ticks(ax, T: int) -> None:
    """Plain-number ticks on the log axes (no 3×10⁰ labels that overlap on a small panel)."""
    from matplotlib.ticker import NullFormatter

    x = [v for v in (3, 4, 8, 16, 32, 64) if v <= T + 1]
    lo, hi = ax.get_ylim()
    ax.set_xticks(x, labels=[str(v) for v in x])
    ticks = [v for v in (1, 2, 4, 8, 16, 32) if lo <= v <= hi] or [1]
    ax.set_yticks(ticks, labels=[str(v) for v in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())


def budget_explorer() -> Explorer:
    """An :class:`~helpers.explore.Explorer` with controls ``T`` (16, 32, 64 steps), ``delta``
    (3..65 stored states, capped at T + 1) and ``schedule`` (treeverse, uniform, recompute all).

    Left: the play (blue: pebble, orange: painted; moves run downwards). Right: forward steps / T
    against the budget for Treeverse (the optimum) and uniform checkpoints, the current play
    marked. Readouts: the budget used, forward steps, steps per time step, peak pebbles, and the
    memory saved against storing all T + 1 states."""
    from helpers.pebble.pictures import _cmap
    from helpers.plotting import COLORS

    def draw(axes, T, delta, schedule):
        delta = min(delta, T + 1)
        left, right = axes[0, 0], axes[0, 1]
        budgets, tree, ub, ut = _curves(T)
        right.plot(budgets, tree, "-", color=COLORS["blue"], label="Treeverse (optimal)")
        right.plot(ub, ut, "--", color=COLORS["green"], label="uniform")
        right.set(xscale="log", yscale="log", xlabel="budget δ (stored states)",
                  ylabel="forward steps / T", title=f"T = {T}")
        res = _play(schedule, T, delta)
        if res is None:
            left.text(0.5, 0.5, f"uniform checkpoints need\nat least {int(ub.min())} states",
                      ha="center", va="center", transform=left.transAxes)
            left.set_axis_off()
            right.legend(fontsize=7, loc="upper right")
            _plain_log_ticks(right, T)
            return {"budget δ": delta, "forward steps": "does not fit"}
        board, steps, peak = res
        left.imshow(board, aspect="auto", interpolation="nearest", cmap=_cmap(), vmin=-0.5, vmax=3.5)
        left.set(xlabel="cell i", ylabel="move (time)", title=f"{schedule}, δ = {delta}")
        left.grid(False)
        right.plot([peak], [steps / T], "o", ms=9, mfc="none", color="black", label="this play")
        right.legend(fontsize=7, loc="upper right")
        _plain_log_ticks(right, T)
        return {"budget δ": delta, "forward steps": steps, "steps / T": steps / T,
                "peak pebbles": peak, "memory vs store-all": peak / (T + 1)}

    return Explorer({"T": Choice(T_CHOICES, 32, label="steps T"),
                     "delta": IntSlider(3, max(T_CHOICES) + 1, 6, label="budget δ"),
                     "schedule": Choice(("treeverse", "uniform", "recompute all"), "treeverse",
                                        label="schedule")},
                    draw, layout=(1, 2), figsize=(7.0, 3.4))
