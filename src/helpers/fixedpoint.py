r"""Fixed points :math:`x^* = G(x^*, \theta)` found by iteration and differentiated by the
implicit function theorem instead of through the iterations.

Differentiating :math:`x^* = G(x^*, \theta)` gives
:math:`dx^* = \partial_x G\,dx^* + \partial_\theta G\,d\theta`, so
:math:`dx^*/d\theta = (1 - \partial_x G)^{-1}\partial_\theta G`. Reverse mode needs the
transpose: for a cotangent :math:`\bar x`, solve the adjoint fixed point

.. math::  w = \bar x + (\partial_x G)^\top w,

then :math:`\bar\theta = (\partial_\theta G)^\top w`. The adjoint iteration uses one VJP of
:math:`G` per step at :math:`x^*` and converges at the rate of the forward iteration (the
spectral radius of :math:`\partial_x G`). Memory: only :math:`x^*` and :math:`\theta`, whatever
the number of forward iterations.
"""

from __future__ import annotations

from functools import partial
from typing import Callable

import jax
import jax.numpy as jnp

__all__ = ["iterate", "fixed_point", "unrolled_fixed_point"]


def iterate(f: Callable, x0, tol: float = 1e-12, max_iter: int = 500):
    """Iterate ``x <- f(x)`` from ``x0`` until the max-norm change is below ``tol`` (or
    ``max_iter`` steps), in a ``lax.while_loop`` (not reverse-differentiable: use
    :func:`fixed_point`)."""

    def cond(state):
        k, _, dx = state
        return jnp.logical_and(k < max_iter, dx > tol)

    def body(state):
        k, x, _ = state
        x_new = f(x)
        return k + 1, x_new, jnp.max(jnp.abs(x_new - x))

    _, x, _ = jax.lax.while_loop(cond, body, (0, x0, jnp.asarray(jnp.inf, dtype=jnp.result_type(float))))
    return x


@partial(jax.custom_vjp, nondiff_argnums=(0, 3, 4))
def fixed_point(G: Callable, theta, x0, tol: float = 1e-12, max_iter: int = 500):
    r"""The fixed point :math:`x^* = G(x^*, \theta)` by plain iteration from ``x0``,
    reverse-differentiable in ``theta`` (any pytree) by the implicit function theorem (see the
    module docstring). ``x0`` gets a zero cotangent: the fixed point does not depend on it."""
    if tol <= 0 or max_iter < 1:
        raise ValueError(f"need tol > 0 and max_iter >= 1, got tol={tol}, max_iter={max_iter}")
    return iterate(lambda x: G(x, theta), x0, tol, max_iter)


def _fixed_point_fwd(G, theta, x0, tol, max_iter):
    x_star = fixed_point(G, theta, x0, tol, max_iter)
    return x_star, (theta, x_star)


def _fixed_point_bwd(G, tol, max_iter, res, x_bar):
    theta, x_star = res
    _, vjp_x = jax.vjp(lambda x: G(x, theta), x_star)
    w = iterate(lambda w: x_bar + vjp_x(w)[0], x_bar, tol, max_iter)
    _, vjp_theta = jax.vjp(lambda th: G(x_star, th), theta)
    (theta_bar,) = vjp_theta(w)
    return theta_bar, jnp.zeros_like(x_star)


fixed_point.defvjp(_fixed_point_fwd, _fixed_point_bwd)


def unrolled_fixed_point(G: Callable, theta, x0, n_iter: int):
    """``n_iter`` iterations of ``x <- G(x, theta)`` from ``x0`` in a ``lax.fori_loop`` with a
    fixed trip count: reverse mode goes through (and stores) every iteration."""
    if n_iter < 0:
        raise ValueError(f"n_iter must be >= 0, got {n_iter}")
    return jax.lax.fori_loop(0, n_iter, lambda i, x: G(x, theta), x0)
