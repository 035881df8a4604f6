"""The exercise checkers of chapters 1-2 accept the reference solutions and explain wrong answers."""

import numpy as np

from helpers.exercises import check, labels


def test_labels_are_registered():
    found = labels()
    for label in ["ch01.adjoints", "ch01.stable-step", "ch01.fd-count", "ch01.higher-target",
                  "ch02.optimal-step", "ch02.complex-step", "ch02.fourth-order", "ch02.swell"]:
        assert label in found


def test_unknown_label_and_chapter():
    import pytest
    with pytest.raises(KeyError, match="unknown exercise"):
        check("ch01.no-such-exercise", 1.0)
    with pytest.raises(KeyError, match="no exercises"):
        check("ch99.anything", 1.0)


def test_ch01_answers(capsys):
    x1, th1, th2 = 0.2, 2.0, -1.0
    x2 = np.sin(th1 * x1)
    x3 = th2 * x2**2
    x3_bar = 2 * (x3 - x2)
    x2_bar = -2 * (x3 - x2) + x3_bar * 2 * th2 * x2
    good = np.array([x2_bar * np.cos(th1 * x1) * th1, x2_bar * np.cos(th1 * x1) * x1, x3_bar * x2**2])
    assert check("ch01.adjoints", good)
    forgot_fanout = good.copy()
    forgot_fanout[:2] *= 0.0 + (-2 * (x3 - x2)) / x2_bar
    v = check("ch01.adjoints", forgot_fanout)
    assert v.status == "wrong" and "used twice" in v.message
    assert check("ch01.stable-step", 0.2) and not check("ch01.stable-step", 0.1)
    assert check("ch01.fd-count", lambda n: 2 * n)
    assert not check("ch01.fd-count", lambda n: n + 1)
    assert check("ch01.higher-target", None).status == "unanswered"
    v = check("ch01.higher-target", np.array([8.0, 8.0]))
    assert v.status == "wrong" and "misses" in v.message
    assert check("ch01.higher-target", np.array([1.0, 2.0, 3.0])).status == "wrong"


def test_ch01_higher_target_accepts_an_optimized_shot():
    from scipy.optimize import least_squares

    from helpers.exercises.ch01 import _fly_numpy

    sol = least_squares(lambda v: _fly_numpy(v) - np.array([15.0, 8.0]), x0=[8.0, 8.0], xtol=1e-14)
    assert check("ch01.higher-target", sol.x)


def test_ch02_answers():
    eps = np.finfo(float).eps
    assert check("ch02.optimal-step", 2 * np.sqrt(eps / 6))        # x^3 at x = 1: |f| = 1, |f''| = 6
    assert not check("ch02.optimal-step", 2 * np.sqrt(eps))        # as if |f''| = |f|
    assert check("ch02.complex-step", lambda f, x: np.imag(f(x + 1e-200j)) / 1e-200)
    v = check("ch02.complex-step", lambda f, x: (f(x + 1e-6) - f(x - 1e-6)) / 2e-6)
    assert v.status == "wrong"

    def five_point(f, x):
        h = (45 * eps / 4) ** 0.2 * max(1.0, abs(x))
        return (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h)

    assert check("ch02.fourth-order", five_point)
    assert not check("ch02.fourth-order", lambda f, x: (f(x + 1e-3) - f(x - 1e-3)) / 2e-3)
    assert check("ch02.swell", lambda n: 6 * 2**n - 5)
    assert not check("ch02.swell", lambda n: 2**n)
    assert check("ch02.swell", lambda n: 1 / 0).status == "error"
