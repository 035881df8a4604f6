"""Tests of helpers.gaussians (s-type Gaussian integrals, RHF SCF) and helpers.fixedpoint."""

import math

import numpy as np
import pytest

from helpers import gaussians as g
from helpers.check import finite_difference_gradient

import jax
import jax.numpy as jnp

ORIGIN = np.zeros((1, 3))


def test_boys_small_and_large_t_and_grad_at_zero():
    assert float(g.boys0(0.0)) == 1.0
    for t in [1e-4, 1e-3, 0.5, 3.0, 30.0]:
        ref = 0.5 * math.sqrt(math.pi / t) * math.erf(math.sqrt(t))
        assert abs(float(g.boys0(t)) - ref) < 1e-14
    assert abs(float(jax.grad(g.boys0)(0.0)) + 1 / 3) < 1e-14
    assert np.isfinite(float(jax.grad(jax.grad(g.boys0))(0.0)))


def test_overlap_and_kinetic_closed_forms():
    a = jnp.array([0.5, 1.5])
    c = jnp.array([[0.0, 0, 0], [0.0, 0, 1.0]])
    S = g.overlap_matrix(a, c)
    assert np.allclose(np.diag(S), 1.0)
    p = 2.0
    ref = (2 * 0.5 / np.pi) ** 0.75 * (2 * 1.5 / np.pi) ** 0.75 * (np.pi / p) ** 1.5 * np.exp(-0.375)
    assert abs(float(S[0, 1]) - ref) < 1e-14
    T = g.kinetic_matrix(a, c)
    assert np.allclose(np.diag(T), 1.5 * np.asarray(a))  # <T> = 3 alpha / 2


def test_hydrogen_single_gaussian_optimum():
    alpha = 8 / (9 * np.pi)
    e = g.one_electron_energy(jnp.array([alpha]), jnp.zeros((1, 3)), ORIGIN, [1.0])
    assert abs(float(e) + 4 / (3 * np.pi)) < 1e-12


def test_eri_same_centre_closed_form():
    # (aa|aa) for one normalised s Gaussian is 2 sqrt(alpha/pi) ... times sqrt(2)/... : use the
    # known value <1/r12> = sqrt(4 alpha / pi) for two electrons in the same Gaussian density
    alpha = 0.7
    eri = g.eri_tensor(jnp.array([alpha]), jnp.zeros((1, 3)))
    assert abs(float(eri[0, 0, 0, 0]) - 2 * math.sqrt(alpha / math.pi)) < 1e-13


def test_helium_scf_and_gradients_agree():
    la = np.log(g.even_tempered(3, 0.3, 4.0))

    def e_imp(x):
        a = jnp.exp(x)
        return g.scf_energy_implicit(a, jnp.zeros((3, 3)), ORIGIN, [2.0])

    def e_unr(x):
        a = jnp.exp(x)
        return g.scf_energy_unrolled(a, jnp.zeros((3, 3)), ORIGIN, [2.0], 2, 40)

    e_imp, e_unr = jax.jit(e_imp), jax.jit(e_unr)
    assert abs(float(e_imp(la)) - float(e_unr(la))) < 1e-10
    assert -2.8617 < float(e_imp(la)) < -2.75  # above the HF limit (variational)
    gi, gu = jax.jit(jax.grad(e_imp))(la), jax.jit(jax.grad(e_unr))(la)
    assert np.allclose(gi, gu, atol=1e-8)
    fd = finite_difference_gradient(lambda x: float(e_imp(jnp.asarray(x))), la)
    assert np.allclose(gi, fd, atol=1e-6)


def test_bad_input_messages():
    with pytest.raises(ValueError, match="positive"):
        g.overlap_matrix(np.array([1.0, -1.0]), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="shape"):
        g.overlap_matrix(np.array([1.0, 1.0]), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="even number"):
        g.scf_energy_unrolled(np.array([1.0]), np.zeros((1, 3)), ORIGIN, [1.0], n_electrons=1)
    with pytest.raises(ValueError, match="beta"):
        g.even_tempered(3, 0.1, 0.5)


def test_fixed_point_implicit_gradient_scalar():
    from helpers.fixedpoint import fixed_point

    # x = cos(theta x) has dx/dtheta = -x sin(theta x) / (1 + theta sin(theta x))
    G = lambda x, th: jnp.cos(th * x)  # noqa: E731
    th = 0.8
    x = float(fixed_point(G, th, 0.5))
    assert abs(x - math.cos(th * x)) < 1e-11
    dx = float(jax.grad(lambda t: fixed_point(G, t, 0.5))(th))
    ref = -x * math.sin(th * x) / (1 + th * math.sin(th * x))
    assert abs(dx - ref) < 1e-10


def test_mask_switches_functions_off():
    a = jnp.array([0.2, 1.3, 7.0])
    c = jnp.zeros((3, 3))
    e2 = g.one_electron_energy(a[:2], c[:2], ORIGIN, [1.0])
    e2_masked = g.one_electron_energy(a, c, ORIGIN, [1.0], mask=[1, 1, 0])
    g1 = jax.grad(lambda x: g.one_electron_energy(jnp.exp(x), c, ORIGIN, [1.0], mask=[1, 0, 0]))(jnp.zeros(3))
    assert np.all(np.isfinite(np.asarray(g1)))  # two inactive functions: still no NaN
    assert abs(float(e2) - float(e2_masked)) < 1e-13
    grad = jax.grad(lambda x: g.one_electron_energy(jnp.exp(x), c, ORIGIN, [1.0], mask=[1, 1, 0]))(jnp.log(a))
    assert float(grad[2]) == 0.0
    with pytest.raises(ValueError, match="mask"):
        g.one_electron_energy(a, c, ORIGIN, [1.0], mask=[1, 0])
