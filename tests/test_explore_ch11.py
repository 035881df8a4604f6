"""Chapter 11 exploration: live Ising samples and a classifier's verdict follow the temperature."""

import numpy as np
import pytest

from helpers.explorations.ch11 import ising_explorer


def threshold_classifier(b):
    """A stand-in for the chapter's network: ordered when the mean block magnetisation exceeds 0.58."""
    return 1.0 / (1.0 + np.exp(-40.0 * (np.abs(np.asarray(b).mean(axis=-1)) - 0.58)))


@pytest.fixture(scope="module")
def ex():
    return ising_explorer(threshold_classifier, {32: (np.linspace(2.0, 2.6, 7), np.linspace(1.0, 0.0, 7))},
                          n_samples=24, seed=3)


def test_readouts_follow_the_temperature(ex):
    temps = [1.7, 2.1, 2.35, 2.7, 3.2]
    r = [ex.update(T=T, L=32) for T in temps]
    m = [x["<|m|> of the samples"] for x in r]
    assert all(a > b for a, b in zip(m, m[1:]))                      # |m| falls with T
    assert r[0]["fraction called ordered"] == 1.0 and r[-1]["fraction called ordered"] == 0.0
    assert abs(m[0] - r[0]["Yang m(T), L = inf"]) < 0.03              # far below T_c: Yang's value
    assert r[-1]["Yang m(T), L = inf"] == 0.0 and m[-1] < 0.15


def test_smaller_lattice_keeps_more_magnetisation_above_tc(ex):
    big = np.mean([ex.update(T=2.8, L=32)["<|m|> of the samples"] for _ in range(3)])
    small = np.mean([ex.update(T=2.8, L=16)["<|m|> of the samples"] for _ in range(3)])
    assert small > big                                                # |m| ~ 1/L above T_c


def test_widget_and_stand_in(ex):
    box = ex.widget()
    assert box.children
    ex.control_widgets["L"].value = 16
    ex.control_widgets["T"].value = 1.6
    assert ex.values == {"T": pytest.approx(1.6), "L": 16} and ex.readouts["mean output"] > 0.9
    fig = ex.stand_in([dict(T=2.0), dict(T=2.6)])
    assert fig.get_figwidth() <= 7.0
    with pytest.raises(TypeError, match="predict"):
        ising_explorer(3.0)
