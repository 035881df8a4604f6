r"""Checks for chapter 5, autodiff in practice (book/part2/ch05_autodiff_in_practice.ipynb).

Reference solutions:

* ``ch05.hessian``: the Hessian of :func:`hessian_f` at :data:`HESSIAN_X`, computed here with
  ``helpers.dual.hessian`` (nested dual numbers), independent of JAX.
* ``ch05.per-example-grads``: for :math:`\ell_i(w) = (\tanh(x_i\cdot w) - y_i)^2` the gradient
  :math:`2(\tanh(x_i\cdot w) - y_i)(1 - \tanh^2(x_i\cdot w))\,x_i`, one row per example.
* ``ch05.logsumexp-vjp``: :math:`y = \log\sum_i e^{x_i}` has :math:`\bar x = \bar y\,\mathrm{softmax}(x)`.
* ``ch05.jit-safe``: a branch-free version of :func:`branchy` that ``jax.jit`` accepts.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from helpers import dual
from helpers.check import _emit, check_function, check_value, check_vjp
from helpers.exercises import exercise

# ----------------------------------------------------------------------------- data
HESSIAN_X = np.array([0.3, -0.8, 1.1])

_rng = np.random.default_rng(5)
PER_EXAMPLE_X = _rng.standard_normal((8, 3))
PER_EXAMPLE_Y = _rng.uniform(-0.5, 0.5, 8)
PER_EXAMPLE_W = np.array([0.4, -0.2, 0.7])
LOGSUMEXP_X = _rng.standard_normal(6) * 2
JIT_POINTS = [-2.0, -0.5, 0.0, 0.3, 0.99, 1.0, 1.7, 3.0]


def hessian_f(x, m=np):
    r""":math:`f(x) = x_0^2 x_1 + \sin(x_1 x_2) + e^{x_0 x_2}`, written with the namespace ``m``
    (``numpy``, ``jax.numpy``, ``autograd.numpy``, ``helpers.dual``, ...)."""
    return x[0] ** 2 * x[1] + m.sin(x[1] * x[2]) + m.exp(x[0] * x[2])


def per_example_reference(w=PER_EXAMPLE_W, X=PER_EXAMPLE_X, y=PER_EXAMPLE_Y) -> np.ndarray:
    t = np.tanh(X @ w)
    return (2 * (t - y) * (1 - t**2))[:, None] * X


def logsumexp(x: np.ndarray) -> float:
    """Numerically stable :math:`\\log\\sum_i e^{x_i}`."""
    c = np.max(x)
    return float(c + np.log(np.sum(np.exp(x - c))))


def logsumexp_vjp_reference(x: np.ndarray, y_bar: float) -> np.ndarray:
    e = np.exp(x - np.max(x))
    return y_bar * e / e.sum()


def branchy(x: float) -> float:
    """The function of the jit exercise, written with a Python ``if`` (not jittable)."""
    if x > 1.0:
        return x**2
    return 2.0 * x - 1.0


# ----------------------------------------------------------------------------- checkers
@exercise("ch05.hessian")
def _hessian(answer) -> object:
    ref = dual.hessian(lambda x: hessian_f(x, dual), HESSIAN_X)
    return check_value(answer, ref, rtol=1e-10, name="Your Hessian",
                       hint="jax.hessian(f)(x) with f written in jax.numpy; it is a symmetric 3 x 3 matrix")


@exercise("ch05.per-example-grads")
def _per_example(answer) -> object:
    return check_value(answer, per_example_reference(), rtol=1e-10, name="Your array of per-example gradients",
                       hint="jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))(w, X, y) gives one row per example")


@exercise("ch05.logsumexp-vjp")
def _logsumexp_vjp(answer: Callable) -> object:
    if not callable(answer):
        return _emit("wrong", f"logsumexp_vjp should be a function, but it is a {type(answer).__name__}.", False)
    return check_vjp(logsumexp, lambda x, y_bar: answer(x, float(y_bar)), LOGSUMEXP_X,
                     name="Your backward rule of logsumexp")


@exercise("ch05.jit-safe")
def _jit_safe(answer: Callable) -> object:
    if not callable(answer):
        return _emit("wrong", f"Your answer should be a function, but it is a {type(answer).__name__}.", False)
    import helpers

    jax = helpers.jax_cpu()
    try:
        jitted = jax.jit(answer)
        jitted(0.5)
    except NotImplementedError:
        raise
    except jax.errors.ConcretizationTypeError:
        return _emit("wrong", "jax.jit cannot trace your function: it still branches on the value of "
                     "its argument with a Python `if`. Hint: compute both branches and choose with "
                     "jnp.where(x > 1, ..., ...).", False)
    return check_function(lambda x: float(jitted(x)), branchy, JIT_POINTS, rtol=1e-12,
                          name="Your jitted function",
                          hint="the two branches are x**2 for x > 1 and 2x - 1 otherwise")
