"""helpers.schrodinger1d: the grid, the ground state, the O(N) adjoint against finite differences,
the closed-form inversion (exact for positive densities, a delta-well for a kink), bad input."""

import numpy as np
import pytest

from helpers import schrodinger1d as s1d


def test_grid_and_empty_box():
    x, h = s1d.grid(500)
    assert x.size == 500 and abs(h - 2 / 501) < 1e-15 and abs(x[0] + 1 - h) < 1e-15
    E, psi = s1d.ground_state(np.zeros(500))
    assert abs(E - (1 - np.cos(np.pi / 501)) / h**2) < 1e-10
    assert abs(np.sum(psi**2) - 1) < 1e-12 and psi.sum() > 0
    E01 = s1d.lowest_energies(np.zeros(500), 2)
    assert abs(E01[1] / E01[0] - 4) < 1e-3      # box levels grow as k^2


def test_adjoint_against_finite_differences():
    rng = np.random.default_rng(1)
    x, _ = s1d.grid(120)
    V = 20 * x**2 + rng.standard_normal(120)
    target = s1d.gaussian_target(x, 0.2, 0.1)
    loss, grad = s1d.l1_loss_and_grad(V, target)
    assert abs(grad.sum()) < 1e-12 * np.abs(grad).sum()   # the gauge sum rule
    for _ in range(3):
        d = rng.standard_normal(120)
        fd = (s1d.l1_loss_and_grad(V + 1e-6 * d, target)[0] - s1d.l1_loss_and_grad(V - 1e-6 * d, target)[0]) / 2e-6
        assert abs(fd - grad @ d) < 1e-5 * abs(grad @ d)


def test_inversion_is_exact_for_positive_densities():
    rng = np.random.default_rng(2)
    x, _ = s1d.grid(200)
    rho = np.exp(np.cumsum(rng.normal(0, 0.1, 200)))
    rho /= rho.sum()
    V = s1d.invert_density(rho, energy=1.5)
    E, psi = s1d.ground_state(V)
    assert abs(E - 1.5) < 1e-8 and np.max(np.abs(psi**2 - rho)) < 1e-10


def test_kink_is_a_delta_well_and_zeros_need_walls():
    x, h = s1d.grid(500)
    rho = s1d.triangle_target(x)
    with pytest.raises(ValueError, match="wall"):
        s1d.invert_density(rho)
    V = s1d.invert_density(rho, wall=1e9)
    assert abs((V[249] + V[250]) * h + 1 / (1 - h / 2)) < 1e-9   # strength 1 at the kink
    flat = (rho > 0) & (np.abs(x) > 0.05) & (np.abs(x) < 0.45)
    assert np.abs(V[flat]).max() < 1e-6
    _, psi = s1d.ground_state(V)
    assert np.sum(np.abs(psi**2 - rho)) < 1e-3                    # walls of 1e9 nearly enforce the zeros


def test_penalty_gradient_and_bad_input():
    rng = np.random.default_rng(3)
    V = rng.standard_normal(10)
    value, grad = s1d.smoothness_penalty(V, 0.3)
    d = rng.standard_normal(10)
    fd = (s1d.smoothness_penalty(V + 1e-6 * d, 0.3)[0] - s1d.smoothness_penalty(V - 1e-6 * d, 0.3)[0]) / 2e-6
    assert abs(fd - grad @ d) < 1e-8 and abs(grad.sum()) < 1e-12
    with pytest.raises(ValueError, match="NaN"):
        s1d.ground_state(np.array([0.0, np.nan, 0.0]))
    with pytest.raises(TypeError, match="array of floats"):
        s1d.ground_state("abc")
    with pytest.raises(ValueError, match="integer"):
        s1d.grid(2.5)
    with pytest.raises(ValueError, match=">= 0"):
        s1d.invert_density(np.array([0.5, -0.1, 0.6]))
    with pytest.raises(ValueError, match="shape"):
        s1d.l1_loss_and_grad(np.zeros(10), np.zeros(11))
    with pytest.raises(ValueError, match="width"):
        s1d.gaussian_target(np.zeros(3), 0.0)
