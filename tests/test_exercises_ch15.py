"""Chapter 15 checkers: what is specific to this chapter (the standard itself is tested for every
exercise in test_checker_standard.py)."""

import numpy as np
import pytest

from helpers import thinfilm as tf
from helpers.exercises import check, reference
from helpers.exercises.ch15 import N_GLASS, N_HIGH, N_LOW


def test_two_layer_ideal_index_gives_zero_reflectance():
    n_x = float(reference("ch15.ideal-index"))
    layers = np.array([N_LOW, n_x])
    assert float(tf.reflectance(layers, tf.quarter_wave_thickness(layers, 550.0), 550.0, N_GLASS)[0]) < 1e-28
    assert check("ch15.ideal-index", n_x)


def test_bragg_pairs_is_an_integer_answer_without_a_ratio():
    n = int(reference("ch15.bragg-pairs"))
    assert tf.bragg_mirror_R(N_HIGH, N_LOW, n, N_GLASS) > 0.999 >= tf.bragg_mirror_R(N_HIGH, N_LOW, n - 1, N_GLASS)
    assert check("ch15.bragg-pairs", n) and check("ch15.bragg-pairs", float(n))
    for wrong in (n - 1, n + 1, 1, 100):
        v = check("ch15.bragg-pairs", wrong)
        assert v.status == "wrong" and "times" not in v.message
        assert "too small" not in v.message and "too large" not in v.message
    v = check("ch15.bragg-pairs", n + 0.5)
    assert v.status == "wrong" and "whole number" in v.message


def test_v_coat_refereed_by_its_reflectance():
    from scipy.optimize import minimize

    f = lambda d: float(tf.reflectance([N_LOW, N_HIGH], np.abs(d), 550.0, N_GLASS)[0])
    res = minimize(f, [100.0, 20.0], method="Nelder-Mead", options=dict(xatol=1e-10, fatol=1e-14))
    assert check("ch15.v-coat", np.abs(res.x))
    v = check("ch15.v-coat", [99.6, 0.0])
    assert v.status == "wrong" and "reflects" in v.message
    v = check("ch15.v-coat", [-10.0, 20.0])
    assert v.status == "wrong" and "between 0 and 1000" in v.message
    v = check("ch15.v-coat", [1.0, 2.0, 3.0])
    assert v.status == "wrong" and "two thicknesses" in v.message


def test_thickness_gradient_agrees_with_finite_differences():
    ref = float(reference("ch15.thickness-gradient"))
    f = lambda d: float(tf.reflectance([N_LOW], [d], 550.0, N_GLASS)[0])
    assert ref == pytest.approx((f(80 + 1e-4) - f(80 - 1e-4)) / 2e-4, rel=1e-7)


def test_square_coil_reference_is_the_hand_formula():
    mu0 = 4e-7 * np.pi
    assert float(reference("ch15.square-coil")) == pytest.approx(1e3 * 2 * np.sqrt(2) * mu0 * 500 / (np.pi * 0.4),
                                                                  rel=1e-12)
