"""Chapters 1-2 checkers: what is specific to these chapters (the standard itself is tested for
every exercise in test_checker_standard.py)."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers.exercises import check, hints_of, labels, reference  # noqa: E402
from helpers.exercises.ch01 import HIGHER_TARGET, fly_numpy  # noqa: E402
from instructor.solutions import ch01 as S1  # noqa: E402
from instructor.solutions import ch02 as S2  # noqa: E402


def test_labels_are_registered():
    found = labels()
    for label in ["ch01.adjoints", "ch01.stable-step", "ch01.fd-count", "ch01.higher-target",
                  "ch02.optimal-step", "ch02.complex-step", "ch02.fourth-order", "ch02.swell",
                  "ch02.truncated-series"]:
        assert label in found


def test_unknown_label_and_chapter():
    with pytest.raises(KeyError, match="unknown exercise"):
        check("ch01.no-such-exercise", 1.0)
    with pytest.raises(KeyError, match="no exercises"):
        check("ch99.anything", 1.0)


def test_ch01_adjoints_fan_out_is_caught_and_hinted():
    v = check("ch01.adjoints", S1.adjoints(fan_out=False))
    assert v.status == "wrong" and "used twice" not in v.message       # the formula is hint 2
    v2 = check("ch01.adjoints", S1.adjoints(fan_out=False), hint=2)
    assert "used twice" in v2.message


def test_ch01_reference_adjoints_match_jax():
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    def loss(x1, th1, th2):
        x2 = jnp.sin(th1 * x1)
        return (th2 * x2**2 - x2) ** 2

    ref = np.array(jax.grad(loss, argnums=(0, 1, 2))(0.2, 2.0, -1.0))
    np.testing.assert_allclose(reference("ch01.adjoints"), ref, rtol=1e-13)


def test_ch01_best_step_is_the_minimax_rate():
    etas = np.linspace(0.05, 0.3, 250001)
    worst = np.max(np.abs(1 - etas[:, None] * np.array([1.0, 10.0])[None, :]), axis=1)
    assert etas[np.argmin(worst)] == pytest.approx(reference("ch01.stable-step"), abs=2e-6)
    assert not check("ch01.stable-step", 0.2)                  # the stability limit is not the answer


def test_ch01_higher_target_is_refereed_by_flying_the_shot():
    shot = S1.higher_target_shot()
    assert np.linalg.norm(fly_numpy(shot) - HIGHER_TARGET) < 1e-8
    assert check("ch01.higher-target", shot)
    v = check("ch01.higher-target", np.array([8.0, 8.0]))
    assert v.status == "wrong" and "misses the target by" in v.message
    assert "short" not in v.message and "beyond" not in v.message      # no direction
    assert check("ch01.higher-target", np.array([1.0, 2.0, 3.0])).status == "wrong"
    assert check("ch01.higher-target", "16, 17").status == "wrong"


def test_ch01_a_shot_that_overflows_gets_a_sentence_not_nan(recwarn):
    v = check("ch01.higher-target", np.array([1e308, 1e308]))
    assert v.status == "wrong" and "nan" not in v.message.lower() and "overflows" in v.message
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_ch02_optimal_step_and_series():
    eps = np.finfo(float).eps
    assert check("ch02.optimal-step", 2 * np.sqrt(eps))            # sin at x = 1: |f''| = |f|
    assert not check("ch02.optimal-step", np.sqrt(eps))            # the order of magnitude only
    assert reference("ch02.truncated-series") == pytest.approx(S2.truncated_series_ad(), rel=1e-9)
    assert not check("ch02.truncated-series", 9.0)                 # the leading-order estimate
    assert len(hints_of("ch02.truncated-series")) == 2


def test_ch02_function_checkers():
    eps = np.finfo(float).eps
    assert check("ch02.complex-step", lambda f, x: np.imag(f(x + 1e-200j)) / 1e-200)
    assert not check("ch02.complex-step", lambda f, x: (f(x + 1e-6) - f(x - 1e-6)) / 2e-6)

    def five_point(f, x):
        h = (45 * eps / 4) ** 0.2 * max(1.0, abs(x))
        return (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h)

    assert check("ch02.fourth-order", five_point)
    assert not check("ch02.fourth-order", lambda f, x: (f(x + 1e-3) - f(x - 1e-3)) / 2e-3)
    # a complex step is not a finite difference: the test functions take real numbers only
    v = check("ch02.fourth-order", lambda f, x: np.imag(f(x + 1e-200j)) / 1e-200)
    assert v.status == "error" and "real numbers only" in v.message
    # a step a hundred times below the optimum loses digits to round-off (cos at 0.1: |f/f'| ~ 10)
    assert not check("ch02.fourth-order", lambda f, x: (f(x - 2e-5) - 8 * f(x - 1e-5) + 8 * f(x + 1e-5)
                                                        - f(x + 2e-5)) / 12e-5)
    assert check("ch02.swell", lambda n: 6 * 2**n - 5)
    assert check("ch02.swell", lambda n: 1 / 0).status == "error"
