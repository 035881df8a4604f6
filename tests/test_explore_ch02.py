"""Chapter 2 exploration: the finite-difference error splits into truncation and round-off, which
behave as the error model says when the step h moves."""

from decimal import Decimal, getcontext

import numpy as np
import pytest

from helpers.explorations.ch02 import error_parts, step_size_explorer, truncation_error

getcontext().prec = 60


def _dsin(x: Decimal) -> Decimal:
    term, total, k = x, x, 1
    while abs(term) > Decimal(10) ** -55:
        term = -term * x * x / ((2 * k) * (2 * k + 1))
        total += term
        k += 1
    return total


def _dcos(x: Decimal) -> Decimal:
    return _dsin(x + Decimal("1.5707963267948966192313216916397514420985846996875529104874722961"))


@pytest.mark.parametrize("function", ["exp", "sin"])
@pytest.mark.parametrize("method", ["forward", "central"])
def test_truncation_part_is_the_exact_arithmetic_error(function, method):
    """Against 60-digit arithmetic, at steps from 1e-13 (series branch) to 1e-1 (direct branch)."""
    x = Decimal(1)
    f, df = (lambda z: z.exp(), lambda z: z.exp()) if function == "exp" else (_dsin, _dcos)
    for h in [1e-13, 1e-9, 1e-5, 9e-4, 2e-3, 0.1]:
        H = Decimal(h)
        q = (f(x + H) - f(x)) / H if method == "forward" else (f(x + H) - f(x - H)) / (2 * H)
        exact = float(q - df(x))
        assert truncation_error(function, method, np.array(h)) == pytest.approx(exact, rel=1e-9)


def test_the_parts_follow_the_error_model():
    ex = step_size_explorer()
    big = ex.update(h=1e-2)
    assert big["truncation part"] > 1e4 * big["round-off part"]          # truncation dominates
    tiny = ex.update(h=1e-13)
    assert tiny["round-off part"] > 1e4 * tiny["truncation part"]        # round-off dominates
    best = ex.update(h=2e-8)
    assert best["relative error"] < min(big["relative error"], tiny["relative error"]) / 1e4
    assert 7 < best["correct digits"] < 9                                # half the digits
    central = ex.update(method="central", h=5e-6)
    assert 10 < central["correct digits"] < 12                           # two thirds of them
    # truncation falls as h (forward) and h^2 (central); round-off grows as 1/h
    h = np.array([1e-5, 1e-4])
    fwd, cen = error_parts("exp", "forward", h), error_parts("exp", "central", h)
    assert np.abs(fwd["truncation"][1] / fwd["truncation"][0]) == pytest.approx(10, rel=1e-3)
    assert np.abs(cen["truncation"][1] / cen["truncation"][0]) == pytest.approx(100, rel=1e-3)
    r = np.abs(error_parts("exp", "forward", np.logspace(-14, -11, 40))["round-off"])
    assert np.median(r[:10]) > 100 * np.median(r[-10:])
    # the parts add up to the measured error
    p = error_parts("sin", "central", np.logspace(-12, -1, 30))
    np.testing.assert_allclose(p["truncation"] + p["round-off"], p["total"], rtol=1e-12, atol=1e-17)


def test_driven_through_the_widget():
    ex = step_size_explorer()
    ex.widget()
    ex.control_widgets["function"].value = "sin"
    ex.control_widgets["h"].value = 1e-3
    assert ex.values == {"h": pytest.approx(1e-3), "method": "forward", "function": "sin"}
    # forward difference of sin at 1: truncation ≈ -h sin(1)/2, relative to cos(1)
    assert ex.readouts["truncation part"] == pytest.approx(1e-3 * np.sin(1) / 2 / np.cos(1), rel=1e-2)
    with pytest.raises(ValueError):
        truncation_error("tan", "forward", np.array(1e-3))
