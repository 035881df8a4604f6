"""Tests of helpers.fixedpoint: iteration with counts, the implicit adjoint (trivial for a
stationary quantity, a genuine solve otherwise), unrolling, and clear errors on bad input."""

import math

import numpy as np
import pytest

from helpers.fixedpoint import adjoint_solve, fixed_point, iterate, iterate_with_count, unrolled_fixed_point

import jax
import jax.numpy as jnp


def G(x, th):
    return jnp.cos(th * x)


def test_scalar_fixed_point_and_implicit_gradient():
    # x = cos(theta x) has dx/dtheta = -x sin(theta x) / (1 + theta sin(theta x))
    th = 0.8
    x = float(fixed_point(G, th, 0.5))
    assert abs(x - math.cos(th * x)) < 1e-11
    dx = float(jax.grad(lambda t: fixed_point(G, t, 0.5))(th))
    ref = -x * math.sin(th * x) / (1 + th * math.sin(th * x))
    assert abs(dx - ref) < 1e-10


def test_iterate_with_count_counts_and_stops():
    x, k = iterate_with_count(lambda x: 0.5 * x, jnp.array(1.0), tol=1e-6, max_iter=100)
    assert int(k) == 20 and float(x) < 1e-6          # the k-th halving changes x by 0.5^k < 1e-6 from k = 20
    x, k = iterate_with_count(lambda x: x + 1.0, jnp.array(0.0), tol=1e-6, max_iter=7)
    assert int(k) == 7 and float(x) == 7.0            # stops at max_iter
    assert float(iterate(lambda x: 0.5 * x + 1.0, jnp.array(0.0))) == pytest.approx(2.0, abs=1e-11)


def test_adjoint_is_trivial_for_a_stationary_quantity_and_not_otherwise():
    T = jnp.asarray(np.diag([3.0, 1.0, 0.5]) + 0.1 * np.ones((3, 3)))

    def power(v, t):
        w = (T + t * jnp.diag(jnp.arange(3.0))) @ v
        return w / jnp.linalg.norm(w)

    v0 = jnp.ones(3) / math.sqrt(3)
    v_star = fixed_point(power, 0.2, v0)
    Tt = T + 0.2 * jnp.diag(jnp.arange(3.0))
    rayleigh_bar = jax.grad(lambda v: v @ Tt @ v)(v_star)
    w, theta_bar, k = adjoint_solve(power, 0.2, v_star, rayleigh_bar)
    assert float(jnp.max(jnp.abs(w - rayleigh_bar))) < 1e-12 and int(k) <= 2
    other_bar = jax.grad(lambda v: v[0] ** 2)(v_star)
    w, theta_bar, k = adjoint_solve(power, 0.2, v_star, other_bar)
    assert float(jnp.max(jnp.abs(w - other_bar))) > 1e-3 and int(k) > 5
    # the reverse rule of fixed_point is this adjoint
    g = jax.grad(lambda t: fixed_point(power, t, v0)[0] ** 2)(0.2)
    assert abs(float(g) - float(theta_bar)) < 1e-10


def test_pytree_state_and_unrolled_iteration():
    def step(state, th):
        a, b = state
        return (0.5 * a + th, 0.25 * b + 2 * th)

    a, b = fixed_point(step, 1.0, (jnp.array(0.0), jnp.array(0.0)))
    assert abs(float(a) - 2.0) < 1e-11 and abs(float(b) - 8 / 3) < 1e-11
    da = jax.grad(lambda th: fixed_point(step, th, (jnp.array(0.0), jnp.array(0.0)))[1])(1.0)
    assert abs(float(da) - 8 / 3) < 1e-10
    x = unrolled_fixed_point(lambda x, th: 0.5 * x + th, 1.0, jnp.array(0.0), 3)
    assert float(x) == 1.75


@pytest.mark.parametrize("tol", [0.0, -1.0, float("nan"), "1e-9", True])
def test_bad_tolerances_are_refused(tol):
    with pytest.raises(ValueError, match="tol"):
        fixed_point(G, 0.8, 0.5, tol)
    with pytest.raises(ValueError, match="tol"):
        iterate(lambda x: x, 0.5, tol)


def test_other_bad_arguments():
    with pytest.raises(ValueError, match="max_iter"):
        fixed_point(G, 0.8, 0.5, 1e-12, 0)
    with pytest.raises(ValueError, match="max_iter"):
        iterate(lambda x: x, 0.5, 1e-9, 2.5)
    with pytest.raises(TypeError, match="G must be a function"):
        fixed_point("cos", 0.8, 0.5)
    with pytest.raises(ValueError, match="n_iter"):
        unrolled_fixed_point(G, 0.8, 0.5, -1)
    with pytest.raises(ValueError, match="n_iter"):
        unrolled_fixed_point(G, 0.8, 0.5, 2.0)
