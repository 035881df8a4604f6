"""The chapter 11 checkers accept the reference solutions and reject wrong answers."""

import numpy as np

from helpers.exercises import ch11, check


def test_references_pass():
    assert check("ch11.exact-energy", ch11.exact_energy_4x4(2.0))
    assert check("ch11.acceptance", ch11.acceptance)
    assert check("ch11.crossing", ch11.crossing)
    assert check("ch11.kabsch-rmsd", ch11.rmsd_2d)
    assert check("ch11.extrapolate", ch11.extrapolate)


def test_unanswered():
    assert check("ch11.exact-energy", None).status == "unanswered"


def test_wrong_answers_fail(capsys):
    # double-counted bonds give twice the energy
    v = check("ch11.exact-energy", 2 * ch11.exact_energy_4x4(2.0))
    assert not v and "times" not in v.message
    # forgetting the min(1, .) accepts downhill moves with probability > 1
    assert not check("ch11.acceptance", lambda T: np.exp(-np.array([-8, -4, 0, 4, 8]) / T))
    # the grid point nearest to 1/2 instead of the interpolated crossing
    assert not check("ch11.crossing", lambda T, p: float(T[np.argmin(np.abs(p - 0.5))]))
    # without rotation, or allowing reflections
    def no_rotation(x, y):
        x, y = x - x.mean(0), y - y.mean(0)
        return float(np.sqrt(np.mean(np.sum((x - y) ** 2, axis=1))))
    assert not check("ch11.kabsch-rmsd", no_rotation)
    def with_reflection(x, y):
        return min(ch11.rmsd_2d(x, y), ch11.rmsd_2d(x * np.array([1, -1]), y))
    assert not check("ch11.kabsch-rmsd", with_reflection)
    # the mean instead of the intercept
    assert not check("ch11.extrapolate", lambda L, T: float(np.mean(T)))
    assert "Hint" in capsys.readouterr().out
