"""Tests of helpers.trg: Ising tensor, TRG, safe SVD and Onsager's exact solution."""

import math

import numpy as np
import pytest

from helpers import trg

import jax
import jax.numpy as jnp


def test_ising_tensor_bond_weights():
    K = 0.3
    T = np.asarray(trg.ising_tensor(K))
    # contracting the bond legs with M reproduces the weights: T is symmetric and Z2 even
    assert np.allclose(T, np.transpose(T, (1, 2, 3, 0)))
    assert abs(T[0, 0, 0, 1]) < 1e-15  # odd parity vanishes
    assert abs(T[0, 0, 0, 0] - 2 * math.cosh(K) ** 2) < 1e-14


def test_onsager_limits_and_consistency():
    assert abs(trg.onsager_lnz(1e-9) - math.log(2)) < 1e-9
    K = np.array([0.3, 0.42, 0.47, 0.6])
    h = 1e-5
    u_fd = -(trg.onsager_lnz(K + h) - trg.onsager_lnz(K - h)) / (2 * h)
    assert np.allclose(u_fd, trg.onsager_energy(K), atol=1e-8)
    h = 1e-4
    u = lambda k: trg.onsager_energy(k)  # noqa: E731
    c_fd = -K**2 * (u(K + h) - u(K - h)) / (2 * h)
    assert np.allclose(c_fd, trg.onsager_specific_heat(K), rtol=1e-5)
    # low temperature: ln Z/N -> 2K (ground state, two bonds per site)
    assert abs(trg.onsager_lnz(3.0) - 6.0) < 1e-4
    with pytest.raises(ValueError, match="coupling"):
        trg.onsager_lnz(-1.0)


def test_trg_matches_onsager_small_chi():
    lnz = jax.jit(lambda K: trg.trg_lnz(K, chi=8, n_steps=20))
    for K in [0.3, 0.5]:
        val = float(lnz(K))
        assert abs(val - trg.onsager_lnz(K)) < 2e-5


def test_safe_svd_derivative_matches_exact_when_nondegenerate():
    A0 = jnp.asarray(np.random.default_rng(1).standard_normal((5, 5)))
    B = jnp.asarray(np.random.default_rng(2).standard_normal((5, 5)))
    f = lambda x, svd: jnp.sum(svd(A0 + x * B)[1] ** 3) + svd(A0 + x * B)[0][0, 0] ** 2  # noqa: E731
    plain = lambda A: jnp.linalg.svd(A, full_matrices=False)  # noqa: E731
    g1 = jax.grad(lambda x: f(x, trg.safe_svd))(0.2)
    g2 = jax.grad(lambda x: f(x, plain))(0.2)
    assert abs(float(g1) - float(g2)) < 1e-8 * max(1.0, abs(float(g2)))


def test_safe_svd_finite_at_degenerate_singular_values():
    A = jnp.diag(jnp.array([2.0, 1.0, 1.0, 0.0]))
    g = jax.grad(lambda x: jnp.sum(trg.safe_svd(A + x * jnp.eye(4))[0]))(0.0)
    assert np.isfinite(float(g))
    with pytest.raises(ValueError, match="square"):
        trg.safe_svd(jnp.ones((2, 3)))


def test_trg_gradient_finite_and_close_to_exact_energy():
    f, f1, f2 = trg.lnz_derivatives(0.3, chi=4, n_steps=14)
    assert abs(-float(f1) - trg.onsager_energy(0.3)) < 2e-3
    assert np.isfinite(float(f2))
    with pytest.raises(ValueError, match="chi"):
        trg.trg_lnz(0.3, chi=1)
