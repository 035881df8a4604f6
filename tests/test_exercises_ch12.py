"""Chapter 12 checkers, beyond the standard's common test: the answers the referee found
accepted or mishandled are now rejected with the right message."""

import math

import numpy as np

from helpers.exercises import check


def test_virial_rejects_the_typed_theory_value():
    for typed in (2.0, 1.0):
        v = check("ch12.virial-scale", typed)
        assert v.status == "wrong"


def test_h2plus_nan_and_malformed_inputs_get_plain_messages():
    v = check("ch12.h2plus-centres", np.full(8, np.nan))
    assert v.status == "wrong" and "NaN" in v.message and "identical" not in v.message
    v = check("ch12.h2plus-centres", np.zeros(3))
    assert v.status == "wrong" and "8 numbers" in v.message
    v = check("ch12.h2plus-centres", np.r_[np.log([0.3, 0.3, 0.3, 0.3]), 0.0, 0.0, 0.0, 0.0])
    assert v.status == "wrong" and "identical" in v.message      # four equal functions: singular overlap
    v = check("ch12.h2plus-centres", np.r_[np.full(4, 80.0), np.zeros(4)])
    assert v.status == "wrong" and "logarithms" in v.message


def test_h2plus_unoptimised_parameters_are_rejected_without_the_target():
    start = np.r_[np.log([0.2, 1.3, 0.2, 1.3]), -1.0, -1.0, 1.0, 1.0]
    v = check("ch12.h2plus-centres", start)
    assert v.status == "wrong" and "0.012" not in v.message and "-0.590" not in v.message


def test_ion_and_de_dz_reject_nearby_formulas():
    assert not check("ch12.ion-single-gaussian", -4 / (3 * math.pi))
    assert not check("ch12.de-dz", 3.3409551728700304)
