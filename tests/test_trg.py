"""Tests of helpers.trg: Ising tensor, TRG, the safe SVD and its derivative (exact diagonal,
independent of batching, equal to finite differences of the same TRG), the specific-heat peak,
strip transfer matrices, the uniform MPS and Onsager's exact solution."""

import itertools
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


def test_trg_flow_returns_lnz_and_discarded_weight():
    lnz, discarded = jax.jit(lambda K: trg.trg_flow(K, 4, 12))(0.42)
    assert abs(float(lnz) - float(jax.jit(lambda K: trg.trg_lnz(K, 4, 12))(0.42))) < 1e-13
    d = np.asarray(discarded)
    assert d.shape == (12,) and np.all(d >= 0) and np.all(d[:2] < 1e-20)  # nothing to truncate at first
    assert d.max() > 1e-4


def test_safe_svd_derivative_matches_exact_when_nondegenerate():
    A0 = jnp.asarray(np.random.default_rng(1).standard_normal((5, 5)))
    B = jnp.asarray(np.random.default_rng(2).standard_normal((5, 5)))
    f = lambda x, svd: jnp.sum(svd(A0 + x * B)[1] ** 3) + svd(A0 + x * B)[0][0, 0] ** 2  # noqa: E731
    plain = lambda A: jnp.linalg.svd(A, full_matrices=False)  # noqa: E731
    g1 = jax.grad(lambda x: f(x, trg.safe_svd))(0.2)
    g2 = jax.grad(lambda x: f(x, plain))(0.2)
    assert abs(float(g1) - float(g2)) < 1e-8 * max(1.0, abs(float(g2)))
    # the truncated rule (k kept triplets) gives the same derivatives of the kept part
    fk = lambda x: jnp.sum(trg.safe_svd(A0 + x * B, k=3)[0][:, :3] ** 3) + jnp.sum(trg.safe_svd(A0 + x * B, k=3)[1])  # noqa: E731
    ff = lambda x: jnp.sum(trg.safe_svd(A0 + x * B)[0][:, :3] ** 3) + jnp.sum(trg.safe_svd(A0 + x * B)[1][:3])  # noqa: E731
    assert abs(float(jax.grad(fk)(0.2)) - float(jax.grad(ff)(0.2))) < 1e-10


def test_safe_svd_finite_at_degenerate_singular_values():
    A = jnp.diag(jnp.array([2.0, 1.0, 1.0, 0.0]))
    g = jax.grad(lambda x: jnp.sum(trg.safe_svd(A + x * jnp.eye(4))[0]))(0.0)
    assert np.isfinite(float(g))


def test_broadened_inverse_has_an_exactly_zero_diagonal():
    s = jnp.array([0.8246923951, 0.5655815182, 0.3, 0.3, 0.0])
    F = np.asarray(jax.jit(trg.broadened_inverse)(s, 1e-12))
    assert np.all(np.diagonal(F) == 0.0)
    assert F[2, 3] == 0.0 and F[3, 2] == 0.0          # an exactly degenerate pair is dropped
    d = 0.5655815182**2 - 0.8246923951**2
    assert abs(F[0, 1] - d / (d * d + 1e-12)) < 1e-12
    assert np.allclose(F, -F.T)


def test_trg_derivative_is_independent_of_batching_and_equals_finite_differences():
    """At K = 0.42, chi = 8 the textbook rule gave 1.2243901 (jvp), 1.2243389 (vmap of 1) and
    1.2244067 (vmap of 3): the factored gap makes all calls agree with the finite difference."""
    f = lambda K: trg.trg_lnz(K, 8, 20)  # noqa: E731
    one = lambda K: jax.jvp(f, (K,), (1.0,))[1]  # noqa: E731
    K = 0.42
    plain = float(jax.jit(one)(K))
    batched = [float(jax.jit(jax.vmap(one))(jnp.full(b, K))[0]) for b in (1, 3)]
    fj = jax.jit(f)
    d = lambda h: (float(fj(K + h)) - float(fj(K - h))) / (2 * h)  # noqa: E731
    fd = (4 * d(1e-5) - d(2e-5)) / 3
    assert max(abs(plain - b) for b in batched) < 1e-12
    assert abs(plain - fd) < 1e-8


