r"""Fixed-step ODE integration in JAX, and its gradient by the continuous adjoint method.

We solve the initial-value problem

.. math::  \frac{dy}{dt} = f(y, t, \theta), \qquad y(t_0) = y_0,

on :math:`[t_0, t_1]` with the classical fourth-order Runge-Kutta scheme and ``n`` equal steps
:math:`h = (t_1 - t_0)/n`,

.. math::
   k_1 &= f(y_i, t_i, \theta), \quad
   k_2 = f(y_i + \tfrac h2 k_1, t_i + \tfrac h2, \theta), \quad
   k_3 = f(y_i + \tfrac h2 k_2, t_i + \tfrac h2, \theta), \quad
   k_4 = f(y_i + h k_3, t_i + h, \theta), \\
   y_{i+1} &= y_i + \tfrac h6 (k_1 + 2k_2 + 2k_3 + k_4),

whose global error is :math:`O(h^4)`.

Two ways to differentiate a loss :math:`L(y(t_1))`:

*Backpropagation through the integrator*: call ``jax.grad`` on a function that uses
:func:`odeint_rk4`. Reverse mode then stores the intermediate stages of every step, so its
memory grows as :math:`O(n)`; the gradient is the exact derivative of the *discrete* map.

*The continuous adjoint method* (Pontryagin; Chen et al. 2018): with the adjoint
:math:`a(t) = \partial L / \partial y(t)`, integrate the augmented system

.. math::
   \frac{dy}{dt} = f, \qquad
   \frac{da}{dt} = -a^\top \frac{\partial f}{\partial y}, \qquad
   \frac{dg}{dt} = -a^\top \frac{\partial f}{\partial \theta}

*backward* from :math:`t_1` to :math:`t_0`, starting from :math:`y(t_1)`,
:math:`a(t_1) = \partial L/\partial y(t_1)` and :math:`g(t_1) = 0`. Then
:math:`a(t_0) = \partial L/\partial y_0` and
:math:`g(t_0) = \int_{t_0}^{t_1} a^\top \partial f/\partial\theta \, dt = \partial L/\partial\theta`.
The state :math:`y(t)` is recomputed by the backward integration rather than stored, so the
memory is :math:`O(1)` in the number of steps. The products :math:`a^\top \partial f/\partial y`
and :math:`a^\top \partial f/\partial\theta` are vector-Jacobian products of ``f``, computed
by ``jax.vjp``. :func:`adjoint_gradient` uses the same fixed-step RK4 scheme backward, so it
agrees with backpropagation up to the integration error, :math:`O(h^4)`, not to round-off.
The backward recomputation of :math:`y` is unstable when the forward dynamics contract
strongly: the backward dynamics then expand at the same rate, and any error in the recomputed
state (round-off in :math:`y(t_1)`, the mismatch between a forward and a backward RK4 step) grows
by the inverse of the contraction, up to :math:`1/\sigma_{\min}(\partial y(t_1)/\partial y_0)`.
The remedy is checkpointing (chapter 7): with ``checkpoints=m`` the forward pass stores the state
at the ends of ``m`` segments of (nearly) equal length, and the backward pass restarts the state
recomputation from the stored state at the end of every segment, so an error can only grow over
one segment. Memory is then :math:`O(m)` states instead of :math:`O(1)`.

Functions:

- :func:`rk4_step` -- one step.
- :func:`odeint_rk4` -- the final state, or the whole trajectory with ``trajectory=True``.
- :func:`adjoint_gradient` -- ``(dL/dy0, dL/dtheta)`` by the backward adjoint integration
  (optionally with ``checkpoints``).
- :func:`odeint_adjoint` -- the final state, with a custom VJP that runs
  :func:`adjoint_gradient`, so ``jax.grad`` of a loss built on it uses O(1) memory
  (O(m) with ``checkpoints=m``).
- :func:`segment_lengths` -- how ``n`` steps are split into ``m`` checkpointed segments.
- :func:`residual_bytes` -- the memory reverse mode keeps between the forward and backward
  pass of a function (the bytes of the residual arrays of ``jax.vjp``).

Importing this module changes no JAX setting: the book's notebooks call ``helpers.jax_cpu()``
(CPU, 64-bit floats), which the tolerances quoted here assume.
"""

from __future__ import annotations

import math
import operator
import re
from functools import partial
from typing import Any, Callable

import jax
import jax.numpy as jnp

__all__ = ["rk4_step", "odeint_rk4", "adjoint_gradient", "odeint_adjoint", "residual_bytes", "segment_lengths"]

