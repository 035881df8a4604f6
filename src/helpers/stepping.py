r"""One time step, its vector-Jacobian product and the running cost: the arithmetic that every
reverse-mode schedule of the book repeats.

The program is :math:`x_{t+1} = f(x_t;\theta)` for :math:`t = 0..T-1`, with the objective

.. math:: \mathcal{L} = \langle \bar x_T^{\mathrm{seed}}, x_T\rangle
          + \sum_{t=0}^{T} c(t, x_t;\theta).

Whatever the schedule (:mod:`helpers.checkpointing`, :mod:`helpers.reversible_vjp`), reverse
mode is made of three operations on a stored state:

* **step** :math:`x \mapsto f(x;\theta)`;
* **seed** at :math:`t = T`: :math:`\bar x_T = \bar x_T^{\rm seed} + \partial_x c(T, x_T)`,
  :math:`\bar\theta = \partial_\theta c(T, x_T)`, and the value
  :math:`\langle \bar x_T^{\rm seed}, x_T\rangle + c(T, x_T)`;
* **pullback** at :math:`t < T`: :math:`\bar x_t = \bar x_{t+1}\,\partial f(x_t)/\partial x_t +
  \partial_x c(t, x_t)` and :math:`\bar\theta \mathrel{+}= \bar x_{t+1}\,\partial f(x_t)/
  \partial\theta + \partial_\theta c(t, x_t)`.

This module is their one home. :func:`make_backend` returns an object with these operations
for ``backend="jax"`` (:class:`JaxBackend`: ``jax.vjp`` per step; states, parameters and seeds
may be pytrees of arrays; jitted, and the states stay on the device) or ``backend="tape"``
(:class:`TapeBackend`: :func:`helpers.tape.vjp` on numpy arrays, slow, for teaching).
:func:`step_functions` gives the pure (un-jitted) JAX functions, which the compiled executor
(:mod:`helpers.executor`) traces into its loops, so that both executors run the same
arithmetic. :func:`check_arguments` rejects bad arguments up front with a message that names
the argument and what was expected.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, NamedTuple

import numpy as np

__all__ = [
    "BACKENDS",
    "EXECUTORS",
    "StepFunctions",
    "step_functions",
    "JaxBackend",
    "TapeBackend",
    "make_backend",
    "check_arguments",
    "choose_executor",
    "memory_method",
    "residual_choice",
    "precompile",
    "tree_add",
    "tree_nbytes",
]

BACKENDS = ("jax", "tape")
EXECUTORS = ("auto", "compiled", "reference")


def tree_add(a, b):
    """``a + b`` leaf by leaf for arrays or pytrees, with ``None`` as the empty sum (works
    inside ``jax.jit``)."""
    if a is None:
        return b
    if b is None:
        return a
    import jax

    return jax.tree_util.tree_map(lambda u, v: u + v, a, b)


def tree_nbytes(x) -> int:
    """Bytes of an array or of all leaves of a pytree."""
    if hasattr(x, "nbytes"):
        return int(x.nbytes)
    import jax

    return int(sum(np.asarray(a).nbytes if not hasattr(a, "nbytes") else a.nbytes
                   for a in jax.tree_util.tree_leaves(x)))


def _describe(value: Any) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _numeric(leaf) -> bool:
    dtype = getattr(leaf, "dtype", None)
    if dtype is None:
        try:
            dtype = np.asarray(leaf).dtype
        except Exception:  # noqa: BLE001 - anything numpy cannot hold is not a state
            return False
    try:
        return bool(np.issubdtype(dtype, np.number) or np.issubdtype(dtype, np.bool_))
    except TypeError:
        return False


def check_arguments(step, x0, n_steps, adjoint_seed, params=None, step_cost=None,
                    backend: str = "jax", *, min_steps: int = 0, jit: bool = True) -> int:
    """Check the arguments shared by the reverse-mode drivers before any step runs; return
    ``n_steps`` as an ``int``.

    Raises ``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, wrong value)
    with a message naming the argument and what is expected: ``step`` and ``step_cost`` must be
    callables, ``n_steps`` an integer ``>= min_steps``, ``backend`` one of :data:`BACKENDS`,
    ``jit`` a bool, and for the JAX backend ``x0`` a pytree of numeric arrays and
    ``adjoint_seed`` a pytree of the same structure and leaf shapes.
    """
    if not callable(step):
        raise TypeError(f"step must be a callable, step(x, params) with params or step(x) without, "
                        f"got {_describe(step)}")
    if step_cost is not None and not callable(step_cost):
        raise TypeError(f"step_cost must be None or a callable step_cost(t, x, params) returning a "
                        f"scalar, got {_describe(step_cost)}")
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < min_steps:
        raise ValueError(f"n_steps must be an integer >= {min_steps}, got {n_steps!r}")
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise ValueError(f"backend must be 'jax' or 'tape', got {backend!r}")
    if not isinstance(jit, (bool, np.bool_)):
        raise TypeError(f"jit must be True or False, got {_describe(jit)}")
    if backend == "jax":
        import jax

        leaves, tree = jax.tree_util.tree_flatten(x0)
        if not leaves:
            raise ValueError(f"x0 must be an array or a pytree of arrays, got {_describe(x0)}")
        for leaf in leaves:
            if not _numeric(leaf):
                raise TypeError(f"x0 must be an array or a pytree of numeric arrays, got a leaf "
                                f"{_describe(leaf)}")
        s_leaves, s_tree = jax.tree_util.tree_flatten(adjoint_seed)
        if s_tree != tree:
            raise ValueError(f"adjoint_seed must have the structure of x0 ({tree}), got {s_tree}")
        for a, b in zip(leaves, s_leaves):
            if np.shape(a) != np.shape(b):
                raise ValueError(f"adjoint_seed must have the shapes of x0: a leaf of shape "
                                 f"{np.shape(b)} where x0 has {np.shape(a)}")
    else:
        if np.shape(adjoint_seed) != np.shape(x0):
            raise ValueError(f"adjoint_seed must have the shape of x0 {np.shape(x0)}, got "
                             f"{np.shape(adjoint_seed)}")
    return int(n_steps)


# --------------------------------------------------------------------------- JAX
class StepFunctions(NamedTuple):
    """Pure JAX functions of one step (see the module docstring).

    ``f(x, p)``: the step (``p`` is ignored without parameters). ``vjp(x, p, x_bar, p_bar)``:
    ``(x_bar df/dx, p_bar + x_bar df/dp)`` (``p_bar`` stays ``None`` without parameters).
    ``cost_add(t, x, p, x_bar, p_bar)``: ``(c, x_bar + dc/dx, p_bar + dc/dp)``, and
    ``cost(t, x, p)``: the running cost itself, both ``None`` without a running cost.
    ``has_p``: whether the step takes parameters.
    """

    f: Callable
    vjp: Callable
    cost_add: Callable | None
    cost: Callable | None
    has_p: bool


@lru_cache(maxsize=64)
def step_functions(step: Callable, has_p: bool, step_cost: Callable | None = None) -> StepFunctions:
    """The :class:`StepFunctions` of ``step`` (and ``step_cost``), cached so that repeated
    calls with the same functions (a sweep over budgets) trace and compile once."""
    import jax

    f = (lambda x, p: step(x, p)) if has_p else (lambda x, p: step(x))

    def vjp(x, p, x_bar, p_bar):
        _, pullback = jax.vjp(f, x, p)
        gx, gp = pullback(x_bar)
        return gx, (tree_add(p_bar, gp) if has_p else None)

    cost_add = cost = None
    if step_cost is not None:
        def cost(t, x, p):
            return step_cost(t, x, p)

        vg = jax.value_and_grad(cost, argnums=(1, 2))

        def cost_add(t, x, p, x_bar, p_bar):
            v, (cx, cp) = vg(t, x, p)
            return v, tree_add(x_bar, cx), (tree_add(p_bar, cp) if has_p else None)

    return StepFunctions(f, vjp, cost_add, cost, has_p)


@lru_cache(maxsize=64)
def _jitted(fns: StepFunctions, jit: bool):
    import jax

    wrap = jax.jit if jit else (lambda fn: fn)
    return wrap(fns.f), wrap(fns.vjp), (None if fns.cost_add is None else wrap(fns.cost_add))


class JaxBackend:
    """The three operations with JAX, one jitted call each; states stay JAX arrays on the
    default device (nothing is copied to the host). ``jit=False`` runs them op by op."""

    def __init__(self, step: Callable, params: Any, step_cost: Callable | None, jit: bool = True):
        import jax

        self.jax = jax
        self.tu = jax.tree_util
        self.fns = step_functions(step, params is not None, step_cost)
        self.f, self.vjp_fn, self.cost_fn = _jitted(self.fns, bool(jit))

    def start(self, x0):
        """``x0`` as JAX arrays (a stored state)."""
        return self.tu.tree_map(lambda a: self.jax.numpy.asarray(a), x0)

    def step(self, x, p):
        return self.f(x, p)

    def nbytes(self, x) -> int:
        return tree_nbytes(x)

    def inner(self, a, b) -> float:
        """:math:`\\langle a, b\\rangle` summed over all leaves (real part), on the host."""
        la, lb = self.tu.tree_leaves(a), self.tu.tree_leaves(b)
        return float(sum(np.vdot(np.asarray(u), np.asarray(v)).real for u, v in zip(la, lb)))

    def seed(self, t, x, p, seed, costs):
        """Paint of cell :math:`T`: returns ``(x_bar_T, p_bar)`` and appends :math:`c(T, x_T)`
        to ``costs``."""
        if self.cost_fn is None:
            return seed, None
        v, x_bar, p_bar = self.cost_fn(t, x, p, seed, None)
        costs.append(float(v))
        return x_bar, p_bar

    def pullback(self, t, x, p, x_bar, p_bar, costs):
        """Paint of cell :math:`t < T`: returns ``(x_bar_t, p_bar)`` and appends
        :math:`c(t, x_t)` to ``costs``."""
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


# --------------------------------------------------------------------------- tape
class TapeBackend:
    """The three operations with :func:`helpers.tape.vjp` on numpy arrays (slow; for
    teaching: the same schedules run on chapter 4's reverse mode)."""

    def __init__(self, step: Callable, params: Any, step_cost: Callable | None, jit: bool = True):
        from helpers import tape

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


def make_backend(backend: str, step: Callable, params: Any, step_cost: Callable | None,
                 jit: bool = True):
    """A :class:`JaxBackend` (``"jax"``) or :class:`TapeBackend` (``"tape"``)."""
    if backend == "jax":
        return JaxBackend(step, params, step_cost, jit)
    if backend == "tape":
        return TapeBackend(step, params, step_cost, jit)
    raise ValueError(f"backend must be 'jax' or 'tape', got {backend!r}")


def precompile(be, x0, params, adjoint_seed, n_steps: int) -> None:
    """Run one step, the seed and two pullbacks of a backend (the first pullback may start the
    parameter adjoint from ``None``: a second variant), so that everything is compiled before
    a measurement starts."""
    x1 = be.step(be.start(x0), params)
    x_bar, p_bar = be.seed(n_steps, x1, params, adjoint_seed, [])
    x_bar, p_bar2 = be.pullback(0, x1, params, x_bar, p_bar, [])
    if p_bar is None and p_bar2 is not None:
        be.pullback(0, x1, params, x_bar, p_bar2, [])


def memory_method(measure_memory) -> str | None:
    """The :func:`helpers.memory.track` method asked for by a ``measure_memory`` argument
    (``True``: ``"auto"``; ``False``/``None``: no measurement; or a method name)."""
    if measure_memory is True:
        return "auto"
    if measure_memory is False or measure_memory is None:
        return None
    methods = ("auto", "device", "rss", "tracemalloc")
    if isinstance(measure_memory, str) and measure_memory in methods:
        return measure_memory
    raise ValueError(f"measure_memory must be True, False or one of {methods}, got {measure_memory!r}")


def choose_executor(executor: str, backend: str, jit: bool) -> str:
    """``"compiled"`` or ``"reference"`` for an ``executor`` argument (``"auto"``: compiled for
    the JAX backend with ``jit``, else the move-by-move reference)."""
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {EXECUTORS}, got {executor!r}")
    if executor == "auto":
        return "compiled" if (backend == "jax" and jit) else "reference"
    if executor == "compiled" and backend != "jax":
        raise ValueError("executor='compiled' needs backend='jax' (the tape backend runs move by move)")
    if executor == "compiled" and not jit:
        raise ValueError("executor='compiled' always compiles; jit=False needs executor='reference'")
    return executor


def residual_choice(residuals):
    """Check a ``residuals`` argument: ``"auto"``, ``True`` or ``False``."""
    if isinstance(residuals, str) and residuals == "auto":
        return residuals
    if residuals is True or residuals is False:
        return residuals
    raise ValueError(f"residuals must be 'auto', True or False, got {residuals!r}")
