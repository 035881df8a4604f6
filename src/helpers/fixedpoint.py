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

When the quantity differentiated is *stationary* with respect to :math:`x` along every
direction that :math:`G` can move it (a variational energy at its SCF solution, a Rayleigh
quotient at an eigenvector), :math:`(\partial_x G)^\top\bar x = 0` and the adjoint is
:math:`w = \bar x` after one step: :func:`adjoint_solve` reports the number of iterations it
needed, which shows the difference.
"""

from __future__ import annotations

import functools
import math
import numbers
from functools import partial
from typing import Callable

import jax
import jax.numpy as jnp

__all__ = ["iterate", "iterate_with_count", "fixed_point", "adjoint_solve", "unrolled_fixed_point"]


def _check_tolerance(tol, max_iter) -> None:
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not math.isfinite(tol) or tol <= 0:
        raise ValueError(f"tol must be a finite number > 0 (the max-norm change that counts as "
                         f"converged), got {tol!r}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral) or max_iter < 1:
        raise ValueError(f"max_iter must be a whole number >= 1, got {max_iter!r}")


def iterate_with_count(f: Callable, x0, tol: float = 1e-12, max_iter: int = 500):
    """Iterate ``x <- f(x)`` from ``x0`` until the max-norm change is below ``tol`` (or
    ``max_iter`` steps), in a ``lax.while_loop``; returns ``(x, number_of_iterations)``.
    ``x`` may be any pytree of arrays (the change is the largest over all leaves)."""
    _check_tolerance(tol, max_iter)

    def change(a, b):
        diffs = [jnp.max(jnp.abs(u - v)) for u, v in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b))]
        return functools.reduce(jnp.maximum, diffs)

    def cond(state):
        k, _, dx = state
        return jnp.logical_and(k < max_iter, dx > tol)

    def body(state):
        k, x, _ = state
        x_new = f(x)
        return k + 1, x_new, change(x_new, x).astype(jnp.result_type(float))

    k, x, _ = jax.lax.while_loop(cond, body, (0, x0, jnp.asarray(jnp.inf, dtype=jnp.result_type(float))))
    return x, k


def iterate(f: Callable, x0, tol: float = 1e-12, max_iter: int = 500):
    """Iterate ``x <- f(x)`` from ``x0`` until the max-norm change is below ``tol`` (or
    ``max_iter`` steps), in a ``lax.while_loop`` (not reverse-differentiable: use
    :func:`fixed_point`)."""
    return iterate_with_count(f, x0, tol, max_iter)[0]


@partial(jax.custom_vjp, nondiff_argnums=(0, 3, 4))
def fixed_point(G: Callable, theta, x0, tol: float = 1e-12, max_iter: int = 500):
    r"""The fixed point :math:`x^* = G(x^*, \theta)` by plain iteration from ``x0``,
    reverse-differentiable in ``theta`` (any pytree) by the implicit function theorem (see the
    module docstring). ``x0`` gets a zero cotangent: the fixed point does not depend on it."""
    if not callable(G):
        raise TypeError(f"G must be a function G(x, theta) returning the next iterate, got {type(G).__name__}")
    _check_tolerance(tol, max_iter)
    return iterate(lambda x: G(x, theta), x0, tol, max_iter)


def adjoint_solve(G: Callable, theta, x_star, x_bar, tol: float = 1e-12, max_iter: int = 500):
    r"""Solve the adjoint fixed point :math:`w = \bar x + (\partial_x G)^\top w` at
    :math:`x^*` by iteration from :math:`w = \bar x`; returns ``(w, theta_bar, iterations)``
    with :math:`\bar\theta = (\partial_\theta G)^\top w`. This is what the reverse rule of
    :func:`fixed_point` computes; it is public so that the adjoint can be inspected (is it
    :math:`\bar x`? how many iterations did it take?)."""
    if not callable(G):
        raise TypeError(f"G must be a function G(x, theta) returning the next iterate, got {type(G).__name__}")
    _check_tolerance(tol, max_iter)
    _, vjp_x = jax.vjp(lambda x: G(x, theta), x_star)
    w, k = iterate_with_count(lambda w: jax.tree_util.tree_map(jnp.add, x_bar, vjp_x(w)[0]), x_bar, tol, max_iter)
    _, vjp_theta = jax.vjp(lambda th: G(x_star, th), theta)
    (theta_bar,) = vjp_theta(w)
    return w, theta_bar, k


def _fixed_point_fwd(G, theta, x0, tol, max_iter):
    x_star = fixed_point(G, theta, x0, tol, max_iter)
    return x_star, (theta, x_star)


def _fixed_point_bwd(G, tol, max_iter, res, x_bar):
    theta, x_star = res
    _, theta_bar, _ = adjoint_solve(G, theta, x_star, x_bar, tol, max_iter)
    return theta_bar, jax.tree_util.tree_map(jnp.zeros_like, x_star)


fixed_point.defvjp(_fixed_point_fwd, _fixed_point_bwd)


def unrolled_fixed_point(G: Callable, theta, x0, n_iter: int):
    """``n_iter`` iterations of ``x <- G(x, theta)`` from ``x0`` in a ``lax.fori_loop`` with a
    fixed trip count: reverse mode goes through (and stores) every iteration."""
    if isinstance(n_iter, bool) or not isinstance(n_iter, numbers.Integral) or n_iter < 0:
        raise ValueError(f"n_iter must be a whole number >= 0, got {n_iter!r}")
    if not callable(G):
        raise TypeError(f"G must be a function G(x, theta) returning the next iterate, got {type(G).__name__}")
    return jax.lax.fori_loop(0, int(n_iter), lambda i, x: G(x, theta), x0)
