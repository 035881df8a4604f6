"""The chapter 14 checkers accept the reference solutions and reject wrong answers."""


import numpy as np

from helpers.exercises import check
from helpers.exercises.ch14 import HADAMARD, corpse_exponent_reference


def test_pi_infidelity():
    assert check("ch14.pi-infidelity", np.sin(np.pi * 0.01) ** 2)
    v = check("ch14.pi-infidelity", (np.pi * 0.02) ** 2)
    assert not v


def test_curvature():
    assert check("ch14.curvature", -np.pi**2 / 2)
    v = check("ch14.curvature", np.pi**2 / 2)
    assert not v and "sign" not in v.message


def test_corpse_exponent():
    ref = corpse_exponent_reference()
    assert abs(ref - 4.0) < 0.1
    assert check("ch14.corpse-exponent", ref)
    assert not check("ch14.corpse-exponent", 2.0)


def test_hadamard():
    # H = exp(-i pi/2 (X+Z)/sqrt2) up to phase: a constant drive along x with detuning would do it,
    # but the exercise has only x and y controls; the composite Y(pi/2) then X(pi) does it.
    c = np.array([[0.0, np.pi], [2 * np.pi, 0.0]])  # segments of duration 1/2
    assert check("ch14.hadamard", c)
    assert not check("ch14.hadamard", np.array([[np.pi, 0.0]]))
    v = check("ch14.hadamard", np.zeros(3))
    assert not v and "shape" in v.message
    assert check("ch14.hadamard", None).status == "unanswered"
    assert HADAMARD.shape == (2, 2)
