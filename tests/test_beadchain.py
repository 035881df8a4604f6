"""Tests of helpers.beadchain: energy, the differentiable folding simulator, 2D Kabsch RMSD."""

import numpy as np
import pytest

from helpers import beadchain as bc
from helpers.check import check_grad

import jax
import jax.numpy as jnp

ENERGY = jax.jit(bc.energy)
THETA = jnp.array([0.8, -0.3, np.log(5.0), np.log(2.0), 1.0, 0.4, 0.2])


def _rot(a):
    return np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])


def test_energy_of_straight_chain():
    # straight unit bonds: no bond energy, every angle is 0, no pair closer than 3 bonds
    types = bc.parse_sequence("AABBA")
    x = bc.extended_chain(5)
    kappa = np.exp(np.array(THETA[2:4]))[types[1:-1]]
    phi0 = np.array(THETA[0:2])[types[1:-1]]
    e_angle = np.sum(kappa * (1 - np.cos(phi0)))
    # pairs (0,3), (1,4) at distance 3 and (0,4) at 4: contact wells
    c = bc.DEFAULTS
    eps = np.array([[1.0, 0.4], [0.4, 0.2]])
    e_pair = -sum(eps[types[i], types[j]] * np.exp(-(abs(j - i) - c["r0"]) ** 2 / (2 * c["width"] ** 2))
                  for i, j in ((0, 3), (1, 4), (0, 4)))
    assert float(ENERGY(x, types, THETA)) == pytest.approx(e_angle + e_pair, rel=1e-12)


def test_energy_is_invariant_under_rigid_motions():
    rng = np.random.default_rng(0)
    x = np.asarray(bc.extended_chain(8)) + 0.3 * rng.standard_normal((8, 2))
    types = bc.parse_sequence("ABABBAAB")
    y = x @ _rot(0.7).T + np.array([2.0, -1.0])
    assert float(ENERGY(x, types, THETA)) == pytest.approx(float(ENERGY(y, types, THETA)), rel=1e-10)


