"""Chapter 3 exploration: the dual number's ε-part follows the derivative as the input moves."""

import numpy as np
import pytest

from helpers.explorations.ch03 import PROGRAMS, X_RANGE, dual_trace_explorer, trace


def test_the_epsilon_part_is_the_derivative_at_every_input():
    ex = dual_trace_explorer()
    for x in np.linspace(*X_RANGE, 7):
        out = ex.update(x=float(x))
        exact = PROGRAMS["x sin(x²) + 3x"][1](x)
        assert out["ε-part f'(x)"] == pytest.approx(exact, rel=1e-13)
        assert out["central difference"] == pytest.approx(exact, rel=1e-6)


def test_each_line_obeys_its_rule():
    x = 1.7
    lines = {t: (v, e) for t, v, e in trace("x sin(x²) + 3x", x)}
    assert lines["v1 = v0·v0"] == pytest.approx((x * x, 2 * x))
    assert lines["v2 = sin v1"][1] == pytest.approx(np.cos(x * x) * 2 * x)
    assert lines["v4 = 3·v0"] == pytest.approx((3 * x, 3.0))
    # moving x to the right raises the ε-part of v1 = x² (it is 2x)
    assert trace("x sin(x²) + 3x", 2.0)[1][2] > trace("x sin(x²) + 3x", 1.0)[1][2]


def test_babylonian_epsilon_part_converges_with_the_value():
    a = 3.0
    rows = trace("Babylonian √x", a)
    errs = [abs(e - 0.5 / np.sqrt(a)) for _, _, e in rows[1:]]
    assert errs[-1] < 1e-12 and all(b <= a_ for a_, b in zip(errs, errs[1:]))   # monotone, to round-off
    assert rows[-1][1] == pytest.approx(np.sqrt(a), rel=1e-15)


def test_driven_through_the_widget_and_responsive():
    ex = dual_trace_explorer()
    box = ex.widget()
    assert box is not None
    ex.control_widgets["program"].value = "Babylonian √x"
    ex.control_widgets["x"].value = 1.44
    assert ex.readouts["f(x)"] == pytest.approx(1.2, rel=1e-12)
    assert ex.readouts["ε-part f'(x)"] == pytest.approx(0.5 / 1.2, rel=1e-12)
    with pytest.raises(ValueError):
        trace("no such program", 1.0)