Array = Any
PyTree = Any
VectorField = Callable[[Array, Array, PyTree], Array]


# --------------------------------------------------------------------------- validation
def _check_f(f: Any, who: str) -> None:
    if not callable(f):
        raise TypeError(f"{who}: f must be a function f(y, t, params) -> dy/dt, got {type(f).__name__}")


def _whole_number(value: Any, name: str, meaning: str, who: str, upper: int | None = None) -> int:
    """``value`` as an int in [1, upper]; TypeError for non-integers (bools too), ValueError outside."""
    if isinstance(value, bool):
        raise TypeError(f"{who}: {name} must be a positive integer ({meaning}), got {value!r}")
    try:
        n = operator.index(value)
    except TypeError:
        raise TypeError(f"{who}: {name} must be a positive integer ({meaning}), "
                        f"got {value!r} of type {type(value).__name__}") from None
    if n < 1 or (upper is not None and n > upper):
        bound = f" no larger than {upper}" if upper is not None else ""
        raise ValueError(f"{who}: {name} must be a positive integer{bound} ({meaning}), got {n}")
    return n


def _check_steps(n_steps: Any, who: str) -> int:
    return _whole_number(n_steps, "n_steps", "the number of RK4 steps", who)


def _check_time(t: Any, name: str, who: str) -> None:
    if isinstance(t, jax.core.Tracer):
        return
    try:
        value = float(t)
    except (TypeError, ValueError):
        raise TypeError(f"{who}: {name} must be a real number, got {t!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{who}: {name} must be finite, got {value}")


def _as_state(y0: Any, who: str) -> Array:
    try:
        y = jnp.asarray(y0)
    except TypeError:
        raise TypeError(f"{who}: y0 must be an array of floats, got {type(y0).__name__}") from None
    if y.dtype.kind in "biu":
        y = y.astype(float)
    if y.dtype.kind not in "fc":
        raise TypeError(f"{who}: y0 must be an array of floats, got dtype {y.dtype}")
    return y


def _check_field(f: VectorField, y0: Array, t0: Any, params: PyTree, who: str) -> None:
    """Evaluate the shape of f(y0, t0, params) abstractly and compare it with y0."""
    try:
        out = jax.eval_shape(lambda y, p: f(y, jnp.asarray(t0, dtype=float), p), y0, params)
    except Exception as exc:  # noqa: BLE001 - report what f did wrong, in one sentence
        raise TypeError(f"{who}: calling f(y0, t0, params) failed with {type(exc).__name__}: {exc}") from exc
    if not hasattr(out, "shape") or tuple(out.shape) != tuple(y0.shape):
        shape = getattr(out, "shape", type(out).__name__)
        raise ValueError(f"{who}: f(y0, t0, params) must return dy/dt with the shape of y0 {tuple(y0.shape)}, "
                         f"got {shape}")


def _float_leaves(params: PyTree) -> PyTree:
    """Integer leaves of params (a Python int given for a rate) as floats, so that the adjoint
    system can carry their cotangents."""
    def cast(leaf):
        arr = jnp.asarray(leaf)
        return arr.astype(float) if arr.dtype.kind in "biu" else leaf

    return jax.tree_util.tree_map(cast, params)


def _validate(f, y0, t0, t1, n_steps, params, who):
    _check_f(f, who)
    n = _check_steps(n_steps, who)
    _check_time(t0, "t0", who)
    _check_time(t1, "t1", who)
    y0 = _as_state(y0, who)
    _check_field(f, y0, t0, params, who)
    return y0, n


# --------------------------------------------------------------------------- the scheme
def _axpy(a: Array, x: PyTree, y: PyTree) -> PyTree:
    """y + a * x on pytrees of arrays."""
    return jax.tree_util.tree_map(lambda xi, yi: yi + a * xi, x, y)


def rk4_step(f: Callable[[PyTree, Array], PyTree], y: PyTree, t: Array, h: Array) -> PyTree:
    r"""One classical Runge-Kutta step of size ``h`` for :math:`dy/dt = f(y, t)`.

    ``y`` may be any pytree of arrays (the adjoint method steps the triple ``(y, a, g)``);
    ``f(y, t)`` must return a pytree of the same structure. ``h`` may be negative (a step
    backward in time).
    """
    k1 = f(y, t)
    k2 = f(_axpy(h / 2, k1, y), t + h / 2)
    k3 = f(_axpy(h / 2, k2, y), t + h / 2)
    k4 = f(_axpy(h, k3, y), t + h)
    incr = jax.tree_util.tree_map(lambda a, b, c, d: (a + 2 * b + 2 * c + d) / 6, k1, k2, k3, k4)
    return _axpy(h, incr, y)


