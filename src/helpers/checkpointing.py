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

An explicit move list is first refereed on a :class:`helpers.pebble.CheckpointGame` (so a
broken list fails before any step runs); the named schedules are legal by construction. The
driver then plays the moves as compact ``(code, cell)`` pairs, with one call of a compiled
function per ``place`` and two (the step's VJP, then the running cost) per ``paint``.

Backends: ``"jax"`` (``jax.vjp`` per step, jitted; states and parameters may be pytrees) and
``"tape"`` (``helpers.tape.vjp`` per step on numpy arrays, for teaching).
"""

from __future__ import annotations

import os
import time
import tracemalloc
import weakref
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
# A backend does the arithmetic of the three moves; the drivers below only do the bookkeeping.
#   start(x0) -> stored x0          step(x, p) -> stored f(x)          nbytes(x) -> bytes
#   seed(t, x, p, seed, costs) -> (x_bar_T, p_bar)                     (paint of cell T)
#   pullback(t, x, p, x_bar, p_bar, costs) -> (x_bar_t, p_bar)         (paint of cell t < T)
# ``costs`` is a list to which the running-cost values c(t, x_t) are appended (as floats) in
# painting order; the driver sums them in that order.
def _add(a, b):
    """a + b for arrays or pytrees, with None as the empty sum (works inside jax.jit)."""
    if a is None:
        return b
    if b is None:
        return a
    import jax

    return jax.tree_util.tree_map(lambda u, v: u + v, a, b)


@lru_cache(maxsize=64)
def _jax_step_functions(step: Callable, has_p: bool, jit: bool):
    """Jitted step and per-step VJP (which also adds the step's parameter cotangent to the
    running sum), cached so that repeated calls with the same ``step`` (a sweep over budgets)
    compile once."""
    import jax

    f = (lambda x, p: step(x, p)) if has_p else (lambda x, p: step(x))

    def vjp_step(x, p, x_bar, p_bar):
        """x_bar df/dx, and p_bar + x_bar df/dp."""
        _, pullback = jax.vjp(f, x, p)
        gx, gp = pullback(x_bar)
        return gx, (_add(p_bar, gp) if has_p else None)

    wrap = jax.jit if jit else (lambda fn: fn)
    return wrap(f), wrap(vjp_step)


@lru_cache(maxsize=64)
def _jax_cost_function(step_cost: Callable, has_p: bool, jit: bool):
    """Jitted running cost, added to the adjoints: ``(c, x_bar + dc/dx, p_bar + dc/dp)``."""
    import jax

    vg = jax.value_and_grad(lambda t, x, p: step_cost(t, x, p), argnums=(1, 2))

    def cost_add(t, x, p, x_bar, p_bar):
        v, (cx, cp) = vg(t, x, p)
        return v, _add(x_bar, cx), (_add(p_bar, cp) if has_p else None)

    return jax.jit(cost_add) if jit else cost_add


class _JaxBackend:
    """Per-step VJPs with JAX. States are kept as JAX arrays (no host round trip per step);
    with ``host_copies=True`` (memory measurement) each stored state is a numpy copy in host
    memory, which ``tracemalloc`` sees, and the device result of the latest step is reused as
    the next step's input (the working state) instead of being copied back."""

    def __init__(self, step, params, step_cost, jit: bool, host_copies: bool = False):
        import jax

        self.jax = jax
        self.tu = jax.tree_util
        self.host = host_copies
        has_p = params is not None
        self.f, self.vjp_fn = _jax_step_functions(step, has_p, jit)
        self.cost_fn = None if step_cost is None else _jax_cost_function(step_cost, has_p, jit)
        self._work = None  # (weak reference to the latest stored host copy, its device array)

    def start(self, x0):
        if self.host:
            return self.tu.tree_map(lambda a: np.array(a), x0)
        return self.tu.tree_map(lambda a: self.jax.numpy.asarray(a), x0)

    def _device(self, x):
        """The device array behind a stored state (the working state when it is the latest)."""
        if self._work is not None and self._work[0]() is x:
            return self._work[1]
        return x

    def step(self, x, p):
        y = self.f(self._device(x), p)
        if not self.host:
            return y
        if isinstance(y, self.jax.Array):  # one array: host copy, visible to tracemalloc
            h = np.array(y)
            self._work = (weakref.ref(h), y)
        else:  # a pytree container (dict, tuple) cannot be weakly referenced: no working state
            h = self.tu.tree_map(lambda a: np.array(a), y)
            self._work = None
        return h

    def nbytes(self, x) -> int:
        if hasattr(x, "nbytes"):
            return int(x.nbytes)
        return int(sum(a.nbytes for a in self.tu.tree_leaves(x)))

    def inner(self, a, b) -> float:
        la, lb = self.tu.tree_leaves(a), self.tu.tree_leaves(b)
        return float(sum(np.vdot(np.asarray(u), np.asarray(v)).real for u, v in zip(la, lb)))

    def seed(self, t, x, p, seed, costs):
        if self.cost_fn is None:
            return seed, None
        v, x_bar, p_bar = self.cost_fn(t, self._device(x), p, seed, None)
        costs.append(float(v))
        return x_bar, p_bar

    def pullback(self, t, x, p, x_bar, p_bar, costs):
        x = self._device(x)
        x_bar, p_bar = self.vjp_fn(x, p, x_bar, p_bar)
        if self.cost_fn is None:
            return x_bar, p_bar
        v, x_bar, p_bar = self.cost_fn(t, x, p, x_bar, p_bar)
        costs.append(float(v))
        return x_bar, p_bar

    def zeros_like(self, p):
        return self.tu.tree_map(lambda a: 0 * a, p)

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

    def start(self, x0):
        return np.array(x0, dtype=float)

    def nbytes(self, x) -> int:
        return int(np.asarray(x).nbytes)

    def inner(self, a, b) -> float:
        return float(np.vdot(np.asarray(a), np.asarray(b)))

    def step(self, x, p):
        return np.asarray(self.step_fn(x, p) if self.has_p else self.step_fn(x), dtype=float)

    def _cost(self, t, x, p):
        if self.has_p:
            v, pullback = self.tape.vjp(lambda xp: self.step_cost(t, xp[0], xp[1]), (x, p))
            gx, gp = pullback(1.0)
            return float(v), np.asarray(gx, dtype=float), np.asarray(gp, dtype=float)
        v, pullback = self.tape.vjp(lambda z: self.step_cost(t, z, None), x)
        return float(v), np.asarray(pullback(1.0), dtype=float), None

    def seed(self, t, x, p, seed, costs):
        if self.step_cost is None:
            return seed, None
        v, cx, cp = self._cost(t, x, p)
        costs.append(v)
        return seed + cx, cp

    def pullback(self, t, x, p, x_bar, p_bar, costs):
        if self.has_p:  # one tape per step, both cotangents from one reverse sweep
            _, pb = self.tape.vjp(lambda xp: self.step_fn(xp[0], xp[1]), (x, p))
            gx, gp = pb(x_bar)
            gx, gp = np.asarray(gx, dtype=float), np.asarray(gp, dtype=float)
            p_bar = gp if p_bar is None else p_bar + gp
        else:
            _, pb = self.tape.vjp(self.step_fn, x)
            gx = np.asarray(pb(x_bar), dtype=float)
        if self.step_cost is None:
            return gx, p_bar
        v, cx, cp = self._cost(t, x, p)
        costs.append(v)
        return gx + cx, (p_bar if cp is None else (cp if p_bar is None else p_bar + cp))

    def zeros_like(self, p):
        return 0 * p

    def finish(self, x):
        return x


def _backend(backend: str, step, params, step_cost, jit: bool, host_copies: bool):
    if backend == "jax":
        return _JaxBackend(step, params, step_cost, jit, host_copies)
    if backend == "tape":
        return _TapeBackend(step, params, step_cost)
    raise ValueError(f"backend must be 'jax' or 'tape', got {backend!r}")


def _precompile(be, x0, params, adjoint_seed, n_steps: int) -> None:
    """Run one step, the seed and two pullbacks (the first one may start the parameter
    adjoint from None: a second variant), so that everything is compiled before tracing."""
    x1 = be.step(be.start(x0), params)
    x_bar, p_bar = be.seed(n_steps, x1, params, adjoint_seed, [])
    x_bar, p_bar2 = be.pullback(0, x1, params, x_bar, p_bar, [])
    if p_bar is None and p_bar2 is not None:
        be.pullback(0, x1, params, x_bar, p_bar2, [])


def _compile_moves(moves: Sequence, refereed: bool, n_steps: int, n_checkpoints: int) -> list:
    """The moves as ``(code, cell)`` pairs, code 0 = place, 1 = remove, 2 = paint. With
    ``refereed`` the whole list is first played on a :class:`CheckpointGame`, so that an
    illegal or incomplete list is rejected before any step runs (the named schedules are
    legal by construction, see ``tests/test_pebble.py``)."""
    if refereed:
        game = CheckpointGame(n_steps, n_checkpoints, record=False)
        for k, move in enumerate(moves):
            try:
                game.move(move)
            except IllegalMove as exc:
                raise IllegalMove(f"move {k}: {exc}") from None
        if not game.done:
            raise IllegalMove(f"the schedule ended before every cell was painted "
                              f"({len(game.painted)} of {n_steps + 1}); the gradient is incomplete")
    code = {"place": 0, "remove": 1, "paint": 2}
    return [(code[a], int(i)) for a, i in moves]


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
        Trace the peak memory with ``tracemalloc`` (states are then stored as host numpy
        copies, so they are counted). Slows each step by a copy to the host and Python
        allocations somewhat; without it (``False``) the states stay JAX arrays and
        ``peak_bytes`` is ``None``, while ``peak_state_bytes`` still counts them exactly.

    Raises ``ValueError`` for a budget too small for the schedule and
    :class:`helpers.pebble.IllegalMove` for an explicit move list that breaks a rule or
    does not finish the game.
    """
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 0:
        raise ValueError(f"n_steps must be an integer >= 0, got {n_steps!r}")
    if isinstance(n_checkpoints, bool) or not isinstance(n_checkpoints, (int, np.integer)) or n_checkpoints < 1:
        raise ValueError(f"n_checkpoints must be an integer >= 1, got {n_checkpoints!r}")
    n_steps, n_checkpoints = int(n_steps), int(n_checkpoints)
    be = _backend(backend, step, params, step_cost, jit, host_copies=measure_memory)
    name, moves = schedule_moves(schedule, n_steps, n_checkpoints)
    plan = _compile_moves(moves, name == "custom", n_steps, n_checkpoints)

    tracing = False
    if measure_memory and backend == "jax" and n_steps > 0:
        # compile before tracing, so that the traced peak is the schedule's, not the compiler's
        _precompile(be, x0, params, adjoint_seed, n_steps)
    if measure_memory:
        tracing = not tracemalloc.is_tracing()
        if tracing:
            tracemalloc.start()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    t0 = time.perf_counter()

    states: dict[int, Any] = {0: be.start(x0)}  # the pebbles: cell -> stored state
    sizes: dict[int, int] = {0: be.nbytes(states[0])}
    state_bytes = peak_state_bytes = sizes[0]
    peak_states = 1
    forward_steps = vjp_calls = 0
    x_bar = p_bar = None  # adjoints of the lowest painted cell and of the parameters
    value, costs = 0.0, []
    try:
        for action, i in plan:
            if action == 0:  # place(i): x_i = f(x_{i-1}), stored
                states[i] = be.step(states[i - 1], params)
                forward_steps += 1
                sizes[i] = be.nbytes(states[i])
                state_bytes += sizes[i]
                peak_state_bytes = max(peak_state_bytes, state_bytes)
                peak_states = max(peak_states, len(states))
            elif action == 1:  # remove(i): forget x_i
                del states[i]
                state_bytes -= sizes.pop(i)
            elif i == n_steps:  # paint(T): the seed, plus the running cost at T
                value += be.inner(adjoint_seed, states[i])
                x_bar, p_bar = be.seed(i, states[i], params, adjoint_seed, costs)
            else:  # paint(i): one VJP of step i, plus the running cost at i
                x_bar, p_bar = be.pullback(i, states[i], params, x_bar, p_bar, costs)
                vjp_calls += 1
        painted = sum(a == 2 for a, _ in plan)
        if painted != n_steps + 1:  # only possible for a broken named schedule
            raise IllegalMove(f"the schedule ended before every cell was painted "
                              f"({painted} of {n_steps + 1}); the gradient is incomplete")
        for v in costs:  # the running costs, summed in painting order
            value += v
        seconds = time.perf_counter() - t0
        peak_bytes = None
        if measure_memory:
            peak_bytes = int(tracemalloc.get_traced_memory()[1] - base)
    finally:
        if tracing:
            tracemalloc.stop()
    if params is not None and p_bar is None:  # T = 0 and no running cost
        p_bar = be.zeros_like(params)
    return CheckpointedVJP(
        x0_bar=be.finish(x_bar), params_bar=None if params is None else be.finish(p_bar),
        value=value, forward_steps=forward_steps, vjp_calls=vjp_calls, peak_states=peak_states,
        peak_state_bytes=int(peak_state_bytes), peak_bytes=peak_bytes, schedule=name,
        moves=len(moves), n_steps=n_steps, n_checkpoints=n_checkpoints, seconds=seconds,
    )
