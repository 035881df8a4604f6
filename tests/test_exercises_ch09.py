"""The chapter 9 exercise checkers accept their reference solutions and reject wrong answers."""

import numpy as np

from helpers.exercises import check
from helpers.exercises import ch09


def test_box_energy():
    assert check("ch09.box-energy", ch09.box_energy(100))
    assert not check("ch09.box-energy", 2 * ch09.box_energy(100))
    assert check("ch09.box-energy", None).status == "unanswered"


def test_hellmann_feynman():
    ref = ch09.hellmann_feynman()
    assert check("ch09.hellmann-feynman", ref)
    assert not check("ch09.hellmann-feynman", -ref)


def test_exact_inverse():
    assert check("ch09.exact-inverse", ch09.exact_inverse())
    assert not check("ch09.exact-inverse", np.zeros_like(ch09.exact_inverse()))


def test_gaussian_inverse():
    V = ch09.gaussian_inverse()
    assert check("ch09.gaussian", V)
    assert not check("ch09.gaussian", np.zeros_like(V))
