"""The chapter 15 checkers accept the reference solutions and reject wrong answers."""


import numpy as np
from scipy.optimize import minimize

from helpers import thinfilm as tf
from helpers.exercises import check
from helpers.exercises.ch15 import N_GLASS, N_HIGH, N_LOW, bragg_pairs_reference, thickness_gradient_reference


def test_ideal_index():
    assert check("ch15.ideal-index", np.sqrt(1.52))
    assert not check("ch15.ideal-index", 1.52)


def test_bragg_pairs():
    n = bragg_pairs_reference()
    assert tf.bragg_mirror_R(N_HIGH, N_LOW, n, N_GLASS) > 0.999 >= tf.bragg_mirror_R(N_HIGH, N_LOW, n - 1, N_GLASS)
    assert check("ch15.bragg-pairs", n)
    assert not check("ch15.bragg-pairs", n - 1)
    assert not check("ch15.bragg-pairs", "five")


def test_v_coat():
    f = lambda d: float(tf.reflectance([N_LOW, N_HIGH], d, 550.0, N_GLASS)[0])
    res = minimize(f, [100.0, 20.0], method="Nelder-Mead", options=dict(xatol=1e-10, fatol=1e-14))
    assert check("ch15.v-coat", res.x)
    assert not check("ch15.v-coat", [99.6, 0.0])
    assert not check("ch15.v-coat", [1.0, 2.0, 3.0])


def test_thickness_gradient():
    ref = thickness_gradient_reference()
    h = 1e-4
    f = lambda d: float(tf.reflectance([N_LOW], [d], 550.0, N_GLASS)[0])
    assert abs(ref - (f(80 + h) - f(80 - h)) / (2 * h)) < 1e-9
    assert check("ch15.thickness-gradient", ref)
    assert not check("ch15.thickness-gradient", -ref)


def test_square_coil():
    from helpers import coils as cl

    square = np.array([[0.2, 0.2, 0], [-0.2, 0.2, 0], [-0.2, -0.2, 0], [0.2, -0.2, 0]])
    B = 1e3 * float(cl.polygon_field(np.zeros((1, 3)), square, 500.0)[0, 2])
    assert check("ch15.square-coil", B)
    assert not check("ch15.square-coil", B / 1e3)  # forgot the unit conversion