def _integrate(field, state, t0, h, n, trajectory=False):
    """n RK4 steps of size h from (t0, state); the final state, or all n+1 states."""

    def body(s, i):
        s_next = rk4_step(field, s, t0 + i * h, h)
        return s_next, (s_next if trajectory else None)

    final, stacked = jax.lax.scan(body, state, jnp.arange(n))
    if not trajectory:
        return final
    return jax.tree_util.tree_map(lambda first, rest: jnp.concatenate([first[None], rest]), state, stacked)


def odeint_rk4(
    f: VectorField,
    y0: Array,
    t0: float,
    t1: float,
    n_steps: int,
    params: PyTree = None,
    *,
    trajectory: bool = False,
) -> Array | tuple[Array, Array]:
    r"""Integrate :math:`dy/dt = f(y, t, \theta)` from ``t0`` to ``t1`` with ``n_steps`` RK4 steps.

    Parameters
    ----------
    f : function ``f(y, t, params) -> dy/dt`` (same shape as ``y``), written with ``jax.numpy``.
    y0 : initial state, an array of floats of any shape.
    t0, t1 : start and end times (``t1 < t0`` integrates backward).
    n_steps : number of equal steps, a positive integer; ``h = (t1 - t0)/n_steps``.
    params : the parameters :math:`\theta`, any pytree of float arrays (or ``None``).
    trajectory : if false (default) return only :math:`y(t_1)`; if true return ``(ts, ys)``
        with ``ts`` of shape ``(n_steps + 1,)`` and ``ys`` of shape ``(n_steps + 1, *y0.shape)``,
        ``ys[0] = y0`` and ``ys[-1]`` the final state.

    The function is written with ``jax.lax.scan``, so it can be jitted and differentiated by
    ``jax.grad`` (backpropagation through the integrator, memory :math:`O(n)`).
    """
    who = "odeint_rk4"
    y0, n = _validate(f, y0, t0, t1, n_steps, params, who)
    h = (jnp.asarray(t1, dtype=float) - jnp.asarray(t0, dtype=float)) / n
    t0 = jnp.asarray(t0, dtype=float)
    field = lambda y, t: f(y, t, params)  # noqa: E731
    if not trajectory:
        return _integrate(field, y0, t0, h, n)
    ys = _integrate(field, y0, t0, h, n, trajectory=True)
    return t0 + h * jnp.arange(n + 1), ys


def segment_lengths(n_steps: int, checkpoints: int) -> list[int]:
    """Split ``n_steps`` RK4 steps into ``checkpoints`` consecutive segments of nearly equal length.

    The first ``n_steps % checkpoints`` segments get one step more; e.g. 10 steps in 3 segments are
    ``[4, 3, 3]``. ``checkpoints`` must be an integer between 1 and ``n_steps``.
    """
    n = _check_steps(n_steps, "segment_lengths")
    m = _check_checkpoints(checkpoints, n, "segment_lengths")
    q, r = divmod(n, m)
    return [q + 1 if j < r else q for j in range(m)]


def _check_checkpoints(checkpoints: Any, n: int, who: str) -> int:
    return _whole_number(checkpoints, "checkpoints", "the number of stored states, at most n_steps", who, upper=n)


def _augmented(f, params):
    """The right-hand side of the adjoint system (y, a, g), for a backward integration."""

    def rhs(state, t):
        y, a, _ = state
        dy, vjp = jax.vjp(lambda y_, p_: f(y_, t, p_), y, params)
        a_fy, a_fp = vjp(a)
        return dy, -a_fy, jax.tree_util.tree_map(jnp.negative, a_fp)

    return rhs


def _adjoint_backward(f, y1, a1, t0, t1, n, params):
    """Integrate (y, a, g) from t1 back to t0, recomputing y on the way; return a(t0), g(t0)."""
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    t1 = jnp.asarray(t1, dtype=float)
    h_back = -(t1 - jnp.asarray(t0, dtype=float)) / n
    _, a0, g0 = _integrate(_augmented(f, params), (y1, a1, zeros), t1, h_back, n)
    return a0, g0


