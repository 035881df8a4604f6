r"""Reverse a time-stepping program under a memory budget, following a pebble-game schedule.

The program is :math:`x_{t+1} = f(x_t; \theta)` for :math:`t = 0, \dots, T-1`, and the
objective is

.. math:: \mathcal{L} = \langle \bar x_T^{\mathrm{seed}}, x_T\rangle
          + \sum_{t=0}^{T} c(t, x_t; \theta),

with the optional running cost :math:`c` (e.g. a receiver recording the wavefield at each
step). Reverse mode needs the states in reverse order,

.. math:: \bar x_T = \bar x_T^{\mathrm{seed}} + \partial_x c(T, x_T), \qquad
          \bar x_t = \bar x_{t+1}\,\frac{\partial f(x_t)}{\partial x_t} + \partial_x c(t, x_t),
          \qquad \bar\theta = \sum_t \bar x_{t+1}\frac{\partial f(x_t)}{\partial \theta}
          + \partial_\theta c(t, x_t),

and a memory for ``n_checkpoints`` states. :func:`checkpointed_vjp` plays a checkpoint
pebble game (:mod:`helpers.pebble`) move by move: ``place(i)`` runs the step
:math:`x_i = f(x_{i-1})` and stores :math:`x_i`, ``remove(i)`` frees it, ``paint(i)`` applies
the recursion above at :math:`t = i` (one vector-Jacobian product of step :math:`i`, or the
seed at :math:`i = T`). The game's rules guarantee that every state is present when needed, so
the gradient is exactly the store-all one, whatever the schedule; only the time (forward step
calls) and the memory (peak stored states, measured bytes) change.

Backends: ``"jax"`` (``jax.vjp`` per step, jitted; states and parameters may be pytrees) and
``"tape"`` (``helpers.tape.vjp`` per step on numpy arrays, for teaching).
"""

from __future__ import annotations

import os
import time
import tracemalloc
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Sequence

import numpy as np

from helpers.pebble import (
    CheckpointGame,
    IllegalMove,
    recompute_all_moves,
    store_all_moves,
    treeverse_moves,
    uniform_moves,
)

__all__ = ["CheckpointedVJP", "checkpointed_vjp", "schedule_moves", "SCHEDULES"]

SCHEDULES = ("treeverse", "uniform", "store_all", "recompute_all")


@dataclass
class CheckpointedVJP:
    """Result of :func:`checkpointed_vjp`.

    ``x0_bar`` and ``params_bar`` are the gradients of the objective with respect to
    :math:`x_0` and :math:`\\theta` (``params_bar`` is ``None`` without parameters); ``value``
    is the objective. ``forward_steps`` counts calls of ``step`` (= the schedule's placements),
    ``vjp_calls`` the per-step VJPs (= ``n_steps``), ``peak_states`` the most states stored at
    once (never above ``n_checkpoints``), ``peak_state_bytes`` their largest total size, and
    ``peak_bytes`` the peak traced memory above the start (``tracemalloc``; ``None`` when not
    measured). ``schedule`` names the schedule and ``moves`` counts its moves.
    """

    x0_bar: Any
    params_bar: Any
    value: float
    forward_steps: int
    vjp_calls: int
    peak_states: int
    peak_state_bytes: int
    peak_bytes: int | None
    schedule: str
    moves: int
    n_steps: int
    n_checkpoints: int
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def time_overhead(self) -> float:
        """Forward step calls per time step (1 for store-all)."""
        return self.forward_steps / max(self.n_steps, 1)


def schedule_moves(schedule: str | Sequence, n_steps: int, n_checkpoints: int) -> tuple[str, list]:
    """The move list of a named schedule for ``n_steps`` steps and ``n_checkpoints`` stored
    states (or an explicit move list, passed through). Returns ``(name, moves)``."""
    if not isinstance(schedule, str):
        return "custom", list(schedule)
    n, p = n_steps, n_checkpoints
    if schedule == "treeverse":
        return schedule, treeverse_moves(n, p)
    if schedule == "uniform":
        return schedule, uniform_moves(n, p)
    if schedule == "store_all":
        if p < n + 1:
            raise ValueError(f"schedule 'store_all' stores all {n + 1} states, but n_checkpoints={p}; "
                             f"use n_checkpoints >= {n + 1} or another schedule")
        return schedule, store_all_moves(n)
    if schedule == "recompute_all":
        need = 1 if n == 0 else (2 if n == 1 else 3)
        if p < need:
            raise ValueError(f"schedule 'recompute_all' needs {need} stored states, got n_checkpoints={p}")
        return schedule, recompute_all_moves(n)
    raise ValueError(f"unknown schedule {schedule!r}; use one of {SCHEDULES} or a list of moves")


