r"""Chapter 4's exploration: the reverse sweep of a recorded tape, one entry at a time.

Choose a small program and step through its reverse sweep: the program is recorded by
:mod:`helpers.tape`, drawn as its computational graph (each node shows its operation, its value
and, once it has arrived, its adjoint :math:`\bar v = \partial\mathcal L/\partial v`), and the
sweep of :meth:`helpers.tape.Tape.backward_steps` is replayed up to the chosen step. The entry
being processed is red, processed entries are green; a node used by several operations
(fan-out) collects one contribution per use before it is processed itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

from helpers import tape as T
from helpers.explore import Choice, Explorer, IntSlider
from helpers.plotting import COLORS

__all__ = ["PROGRAMS", "sweep_states", "tape_sweep_explorer"]


def _seed_program(p):
    x, z = p
    return z * T.sin(x)


def _graph_program(p):
    x1, theta1, theta2 = p
    x2 = T.tanh(theta1 * x1)
    x3 = theta2 * x2 + x2 * x2          # x2 is used three times: fan-out
    return (x3 - 1.0) ** 2


def _shared_program(p):
    (x,) = p
    s = T.sin(x)
    return s * s + s                    # s is used three times


@dataclass(frozen=True)
class Program:
    """A program to record: the function of a tuple of inputs, the inputs' values and names."""

    function: Callable
    inputs: tuple[float, ...]
    names: tuple[str, ...]
    output: str


#: The programs of the exploration: the seed's y = z sin x, the graph of the chapter (the first
#: seed's Fig. 2 in miniature) and a shared node used three times.
PROGRAMS: dict[str, Program] = {
    "y = z sin x": Program(_seed_program, (0.6, 1.7), ("x", "z"), "y"),
    "L = (θ2 x2 + x2² - 1)², x2 = tanh(θ1 x1)": Program(
        _graph_program, (0.8, 1.5, -0.4), ("x1", "θ1", "θ2"), "L"),
    "y = s·s + s, s = sin x": Program(_shared_program, (0.6,), ("x",), "y"),
}


@lru_cache(maxsize=None)
def sweep_states(name: str):
    r"""Record program ``name`` and replay its reverse sweep.

    Returns ``(tape, states)``; ``states[k]`` is ``(current, adjoints, done)`` after ``k`` steps:
    the entry being processed (``None`` for the seed and the final state), the adjoints so far
    (``None`` where nothing has arrived) and the entries already processed. ``states[0]`` holds
    only the seed :math:`\bar{\mathcal L} = 1`; the last state holds the finished sweep."""
    prog = PROGRAMS[name]
    out, tp = T.record(prog.function, prog.inputs)
    seed = [None] * (out.index + 1)
    seed[out.index] = 1.0
    states, done = [(None, seed, ())], []
    for i, adj in tp.backward_steps(out, 1.0):
        states.append((i, [None if a is None else float(a) for a in adj], tuple(done)))
        done.append(i)
    states.append((None, states[-1][1], tuple(done)))
    return tp, states


def _layout(tp) -> dict[int, tuple[float, float]]:
    """Positions of the graph's nodes: x = depth (longest path from an input; an input sits
    one column before its first use), y = order within the column."""
    depth: dict[int, int] = {}
    for i, (prim, parents, _, _) in enumerate(tp.entries):
        depth[i] = 0 if prim is None else 1 + max(depth[p] for p in parents if p is not None)
    for i, (prim, _, _, _) in enumerate(tp.entries):
        if prim is None:
            uses = [depth[j] for j, e in enumerate(tp.entries) if i in e[1]]
            depth[i] = min(uses) - 1 if uses else 0
    columns: dict[int, list[int]] = {}
    for i, d in depth.items():
        columns.setdefault(d, []).append(i)
    pos = {}
    for d, nodes in columns.items():
        for k, i in enumerate(nodes):
            pos[i] = (float(d), (len(nodes) - 1) / 2 - k)
    return pos


def _entry_text(tp, i: int) -> str:
    return tp.listing().splitlines()[i].split("->")[0].strip()


def _describe(state) -> str:
    """The title of a state: which entry passes its adjoint back at this step."""
    tp, states = sweep_states(state["program"])
    k = min(state["step"], len(states) - 1)
    current = states[k][0]
    if current is not None:
        return f"step {k}: {_entry_text(tp, current)} passes its adjoint back"
    return "seed: adjoint of the output = 1" if k == 0 else f"step {k}: sweep finished, all adjoints complete"


def _draw_sweep(ax, program: str, step: int):
    prog = PROGRAMS[program]
    tp, states = sweep_states(program)
    k = min(step, len(states) - 1)
    current, adjoints, done = states[k]
    pos = _layout(tp)
    names = dict(enumerate(prog.names))
    names[len(tp.entries) - 1] = prog.output
    for i, (prim, parents, _, value) in enumerate(tp.entries):
        for k_edge, p in enumerate(parents):
            if p is not None:
                (x0, y0), (x1, y1) = pos[p], pos[i]
                # x * x: draw both edges; an edge that skips a column bends around it
                bend = 0.35 if p in parents[:k_edge] else (-0.3 if x1 - x0 > 1 and y0 == y1 else 0.0)
                ax.annotate("", xy=pos[i], xytext=pos[p], arrowprops=dict(
                    arrowstyle="->", color=COLORS["black"], lw=1, shrinkA=13, shrinkB=13,
                    connectionstyle=f"arc3,rad={bend}"))
        colour = (COLORS["vermillion"] if i == current else COLORS["green"] if i in done
                  else COLORS["orange"] if prim is None else COLORS["sky"])
        ax.scatter(*pos[i], s=650, color=colour, zorder=3)
        ax.text(*pos[i], names.get(i, f"v{i}"), ha="center", va="center", zorder=4, fontsize=10)
        a = "·" if adjoints[i] is None else f"{adjoints[i]:.3f}"
        ax.text(pos[i][0], pos[i][1] - 0.24, f"{'input' if prim is None else prim.name}\n"
                f"{float(value):.3f} | {a}", ha="center", va="top", fontsize=8, zorder=5,
                bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.85))
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.set_ylim(min(ys) - 1.0, max(ys) + 0.5)
    ax.set_axis_off()
    ax.set_title(_describe({"program": program, "step": step}), fontsize=10)
    readouts = {"entry": "seed" if k == 0 else ("done" if current is None else _entry_text(tp, current))}
    for j, nm in enumerate(prog.names):
        readouts[f"{nm}_bar"] = float("nan") if adjoints[j] is None else adjoints[j]
    readouts["steps in the sweep"] = len(states) - 1
    return readouts


def tape_sweep_explorer(program: str = "L = (θ2 x2 + x2² - 1)², x2 = tanh(θ1 x1)") -> Explorer:
    """The reverse sweep of a chosen program, stepped by a slider.

    Controls: ``program`` (one of :data:`PROGRAMS`) and ``step`` (0 is the seed; beyond the
    last step the finished sweep is shown). Readouts: the entry processed at this step, the
    adjoints of the inputs so far (NaN until one arrives) and the number of steps."""
    n_max = max(len(sweep_states(p)[1]) for p in PROGRAMS) - 1
    return Explorer({"program": Choice(list(PROGRAMS), program, label="program"),
                     "step": IntSlider(0, n_max, 0, label="sweep step")},
                    _draw_sweep, figsize=(6.4, 3.2), title=_describe)