def _checkpoint_states(f, y0, t0, t1, n, params, m):
    """The forward pass of the checkpointed adjoint: the states at the m + 1 segment ends."""
    field = lambda y, t: f(y, t, params)  # noqa: E731
    t0 = jnp.asarray(t0, dtype=float)
    h = (jnp.asarray(t1, dtype=float) - t0) / n
    states, start = [y0], 0
    for length in segment_lengths(n, m):
        states.append(_integrate(field, states[-1], t0 + start * h, h, length))
        start += length
    return states


def _adjoint_backward_checkpointed(f, states, a1, t0, t1, n, params):
    """The adjoint system backward segment by segment, each segment's state recomputation
    restarted from the stored state at its end; return a(t0), g(t0)."""
    m = len(states) - 1
    t0 = jnp.asarray(t0, dtype=float)
    h = (jnp.asarray(t1, dtype=float) - t0) / n
    rhs = _augmented(f, params)
    a, g = a1, jax.tree_util.tree_map(jnp.zeros_like, params)
    lengths = segment_lengths(n, m)
    end = n
    for j in range(m - 1, -1, -1):
        _, a, g = _integrate(rhs, (states[j + 1], a, g), t0 + end * h, -h, lengths[j])
        end -= lengths[j]
    return a, g


def adjoint_gradient(
    f: VectorField,
    y0: Array,
    t0: float,
    t1: float,
    n_steps: int,
    params: PyTree,
    dLdy1: Array,
    *,
    y1: Array | None = None,
    checkpoints: int | None = None,
) -> tuple[Array, PyTree]:
    r"""Gradient of a loss :math:`L(y(t_1))` by the continuous adjoint method.

    Integrates the state forward to :math:`y(t_1)` (unless ``y1`` is given), then the
    augmented system :math:`(y, a, g)` with
    :math:`\dot a = -a^\top \partial_y f`, :math:`\dot g = -a^\top \partial_\theta f`
    backward from :math:`t_1` to :math:`t_0` with the same ``n_steps`` RK4 steps, starting
    from :math:`a(t_1) =` ``dLdy1`` and :math:`g(t_1) = 0`.

    Returns ``(dL/dy0, dL/dparams)``: the adjoint :math:`a(t_0)` (shape of ``y0``) and
    :math:`\int_{t_0}^{t_1} a^\top \partial_\theta f\,dt` (a pytree shaped like ``params``).
    Memory does not grow with ``n_steps``: only the current augmented state is held. The
    result equals the gradient obtained by backpropagation through :func:`odeint_rk4` up to
    the :math:`O(h^4)` integration error.

    A loss that also depends on intermediate states (an observation at time :math:`t_k`) is
    handled by splitting the interval at :math:`t_k` and adding :math:`\partial L/\partial
    y(t_k)` to the adjoint there (the adjoint jumps at each observation).

    ``checkpoints=m`` (an integer from 1 to ``n_steps``) stores the state at the ends of ``m``
    segments (:func:`segment_lengths`) during a forward pass and restarts the backward state
    recomputation from each stored state, which keeps the recomputation stable for strongly
    contracting dynamics, at a memory of ``m`` states (``y1`` is then not used: the forward
    pass is run anyway). ``checkpoints=1`` is the plain method.
    """
    who = "adjoint_gradient"
    y0, n = _validate(f, y0, t0, t1, n_steps, params, who)
    try:
        a1 = jnp.asarray(dLdy1)
    except TypeError:
        raise TypeError(f"{who}: dLdy1 must be an array of floats, got {type(dLdy1).__name__}") from None
    if a1.shape != y0.shape:
        raise ValueError(f"{who}: dLdy1 = dL/dy(t1) must have the shape of y0 {tuple(y0.shape)}, got {a1.shape}")
    a1 = a1.astype(jnp.result_type(a1.dtype, y0.dtype, float))
    params = _float_leaves(params)
    if checkpoints is not None:
        m = _check_checkpoints(checkpoints, n, who)
        states = _checkpoint_states(f, y0, t0, t1, n, params, m)
        return _adjoint_backward_checkpointed(f, states, a1, t0, t1, n, params)
    if y1 is None:
        y1 = odeint_rk4(f, y0, t0, t1, n, params)
    else:
        y1 = jnp.asarray(y1)
        if y1.shape != y0.shape:
            raise ValueError(f"{who}: y1 = y(t1) must have the shape of y0 {tuple(y0.shape)}, got {y1.shape}")
    return _adjoint_backward(f, y1, a1, t0, t1, n, params)


@partial(jax.custom_vjp, nondiff_argnums=(0, 2, 3, 4, 6))
def _odeint_adjoint(f, y0, t0, t1, n, params, m):
    field = lambda y, t: f(y, t, params)  # noqa: E731
    h = (jnp.asarray(t1, dtype=float) - jnp.asarray(t0, dtype=float)) / n
    return _integrate(field, y0, jnp.asarray(t0, dtype=float), h, n)


