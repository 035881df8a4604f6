"""Chapter 12 exploration: two Gaussian exponents by hand against the optimiser's."""

import numpy as np
import pytest

from helpers.explorations.ch12 import hydrogen_exponents_explorer

OPT = (0.2015, 1.3324)   # the two-Gaussian optimum of the chapter (exponents)


@pytest.fixture(scope="module")
def ex():
    return hydrogen_exponents_explorer(OPT, grid=31)


def test_the_optimum_is_the_lowest_point_and_satisfies_the_virial_theorem(ex):
    at_opt = ex.update(log10_alpha1=float(np.log10(OPT[0])), log10_alpha2=float(np.log10(OPT[1])))
    assert abs(at_opt["E - E_opt"]) < 1e-6
    assert abs(at_opt["-<V>/<T>"] - 2) < 1e-3
    assert abs(at_opt["E_opt"] + 0.48581) < 1e-4
    for a, b in [(-1.0, 0.5), (-0.3, 0.0), (-1.5, 1.5), (-0.7, 0.3)]:
        r = ex.update(log10_alpha1=a, log10_alpha2=b)
        assert r["E - E_opt"] > 0 and r["E"] > -0.5           # variational
        assert abs(r["-<V>/<T>"] - 2) > 1e-3


def test_moving_away_from_the_optimum_raises_the_energy_monotonically(ex):
    lo = float(np.log10(OPT[0]))
    excess = [ex.update(log10_alpha1=lo - d, log10_alpha2=float(np.log10(OPT[1])))["E - E_opt"] for d in (0.1, 0.3, 0.6)]
    assert excess[0] < excess[1] < excess[2]
    # too diffuse: the virial ratio is above 2 (potential too weak); too tight: below 2
    assert ex.update(log10_alpha1=-1.5, log10_alpha2=-0.5)["-<V>/<T>"] > 2
    assert ex.update(log10_alpha1=0.3, log10_alpha2=1.5)["-<V>/<T>"] < 2


def test_the_live_widget_and_the_stand_in(ex):
    box = ex.widget()
    assert box.children
    sliders = ex.control_widgets
    sliders["log10_alpha1"].value = -1.8
    assert ex.values["log10_alpha1"] == pytest.approx(-1.8) and ex.readouts["E - E_opt"] > 0.05
    fig = ex.stand_in([{"log10_alpha1": -1.5, "log10_alpha2": 1.5}, {"log10_alpha1": -0.6, "log10_alpha2": 0.35}])
    assert fig.get_figwidth() <= 7.0
    updates = ex.timings[-3:]
    assert np.median(updates) < 2.0          # generous: the book asks for about 0.2 s on a quiet machine
