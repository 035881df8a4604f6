"""Unit tests of the chapter 12 checkers: the reference solutions pass, wrong answers fail."""

import math

import numpy as np

from helpers.exercises import check
from helpers.exercises import ch12


def test_ion():
    assert check("ch12.ion-single-gaussian", -16 / (3 * math.pi))
    v = check("ch12.ion-single-gaussian", -4 / (3 * math.pi))
    assert not v and "times" not in v.message
    assert check("ch12.ion-single-gaussian", None).status == "unanswered"


def test_virial():
    assert check("ch12.virial", 2.0000001)
    assert not check("ch12.virial", 1.98)


def test_dedz():
    ref = ch12.helium_dE_dZ_reference()
    assert -3.8 < ref < -3.2  # <sum -1/r> for helium is about -3.37
    assert check("ch12.de-dz", ref)
    assert not check("ch12.de-dz", -ref)


def test_h2plus():
    good = np.array([-1.16647135, 0.57162829, -1.16647135, 0.57162829,
                     -0.78394355, -0.89643931, 0.78394355, 0.89643931])
    assert check("ch12.h2plus-centres", good)
    fixed = good.copy()
    fixed[4:] = [-1, -1, 1, 1]
    v = check("ch12.h2plus-centres", fixed)
    assert not v and "optimise" in v.message
    assert not check("ch12.h2plus-centres", np.zeros(3))
