"""Unit tests of helpers.check: verdicts for every kind of wrong answer, and the gradient checks."""

import numpy as np
import pytest

from helpers.check import (check_function, check_grad, check_true, check_value, check_vjp,
                           dot_product_test, finite_difference_gradient, taylor_test)


def test_correct_scalar_and_array(capsys):
    assert check_value(1.0 + 1e-9, 1.0)
    assert check_value([1, 2, 3], np.array([1.0, 2.0, 3.0]))
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize("placeholder", [None, ...])
def test_placeholder_is_not_answered(placeholder, capsys):
    v = check_value(placeholder, 1.0)
    assert v.status == "unanswered" and not v
    assert "not answered yet" in capsys.readouterr().out


@pytest.mark.parametrize("bad,word", [("one", "string"), ("41.5", "string"), (True, "boolean"),
                                      (np.bool_(False), "boolean"), (1.0 + 0.3j, "complex"),
                                      ([1.0, None], "None"), ([1.0, "2"], "text"), ({"a": 1}, "dict"),
                                      (lambda: 1.0, "function"), ([True, 3], "boolean"),
                                      ([[1.0, 2.0], (np.bool_(True), 3.0)], "boolean")])
def test_wrong_types_are_refused(bad, word):
    v = check_value(bad, 41.5, quiet=True)
    assert v.status == "wrong" and word in v.message, v.message


def test_complex_is_accepted_where_complex_is_due():
    assert check_value(1 + 2j, 1 + 2j, quiet=True)
    assert not check_value(1.0, 1 + 2j, quiet=True)


def test_wrong_shape_is_said_in_words_with_a_transpose_hint():
    v = check_value(np.ones((3, 2)), np.ones((2, 3)), quiet=True)
    assert v.status == "wrong"
    assert "3×2 array" in v.message and "2×3 array" in v.message and "transpose" in v.message
    v = check_value(np.ones(16), np.ones((4, 4)), quiet=True)
    assert "vector of 16 numbers" in v.message and "4×4" in v.message


def test_typed_values_get_no_direction_ratio_or_sign():
    for ans in (1.2, 0.8, 2.0, 0.5, -1.0, 1000.0, 245465948.0):
        v = check_value(ans, 1.0, rtol=1e-6, quiet=True)
        assert v.status == "wrong"
        for word in ("too large", "too small", "times", "sign", "factor", "relative error"):
            assert word not in v.message, (ans, v.message)


def test_a_close_typed_value_is_told_it_is_close():
    v = check_value(1.0004, 1.0, rtol=1e-6, quiet=True)
    assert "close" in v.message and "3 significant digits" in v.message


def test_integer_answers_are_whole_and_not_compared_by_size():
    assert check_value(39, 39, rtol=0, atol=0.5, integer=True, quiet=True)
    assert check_value(39.0, 39, rtol=0, atol=0.5, integer=True, quiet=True)
    for bad in (38, 40, 1, 390):
        v = check_value(bad, 39, rtol=0, atol=0.5, integer=True, quiet=True)
        assert v.status == "wrong" and v.message.endswith("is not right."), v.message
    v = check_value(38.6, 39, rtol=0, atol=0.5, integer=True, quiet=True)
    assert v.status == "wrong" and "whole number" in v.message
    assert not check_value("39", 39, rtol=0, atol=0.5, integer=True, quiet=True)
    assert not check_value(True, 1, rtol=0, atol=0.5, integer=True, quiet=True)
    assert not check_value(39 + 0.3j, 39, rtol=0, atol=0.5, integer=True, quiet=True)


def test_function_outputs_are_diagnosed_without_revealing():
    ref = np.array([0.3, -1.2, 2.0])
    v = check_value(-ref, ref, diagnose=True, quiet=True)
    assert "wrong sign" in v.message
    for factor in (2.0, 0.5, 1000.0, 1.7):
        v = check_value(factor * ref, ref, diagnose=True, quiet=True)
        assert "constant factor" in v.message and str(factor) not in v.message, v.message
    ans = ref.copy()
    ans[2] = 3.5
    v = check_value(ans, ref, diagnose=True, quiet=True)
    assert "1 of its 3 entries" in v.message and "entry 2" in v.message
    assert "2.0" not in v.message and "0.3" not in v.message


def test_nan_is_reported():
    v = check_value(np.array([1.0, np.nan]), np.array([1.0, 2.0]), quiet=True)
    assert "NaN" in v.message


def test_hint_is_included():
    v = check_value(3.0, 1.0, hint="think about units", quiet=True)
    assert "think about units" in v.message


def test_tolerances_must_be_sensible():
    with pytest.raises(ValueError, match="rtol"):
        check_value(1.0, 1.0, rtol=-1)
    with pytest.raises(ValueError, match="both be 0"):
        check_value(1.0, 1.0, rtol=0, atol=0)
    with pytest.raises(TypeError, match="expected must be a number"):
        check_value(1.0, "x")


