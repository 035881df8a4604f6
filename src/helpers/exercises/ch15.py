"""Checks for chapter 15, photonic inverse design (book/part4/ch15_photonic_design.ipynb).

The ideal index, the number of Bragg pairs, the thickness gradient and the coil field are
compared with reference data; the V-coat is refereed by computing its reflectance with
:func:`helpers.thinfilm.reflectance`, so the checker holds no answer.
"""

from __future__ import annotations

import numpy as np

from helpers.check import Verdict, as_numbers, check_value, describe_shape
from helpers.exercises import exercise, reference

#: Materials of the chapter: glass substrate, titanium dioxide (high), magnesium fluoride (low).
N_GLASS, N_HIGH, N_LOW = 1.52, 2.35, 1.38
#: The V-coat: design wavelength (nm) and the reflectance to beat there.
V_COAT_WAVELENGTH, V_COAT_R = 550.0, 1e-6


@exercise("ch15.ideal-index", hints=(
    "Start at the substrate, where Y = n_s, and apply the quarter-wave rule Y -> n^2 / Y once for "
    "the layer X and once for the MgF2 layer above it.",
    "Reflection vanishes when the admittance of the whole stack equals that of air, Y = n_0 = 1.",
))
def _ideal_index(answer):
    return check_value(answer, reference("ch15.ideal-index"), rtol=1e-8,
                       name="The index of the inner layer of the ideal two-layer coating")


@exercise("ch15.bragg-pairs", hints=(
    "At the design wavelength the chapter gives the admittance, and so the reflectance, of N "
    "pairs in closed form; try N = 1, 2, 3, ... until R first exceeds 0.999.",
    "For large Y, 1 - R is about 4/Y: which N makes Y larger than about 4000?",
))
def _bragg_pairs(answer):
    return check_value(answer, reference("ch15.bragg-pairs"), rtol=0, atol=0.5, integer=True,
                       name="The smallest number of pairs")


@exercise("ch15.v-coat", hints=(
    "Write R(550 nm) as a function of the two thicknesses with helpers.thinfilm.reflectance and "
    "minimise it with a gradient-based optimizer (jax.grad gives the gradient).",
    "Start near a quarter wave of MgF2 (about 100 nm) and a thin TiO2 layer (about 20 nm), and "
    "ask the optimizer for tight tolerances: R must fall below 1e-6.",
))
def _v_coat(answer):
    name = "Your V-coat"
    d, problem = as_numbers(answer)
    if d is None:
        return Verdict("wrong", f"{name} should be two thicknesses in nm, [d_MgF2, d_TiO2], but it is {problem}.")
    if d.shape != (2,):
        return Verdict("wrong", f"{name} is {describe_shape(d.shape)}, but two thicknesses in nm, "
                       "[d_MgF2, d_TiO2], were expected.")
    if not np.all(np.isfinite(d)) or np.any(d < 0) or np.any(d > 1000):
        return Verdict("wrong", f"{name}: thicknesses must be finite numbers in nm, between 0 and 1000.")
    from helpers import thinfilm  # imported here: it loads JAX

    R = float(thinfilm.reflectance([N_LOW, N_HIGH], d, V_COAT_WAVELENGTH, N_GLASS)[0])
    if R < V_COAT_R:
        return Verdict("correct", f"{name} is correct: it reflects {R:.1e} at 550 nm.")
    return Verdict("wrong", f"{name} is not right yet: on glass, MgF2 on top, it reflects {R:.2g} at "
                   "550 nm, and the exercise asks for less than 1e-06.")


@exercise("ch15.thickness-gradient", hints=(
    "Write R as a function of the thickness d alone (one layer of MgF2 on glass, at 550 nm) and "
    "apply jax.grad to it.",
    "The derivative is per nanometre: pass d in nm, as helpers.thinfilm expects, and keep the sign.",
))
def _thickness_gradient(answer):
    return check_value(answer, reference("ch15.thickness-gradient"), rtol=1e-6,
                       name="dR/dd for the 80 nm MgF2 layer")


@exercise("ch15.square-coil", hints=(
    "By symmetry the four sides contribute equally, and all along the axis of the coil; each is a "
    "finite straight wire seen from its midpoint.",
    "For one side, d = side/2 and alpha_1 = alpha_2 = 45 degrees; give the total in millitesla.",
))
def _square_coil(answer):
    return check_value(answer, reference("ch15.square-coil"), rtol=1e-8,
                       name="The field at the centre of the square coil (in mT)")
