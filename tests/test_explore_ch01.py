"""Chapter 1 exploration: gradient descent on a quadratic valley converges, slowly or fast, or
diverges, as the factors 1 - ηa of its two curvatures say."""

import numpy as np
import pytest

from helpers.explorations.ch01 import descend, learning_rate_explorer, valley


def test_valley_has_the_stated_curvatures():
    for kappa in (1.0, 5.0, 17.5):
        np.testing.assert_allclose(np.linalg.eigvalsh(valley(kappa)), [1.0, kappa], rtol=1e-13)


def test_each_step_multiplies_the_eigencomponents_by_one_minus_eta_a():
    kappa, eta = 6.0, 0.12
    w, U = np.linalg.eigh(valley(kappa))
    path, _ = descend(eta, kappa, 5)
    c = path @ U                                  # components along the curvature axes
    np.testing.assert_allclose(c[1:] / c[:-1], np.broadcast_to(1 - eta * w, (5, 2)), rtol=1e-12)


def test_learning_rate_decides_convergence():
    ex = learning_rate_explorer()                  # kappa = 5: stable below 2/5, fastest at 1/3
    slow, fast = ex.update(eta=0.05)["final loss"], ex.update(eta=1 / 3)["final loss"]
    edge = ex.update(eta=0.39)["final loss"]
    over = ex.update(eta=0.41)["final loss"]
    assert fast < 1e-8 < slow < 1.0                # the optimal rate beats a timid one by far
    assert edge < ex.update(eta=0.01)["final loss"] * 10 and over > 10.0   # 2/kappa is the edge
    factors = [ex.update(eta=e)["slowest factor per step"] for e in (0.05, 1 / 3, 0.41)]
    assert factors[1] == pytest.approx(2 / 3) and factors[0] > factors[1] and factors[2] > 1
    # a rounder valley converges faster at the same rate
    assert ex.update(kappa=2.0, eta=0.3)["final loss"] < ex.update(kappa=8.0, eta=0.2)["final loss"]


def test_driven_through_the_widget():
    ex = learning_rate_explorer()
    ex.widget()
    ex.control_widgets["steps"].value = 10
    ex.control_widgets["eta"].value = 0.5              # beyond 2/kappa = 0.4: diverges
    assert ex.values["steps"] == 10 and ex.readouts["final loss"] > 100
    ex.control_widgets["kappa"].value = 3.0            # now 2/kappa = 0.667: converges
    assert ex.readouts["final loss"] < 1e-2