def test_check_function_reports_failing_point():
    v = check_function(lambda x: x**2 if x < 2 else 0.0, lambda x: x**2, [0.5, 1.0, 3.0], quiet=True)
    assert v.status == "wrong" and "called with 3," in v.message


def test_check_function_catches_learner_exception():
    def broken(x):
        return 1 / 0
    v = check_function(broken, lambda x: x, [1.0], quiet=True)
    assert v.status == "error" and "ZeroDivisionError" in v.message and "called with 1" in v.message


def test_check_function_none_return_and_described_inputs():
    v = check_function(lambda x: None, lambda x: x, [np.ones((4, 4))], quiet=True)
    assert v.status == "wrong" and "return statement" in v.message and "4×4 test array" in v.message
    v = check_function(lambda x: x, [np.ones(3)], [np.zeros(3)], quiet=True)
    assert v.status == "wrong" and "[0., 0., 0.]" in v.message
    with pytest.raises(ValueError, match="reference outputs"):
        check_function(lambda x: x, [1.0, 2.0], [1.0], quiet=True)


def test_check_function_not_implemented_and_not_callable():
    def todo(x):
        raise NotImplementedError
    assert check_function(todo, lambda x: x, [1.0], quiet=True).status == "unanswered"
    assert check_function(3.0, lambda x: x, [1.0], quiet=True).status == "wrong"
    assert check_function(lambda x: 2 * x, lambda x: 2 * x, [1.0, 2.0], quiet=True)


def test_check_true():
    assert check_true(True, name="sorted", hint="sort it", quiet=True)
    v = check_true(False, name="sorted", hint="sort it", quiet=True)
    assert v.status == "wrong" and "sort it" in v.message


def test_finite_difference_gradient_accuracy():
    f = lambda x: np.sum(np.sin(x) * x**2)
    x = np.array([0.3, -1.1, 2.0])
    g = finite_difference_gradient(f, x)
    assert np.allclose(g, np.cos(x) * x**2 + 2 * x * np.sin(x), rtol=1e-9)


def test_check_grad_accepts_right_and_rejects_wrong():
    f = lambda x: np.sum(np.exp(x) * x)
    right = lambda x: np.exp(x) * (1 + x)
    wrong = lambda x: np.exp(x) * x
    x = np.array([0.1, 0.5, -0.3])
    assert check_grad(f, right, x, quiet=True)
    assert not check_grad(f, wrong, x, quiet=True)
    assert check_grad(f, lambda x: 1 / 0, x, quiet=True).status == "error"


def test_check_vjp():
    A = np.array([[1.0, 2.0, 0.0], [0.5, -1.0, 3.0]])
    f = lambda x: np.tanh(A @ x)
    x = np.array([0.2, -0.4, 0.1])
    right = lambda x, yb: A.T @ (yb * (1 - np.tanh(A @ x) ** 2))
    wrong = lambda x, yb: A.T @ yb                     # forgot the tanh derivative
    transposed = lambda x, yb: A @ right(x, yb)[:3] if False else (A @ x)  # wrong shape
    assert check_vjp(f, right, x, quiet=True)
    assert not check_vjp(f, wrong, x, quiet=True)
    v = check_vjp(f, transposed, x, quiet=True)
    assert v.status == "wrong" and "shape" in v.message


def test_taylor_test_orders():
    f = lambda x: np.sum(np.cos(x))
    x = np.array([0.4, 1.3])
    good = taylor_test(f, lambda x: -np.sin(x), x)
    bad = taylor_test(f, lambda x: -np.sin(x) * 1.01, x)
    assert good.passed and 1.8 < good.order < 2.3
    assert not bad.passed and 0.8 < bad.order < 1.3
    with pytest.raises(ValueError, match="direction"):
        taylor_test(f, lambda x: -np.sin(x), x, direction=np.ones(3))


def test_dot_product_test():
    J = np.arange(6.0).reshape(2, 3)
    ok, mismatch = dot_product_test(lambda v: J @ v, lambda u: J.T @ u, (3,), (2,))
    assert ok and mismatch < 1e-14
    ok, _ = dot_product_test(lambda v: J @ v, lambda u: 2 * J.T @ u, (3,), (2,))
    assert not ok
    with pytest.raises(ValueError, match="jvp returned shape"):
        dot_product_test(lambda v: v, lambda u: J.T @ u, (3,), (2,))


def test_close_message_counts_digits_of_an_absolute_tolerance(capsys):
    """A near miss checked with an absolute tolerance is told the digits that tolerance asks
    for (3 here: 0.01 on a value of about 26), not the 16 of a zero relative tolerance."""
    from helpers.check import check_value

    v = check_value(25.87, 25.851, name="the angle", rtol=0.0, atol=0.01, quiet=True)
    assert v.status == "wrong" and "needs about 3" in v.message and "16" not in v.message