# --------------------------------------------------------------------------- backends
@lru_cache(maxsize=64)
def _jax_step_functions(step: Callable, has_p: bool, jit: bool):
    """Jitted step and per-step VJP, cached so that repeated calls with the same ``step`` (a
    sweep over budgets) compile once."""
    import jax

    f = (lambda x, p: step(x, p)) if has_p else (lambda x, p: step(x))

    def vjp_step(x, p, g):
        _, pullback = jax.vjp(f, x, p)
        return pullback(g)

    wrap = jax.jit if jit else (lambda fn: fn)
    return wrap(f), wrap(vjp_step)


@lru_cache(maxsize=64)
def _jax_cost_function(step_cost: Callable, jit: bool):
    """Jitted value and gradient of the running cost with respect to (x, params)."""
    import jax

    vg = jax.value_and_grad(lambda t, x, p: step_cost(t, x, p), argnums=(1, 2))
    return jax.jit(vg) if jit else vg


def _jax_functions(step: Callable, step_cost: Callable | None, has_p: bool, jit: bool):
    f, vjp_step = _jax_step_functions(step, has_p, jit)
    cost_vg = None if step_cost is None else _jax_cost_function(step_cost, jit)
    return f, vjp_step, cost_vg


class _JaxBackend:
    def __init__(self, step, params, step_cost, jit: bool):
        os.environ.setdefault("JAX_PLATFORMS", "cpu")
        import jax

        self.jax = jax
        self.tu = jax.tree_util
        self.f, self.vjp_step, self.cost_vg = _jax_functions(step, step_cost, params is not None, jit)

    def store(self, x):  # host copy, visible to tracemalloc
        return self.tu.tree_map(lambda a: np.array(a), x)

    def nbytes(self, x) -> int:
        return int(sum(np.asarray(a).nbytes for a in self.tu.tree_leaves(x)))

    def add(self, a, b):
        if a is None:
            return b
        return self.tu.tree_map(lambda u, v: u + v, a, b)

    def inner(self, a, b) -> float:
        la, lb = self.tu.tree_leaves(a), self.tu.tree_leaves(b)
        return float(sum(np.vdot(np.asarray(u), np.asarray(v)).real for u, v in zip(la, lb)))

    def step(self, x, p):
        return self.f(x, p)

    def vjp(self, x, p, g):
        return self.vjp_step(x, p, g)

    def cost(self, t, x, p):
        v, (gx, gp) = self.cost_vg(t, x, p)
        return float(v), gx, gp

    def finish(self, x):
        return self.tu.tree_map(lambda a: self.jax.numpy.asarray(a), x)


class _TapeBackend:
    """Per-step VJPs with :func:`helpers.tape.vjp` on numpy arrays (slow; for teaching)."""

    def __init__(self, step, params, step_cost):
        try:
            from helpers import tape
        except ImportError as exc:  # pragma: no cover - depends on the other module
            raise ImportError("backend='tape' needs helpers.tape (chapter 4's reverse mode)") from exc
        self.tape = tape
        self.has_p = params is not None
        self.step_fn = step
        self.step_cost = step_cost

    def store(self, x):
        return np.array(x, dtype=float)

    def nbytes(self, x) -> int:
        return int(np.asarray(x).nbytes)

    def add(self, a, b):
        return b if a is None else a + b

    def inner(self, a, b) -> float:
        return float(np.vdot(np.asarray(a), np.asarray(b)))

    def step(self, x, p):
        return np.asarray(self.step_fn(x, p) if self.has_p else self.step_fn(x), dtype=float)

    def vjp(self, x, p, g):
        if self.has_p:  # one tape per step, both cotangents from one reverse sweep
            _, pullback = self.tape.vjp(lambda xp: self.step_fn(xp[0], xp[1]), (x, p))
            gx, gp = pullback(g)
            return np.asarray(gx, dtype=float), np.asarray(gp, dtype=float)
        _, pullback = self.tape.vjp(self.step_fn, x)
        return np.asarray(pullback(g), dtype=float), None

    def cost(self, t, x, p):
        if self.has_p:
            v, pullback = self.tape.vjp(lambda xp: self.step_cost(t, xp[0], xp[1]), (x, p))
            gx, gp = pullback(1.0)
            return float(v), np.asarray(gx, dtype=float), np.asarray(gp, dtype=float)
        v, pullback = self.tape.vjp(lambda z: self.step_cost(t, z, None), x)
        return float(v), np.asarray(pullback(1.0), dtype=float), None

    def finish(self, x):
        return x


