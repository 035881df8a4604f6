"""Checks for chapter 2, "Derivatives by computer"."""

from __future__ import annotations

import numpy as np

from helpers.check import check_function, check_value
from helpers.exercises import exercise, reference


def _bumpy(x):
    return np.exp(x) / np.sqrt(np.sin(x) ** 3 + np.cos(x) ** 3)


def _cubic(x):
    return x**3 - 2 * x


def _log_bump(x):
    return np.log(1 + x**2)


def _real_only(f):
    """``f`` for real arguments only: a finite difference evaluates f at real points, so a
    complex argument (a complex step, say) is refused with a plain sentence."""
    def g(x):
        if np.iscomplexobj(x):
            raise TypeError(f"the test function {f.__name__} takes real numbers only (a finite "
                            "difference evaluates f at real points)")
        return f(x)

    g.__name__, g.__wrapped__ = f.__name__, f
    return g


#: Test functions and points of the differentiator exercises (kept away from singularities).
#: The derivatives the checks compare with are reference data.
CASES = [(np.sin, 1.0), (np.exp, -0.7), (_cubic, 2.5), (_bumpy, 1.5), (_log_bump, 30.0)]
#: The fourth-order check: functions whose higher derivatives are of order one, so that the
#: five-point stencil at its optimal step reaches ~1e-13 where the best central difference
#: (~1e-10) fails; cos at 0.1, where |f/f'| ~ 10, also fails a step a hundred times too small
#: (round-off). The functions take real arguments only.
FOURTH_ORDER_CASES = [(_real_only(f), x) for f, x in CASES[:3] + [(np.cos, 0.1)]]
#: Where the expression-size formula is tested.
SWELL_POINTS = [0, 1, 2, 3, 7, 12, 20]


@exercise("ch02.optimal-step", hints=(
    "Write the total error of the forward difference as truncation plus round-off, and find "
    "the step where it is smallest (where its derivative with respect to h vanishes).",
    "Set dE/dh = 0 for E(h) = h|f''(x)|/2 + 2 eps |f(x)|/h; then put in f(1) and f''(1) for f = sin.",
))
def _optimal_step(answer):
    return check_value(answer, reference("ch02.optimal-step"), rtol=1e-3, name="Your optimal step")


@exercise("ch02.complex-step", hints=(
    "An analytic f can be evaluated at a complex argument. Expand f(x + i h) in a Taylor series: "
    "which part carries f'(x), and is any subtraction of nearly equal numbers left?",
    "Im f(x + i h) = h f'(x) + O(h^3), so the step can be tiny: far below the sqrt(eps) of a "
    "finite difference.",
))
def _complex_step(answer):
    return check_function(answer, reference("ch02.complex-step"), CASES, unpack=True, rtol=1e-14,
                          atol=1e-300, name="Your complex-step derivative")


@exercise("ch02.fourth-order", hints=(
    "The stencil is given; what is left is the step. Balance its truncation error against its "
    "round-off, as in the section on the optimal step.",
    "Minimise h^4/30 + 3 eps/(2h) and scale the step with max(1, |x|).",
))
def _fourth_order(answer):
    return check_function(answer, reference("ch02.fourth-order"), FOURTH_ORDER_CASES, unpack=True,
                          rtol=1e-11, atol=1e-300, name="Your fourth-order difference")


@exercise("ch02.swell", hints=(
    "Draw the trees of l_1 and l_2 and count their nodes; then say how the tree of l_n is "
    "built from two copies of the tree of l_{n-1}.",
    "Write s_n in terms of s_{n-1} (a linear recursion with a constant term) and solve it by "
    "shifting s_n by a constant.",
))
def _swell(answer):
    return check_function(answer, reference("ch02.swell"), SWELL_POINTS, rtol=0, atol=0.5,
                          integer=True, name="Your expression size")


@exercise("ch02.truncated-series", hints=(
    "Differentiate the polynomial p_N(x) = sum x^k/k! term by term: which polynomial is p_N'?",
    "Both errors are tails of the series for e: compare the tail that starts at 1/8! with the one "
    "that starts at 1/9!. Compute them without rounding the sums to a few digits.",
))
def _truncated_series(answer):
    return check_value(answer, reference("ch02.truncated-series"), rtol=1e-6,
                       name="Your ratio of the two errors")
