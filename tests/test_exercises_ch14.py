"""Chapter 14 checkers: what is specific to this chapter (the standard itself is tested for every
exercise in test_checker_standard.py)."""

import numpy as np
import pytest

from helpers import qubit as q
from helpers.exercises import check, reference
from helpers.exercises.ch14 import HADAMARD


def test_detuned_pulse_reference_matches_the_closed_form():
    # rotation by pi sqrt(1.01) about (1, 0, 0.1)/sqrt(1.01): I = 1 - sin^2(alpha/2) / 1.01
    assert float(reference("ch14.pi-infidelity")) == pytest.approx(
        1 - np.sin(np.pi * np.sqrt(1.01) / 2) ** 2 / 1.01, rel=1e-12)
    assert float(reference("ch14.curvature")) == pytest.approx(-2 / np.pi**2, rel=1e-10)
    assert float(reference("ch14.corpse-exponent")) == pytest.approx(4.0, abs=0.05)


def test_the_ideal_exponent_typed_is_not_the_measured_one():
    # the fit over f = 0.001..0.008 gives 4.05 (higher orders): typing the ideal 4 must not pass
    assert abs(float(reference("ch14.corpse-exponent")) - 4.0) > 0.02
    assert check("ch14.corpse-exponent", 4).status == "wrong"
    assert check("ch14.corpse-exponent", float(reference("ch14.corpse-exponent")) + 0.001).status == "correct"


def test_small_detuning_estimate_is_close_but_not_accepted():
    v = check("ch14.pi-infidelity", 0.01)
    assert v.status == "wrong" and "close" in v.message


def test_hadamard_refereed_by_running_the_pulse():
    # made by hand: a pi/2 rotation about y, then a pi rotation about x, is H up to a phase
    c = np.zeros((10, 2))
    c[:5, 1] = np.pi           # 5 x 0.1 x pi = pi/2 about y
    c[5:, 0] = 2 * np.pi       # 5 x 0.1 x 2 pi = pi about x
    assert float(q.infidelity(c, 0.1, target=HADAMARD)) < 1e-28
    assert check("ch14.hadamard", c)
    # the same pulse with a complex type, a wrong shape, a list of rows
    v = check("ch14.hadamard", c.astype(complex))
    assert v.status == "wrong" and "complex" in v.message
    v = check("ch14.hadamard", c[:4])
    assert v.status == "wrong" and "10×2" in v.message
    assert check("ch14.hadamard", c.tolist())
    # the order of the segments matters: X(pi) then Y(pi/2) is not H
    v = check("ch14.hadamard", c[::-1])
    assert v.status == "wrong" and "infidelity" in v.message
    # more segments than asked for are refused, even if the gate is right
    assert not check("ch14.hadamard", np.repeat(c, 2, axis=0))
