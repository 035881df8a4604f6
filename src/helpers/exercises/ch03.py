"""Checks for chapter 3, "Forward mode with dual numbers"."""

from __future__ import annotations

import numpy as np

from helpers.check import check_function, check_value, check_vjp
from helpers.exercises import exercise

# Sample dual numbers (value, derivative) for the quotient rule, denominators away from 0.
_PAIRS = [((1.0, 0.0), (2.0, 1.0)), ((0.3, -1.2), (-0.7, 0.4)), ((2.5, 3.0), (1.5, -2.0)),
          ((-4.0, 0.25), (0.2, 5.0))]


def _quotient(a, b):
    (a0, a1), (b0, b1) = a, b
    return (a0 / b0, (a1 * b0 - a0 * b1) / b0 ** 2)


@exercise("ch03.quotient-rule")
def _quotient_rule(answer):
    return check_function(answer, _quotient, _PAIRS, unpack=True, rtol=1e-12,
                          name="Your division of dual numbers",
                          hint="expand (a0 + a1 ε)/(b0 + b1 ε) = (a0 + a1 ε)(1/b0)(1 - (b1/b0) ε) and drop ε²")


def newton_root_derivative(a: float = 2.0) -> float:
    """dx*/da for the real root of x^3 + a x - 1 = 0, by the implicit function theorem."""
    roots = np.roots([1.0, 0.0, a, -1.0])
    x = float(roots[np.argmin(np.abs(roots.imag))].real)
    return -x / (3 * x * x + a)


@exercise("ch03.newton-root")
def _newton_root(answer):
    return check_value(answer, newton_root_derivative(2.0), rtol=1e-10,
                       name="Your derivative dx*/da",
                       hint="run the Newton iteration on a = Dual(2.0, [1.0]) and read the partial "
                            "of the result; enough iterations to converge (about 30)")


_X_CUMSUM = np.array([0.4, -1.1, 0.7, 2.0, -0.3, 0.9])


def cumsum_product(x: np.ndarray) -> np.ndarray:
    """y = x * cumsum(x), the function of the transpose exercise."""
    return x * np.cumsum(x)


def cumsum_product_vjp(x: np.ndarray, y_bar: np.ndarray) -> np.ndarray:
    """Reference: J^T y_bar = y_bar*cumsum(x) + reverse-cumsum(y_bar*x)."""
    return y_bar * np.cumsum(x) + np.cumsum((y_bar * x)[::-1])[::-1]


@exercise("ch03.transpose-jvp")
def _transpose_jvp(answer):
    return check_vjp(cumsum_product, answer, _X_CUMSUM, name="Your backward rule for x * cumsum(x)")


def mixed_partial(x: float = 0.3, y: float = 0.5) -> float:
    """∂²/∂x∂y of exp(xy) sin(x+y) = e^{xy} (xy sin(x+y) + (x+y) cos(x+y))."""
    return float(np.exp(x * y) * (x * y * np.sin(x + y) + (x + y) * np.cos(x + y)))


@exercise("ch03.mixed-partial")
def _mixed_partial(answer):
    return check_value(answer, mixed_partial(), rtol=1e-12, name="Your mixed partial derivative",
                       hint="seed x with the inner ε and y with the outer one (a dual whose value "
                            "is a dual), then read the ε_out ε_in coefficient")
