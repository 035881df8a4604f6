"""Chapter 15 exploration: layer thicknesses against the reflectance spectrum and its gradient."""

import numpy as np
import pytest

from helpers import thinfilm as tf
from helpers.explorations.ch15 import N_GLASS, N_LAYERS, ar_coating_explorer, mean_reflectance_and_gradient


def test_zero_thickness_layers_change_nothing_and_readouts_are_the_loss():
    ex = ar_coating_explorer()
    out = ex.update(d1=tf.quarter_wave_thickness(1.38, 550.0), d2=0.0, d3=0.0, d4=0.0)
    lam = np.linspace(400, 700, 61)
    single = float(np.mean(tf.reflectance([1.38], [tf.quarter_wave_thickness(1.38, 550.0)], lam, N_GLASS)))
    assert out["mean R (%)"] == pytest.approx(100 * single, rel=1e-12)
    bare = ex.update(d1=0.0)["mean R (%)"]
    assert bare == pytest.approx(100 * tf.bare_surface_R(N_GLASS), rel=1e-12)


def test_gradient_readouts_point_downhill():
    ex = ar_coating_explorer()
    d = np.array([100.0, 10.0, 40.0, 5.0])
    out = ex.update(d1=d[0], d2=d[1], d3=d[2], d4=d[3])
    grad = np.array([out[k] for k in out if k.startswith("dR/d")]) / 100      # per nm
    step = -2.0 * grad / np.linalg.norm(grad)                                   # 2 nm downhill
    down = ex.update(**{f"d{i + 1}": float(v) for i, v in enumerate(d + step)})["mean R (%)"]
    up = ex.update(**{f"d{i + 1}": float(v) for i, v in enumerate(d - step)})["mean R (%)"]
    assert down < out["mean R (%)"] < up
    # and the readout is the derivative: a central difference in d2
    h = 1e-4
    f = lambda x: mean_reflectance_and_gradient(d + np.array([0, x, 0, 0]))[0]
    assert grad[1] == pytest.approx((f(h) - f(-h)) / (2 * h), rel=1e-6)


def test_driven_through_the_widget():
    ex = ar_coating_explorer()
    ex.widget()
    before = ex.readouts["mean R (%)"]
    ex.control_widgets["d2"].value = 30.0
    assert ex.values["d2"] == 30.0
    assert ex.readouts["mean R (%)"] > 3 * before          # far too much TiO2: much worse
    assert ex.readouts["dR/dd2 (%/nm)"] > 0                 # and the gradient says: thinner
    assert len(N_LAYERS) == 4 and max(ex.timings) < 5.0
    with pytest.raises(ValueError):
        ex.update(d1=-1.0)
