"""Tests of helpers.gaussians: s-type Gaussian integrals, the RHF SCF, the structure of its
energy gradient (Hellmann-Feynman + Pulay), the implicit response (a polarizability) and clear
errors on bad input."""

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


def test_dipole_matrix_centroid_and_symmetry():
    a = jnp.array([0.4, 1.1, 2.5])
    c = jnp.array([[0.0, 0.0, -0.3], [0.0, 0.0, 0.8], [0.1, 0.0, 0.2]])
    D = np.asarray(g.dipole_matrix(a, c, axis=2))
    assert np.allclose(np.diag(D), np.asarray(c[:, 2]))                 # <g_A|z|g_A> = A_z
    assert np.allclose(D, D.T)
    # off-diagonal element by quadrature along z (the x, y factors are the overlaps)
    z = np.linspace(-12, 12, 24001)
    ga = lambda al, zc: (2 * al / np.pi) ** 0.25 * np.exp(-al * (z - zc) ** 2)  # noqa: E731
    sx = ((2 * 0.4 / np.pi) * (2 * 1.1 / np.pi)) ** 0.25 * np.sqrt(np.pi / 1.5)
    ref = sx * sx * np.trapezoid(ga(0.4, -0.3) * z * ga(1.1, 0.8), z)
    assert abs(D[0, 1] - ref) < 1e-10
    with pytest.raises(ValueError, match="axis"):
        g.dipole_matrix(a, c, axis=3)


def test_energy_gradient_is_hellmann_feynman_plus_pulay_and_the_adjoint_is_trivial():
    from helpers.fixedpoint import adjoint_solve

    la = jnp.log(jnp.asarray(g.even_tempered(3, 0.3, 4.0)))
    c0 = jnp.zeros((3, 3))
    ints = g.integrals(jnp.exp(la), c0, ORIGIN, [2.0])
    P = g.scf_density(ints, 2)
    step = lambda P, th: g.scf_map(P, th, 1)  # noqa: E731
    P_bar = jax.grad(g.hf_energy)(P, ints)
    w, _, k = adjoint_solve(step, ints, P, P_bar)
    assert float(jnp.max(jnp.abs(w - P_bar))) < 1e-12 and int(k) <= 2
    F = g.fock_matrix(P, ints.H, ints.eri)
    W = 0.5 * P @ F @ P
    hf = jax.grad(lambda x: g.hf_energy(P, g.integrals(jnp.exp(x), c0, ORIGIN, [2.0])))(la)
    pulay = -jax.grad(lambda x: jnp.sum(W * g.overlap_matrix(jnp.exp(x), c0)))(la)
    ad = jax.grad(lambda x: g.scf_energy_implicit(jnp.exp(x), c0, ORIGIN, [2.0]))(la)
    assert np.allclose(np.asarray(hf + pulay), np.asarray(ad), atol=1e-10)
    assert np.max(np.abs(np.asarray(hf - ad))) > 1e-3


def test_polarizability_by_implicit_differentiation_matches_finite_differences():
    # two Gaussians on each of two protons (H2 at R = 1.4 bohr)
    a = jnp.array([0.25, 1.7, 0.25, 1.7])
    c = jnp.zeros((4, 3)).at[:, 2].set(jnp.array([-0.7, -0.7, 0.7, 0.7]))
    nuclei = np.array([[0, 0, -0.7], [0, 0, 0.7]])
    D = g.dipole_matrix(a, c, 2)
    ints0 = g.integrals(a, c, nuclei, [1.0, 1.0])
    mu = jax.jit(lambda f: -jnp.sum(g.scf_density(ints0._replace(H=ints0.H + f * D), 2) * D))
    alpha = float(jax.jit(jax.grad(mu))(0.0))
    fd = (float(mu(1e-4)) - float(mu(-1e-4))) / 2e-4
    assert alpha > 1.0 and abs(alpha - fd) < 1e-6 * alpha


@pytest.mark.parametrize("bad", [np.array([1.0, np.nan]), np.array([1.0, np.inf]), np.array([1.0, 0.0])])
def test_bad_exponents_are_refused(bad):
    with pytest.raises(ValueError, match="finite positive"):
        g.overlap_matrix(bad, np.zeros((2, 3)))


def test_more_bad_inputs():
    with pytest.raises(ValueError, match="centers must be finite"):
        g.overlap_matrix(np.array([1.0, 2.0]), np.array([[0, 0, 0], [0, 0, np.nan]]))
    with pytest.raises(ValueError, match="same position"):
        g.nuclear_repulsion(np.zeros((2, 3)), [1.0, 1.0])
    with pytest.raises(ValueError, match="charges must be finite"):
        g.nuclear_matrix(np.array([1.0]), np.zeros((1, 3)), ORIGIN, [np.nan])
    with pytest.raises(ValueError, match="shape"):
        g.nuclear_matrix(np.array([1.0]), np.zeros((1, 3)), np.zeros((1, 2)), [1.0])
    with pytest.raises(ValueError, match="t >= 0"):
        g.boys0(-1.0)
    with pytest.raises(ValueError, match="positive definite"):
        g.generalized_eigh(np.eye(2), np.array([[1.0, 1.0], [1.0, 1.0]]))
    with pytest.raises(ValueError, match="square"):
        g.generalized_eigh(np.eye(2), np.eye(3))
    with pytest.raises(ValueError, match="0 \\(off\\) or 1"):
        g.one_electron_energy(jnp.array([0.2, 1.3]), jnp.zeros((2, 3)), ORIGIN, [1.0], mask=[1, 0.5])
    with pytest.raises(ValueError, match="alpha0"):
        g.even_tempered(3, np.nan, 4.0)
    with pytest.raises(ValueError, match="n >= 1"):
        g.even_tempered(2.5, 0.1, 4.0)
    ints = g.integrals(jnp.array([0.5, 2.0]), jnp.zeros((2, 3)), ORIGIN, [2.0])
    with pytest.raises(ValueError, match="n_occ"):
        g.scf_map(jnp.zeros((2, 2)), ints, 3)
    with pytest.raises(TypeError, match="Integrals"):
        g.scf_density({"S": 1}, 2)
    with pytest.raises(ValueError, match="even number"):
        g.scf_density(ints, 3)
