"""Chapter 2: reference solutions, wrong answers, reference data."""

from fractions import Fraction
from math import factorial

import numpy as np

from helpers.exercises.ch02 import CASES, FOURTH_ORDER_CASES, SWELL_POINTS, _bumpy

EPS = float(np.finfo(float).eps)


def complex_step(f, x):
    return np.imag(f(x + 1e-200j)) / 1e-200


def fourth_order(f, x):
    h = (45 * EPS / 4) ** 0.2 * max(1.0, abs(x))
    return (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h)


def swell(n):
    return 6 * 2**n - 5


def _exact_derivative(f, x):
    """Derivatives of the test functions, from their formulas (not from a differentiator)."""
    f = getattr(f, "__wrapped__", f)                 # the real-only wrappers of the fourth-order check
    if f is np.sin:
        return np.cos(x)
    if f is np.cos:
        return -np.sin(x)
    if f is np.exp:
        return np.exp(x)
    name = f.__name__
    if name == "_cubic":
        return 3 * x**2 - 2
    if name == "_bumpy":
        s, c = np.sin(x), np.cos(x)
        return _bumpy(x) * (1 - 3 * s * c * (s - c) / (2 * (s**3 + c**3)))
    if name == "_log_bump":
        return 2 * x / (1 + x**2)
    raise KeyError(name)


def optimal_step():
    """Forward difference of sin at x = 1: |f''| = |f| = sin 1."""
    return 2 * np.sqrt(EPS * abs(np.sin(1.0)) / abs(-np.sin(1.0)))


def truncated_series_ratio(N=8):
    """|p_N'(1) - e| / |p_N(1) - e| with p_N' = p_{N-1}: the ratio of two tails of the series for e,
    summed exactly (rationals, 40 terms)."""
    tail = lambda start: sum(Fraction(1, factorial(k)) for k in range(start, start + 40))  # noqa: E731
    return float(tail(N) / tail(N + 1))


def truncated_series_ad(N=8):
    """What a learner does: AD (helpers.dual) through the polynomial, then the ratio in floats."""
    from helpers import dual as D

    p = lambda x, n: sum(x**k / factorial(k) for k in range(n + 1))                         # noqa: E731
    return abs(D.derivative(lambda x: p(x, N), 1.0) - np.e) / abs(p(1.0, N) - np.e)


SOLUTIONS = {
    "ch02.optimal-step": optimal_step(),
    "ch02.complex-step": complex_step,
    "ch02.fourth-order": fourth_order,
    "ch02.swell": swell,
    "ch02.truncated-series": truncated_series_ad(),
}

WRONG = {
    "ch02.optimal-step": [np.sqrt(EPS), EPS ** (1 / 3), 2 * EPS, 2 * np.sqrt(EPS) * np.sin(1.0),
                          2 * np.sqrt(EPS * np.sin(1.0) / np.cos(1.0))],      # ..., |f'| for |f''|
    "ch02.complex-step": [
        lambda f, x: np.real(f(x + 1e-200j)) / 1e-200,              # real instead of imaginary part
        lambda f, x: np.imag(f(x + 1e-8j)) / 1e-8 * (1 + 1e-6),      # a stray factor
        lambda f, x: (f(x + 1e-8) - f(x - 1e-8)) / 2e-8,             # a central difference
        lambda f, x: -np.imag(f(x + 1e-200j)) / 1e-200,             # sign
    ],
    "ch02.fourth-order": [
        lambda f, x: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5,            # central difference
        lambda f, x: (f(x - 2e-8) - 8 * f(x - 1e-8) + 8 * f(x + 1e-8) - f(x + 2e-8)) / 12e-8,  # step far too small
        lambda f, x: (f(x - 2e-3) - 8 * f(x - 1e-3) + 8 * f(x + 1e-3) - f(x + 2e-3)) / 6e-3,   # 6h denominator
        complex_step,                                                # the previous exercise's method
        lambda f, x: (f(x - 2e-5) - 8 * f(x - 1e-5) + 8 * f(x + 1e-5) - f(x + 2e-5)) / 12e-5,   # step 100x too small
    ],
    "ch02.swell": [lambda n: 2**n, lambda n: 5 * 2**n - 4, lambda n: 3 * n + 1, lambda n: 6 * 2**n - 4],
    "ch02.truncated-series": [1 / truncated_series_ratio(), 9.0, truncated_series_ratio(9), 1.0,
                              abs(float(sum(1 / factorial(k) for k in range(8))) - np.e)],
}

REFERENCES = {
    "ch02.optimal-step": optimal_step,
    "ch02.complex-step": lambda: [_exact_derivative(f, x) for f, x in CASES],
    "ch02.fourth-order": lambda: [_exact_derivative(f, x) for f, x in FOURTH_ORDER_CASES],
    "ch02.swell": lambda: [swell(n) for n in SWELL_POINTS],
    "ch02.truncated-series": truncated_series_ratio,
}
