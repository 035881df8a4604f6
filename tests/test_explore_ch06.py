"""Chapter 6's exploration: the avoided crossing. The eigenvector's derivative, computed by
reverse mode, peaks at 1/(2g) where the gap 2g is smallest, and blows up as g -> 0."""

import numpy as np
import pytest

from helpers.eigen import avoided_crossing
from helpers.explorations.ch06 import S_GRID, avoided_crossing_explorer, crossing_sweep


def test_levels_and_rate_match_the_two_level_formulas():
    g = 0.07
    E, rate = crossing_sweep(g)
    np.testing.assert_allclose(E[:, 0], -np.sqrt(S_GRID**2 + g**2), rtol=1e-12)
    np.testing.assert_allclose(E[:, 1], np.sqrt(S_GRID**2 + g**2), rtol=1e-12)
    np.testing.assert_allclose(rate, g / (2 * (S_GRID**2 + g**2)), rtol=1e-8)
    H = np.asarray(avoided_crossing(0.3, g))
    assert np.allclose(H, H.T) and np.allclose(np.linalg.eigvalsh(H)[2:], [2.0, 3.0])


def test_derivative_blows_up_as_the_gap_closes():
    ex = avoided_crossing_explorer()
    peaks, gaps = [], []
    for g in (0.3, 0.1, 0.03, 0.01):
        r = ex.update(g=g, s=0.0)
        peaks.append(r["largest |dpsi0/ds|"])
        gaps.append(r["smallest gap"])
        assert r["gap at s"] == pytest.approx(2 * g, rel=1e-10)
        assert r["smallest gap x largest |dpsi0/ds|"] == pytest.approx(1.0, rel=1e-6)
    assert all(b > 2.5 * a for a, b in zip(peaks, peaks[1:]))          # grows like 1/g
    away = ex.update(g=0.01, s=0.8)
    assert away["|dpsi0/ds| at s"] < 0.01 * away["largest |dpsi0/ds|"]  # sharp: only near s = 0


def test_widget_is_driven_and_bad_coupling_is_refused():
    ex = avoided_crossing_explorer()
    ex.widget()
    ex.control_widgets["g"].value = 0.01
    assert ex.readouts["largest |dpsi0/ds|"] == pytest.approx(50.0, rel=1e-6)
    ex.control_widgets["s"].value = 0.5
    assert ex.readouts["gap at s"] == pytest.approx(2 * np.sqrt(0.25 + 1e-4), rel=1e-10)
    with pytest.raises(ValueError, match="positive"):
        crossing_sweep(0.0)
