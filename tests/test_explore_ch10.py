"""Chapter 10 exploration (the launcher): the readouts follow the physics of the shot."""

import numpy as np
import pytest

from helpers import projectile as pr
from helpers.explorations.ch10 import launcher


@pytest.fixture(scope="module")
def ex():
    return launcher({"reference": (22.36, 0.744)}, grid=9)


def test_short_and_long_shots(ex):
    short = ex.update(v0=15.0, angle=30.0, wall_on=False)
    assert abs(short["height at target (m)"] + 26.54) < 0.01     # below ground: the continued flight
    assert short["dL/dv0 (m s)"] < 0                               # more speed lowers the loss
    assert short["lands at (m)"] < 30.0
    long = ex.update(v0=26.0, angle=40.0)
    assert long["height at target (m)"] > 0 and long["dL/dv0 (m s)"] > 0
    assert long["lands at (m)"] == "beyond 34.5"
    # the height at the target rises monotonically with the launch speed at a fixed angle
    heights = [ex.update(v0=v, angle=30.0)["height at target (m)"] for v in (16.0, 20.0, 24.0, 28.0)]
    assert np.all(np.diff(heights) > 0)


def test_gradient_readout_is_the_gradient(ex):
    r = ex.update(v0=19.0, angle=37.0, wall_on=False)
    theta = np.array([19.0, np.radians(37.0)])
    h = 1e-6
    fd = (float(pr.shot_loss(theta + [h, 0], pr.params())) - float(pr.shot_loss(theta - [h, 0], pr.params()))) / (2 * h)
    assert abs(r["dL/dv0 (m s)"] - fd) < 1e-5 * abs(fd)


def test_wall_and_reach(ex):
    open_field = ex.update(v0=22.36, angle=np.degrees(0.744), wall_on=False)["loss (m^2)"]
    walled = ex.update(wall_on=True)["loss (m^2)"]
    assert walled > 1e3 * max(open_field, 1e-3)          # the optimum of the open field hits the wall
    weak = ex.update(v0=6.0, angle=70.0, wall_on=False)
    assert weak["height at target (m)"].startswith("never reaches")
    assert ex.timings and max(ex.timings) < 30


def test_widget_and_stand_in(ex):
    box = ex.widget()
    assert box.children
    ex.control_widgets["angle"].value = 30.0
    ex.control_widgets["v0"].value = 16.0
    low = ex.readouts["height at target (m)"]
    ex.control_widgets["v0"].value = 24.0
    assert ex.values["v0"] == pytest.approx(24.0) and ex.readouts["height at target (m)"] > low
    fig = ex.stand_in([dict(v0=15.0, angle=30.0), dict(v0=22.0, angle=42.0, wall_on=True)])
    assert fig.get_figwidth() <= 7.0