def test_trg_second_derivative_against_finite_difference_of_the_first():
    fn = trg.derivative_function(4, 16, 2)
    K = 0.40
    d = lambda h: (float(fn(K + h)[1]) - float(fn(K - h)[1])) / (2 * h)  # noqa: E731
    fd2 = (4 * d(1e-4) - d(2e-4)) / 3
    # higher derivatives carry more of the broadening's bias (measured 5e-5 here at eps = 1e-12;
    # 1.6e-6 at chi = 8, K = 0.42, where the chapter quotes it)
    assert abs(float(fn(K)[2]) / fd2 - 1) < 2e-4


def test_reverse_over_reverse_through_the_scan_gives_nan():
    """The measurement the chapter reports (jax 0.10): grad(grad) and jacfwd(grad) through the
    lax.scan of trg_lnz give NaN at chi = 4, K = 0.42, four steps; the same steps unrolled in
    Python give the finite value of nested forward mode. If this starts failing, JAX changed:
    update chapter 13."""
    chi, n, K = 4, 4, 0.42

    def unrolled(K):
        T = jnp.zeros((chi,) * 4).at[:2, :2, :2, :2].set(trg.ising_tensor(K))
        lnz, w = 0.0, 1.0
        for _ in range(n):
            c = jnp.linalg.norm(T)
            lnz, T, w = lnz + w * jnp.log(c), trg.trg_step(T / c, chi), w / 2
        return lnz + w * jnp.log(jnp.einsum("ijij->", T))

    scan = lambda K: trg.trg_lnz(K, chi, n)  # noqa: E731
    forward = float(trg.lnz_derivatives(K, chi, n, order=2)[2])
    assert np.isnan(float(jax.jit(jax.grad(jax.grad(scan)))(K)))
    assert np.isnan(float(jax.jit(jax.jacfwd(jax.grad(scan)))(K)))
    assert abs(float(jax.jit(jax.grad(jax.grad(unrolled)))(K)) - forward) < 1e-9
    assert abs(float(jax.jit(jax.jacrev(jax.jacfwd(scan)))(K)) - forward) < 1e-9


def test_lnz_derivatives_orders_and_energy():
    out = trg.lnz_derivatives(0.3, chi=4, n_steps=14, order=3)
    assert len(out) == 4
    assert abs(-float(out[1]) - trg.onsager_energy(0.3)) < 2e-3
    assert all(np.isfinite(float(v)) for v in out)
    assert len(trg.lnz_derivatives(0.3, chi=4, n_steps=14)) == 3      # default: f, f', f''


def test_specific_heat_peak_chi4():
    p = trg.specific_heat_peak(4, 0.445, 0.455, n_steps=20, tol=1e-6)
    assert 0.449 < p.K < 0.4505 and p.K > trg.K_C                 # chi = 4: above K_c (+2.1 %)
    fn = trg.derivative_function(4, 20, 3)
    slope = lambda K: 2 * K * float(fn(K)[2]) + K * K * float(fn(K)[3])  # noqa: E731
    assert slope(p.K - 1e-4) > 0 > slope(p.K + 1e-4)
    with pytest.raises(ValueError, match="does not change sign"):
        trg.specific_heat_peak(4, 0.40, 0.42, n_steps=20)
    with pytest.raises(ValueError, match="K_lo < K_hi"):
        trg.specific_heat_peak(4, 0.45, 0.44)


def test_strip_transfer_matrix_against_brute_force():
    W, K = 3, 0.37
    T = np.asarray(trg.strip_transfer_matrix(K, W))
    assert np.allclose(T, T.T)
    # a 3 x 2 torus: Z = tr T^2 (each vertical pair joined twice, each row's ring once per row)
    Z = 0.0
    for s in itertools.product((-1, 1), repeat=6):
        a, b = s[:3], s[3:]
        E = sum(a[i] * a[(i + 1) % 3] + b[i] * b[(i + 1) % 3] for i in range(3)) + 2 * sum(x * y for x, y in zip(a, b))
        Z += math.exp(K * E)
    assert abs(np.trace(T @ T) / Z - 1) < 1e-12


