"""Checks for chapter 15, photonic inverse design (book/part4/ch15_photonic_design.ipynb)."""

from __future__ import annotations

import numpy as np

from helpers.check import _emit, check_true, check_value
from helpers.exercises import exercise

#: Materials of the chapter: glass substrate, titanium dioxide (high), magnesium fluoride (low).
N_GLASS, N_HIGH, N_LOW = 1.52, 2.35, 1.38


def _tf():
    from helpers import thinfilm  # imported lazily: it loads JAX

    return thinfilm


@exercise("ch15.ideal-index")
def _ideal_index(answer):
    return check_value(answer, np.sqrt(N_GLASS), rtol=1e-8,
                       name="The index of the ideal single-layer coating on glass n_s = 1.52",
                       hint="a quarter-wave layer turns the substrate admittance n_s into n_1^2/n_s; "
                            "set it equal to the admittance of air")


def bragg_pairs_reference(target: float = 0.999) -> int:
    """Fewest (HL) pairs of TiO2/MgF2 on glass with R > target at the design wavelength."""
    tf = _tf()
    n = 0
    while tf.bragg_mirror_R(N_HIGH, N_LOW, n, N_GLASS) <= target:
        n += 1
    return n


@exercise("ch15.bragg-pairs")
def _bragg_pairs(answer):
    ref = bragg_pairs_reference()
    if isinstance(answer, (float, np.floating)) and float(answer).is_integer():
        answer = int(answer)
    if not isinstance(answer, (int, np.integer)):
        return _emit("wrong", f"The number of pairs should be an integer, got {type(answer).__name__}.", False)
    return check_value(int(answer), ref, rtol=0, atol=0.5, name="The smallest number of pairs",
                       hint="increase N until R = ((1 - Y)/(1 + Y))^2 with Y = n_s (n_H/n_L)^(2N) "
                            "first exceeds 0.999 (strictly)")


@exercise("ch15.v-coat")
def _v_coat(answer):
    name = "Your V-coat"
    d = np.asarray(answer, dtype=float)
    if d.shape != (2,):
        return _emit("wrong", f"{name} should be two thicknesses in nm [d_MgF2, d_TiO2], got shape {d.shape}.",
                     False)
    if not np.all(np.isfinite(d)) or np.any(d < 0) or np.any(d > 1000):
        return _emit("wrong", f"{name}: thicknesses must be finite, in nm, between 0 and 1000.", False)
    R = float(_tf().reflectance([N_LOW, N_HIGH], d, 550.0, N_GLASS)[0])
    return check_true(R < 1e-6, name=f"{name} (R = {R:.2e} at 550 nm)",
                      hint="minimise the reflectance at 550 nm over the two thicknesses, e.g. with "
                           "L-BFGS and jax.grad, from a start near 100 nm and 20 nm")


def thickness_gradient_reference() -> float:
    """dR/dd (per nm) at 550 nm for one MgF2 layer of d = 80 nm on glass."""
    tf = _tf()
    import jax

    return float(jax.grad(lambda d: tf.reflectance([N_LOW], d[None], 550.0, N_GLASS)[0])(80.0))


@exercise("ch15.thickness-gradient")
def _thickness_gradient(answer):
    return check_value(answer, thickness_gradient_reference(), rtol=1e-6,
                       name="dR/dd for the 80 nm MgF2 layer",
                       hint="differentiate helpers.thinfilm.reflectance with jax.grad with respect "
                            "to the thickness, in nm; the answer is per nanometre")


@exercise("ch15.square-coil")
def _square_coil(answer):
    side, current = 0.4, 500.0
    expected_mT = 1e3 * 2 * np.sqrt(2) * 4e-7 * np.pi * current / (np.pi * side)
    return check_value(answer, expected_mT, rtol=1e-8,
                       name="The field at the centre of the square coil (in mT)",
                       hint="each side contributes mu0 I / (4 pi d) (sin a1 + sin a2) with d = side/2; "
                            "remember to convert tesla to millitesla")
