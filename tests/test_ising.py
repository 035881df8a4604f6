"""Tests of helpers.ising: the Monte Carlo sampler against exact enumeration and Onsager."""

import math

import numpy as np
import pytest

from helpers import ising


def test_critical_temperature():
    assert ising.T_C == pytest.approx(2.269185314213022, rel=1e-14)


def test_exact_enumeration_limits():
    # T -> 0: ground state, E/N = -2, |m| = 1; T -> infinity: E/N -> 0.
    lo = ising.exact_enumeration(4, 0.05)
    assert lo["energy"] == pytest.approx(-2.0, abs=1e-12)
    assert lo["abs_magnetization"] == pytest.approx(1.0, abs=1e-12)
    assert abs(ising.exact_enumeration(4, 1e4)["energy"]) < 1e-3
    # 2x2 periodic lattice: each bond counted twice, E = -2 (s1 s2 + s1 s3 + s2 s4 + s3 s4),
    # so Z = 2 e^{8K} + 2 e^{-8K} + 12 and <E>/4 = -2 sinh(8K) / (cosh(8K) + 3).
    K = 1 / 1.7
    exact = -2 * math.sinh(8 * K) / (math.cosh(8 * K) + 3)
    assert ising.exact_enumeration(2, 1.7)["energy"] == pytest.approx(exact, rel=1e-12)


@pytest.mark.parametrize("T", [1.8, 2.5])
def test_metropolis_matches_exact_4x4(T):
    ex = ising.exact_enumeration(4, T)
    s = ising.sample_configurations(4, [T], 20000, 150, seed=11, start="hot")[0]
    e = ising.energy_per_site(s)
    m = np.abs(ising.magnetization_per_site(s))
    # independent replicas: the standard error is std / sqrt(n); allow 4 standard errors
    assert abs(e.mean() - ex["energy"]) < 4 * e.std() / math.sqrt(e.size)
    assert abs(m.mean() - ex["abs_magnetization"]) < 4 * m.std() / math.sqrt(m.size)


def test_metropolis_matches_onsager_far_from_tc():
    T = np.array([1.5, 3.5])
    s = ising.sample_configurations(16, T, 200, 200, seed=5)
    e_all = ising.energy_per_site(s)
    e, se = e_all.mean(axis=1), e_all.std(axis=1) / math.sqrt(e_all.shape[1])
    # finite-size corrections are exponentially small here (correlation length ~ 1 site)
    assert np.all(np.abs(e - ising.onsager_energy(T)) < 4 * se + 2e-3)
    assert np.all(se < 0.015)
    m = np.abs(ising.magnetization_per_site(s)).mean(axis=1)
    assert abs(m[0] - ising.onsager_magnetization(1.5)) < 0.01
    assert m[1] < 0.2


def test_onsager_values():
    # at T_c the energy is -sqrt(2); at low T it tends to -2
    assert float(ising.onsager_energy(ising.T_C)) == pytest.approx(-math.sqrt(2), abs=1e-6)
    assert float(ising.onsager_energy(0.5)) == pytest.approx(-2.0, abs=1e-6)
    assert float(ising.onsager_magnetization(3.0)) == 0.0
    assert float(ising.onsager_magnetization(1.0)) == pytest.approx(0.99927, abs=1e-5)


def test_energy_and_magnetization_of_simple_states():
    up = np.ones((6, 6), dtype=np.int8)
    assert ising.energy_per_site(up) == -2.0
    assert ising.magnetization_per_site(up) == 1.0
    neel = np.where(np.add.outer(np.arange(6), np.arange(6)) % 2 == 0, 1, -1)
    assert ising.energy_per_site(neel) == 2.0
    assert ising.magnetization_per_site(neel) == 0.0


def test_sampler_is_deterministic_and_does_not_modify_input():
    s0 = np.ones((3, 8, 8), dtype=np.int8)
    a = ising.metropolis_sweeps(s0, [2.0, 2.5, 3.0], 5, np.random.default_rng(1))
    b = ising.metropolis_sweeps(s0, [2.0, 2.5, 3.0], 5, np.random.default_rng(1))
    assert np.array_equal(a, b)
    assert np.all(s0 == 1)


