"""Tests of helpers.eigen: hand-written eigen adjoints against JAX's own eigh derivative."""


import jax
import jax.numpy as jnp
import numpy as np
import pytest


from helpers.check import dot_product_test, taylor_test
from helpers.eigen import (
    DegenerateSpectrumError,
    eigh,
    eigh_vjp,
    fix_sign,
    lowest_eigenpair,
    lowest_eigenpair_vjp,
)


def schrodinger_matrix(v, dx=0.1):
    """Finite-difference -1/2 d^2/dx^2 + diag(v): a nodeless ground state."""
    n = v.shape[0]
    T = (jnp.diag(jnp.full(n, 1.0)) - 0.5 * jnp.diag(jnp.ones(n - 1), 1)
         - 0.5 * jnp.diag(jnp.ones(n - 1), -1)) / dx**2
    return T + jnp.diag(v)


def random_symmetric(n, seed=0):
    A = np.random.default_rng(seed).standard_normal((n, n))
    return A + A.T


def loss_from(pair_fn, target):
    def loss(H):
        E0, psi = pair_fn(H)
        return E0 + jnp.sum((psi**2 - target) ** 2) + jnp.sum(jnp.sin(3 * psi))
    return loss


def reference_pair(H):
    E, V = jnp.linalg.eigh(H)
    return E[0], fix_sign(V[:, 0])


def rel_err(a, b):
    return float(jnp.max(jnp.abs(a - b)) / jnp.max(jnp.abs(b)))


