"""Tests of helpers.thinfilm: the transfer-matrix method against closed forms."""


import numpy as np
import pytest

import jax

from helpers import thinfilm as tf


def test_bare_glass_reflects_four_percent():
    assert float(tf.reflectance([], [], 550.0, 1.5)[0]) == pytest.approx(0.04, abs=1e-12)
    assert tf.bare_surface_R(1.5) == pytest.approx(0.04, abs=1e-15)


def test_quarter_wave_coating():
    d = tf.quarter_wave_thickness(1.38, 550.0)
    R = float(tf.reflectance([1.38], [d], 550.0, 1.5)[0])
    assert abs(R - ((1.5 - 1.38**2) / (1.5 + 1.38**2)) ** 2) < 1e-12
    # the ideal index sqrt(n_s) gives zero
    ni = np.sqrt(1.5)
    assert float(tf.reflectance([ni], [tf.quarter_wave_thickness(ni, 600.0)], 600.0, 1.5)[0]) < 1e-28


@pytest.mark.parametrize("pairs", [1, 4, 9])
def test_bragg_mirror(pairs):
    n = tf.alternating_indices(2.35, 1.38, 2 * pairs)
    R = float(tf.reflectance(n, tf.quarter_wave_thickness(n, 800.0), 800.0, 1.52)[0])
    assert abs(R - tf.bragg_mirror_R(2.35, 1.38, pairs, 1.52)) < 1e-12


def test_half_wave_layer_is_absentee_and_energy_conserved():
    rng = np.random.default_rng(0)
    lam = np.linspace(400, 800, 7)
    n = rng.uniform(1.3, 2.4, 5)
    d = rng.uniform(10, 200, 5)
    R = np.asarray(tf.reflectance(n, d, lam, 1.52))
    T = np.asarray(tf.transmittance(n, d, lam, 1.52))
    assert np.allclose(R + T, 1.0, atol=1e-13)
    n2 = np.r_[n, 2.0]
    d2 = np.r_[d, 2 * tf.quarter_wave_thickness(2.0, 600.0)]
    assert float(tf.reflectance(n2, d2, 600.0, 1.52)[0]) == pytest.approx(
        float(tf.reflectance(n, d, 600.0, 1.52)[0]), abs=1e-13)


def test_gradient_matches_finite_differences():
    from helpers.check import check_grad
    lam = np.linspace(400, 700, 11)
    n = tf.alternating_indices(1.38, 2.35, 4)
    f = lambda d: float(np.mean(tf.reflectance(n, d, lam, 1.52)))
    g = lambda d: np.asarray(jax.grad(lambda x: tf.reflectance(n, x, lam, 1.52).mean())(d))
    assert check_grad(f, g, np.array([90.0, 60.0, 30.0, 120.0]), quiet=True)


def test_bad_input_messages():
    with pytest.raises(ValueError, match="equal length"):
        tf.reflectance([1.4, 2.0], [100.0], 500.0, 1.5)
    with pytest.raises(ValueError, match="positive"):
        tf.reflectance([1.4], [100.0], [-500.0], 1.5)
    with pytest.raises(ValueError, match="pairs"):
        tf.bragg_mirror_R(2.3, 1.4, 1.5, 1.5)