def test_bad_input():
    with pytest.raises(ValueError, match="even"):
        ising.checkerboard_masks(5)
    with pytest.raises(ValueError, match="temperatures"):
        ising.metropolis_sweeps(np.ones((4, 4)), -1.0, 1, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"\+1 or -1"):
        ising.energy_per_site(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="L must be 2 or 4"):
        ising.exact_enumeration(6, 2.0)
    with pytest.raises(ValueError, match="start"):
        ising.sample_configurations(4, [2.0], 2, 1, start="warm")


# --------------------------------------------------------------------------- Swendsen-Wang and tools
@pytest.mark.parametrize("T", [1.8, 2.5])
def test_swendsen_wang_matches_exact_4x4(T):
    ex = ising.exact_enumeration(4, T)
    s = ising.sample_configurations(4, [T], 8000, 30, seed=12, start="hot", algorithm="swendsen-wang")[0]
    e, m = ising.energy_per_site(s), np.abs(ising.magnetization_per_site(s))
    assert abs(e.mean() - ex["energy"]) < 4 * e.std() / math.sqrt(e.size)
    assert abs(m.mean() - ex["abs_magnetization"]) < 4 * m.std() / math.sqrt(m.size)


def test_swendsen_wang_limits_and_determinism():
    rng = np.random.default_rng(0)
    s0 = rng.choice(np.array([-1, 1], dtype=np.int8), (2, 8, 8))
    # T -> infinity: no bond is active, every site is its own cluster: fresh random spins
    hot = ising.swendsen_wang_sweeps(s0, 1e6, 1, np.random.default_rng(1))
    assert abs(ising.magnetization_per_site(hot)).max() < 0.5
    # T -> 0 from an ordered state: one cluster, flipped as a whole or not
    cold = ising.swendsen_wang_sweeps(np.ones((3, 8, 8), np.int8), 1e-3, 3, np.random.default_rng(2))
    assert np.all(np.abs(ising.magnetization_per_site(cold)) == 1.0)
    a = ising.swendsen_wang_sweeps(s0, [2.0, 3.0], 4, np.random.default_rng(3))
    b = ising.swendsen_wang_sweeps(s0, [2.0, 3.0], 4, np.random.default_rng(3))
    assert np.array_equal(a, b) and a.shape == s0.shape
    with pytest.raises(ValueError, match="broadcast"):
        ising.swendsen_wang_sweeps(s0, [2.0, 3.0, 4.0], 1, rng)


def test_snapshots_equilibrate_from_both_starts_near_tc():
    T = [2.3]
    cold = ising.sample_snapshots(16, T, 96, 20, 3, 4, seed=1, start="cold")
    hot = ising.sample_snapshots(16, T, 96, 20, 3, 4, seed=2, start="hot")
    assert cold.shape == (1, 96, 3, 16, 16)
    mc = np.abs(ising.magnetization_per_site(cold))[0].mean(axis=1)
    mh = np.abs(ising.magnetization_per_site(hot))[0].mean(axis=1)
    assert abs(mc.mean() - mh.mean()) < 3 * math.hypot(mc.std(), mh.std()) / math.sqrt(96)
    with pytest.raises(ValueError, match="algorithm"):
        ising.sample_snapshots(16, T, 2, 1, 1, 1, algorithm="wolff")
    with pytest.raises(ValueError, match="spacing"):
        ising.sample_snapshots(16, T, 2, 1, 2, 0)


def test_block_magnetizations_and_crossing():
    s = np.ones((2, 8, 8), dtype=np.int8)
    s[1, :4, :4] = -1
    b = ising.block_magnetizations(s, 2)
    assert b.shape == (2, 4) and np.allclose(b[0], 1) and np.allclose(b[1], [-1, 1, 1, 1])
    with pytest.raises(ValueError, match="divide"):
        ising.block_magnetizations(s, 3)
    T = np.array([2.0, 2.1, 2.2, 2.3])
    assert ising.crossing_temperature(T, [0.9, 0.7, 0.4, 0.1]) == pytest.approx(2.1 + 0.2 / 0.3 * 0.1)
    assert math.isnan(ising.crossing_temperature(T, [0.9, 0.8, 0.7, 0.6]))
    # the first downward crossing, not a later one
    assert ising.crossing_temperature(T, [0.6, 0.4, 0.7, 0.2]) == pytest.approx(2.05)
