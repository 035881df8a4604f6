r"""Chapter 5's exploration: forward or reverse mode for a Jacobian, as the shape changes.

For :math:`f:\mathbb R^n\to\mathbb R^m` forward mode builds the Jacobian from :math:`n`
Jacobian-vector products (one dual-number pass of :mod:`helpers.dual` per input direction) and
reverse mode from :math:`m` vector-Jacobian products (one recording of :mod:`helpers.tape`, then
one backward sweep per output). With per-pass costs :math:`c_\text{fwd}` and :math:`c_\text{rev}`,

.. math::  T_\text{fwd} \approx n\,c_\text{fwd}, \qquad T_\text{rev} \approx m\,c_\text{rev},

so forward mode wins for tall Jacobians (:math:`m > n`), reverse mode for wide ones, with a
crossover near :math:`m = n\,c_\text{fwd}/c_\text{rev}`. The exploration measures both
Jacobians of the layered test function :func:`make_layered` (CPU time, in this process) along
the number of outputs at the chosen :math:`n`, and along the number of inputs at the chosen
:math:`m`, so that the reader sees the crossover move with the shape.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Callable

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from helpers import dual, tape
from helpers.explore import Choice, Explorer
from helpers.plotting import COLORS

__all__ = ["SIZES", "make_layered", "jacobian_forward", "jacobian_reverse", "jacobian_times",
           "jacobian_sweeps", "jacobian_cost_explorer"]

#: The input and output sizes the exploration offers.
SIZES = (2, 6, 12, 24, 48, 96)


def make_layered(n: int, m: int, seed: int = 1) -> Callable:
    r"""The test map :math:`f(x) = C\tanh(B\tanh(Bx + b) + b)` from :math:`\mathbb R^n` to
    :math:`\mathbb R^m`, with seeded random :math:`B\in\mathbb R^{n\times n}`,
    :math:`C\in\mathbb R^{m\times n}`; call it as ``f(x, mod)`` with ``mod`` one of
    ``helpers.dual``, ``helpers.tape``, ``numpy``, ``jax.numpy``."""
    if not (isinstance(n, (int, np.integer)) and isinstance(m, (int, np.integer)) and n >= 1 and m >= 1):
        raise ValueError(f"make_layered: n and m must be whole numbers >= 1, got n={n!r}, m={m!r}")
    r = np.random.default_rng(seed)
    B = r.standard_normal((n, n)) / np.sqrt(n)
    b = r.standard_normal(n)
    C = r.standard_normal((m, n)) / np.sqrt(n)

    def f(x, mod):
        h = mod.tanh(B @ x + b)
        h = mod.tanh(B @ h + b)
        return C @ h

    return f


def jacobian_forward(f: Callable, x: np.ndarray) -> np.ndarray:
    """The Jacobian column by column: one dual-number JVP per input direction (n passes)."""
    return np.stack([dual.jvp(lambda z: f(z, dual), x, e)[1] for e in np.eye(x.size)], axis=1)


def jacobian_reverse(f: Callable, x: np.ndarray) -> np.ndarray:
    """The Jacobian row by row: one tape recording, then one pullback per output (m sweeps)."""
    y, pullback = tape.vjp(lambda z: f(z, tape), x)
    return np.stack([pullback(e) for e in np.eye(np.size(y))])


def _cpu_time(fn: Callable, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


@lru_cache(maxsize=None)
def jacobian_times(n: int, m: int, repeat: int = 3) -> tuple[float, float]:
    """CPU seconds of the forward-mode and the reverse-mode Jacobian of ``make_layered(n, m)``
    (best of ``repeat``), after checking that the two Jacobians agree. Measured once per
    ``(n, m, repeat)`` in a process, then remembered (so a figure and its checks read the same
    numbers)."""
    f = make_layered(n, m)
    x = np.random.default_rng(2).standard_normal(n)
    if not np.allclose(jacobian_forward(f, x), jacobian_reverse(f, x), rtol=1e-10, atol=1e-12):
        raise AssertionError("forward and reverse Jacobians disagree")   # pragma: no cover
    return (_cpu_time(lambda: jacobian_forward(f, x), repeat),
            _cpu_time(lambda: jacobian_reverse(f, x), repeat))


def jacobian_sweeps(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Measured (forward, reverse) times, shape (len(SIZES), 2): first for every number of
    outputs in :data:`SIZES` at ``n`` inputs, then for every number of inputs at ``m`` outputs."""
    return (np.array([jacobian_times(n, mm) for mm in SIZES]),
            np.array([jacobian_times(nn, m) for nn in SIZES]))


def _draw(axes, n: int, m: int):
    by_m, by_n = jacobian_sweeps(n, m)
    for ax, times, fixed, moving, here in ((axes[0, 0], by_m, f"n = {n} inputs", "outputs m", m),
                                           (axes[0, 1], by_n, f"m = {m} outputs", "inputs n", n)):
        ax.loglog(SIZES, 1e3 * times[:, 0], "o-", color=COLORS["blue"], label="forward: n JVPs")
        ax.loglog(SIZES, 1e3 * times[:, 1], "s--", color=COLORS["vermillion"], label="reverse: m VJPs")
        ax.axvline(here, color="0.6", ls=":", lw=1.5)
        ax.set_xticks(SIZES, [str(k) for k in SIZES])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))   # 0.2, 0.5, 1, 2, ...
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))       # plain numbers, not 10^x
        ax.yaxis.set_minor_formatter(NullFormatter())                      # unlabelled minor ticks
        ax.set_xlabel(f"{moving} ({fixed})")
    axes[0, 0].set_ylabel("time for the Jacobian (ms)")
    axes[0, 0].legend(loc="best", fontsize=9)             # wherever the curves leave room
    t_fwd, t_rev = jacobian_times(n, m)
    return {"forward passes": n, "reverse passes": m, "forward (ms)": 1e3 * t_fwd,
            "reverse (ms)": 1e3 * t_rev, "faster": "forward" if t_fwd < t_rev else "reverse"}


def jacobian_cost_explorer(n: int = 24, m: int = 24) -> Explorer:
    """Choose the number of inputs ``n`` and outputs ``m``. Left: the two Jacobians' times for
    every number of outputs at ``n`` inputs; right: for every number of inputs at ``m`` outputs;
    the dotted lines mark the chosen sizes. Readouts: the passes each mode needs at ``(n, m)``,
    their times and which is faster."""
    return Explorer({"n": Choice(list(SIZES), n, label="inputs n"),
                     "m": Choice(list(SIZES), m, label="outputs m")},
                    _draw, layout=(1, 2), figsize=(7, 3.0),
                    title=lambda s: f"n = {s['n']} inputs, m = {s['m']} outputs")