def test_tfim_exact_energy_and_umps():
    assert abs(trg.tfim_exact_energy(1.0) + 4 / math.pi) < 1e-12
    assert abs(trg.tfim_exact_energy(0.0) + 1.0) < 1e-12
    # D = 1: a product state at angle theta has e = -cos^2(theta) - h sin(theta)
    theta, h = 0.7, 0.8
    A = jnp.array([math.cos(theta / 2), math.sin(theta / 2)]).reshape(1, 2, 1)
    assert abs(float(trg.umps_energy(A, h)) + math.cos(theta) ** 2 + h * math.sin(theta)) < 1e-12
    # a random D = 3 state is above the exact energy, and its gradient is right
    A = np.random.default_rng(4).standard_normal((3, 2, 3))
    vg = trg.umps_value_and_grad(3, h)
    e, g = vg(jnp.asarray(A.reshape(-1)))
    assert float(e) > trg.tfim_exact_energy(h)
    d = np.random.default_rng(5).standard_normal(A.size)
    fd = (float(vg(jnp.asarray(A.reshape(-1) + 1e-6 * d))[0]) - float(vg(jnp.asarray(A.reshape(-1) - 1e-6 * d))[0])) / 2e-6
    assert abs(float(jnp.sum(g * d)) - fd) < 1e-7
    frozen = jax.grad(lambda x: trg.umps_energy(x.reshape(3, 2, 3), h, freeze_environment=True))(jnp.asarray(A.reshape(-1)))
    assert abs(float(jnp.sum(frozen * d)) - fd) > 1e-4            # the wrong adjoint is wrong


def test_umps_optimize_d2_critical_chain():
    res = trg.umps_optimize(2, 1.0, seed=1, maxiter=300)
    err = res.energy - trg.tfim_exact_energy(1.0)
    assert 0 < err < 1e-3 and res.history.size == res.iterations


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -0.1, "0.4", True, None])
def test_bad_couplings_are_refused(bad):
    with pytest.raises(ValueError, match="coupling K"):
        trg.trg_lnz(bad, 4, 4)
    with pytest.raises(ValueError, match="coupling K"):
        trg.ising_tensor(bad)


def test_bad_arguments_name_what_is_expected():
    with pytest.raises(ValueError, match="chi"):
        trg.trg_lnz(0.3, chi=1)
    with pytest.raises(ValueError, match="chi"):
        trg.trg_lnz(0.3, chi=4.0)
    with pytest.raises(ValueError, match="n_steps"):
        trg.trg_lnz(0.3, 4, n_steps=0)
    with pytest.raises(TypeError, match="svd"):
        trg.trg_lnz(0.3, 4, 4, svd="lapack")
    with pytest.raises(ValueError, match="square"):
        trg.safe_svd(jnp.ones((2, 3)))
    with pytest.raises(ValueError, match="eps"):
        trg.safe_svd(jnp.eye(3), float("nan"))
    with pytest.raises(ValueError, match="eps"):
        trg.safe_svd(jnp.eye(3), 0.0)
    with pytest.raises(ValueError, match="four legs"):
        trg.trg_step(jnp.ones((2, 2, 2)), 4)
    with pytest.raises(ValueError, match="order"):
        trg.lnz_derivatives(0.3, 4, 4, order=-1)
    with pytest.raises(ValueError, match="width"):
        trg.strip_transfer_matrix(0.3, 20)
    with pytest.raises(ValueError, match="transverse field"):
        trg.tfim_exact_energy(float("nan"))
    with pytest.raises(ValueError, match="shape"):
        trg.umps_energy(jnp.ones((2, 3, 2)), 1.0)
    with pytest.raises(ValueError, match="NaN"):
        trg.umps_energy(jnp.full((2, 2, 2), jnp.nan), 1.0)
    with pytest.raises(ValueError, match="tol"):
        trg.specific_heat_peak(4, 0.44, 0.45, tol=float("nan"))