@pytest.mark.parametrize("backward", ["spectrum", "solve"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_grad_matches_jax_eigh(backward, seed):
    H = random_symmetric(8, seed)
    target = np.random.default_rng(seed + 10).random(8) / 8
    mine = jax.grad(loss_from(lambda H: lowest_eigenpair(H, backward=backward), target))(H)
    ref = jax.grad(loss_from(reference_pair, target))(jnp.asarray(H))
    assert rel_err(mine, ref) < 1e-8


def test_values_and_gauge():
    x = np.linspace(-3, 3, 40)
    H = schrodinger_matrix(jnp.asarray(0.5 * x**2), dx=x[1] - x[0])
    E0, psi = lowest_eigenpair(H)
    assert np.allclose(H @ psi, E0 * psi, atol=1e-10)
    assert abs(float(jnp.linalg.norm(psi)) - 1) < 1e-12
    assert np.all(np.asarray(psi) > 0)  # nodeless and sign-fixed
    E0m, psim = lowest_eigenpair(-(-H))
    assert np.allclose(psim, psi)
    # harmonic oscillator: E0 -> 1/2 as the grid is refined (here within 1e-2)
    assert abs(float(E0) - 0.5) < 1e-2


def test_grad_through_potential_matches_and_taylor():
    x = np.linspace(-4, 4, 30)
    dx = x[1] - x[0]
    target = np.exp(-x**2) / np.sum(np.exp(-x**2))

    def loss(v, pair_fn):
        E0, psi = pair_fn(schrodinger_matrix(v, dx))
        return jnp.sum((psi**2 - target) ** 2) + 0.1 * E0

    v = jnp.asarray(0.3 * x**2)
    g = jax.grad(lambda v: loss(v, lowest_eigenpair))(v)
    g_ref = jax.grad(lambda v: loss(v, reference_pair))(v)
    assert rel_err(g, g_ref) < 1e-8
    f = lambda v: float(loss(jnp.asarray(v), lowest_eigenpair))
    res = taylor_test(f, lambda v: np.asarray(jax.grad(lambda w: loss(w, lowest_eigenpair))(jnp.asarray(v))),
                      np.asarray(v), seed=3)
    assert res.passed, res.order
    # a wrong gradient fails the Taylor test
    bad = taylor_test(f, lambda v: 1.1 * np.asarray(g), np.asarray(v), seed=3)
    assert not bad.passed


def test_full_eigh_matches_jax_and_dot_product():
    H = random_symmetric(6, 4)
    W = np.random.default_rng(5).standard_normal((6, 6))

    def loss(H, fn):
        E, V = fn(H)
        return jnp.sum(E**3) + jnp.sum(W * V) + jnp.sum(V[:, 0] ** 4)

    def ref(H):
        E, V = jnp.linalg.eigh(H)
        return E, fix_sign(V)

    g = jax.grad(lambda H: loss(H, eigh))(jnp.asarray(H))
    g_ref = jax.grad(lambda H: loss(H, ref))(jnp.asarray(H))
    assert rel_err(g, g_ref) < 1e-8

    # numpy rule vs JAX's jvp of eigh through the dot-product test (symmetric tangents)
    E, V = ref(jnp.asarray(H))
    E, V = np.asarray(E), np.asarray(V)

    def jvp(dH):
        dH = 0.5 * (dH + dH.T)
        _, (dE, dV) = jax.jvp(ref, (jnp.asarray(H),), (jnp.asarray(dH),))
        return np.concatenate([np.asarray(dE), np.asarray(dV).ravel()])

    def vjp(u):
        return eigh_vjp(E, V, u[:6], u[6:].reshape(6, 6))

    ok, mismatch = dot_product_test(jvp, vjp, (6, 6), (6 + 36,))
    assert ok, mismatch


def test_numpy_ground_rule_matches_jax():
    H = random_symmetric(7, 8)
    E0, psi = reference_pair(jnp.asarray(H))
    psi_bar = np.random.default_rng(9).standard_normal(7)
    _, pullback = jax.vjp(lambda H: lowest_eigenpair(H), jnp.asarray(H))
    (H_bar_jax,) = pullback((jnp.asarray(0.7), jnp.asarray(psi_bar)))
    H_bar_np = lowest_eigenpair_vjp(H, float(E0), np.asarray(psi), 0.7, psi_bar)
    assert rel_err(jnp.asarray(H_bar_np), H_bar_jax) < 1e-10


def test_degenerate_raises():
    H = np.diag([1.0, 1.0, 2.0, 3.0])
    with pytest.raises(DegenerateSpectrumError, match="degenerate"):
        lowest_eigenpair(H)
    with pytest.raises(ValueError):
        lowest_eigenpair(np.diag([1.0, 1.0 + 1e-12, 2.0]))
    lowest_eigenpair(np.diag([1.0, 1.1, 2.0]))  # fine


def test_bad_input_messages():
    with pytest.raises(ValueError, match="symmetric"):
        lowest_eigenpair(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="square"):
        lowest_eigenpair(np.ones((2, 3)))
    with pytest.raises(TypeError, match="real"):
        lowest_eigenpair(np.eye(3) * 1j)
    with pytest.raises(TypeError):
        lowest_eigenpair("H")
    with pytest.raises(ValueError, match="backward"):
        lowest_eigenpair(np.eye(2) + np.diag([0, 1.0]), backward="magic")


def test_works_under_jit():
    H = jnp.asarray(random_symmetric(5, 11))
    g = jax.jit(jax.grad(lambda H: lowest_eigenpair(H)[0]))(H)
    _, psi = reference_pair(H)
    assert np.allclose(g, np.outer(psi, psi), atol=1e-12)


def test_avoided_crossing_levels_and_eigenvector_rate():
    from helpers.eigen import avoided_crossing

    g = 0.05
    for s in (-0.3, 0.0, 0.2):
        E = np.linalg.eigvalsh(np.asarray(avoided_crossing(s, g)))
        assert np.allclose(E[:2], [-np.hypot(s, g), np.hypot(s, g)], rtol=1e-12)
    rate = jax.jacrev(lambda s: lowest_eigenpair(avoided_crossing(s, g))[1])(0.0)
    assert float(jnp.linalg.norm(rate)) == pytest.approx(1 / (2 * g), rel=1e-9)


def test_degeneracy_check_runs_only_outside_jit():
    H = jnp.asarray(np.diag([0.0, 0.0, 1.0, 2.0]))
    with pytest.raises(DegenerateSpectrumError):
        lowest_eigenpair(H)
    g = jax.jit(jax.grad(lambda H: lowest_eigenpair(H)[1][1] ** 2))(H)   # no error under jit ...
    assert not np.all(np.isfinite(np.asarray(g)))                       # ... and no finite gradient