def test_turning_angle_sign_gives_chirality():
    # a chain bent left (counter-clockwise) is favoured by phi0 > 0
    types = bc.parse_sequence("AAAA")
    left = np.array([[0, 0], [1, 0], [1 + np.cos(0.5), np.sin(0.5)], [1 + np.cos(0.5) + np.cos(1.0), np.sin(0.5) + np.sin(1.0)]])
    right = left * np.array([1, -1])
    th = jnp.array([0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    assert float(ENERGY(left, types, th)) < float(ENERGY(right, types, th))


def test_kabsch_rmsd_2d():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((7, 2))
    y = x @ _rot(1.3).T + np.array([0.5, 4.0])
    assert float(bc.kabsch_rmsd_2d(x, y)) < 1e-5
    # against a brute-force search over rotation angles
    z = rng.standard_normal((7, 2))
    xc, zc = x - x.mean(0), z - z.mean(0)
    angles = np.linspace(0, 2 * np.pi, 20001)
    brute = min(np.sqrt(np.mean(np.sum((xc @ _rot(a).T - zc) ** 2, axis=1))) for a in angles)
    assert float(bc.kabsch_rmsd_2d(x, z)) == pytest.approx(brute, rel=1e-6)
    # a mirror image is not superimposable
    assert float(bc.kabsch_rmsd_2d(x, x * np.array([1, -1]))) > 0.1


def test_simulation_is_deterministic_folds_and_batches():
    key = jax.random.PRNGKey(3)
    keys = jax.random.split(key, 2)
    # one compilation: jit caches on the (static) sequence and step count
    sim = jax.jit(bc.simulate, static_argnames=("types", "n_steps", "return_trajectory"))
    traj = sim(THETA, types="AABBAABB", key=keys[1], n_steps=150, return_trajectory=True)
    again = sim(THETA, types="AABBAABB", key=keys[1], n_steps=150, return_trajectory=True)
    assert np.array_equal(np.asarray(traj), np.asarray(again))
    assert traj.shape == (151, 8, 2)
    assert np.allclose(traj[0], bc.extended_chain(8))
    a = traj[-1]
    # the chain left the straight start and kept its bonds near unit length
    assert float(bc.kabsch_rmsd_2d(a, bc.extended_chain(8))) > 0.3
    bonds = np.linalg.norm(np.diff(np.asarray(a), axis=0), axis=1)
    assert np.all(np.abs(bonds - 1) < 0.15)
    # the batched simulator folds each sequence exactly as the single one does
    xb = bc.simulate_batch(THETA, ["BBABAAAB", "AABBAABB"], keys, 150)
    assert np.allclose(xb[1], a, atol=1e-12)


def test_gradient_through_unrolled_simulation_matches_finite_differences():
    seqs = ["AABBAB", "BABAAB"]
    key = jax.random.PRNGKey(5)
    targets = [bc.extended_chain(6) @ jnp.array([[0.8, 0.6], [-0.6, 0.8]]), bc.extended_chain(6) * 0.9]
    vg = jax.jit(jax.value_and_grad(lambda th: bc.structure_loss(th, seqs, targets, key, 40)))
    f = lambda th: float(vg(th)[0])  # noqa: E731
    g = lambda th: np.asarray(vg(th)[1])  # noqa: E731
    assert check_grad(f, g, np.asarray(THETA), rtol=1e-5, atol=1e-8, quiet=True)
    # rematerialisation (jax.checkpoint per step) changes memory, not the gradient
    g_remat = jax.grad(lambda th: bc.structure_loss(th, seqs, targets, key, 40, remat=True))
    assert np.allclose(g(THETA), g_remat(THETA), rtol=1e-10, atol=1e-12)


def test_bad_input():
    with pytest.raises(ValueError, match="'A' or 'B'"):
        bc.parse_sequence("ABC")
    with pytest.raises(ValueError, match="at least 4"):
        bc.parse_sequence("AB")
    with pytest.raises(ValueError, match="theta must have shape"):
        bc.simulate(jnp.zeros(3), "AABB", jax.random.PRNGKey(0))
    with pytest.raises(ValueError, match="theta must be finite"):
        bc.simulate(jnp.full(7, jnp.nan), "AABB", jax.random.PRNGKey(0))
    with pytest.raises(ValueError, match="theta must be finite"):
        bc.simulate_batch(jnp.full(7, jnp.inf), ["AABB", "ABBA"], jax.random.split(jax.random.PRNGKey(0), 2))
    with pytest.raises(ValueError, match="same length"):
        bc.simulate_batch(THETA, ["AABB", "AABBA"], jax.random.split(jax.random.PRNGKey(0), 2))
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        bc.kabsch_rmsd_2d(np.zeros((3, 2)), np.zeros((4, 2)))


def test_residual_bytes_grow_linearly_and_remat_saves_memory():
    seqs, tg = ["AABBAB"], [bc.extended_chain(6)]
    key = jax.random.PRNGKey(0)
    nb = {(n, r): bc.residual_bytes(lambda th: bc.structure_loss(th, seqs, tg, key, n, remat=r), THETA)
          for n in (50, 100) for r in (False, True)}
    grow = nb[(100, False)] - nb[(50, False)]
    assert abs(nb[(100, False)] - 2 * nb[(50, False)]) < 0.05 * nb[(100, False)]  # ~ linear, tiny offset
    assert grow > 0
    assert nb[(100, True)] < nb[(100, False)] / 5
    # with remat only the positions entering each step (6 * 2 floats) are kept per step
    assert nb[(100, True)] >= 100 * 6 * 2 * 8


def test_structure_tools():
    # a square of side 1 traversed counter-clockwise: three left turns of pi/2
    x = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 2.0]])
    phi = bc.turning_angles(x)
    assert np.allclose(phi, [np.pi / 2, np.pi / 2, -np.pi / 2])
    assert np.allclose(bc.mean_turning_angles(["AABBA"], [x]), [np.pi / 2, 0.0])
    c = bc.contact_map(x, cutoff=1.5, min_separation=3)
    # only (0, 3) qualifies: distance 1 and 3 apart; (0, 4) is at distance 2, (1, 4) at sqrt(5),
    # (0, 2) at sqrt(2) but only two apart
    assert c.sum() == 2 and c[0, 3] and c[3, 0] and not c[0, 4] and not c[0, 2]
    rng = np.random.default_rng(4)
    y = rng.standard_normal((6, 2))
    rot = _rot(2.0)
    assert np.allclose(bc.superpose(y, y @ rot.T + 1.0), y @ rot.T + 1.0)
    with pytest.raises(ValueError, match="shape"):
        bc.contact_map(np.zeros(5))


def test_soft_core_reaches_next_nearest_neighbours():
    # beads i and i+2 folded on top of each other cost soft-core energy (core_from = 2)
    x = np.array([[0.0, 0.0], [1.0, 0.0], [0.1, 0.0], [0.1, 1.0]])
    th = jnp.zeros(7)
    e_default = float(bc.energy(x, bc.parse_sequence("AAAA"), th))
    e_old = float(bc.energy(x, bc.parse_sequence("AAAA"), th, {"core_from": 3}))
    assert e_default - e_old == pytest.approx(0.5 * bc.DEFAULTS["core"] * (1 - 0.1) ** 2, rel=1e-9)
