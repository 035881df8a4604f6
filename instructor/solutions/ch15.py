"""Chapter 15: reference solutions, wrong answers, reference data."""

import numpy as np
from scipy.optimize import minimize

import helpers

jax = helpers.jax_cpu()

from helpers import coils as cl  # noqa: E402
from helpers import thinfilm as tf  # noqa: E402
from helpers.exercises.ch15 import N_GLASS, N_HIGH, N_LOW, V_COAT_WAVELENGTH  # noqa: E402

MU0 = 4e-7 * np.pi


def ideal_index():
    return N_LOW * np.sqrt(N_GLASS)


def bragg_pairs(target=0.999):
    n = 0
    while tf.bragg_mirror_R(N_HIGH, N_LOW, n, N_GLASS) <= target:
        n += 1
    return n


def v_coat(start=(100.0, 20.0), wavelength=V_COAT_WAVELENGTH):
    r = jax.jit(jax.value_and_grad(lambda d: tf.reflectance([N_LOW, N_HIGH], d, wavelength, N_GLASS)[0]))
    res = minimize(lambda d: tuple(np.asarray(v, dtype=float) for v in r(d)), list(start), jac=True,
                   method="L-BFGS-B", bounds=[(0, 300)] * 2, options=dict(ftol=1e-20, gtol=1e-14))
    return res.x


def thickness_gradient():
    return float(jax.grad(lambda d: tf.reflectance([N_LOW], d[None], 550.0, N_GLASS)[0])(80.0))


def square_coil_mT(side=0.4, current=500.0):
    square = side / 2 * np.array([[1, 1, 0], [-1, 1, 0], [-1, -1, 0], [1, -1, 0]], dtype=float)
    return 1e3 * float(np.linalg.norm(np.asarray(cl.polygon_field(np.zeros((1, 3)), square, current))[0]))


def _r_of(d):
    return float(tf.reflectance([N_LOW], [d], 550.0, N_GLASS)[0])


_V = v_coat()
_G = thickness_gradient()

SOLUTIONS = {
    "ch15.ideal-index": ideal_index(),
    "ch15.bragg-pairs": bragg_pairs(),
    "ch15.v-coat": _V,
    "ch15.thickness-gradient": _G,
    "ch15.square-coil": square_coil_mT(),
}

WRONG = {
    "ch15.ideal-index": [
        np.sqrt(N_GLASS),                       # the single-layer answer
        N_LOW / np.sqrt(N_GLASS),               # the rule applied the wrong way round
        N_LOW * N_GLASS,                        # a forgotten square root
        np.sqrt(N_LOW * N_GLASS),               # a geometric mean
    ],
    "ch15.bragg-pairs": [bragg_pairs() - 1, bragg_pairs() + 1, bragg_pairs(0.99), 2 * bragg_pairs()],
    "ch15.v-coat": [
        np.array([tf.quarter_wave_thickness(N_LOW, 550.0), 0.0]),   # the single quarter-wave layer
        _V[::-1],                                                  # the thicknesses swapped
        v_coat(wavelength=500.0),                                  # designed for another wavelength
        np.array([100.0, 20.0]),                                   # the starting guess
    ],
    "ch15.thickness-gradient": [
        -_G,                                                        # sign
        1e3 * _G,                                                   # per micrometre
        _G / (2 * np.pi * N_LOW / 550.0),                           # dR/d(delta) instead of dR/dd
        (_r_of(81.0) - _r_of(80.0)) / 1.0,                          # a coarse forward difference
    ],
    "ch15.square-coil": [
        square_coil_mT() / 1e3,                                     # tesla, not millitesla
        1e3 * np.pi * MU0 * 500.0 / (4 * 0.4),                      # the circle of the same perimeter
        square_coil_mT() / 2,                                       # d = side instead of side / 2
        1e3 * MU0 * 500.0 / (2 * 0.2),                              # the inscribed circle's mu0 I / 2R
    ],
}

REFERENCES = {
    "ch15.ideal-index": ideal_index,
    "ch15.bragg-pairs": bragg_pairs,
    "ch15.thickness-gradient": thickness_gradient,
    "ch15.square-coil": square_coil_mT,
}
