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


def test_band_gap_closed_form_matches_the_bloch_condition():
    """The edges of eq. (4/pi) arcsin((nH - nL)/(nH + nL)) are where Tr(M_H M_L)/2 = -1."""
    from scipy.optimize import brentq

    for n_h, n_l in ((2.35, 1.38), (3.5, 1.45), (1.6, 1.5)):
        lam0 = 800.0
        d_h, d_l = tf.quarter_wave_thickness(n_h, lam0), tf.quarter_wave_thickness(n_l, lam0)
        ht = lambda lam: float(tf.bloch_half_trace(n_h, d_h, n_l, d_l, lam)[0]) + 1
        lo, hi = tf.quarter_wave_band_edges(n_h, n_l, lam0)
        assert brentq(ht, 0.6 * lam0, lam0) == pytest.approx(lo, rel=1e-10)
        assert brentq(ht, lam0, 1.8 * lam0) == pytest.approx(hi, rel=1e-10)
        # at the centre of the gap the half trace is -(1 + (nH/nL + nL/nH)/2) + 1 ... i.e. below -1
        assert float(tf.bloch_half_trace(n_h, d_h, n_l, d_l, lam0)[0]) == pytest.approx(-(n_h / n_l + n_l / n_h) / 2)
    # the half trace of the unit cell matrix, computed from the matrices themselves
    n1, d1, n2, d2, lam = 1.7, 83.0, 1.4, 121.0, 612.0
    m = lambda n, d: np.array([[np.cos(2 * np.pi * n * d / lam), 1j * np.sin(2 * np.pi * n * d / lam) / n],
                               [1j * n * np.sin(2 * np.pi * n * d / lam), np.cos(2 * np.pi * n * d / lam)]])
    assert float(tf.bloch_half_trace(n1, d1, n2, d2, lam)[0]) == pytest.approx(
        0.5 * np.trace(m(n1, d1) @ m(n2, d2)).real, abs=1e-14)


def test_thick_mirror_reflects_across_the_gap():
    lam = np.linspace(380, 780, 2001)
    n = tf.alternating_indices(2.35, 1.38, 60)
    R = np.asarray(tf.reflectance(n, tf.quarter_wave_thickness(n, 550.0), lam, 1.52))
    lo, hi = tf.band_width(lam, R, 0.999)
    g_lo, g_hi = tf.quarter_wave_band_edges(2.35, 1.38, 550.0)
    assert g_lo < lo < g_lo + 5 and g_hi - 5 < hi < g_hi


def test_band_width_interpolates_the_crossings():
    lam = np.linspace(0.0, 10.0, 11)
    v = np.array([0, 0, 1, 3, 5, 5, 3, 1, 0, 0, 0], dtype=float)
    assert tf.band_width(lam, v, 2.0) == pytest.approx((2.5, 6.5))
    with pytest.raises(ValueError, match="end of the sampled range"):
        tf.band_width(lam, np.r_[5.0, v[1:]], 0.5)
    with pytest.raises(ValueError, match="no sample exceeds"):
        tf.band_width(lam, v, 10.0)


def test_bad_input_messages():
    with pytest.raises(ValueError, match="equal length"):
        tf.reflectance([1.4, 2.0], [100.0], 500.0, 1.5)
    with pytest.raises(ValueError, match="positive"):
        tf.reflectance([1.4], [100.0], [-500.0], 1.5)
    with pytest.raises(ValueError, match="pairs"):
        tf.bragg_mirror_R(2.3, 1.4, 1.5, 1.5)


@pytest.mark.parametrize("call, match", [
    (lambda: tf.reflectance([1.4], [-5.0], 500.0, 1.5), r"d_layers must be >= 0.*-5\.0"),
    (lambda: tf.reflectance([1.4, 2.0], [10.0, -1.0], 500.0, 1.5), r"d_layers must be >= 0.*index 1"),
    (lambda: tf.reflectance([1.4], [np.nan], 500.0, 1.5), "d_layers must be finite"),
    (lambda: tf.reflectance([0.0], [5.0], 500.0, 1.5), "n_layers must be positive"),
    (lambda: tf.reflectance([1.4 + 0.1j], [5.0], 500.0, 1.5), "n_layers must be real"),
    (lambda: tf.reflectance([1.4], [5.0], 500.0, -1.5), "n_substrate must be positive"),
    (lambda: tf.reflectance([1.4], [5.0], 500.0, 1.5, n_incident=0.0), "n_incident must be positive"),
    (lambda: tf.reflectance([1.4], [5.0], "500", 1.5), "wavelengths must be real numbers"),
    (lambda: tf.reflectance([1.4], [5.0], [[500.0]], 1.5), "wavelengths must be"),
    (lambda: tf.transmittance([1.4], [-5.0], 500.0, 1.5), "d_layers must be >= 0"),
    (lambda: tf.admittance_coefficients([1.4], [5.0], 0.0, 1.5), "wavelengths must be positive"),
    (lambda: tf.quarter_wave_thickness(-1.4, 550.0), "n must be positive"),
    (lambda: tf.quarter_wave_thickness(1.4, np.inf), "wavelength must be finite"),
    (lambda: tf.bare_surface_R(True), "n_substrate must be real numbers"),
    (lambda: tf.quarter_wave_coating_R(1.38, 0.0), "n_substrate must be positive"),
    (lambda: tf.bragg_mirror_R(2.3, -1.4, 3, 1.5), "n_low must be positive"),
    (lambda: tf.bragg_mirror_R(2.3, 1.4, -1, 1.5), "pairs must be at least 0"),
    (lambda: tf.alternating_indices(2.3, 1.4, 2.5), "layers must be a whole number"),
    (lambda: tf.alternating_indices(2.3, np.nan, 4), "n_second must be finite"),
    (lambda: tf.bloch_half_trace(2.3, -10.0, 1.4, 10.0, 500.0), "d1 must be >= 0"),
    (lambda: tf.quarter_wave_gap(2.3, 0.0), "n_low must be positive"),
    (lambda: tf.quarter_wave_band_edges(2.3, 1.4, -550.0), "design_wavelength must be positive"),
    (lambda: tf.band_width([1, 2, 3], [1, 2], 1.5), "match values"),
])
def test_nonsense_is_refused_with_a_clear_message(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_checks_leave_traced_arguments_alone():
    lam = np.linspace(400, 700, 5)
    n = tf.alternating_indices(1.38, 2.35, 4)
    f = jax.jit(lambda d: tf.reflectance(n, d, lam, 1.52).mean())
    assert np.isfinite(float(f(np.array([90.0, 60.0, 30.0, 120.0]))))
    g = jax.grad(lambda s: tf.reflectance([1.38], [100.0], 550.0, s)[0])(1.52)
    assert np.isfinite(float(g))