def _odeint_adjoint_fwd(f, y0, t0, t1, n, params, m):
    if m is None:
        y1 = _odeint_adjoint(f, y0, t0, t1, n, params, m)
        return y1, ((y1,), params)  # residuals: the final state only, O(1) in n
    states = _checkpoint_states(f, y0, t0, t1, n, params, m)
    return states[-1], (tuple(states), params)  # residuals: m + 1 stored states


def _odeint_adjoint_bwd(f, t0, t1, n, m, residuals, y1_bar):
    states, params = residuals
    if m is None:
        return _adjoint_backward(f, states[0], y1_bar, t0, t1, n, params)
    return _adjoint_backward_checkpointed(f, list(states), y1_bar, t0, t1, n, params)


_odeint_adjoint.defvjp(_odeint_adjoint_fwd, _odeint_adjoint_bwd)


def odeint_adjoint(
    f: VectorField,
    y0: Array,
    t0: float,
    t1: float,
    n_steps: int,
    params: PyTree = None,
    *,
    checkpoints: int | None = None,
) -> Array:
    r"""The final state :math:`y(t_1)` of :func:`odeint_rk4`, differentiated by the adjoint method.

    Same forward result as ``odeint_rk4(f, y0, t0, t1, n_steps, params)``; its reverse-mode
    rule (``jax.custom_vjp``) integrates the adjoint system backward as in
    :func:`adjoint_gradient` and keeps only :math:`y(t_1)` between the forward and the backward
    pass. ``t0`` and ``t1`` must be Python numbers here (not differentiated); gradients flow to
    ``y0`` and ``params``. Forward-mode differentiation (``jax.jvp``) is not supported.

    ``checkpoints=m`` keeps the states at the ends of ``m`` segments instead (memory ``m``
    states) and restarts the backward state recomputation from each, as in
    :func:`adjoint_gradient`: the remedy when the dynamics contract strongly.
    """
    who = "odeint_adjoint"
    y0, n = _validate(f, y0, t0, t1, n_steps, params, who)
    if isinstance(t0, jax.core.Tracer) or isinstance(t1, jax.core.Tracer):
        raise TypeError(f"{who}: t0 and t1 must be Python numbers, not traced JAX values")
    m = None if checkpoints is None else _check_checkpoints(checkpoints, n, who)
    return _odeint_adjoint(f, y0, float(t0), float(t1), n, _float_leaves(params), m)


_RESIDUAL = re.compile(r"^\s*([a-z]+\d*)\[([\d,]*)\]")
_ITEMSIZE = {"f64": 8, "f32": 4, "f16": 2, "bf16": 2, "i64": 8, "i32": 4, "i16": 2, "i8": 1,
             "u64": 8, "u32": 4, "u8": 1, "bool": 1, "c64": 8, "c128": 16}


def residual_bytes(fun: Callable[..., Any], *args: Any) -> int:
    r"""Bytes of the arrays that reverse mode keeps from the forward pass of ``fun(*args)``.

    Reverse mode saves *residuals*: the intermediate values the backward pass needs, which the
    pullback of ``jax.vjp(fun, *args)`` closes over. This function sums their sizes as JAX lists
    them (``jax.ad_checkpoint.print_saved_residuals``), by tracing ``fun`` without compiling or
    running it. For backpropagation through :func:`odeint_rk4` the sum grows linearly with the
    number of steps (every stage of every step is kept); for :func:`odeint_adjoint` it is the
    size of :math:`y(t_1)` and the parameters (plus ``checkpoints`` stored states), whatever the
    number of steps. It counts what is *held*, not the peak working memory of the backward pass.
    """
    import contextlib
    import io

    from jax.ad_checkpoint import print_saved_residuals

    if not callable(fun):
        raise TypeError(f"residual_bytes: fun must be a function, got {type(fun).__name__}")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        print_saved_residuals(fun, *args)
    total = 0
    for line in buf.getvalue().splitlines():
        m = _RESIDUAL.match(line)
        if not m:
            continue
        if m.group(1) not in _ITEMSIZE:
            raise ValueError(f"residual_bytes: unknown dtype in the residual {line.strip()!r}")
        shape = [int(v) for v in m.group(2).split(",") if v]
        total += _ITEMSIZE[m.group(1)] * math.prod(shape)
    return int(total)