# --------------------------------------------------------------------------- the driver
def checkpointed_vjp(
    step: Callable,
    x0: Any,
    n_steps: int,
    adjoint_seed: Any,
    n_checkpoints: int,
    schedule: str | Sequence = "treeverse",
    params: Any = None,
    step_cost: Callable | None = None,
    backend: str = "jax",
    *,
    measure_memory: bool = True,
    jit: bool = True,
) -> CheckpointedVJP:
    r"""Gradient of :math:`\langle \bar x_T^{\rm seed}, x_T\rangle + \sum_t c(t, x_t;\theta)`
    with respect to :math:`x_0` (and :math:`\theta`), storing at most ``n_checkpoints`` states.

    Parameters
    ----------
    step
        One time step: ``step(x, params)`` if ``params`` is given, else ``step(x)``.
    x0
        Initial state (array or pytree of arrays).
    n_steps
        Number of steps :math:`T`.
    adjoint_seed
        Cotangent of the final state :math:`x_T` (same structure; may be zeros).
    n_checkpoints
        Memory budget: the most states held at once, :math:`x_0` and the working state
        included (the ``n_pebbles`` of :class:`helpers.pebble.CheckpointGame`).
    schedule
        ``"treeverse"`` (fewest steps for the budget), ``"uniform"``, ``"store_all"``,
        ``"recompute_all"``, or an explicit list of checkpoint-game moves.
    params, step_cost
        Optional parameters :math:`\theta` and running cost ``step_cost(t, x_t, params)``
        (a scalar, summed over :math:`t = 0..T`).
    backend
        ``"jax"`` or ``"tape"`` (:mod:`helpers.tape`, numpy arrays).
    measure_memory
        Trace the peak memory with ``tracemalloc`` (states are stored as host numpy copies,
        so they are counted). Slows Python allocations somewhat.

    Raises ``ValueError`` for a budget too small for the schedule and
    :class:`helpers.pebble.IllegalMove` for an explicit move list that breaks a rule or
    does not finish the game.
    """
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 0:
        raise ValueError(f"n_steps must be an integer >= 0, got {n_steps!r}")
    if isinstance(n_checkpoints, bool) or not isinstance(n_checkpoints, (int, np.integer)) or n_checkpoints < 1:
        raise ValueError(f"n_checkpoints must be an integer >= 1, got {n_checkpoints!r}")
    n_steps, n_checkpoints = int(n_steps), int(n_checkpoints)
    if backend == "jax":
        be = _JaxBackend(step, params, step_cost, jit)
    elif backend == "tape":
        be = _TapeBackend(step, params, step_cost)
    else:
        raise ValueError(f"backend must be 'jax' or 'tape', got {backend!r}")
    name, moves = schedule_moves(schedule, n_steps, n_checkpoints)

    tracing = False
    if measure_memory and backend == "jax" and n_steps > 0:
        # compile before tracing, so that the traced peak is the schedule's, not the compiler's
        x1 = be.step(x0, params)
        be.vjp(x0, params, adjoint_seed)
        if step_cost is not None:
            be.cost(0, x0, params)
        del x1
    if measure_memory:
        tracing = not tracemalloc.is_tracing()
        if tracing:
            tracemalloc.start()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    t0 = time.perf_counter()

    game = CheckpointGame(n_steps, n_checkpoints, record=False)
    states: dict[int, Any] = {0: be.store(x0)}
    state_bytes = be.nbytes(states[0])
    peak_state_bytes = state_bytes
    forward_steps = vjp_calls = 0
    x_bar = None  # adjoint of the lowest painted cell
    p_bar = None
    value = 0.0
    try:
        for k, (action, i) in enumerate(moves):
            try:
                game.move((action, i))
            except IllegalMove as exc:
                raise IllegalMove(f"move {k}: {exc}") from None
            if action == "place":
                states[i] = be.store(be.step(states[i - 1], params))
                forward_steps += 1
                state_bytes += be.nbytes(states[i])
                peak_state_bytes = max(peak_state_bytes, state_bytes)
            elif action == "remove":
                state_bytes -= be.nbytes(states.pop(i))
            else:  # paint: the backward recursion at cell i
                x = states[i]
                if i == n_steps:
                    value += be.inner(adjoint_seed, x)
                    x_bar = adjoint_seed
                else:
                    gx, gp = be.vjp(x, params, x_bar)
                    vjp_calls += 1
                    x_bar = gx
                    if params is not None:
                        p_bar = be.add(p_bar, gp)
                if step_cost is not None:
                    v, cx, cp = be.cost(i, x, params)
                    value += v
                    x_bar = be.add(x_bar, cx)
                    if params is not None:
                        p_bar = be.add(p_bar, cp)
        if not game.done:
            raise IllegalMove(f"the schedule ended before every cell was painted "
                              f"({len(game.painted)} of {n_steps + 1}); the gradient is incomplete")
        seconds = time.perf_counter() - t0
        peak_bytes = None
        if measure_memory:
            peak_bytes = int(tracemalloc.get_traced_memory()[1] - base)
    finally:
        if tracing:
            tracemalloc.stop()
    if params is not None and p_bar is None:  # T = 0 and no running cost
        p_bar = be.jax.tree_util.tree_map(lambda a: 0 * a, params) if backend == "jax" else 0 * params
    return CheckpointedVJP(
        x0_bar=be.finish(x_bar), params_bar=None if params is None else be.finish(p_bar),
        value=value, forward_steps=forward_steps, vjp_calls=vjp_calls, peak_states=game.peak,
        peak_state_bytes=int(peak_state_bytes), peak_bytes=peak_bytes, schedule=name,
        moves=len(moves), n_steps=n_steps, n_checkpoints=n_checkpoints, seconds=seconds,
    )
