"""The chapter 3 checkers accept the reference solutions and reject wrong answers helpfully."""

import numpy as np

from helpers.dual import Dual
from helpers.exercises import check
from helpers.exercises.ch03 import cumsum_product_vjp, mixed_partial, newton_root_derivative


def test_quotient_rule():
    good = lambda a, b: (a[0] / b[0], (a[1] * b[0] - a[0] * b[1]) / b[0] ** 2)   # noqa: E731
    assert check("ch03.quotient-rule", good)
    bad = lambda a, b: (a[0] / b[0], (a[1] * b[0] + a[0] * b[1]) / b[0] ** 2)    # noqa: E731
    v = check("ch03.quotient-rule", bad)
    assert not v and "called with" in v.message
    assert check("ch03.quotient-rule", None).status == "unanswered"


def test_newton_root():
    a = Dual(2.0, [1.0])
    x = 1.0
    for _ in range(30):
        x = x - (x ** 3 + a * x - 1) / (3 * x ** 2 + a)
    assert check("ch03.newton-root", x.partials[0])
    assert abs(x.partials[0] - newton_root_derivative()) < 1e-14
    v = check("ch03.newton-root", -x.partials[0])
    assert not v and "sign" not in v.message


def test_transpose_jvp():
    assert check("ch03.transpose-jvp", cumsum_product_vjp)
    wrong = lambda x, y_bar: y_bar * np.cumsum(x) + np.cumsum(x * y_bar)   # forgot the transpose  # noqa: E731
    v = check("ch03.transpose-jvp", wrong)
    assert not v and "J^T y_bar" in v.message


def test_mixed_partial():
    x = Dual(Dual(0.3, [1.0]), Dual(np.array([0.0]), np.zeros((1, 1))))
    y = Dual(Dual(0.5, [0.0]), Dual(np.array([1.0]), np.zeros((1, 1))))
    from helpers import dual as D
    f = D.exp(x * y) * D.sin(x + y)
    assert check("ch03.mixed-partial", f.partials.partials[0, 0])
    assert abs(f.partials.partials[0, 0] - mixed_partial()) < 1e-14
    assert not check("ch03.mixed-partial", 0.0)
