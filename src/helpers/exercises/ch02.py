"""Checks for chapter 2, "Derivatives by computer"."""

from __future__ import annotations

import numpy as np

from helpers.check import check_function, check_value
from helpers.exercises import exercise

_EPS = float(np.finfo(float).eps)

# Test functions with their exact derivatives, kept away from singularities.
_CASES = [
    (np.sin, np.cos, 1.0),
    (np.exp, np.exp, -0.7),
    (lambda x: x**3 - 2 * x, lambda x: 3 * x**2 - 2, 2.5),
    (lambda x: np.exp(x) / np.sqrt(np.sin(x) ** 3 + np.cos(x) ** 3),
     lambda x: (np.exp(x) / np.sqrt(np.sin(x) ** 3 + np.cos(x) ** 3))
     * (1 - 3 * np.sin(x) * np.cos(x) * (np.sin(x) - np.cos(x)) / (2 * (np.sin(x) ** 3 + np.cos(x) ** 3))),
     1.5),
    (lambda x: np.log(1 + x**2), lambda x: 2 * x / (1 + x**2), 30.0),
]


@exercise("ch02.optimal-step")
def _optimal_step(answer):
    return check_value(answer, 2 * np.sqrt(_EPS), rtol=1e-3, name="Your optimal step",
                       hint="set dE/dh = 0 in E(h) = h|f''|/2 + 2 eps |f|/h; for sin at 1, |f''| = |f|")


def _derivative_check(answer, rtol, name, hint):
    points = [(f, x) for f, _, x in _CASES]
    exact = {id(f): fp for f, fp, _ in _CASES}
    return check_function(answer, lambda f, x: exact[id(f)](x), points, unpack=True,
                          rtol=rtol, atol=0.0, name=name, hint=hint)


@exercise("ch02.complex-step")
def _complex_step(answer):
    return _derivative_check(answer, 1e-14, "Your complex-step derivative",
                             "evaluate f at x + 1j*h with a tiny h (1e-200) and take the imaginary part over h")


@exercise("ch02.fourth-order")
def _fourth_order(answer):
    # Only the first three cases: their higher derivatives are of order one, so the five-point
    # stencil at its optimal step reaches ~1e-13, while the best central difference (~1e-10) fails.
    points = [(f, x) for f, _, x in _CASES[:3]]
    exact = {id(f): fp for f, fp, _ in _CASES[:3]}
    return check_function(answer, lambda f, x: exact[id(f)](x), points, unpack=True, rtol=1e-11,
                          atol=0.0, name="Your fourth-order difference",
                          hint="check the stencil's signs and the 12h denominator, then use h ~ 1e-3 * max(1, |x|)")


@exercise("ch02.swell")
def _swell(answer):
    return check_function(answer, lambda n: 6 * 2**n - 5, [0, 1, 2, 5, 10, 20], rtol=0, atol=0.5,
                          name="Your expression size",
                          hint="the new tree is a '*' node over (4*l) and (1-l): s_n = 2 s_{n-1} + 5, s_0 = 1")
