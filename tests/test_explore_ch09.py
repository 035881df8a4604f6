"""Chapter 9 exploration: the recovered potential follows the target as the physics says."""

import numpy as np
import pytest

from helpers.explorations.ch09 import METHODS, target_explorer, two_bump_target


@pytest.fixture(scope="module")
def ex():
    return target_explorer()


def test_closed_form_is_exact_and_gap_closes_as_bumps_separate(ex):
    gaps, barriers = [], []
    for d in (0.2, 0.3, 0.4, 0.5):
        r = ex.update(separation=d, width=0.12, weight=1.0, method=METHODS[0])
        assert r["L1 distance"] < 1e-10
        gaps.append(r["gap E1 - E0"])
        barriers.append(r["barrier"])
    assert np.all(np.diff(gaps) < 0) and gaps[-1] < 0.01 * gaps[0]   # tunnelling splitting closes
    assert np.all(np.diff(barriers) > 0)                             # ... as the barrier rises
    single = ex.update(separation=0.0)
    assert single["barrier"] == 0.0 and single["gap E1 - E0"] > gaps[0]


def test_lbfgs_follows_less_exactly(ex):
    cf = ex.update(separation=0.3, width=0.12, weight=0.7, method=METHODS[0])
    lb = ex.update(method=METHODS[1])
    assert cf["L1 distance"] < 1e-10 < lb["L1 distance"] < 0.05
    assert abs(lb["gap E1 - E0"] / cf["gap E1 - E0"] - 1) < 0.1


def test_widget_and_stand_in(ex):
    box = ex.widget()
    assert box.children
    ex.control_widgets["method"].value = METHODS[0]
    ex.control_widgets["separation"].value = 0.2
    wide = ex.readouts["gap E1 - E0"]
    ex.control_widgets["separation"].value = 0.45
    assert ex.readouts["gap E1 - E0"] < wide
    fig = ex.stand_in([dict(separation=0.3, method=METHODS[0]), dict(separation=0.45, weight=0.6)])
    assert fig.get_figwidth() <= 7.0
    x = np.linspace(-1, 1, 11)
    assert abs(two_bump_target(x, 0.3, 0.1, 0.5).sum() - 1) < 1e-12
