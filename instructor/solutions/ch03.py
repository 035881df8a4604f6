"""Chapter 3: reference solutions, wrong answers, reference data."""

import numpy as np

from helpers import dual as D
from helpers.dual import Dual
from helpers.exercises.ch03 import (INVERSE_CASES, PAIRS, TAGGED_CASES, Eps, coefficients, tag_of,
                                    tagged_add)


# --------------------------------------------------------------------------- quotient rule
def quotient(a, b):
    (a0, a1), (b0, b1) = a, b
    return (a0 / b0, (a1 * b0 - a0 * b1) / b0**2)


# --------------------------------------------------------------------------- Newton root
def newton_root_derivative_dual(steps=30):
    """dx*/da at a = 2 by running Newton's iteration on a = 2 + ε (the exercise's solution)."""
    a = Dual(2.0, [1.0])
    x = 1.0
    for _ in range(steps):
        x = x - (x**3 + a * x - 1) / (3 * x**2 + a)
    return float(x.partials[0])


def newton_root_ift(a=2.0):
    """The same number by the implicit function theorem, from the real root of x^3 + a x - 1."""
    roots = np.roots([1.0, 0.0, a, -1.0])
    x = float(roots[np.argmin(np.abs(roots.imag))].real)
    return -x / (3 * x * x + a)


_X_STAR = float(np.roots([1.0, 0.0, 2.0, -1.0])[np.argmin(np.abs(np.roots([1.0, 0.0, 2.0, -1.0]).imag))].real)


# --------------------------------------------------------------------------- matrix inverse
def inverse_jvp(A, A_dot):
    A_inv = np.linalg.inv(A)
    return -A_inv @ A_dot @ A_inv


# --------------------------------------------------------------------------- mixed partial
def mixed_partial_tags():
    t_in, t_out = D.new_tag(), D.new_tag()
    x, y = Dual(0.3, [1.0], tag=t_in), Dual(0.5, [1.0], tag=t_out)
    f = D.exp(x * y) * D.sin(x + y)
    return float(f.partials[0].partials[0])


def _mixed_formula(x=0.3, y=0.5):
    return float(np.exp(x * y) * (x * y * np.sin(x + y) + (x + y) * np.cos(x + y)))


# --------------------------------------------------------------------------- tagged product
def tagged_mul(x, y):
    """The product at the highest tag; a factor of another tag is a constant there."""
    level = max(tag_of(x), tag_of(y))
    if level == 0:
        return x * y

    def parts(z):
        return (z.a, z.b) if tag_of(z) == level else (z, 0.0)

    (xa, xb), (ya, yb) = parts(x), parts(y)
    return Eps(level, tagged_mul(xa, ya), tagged_add(tagged_mul(xa, yb), tagged_mul(xb, ya)))


def _variant(split_at=max, constant_part=0.0, keep_square=False, same_epsilon=False):
    """A plausible wrong tagged product (each keyword is one mistake):

    - ``same_epsilon``: perturbation confusion, every Eps split as if all carried one ε;
    - ``split_at=min``: split at the lowest tag, so a newer dual is taken as a constant for an
      older ε (whose parts it holds inside);
    - ``constant_part=1.0``: a constant factor gets ε-part 1 instead of 0;
    - ``keep_square``: xb*yb added to the ε-part, as if ε² were not zero."""

    def mul(x, y):
        tags = [tag_of(z) for z in (x, y) if tag_of(z) > 0]
        if not tags:
            return x * y
        t = split_at(tags)
        mine = (lambda z: isinstance(z, Eps)) if same_epsilon else (lambda z: tag_of(z) == t)
        xa, xb = (x.a, x.b) if mine(x) else (x, constant_part)
        ya, yb = (y.a, y.b) if mine(y) else (y, constant_part)
        eps = tagged_add(mul(xa, yb), mul(xb, ya))
        return Eps(t, mul(xa, ya), tagged_add(eps, mul(xb, yb)) if keep_square else eps)

    return mul


def _plain_parts(x, y):
    """The first attempt: the formula with * and + on the parts, which may be Eps themselves."""
    level = max(tag_of(x), tag_of(y))
    if level == 0:
        return x * y
    (xa, xb), (ya, yb) = [(z.a, z.b) if tag_of(z) == level else (z, 0.0) for z in (x, y)]
    return Eps(level, xa * ya, xa * yb + xb * ya)


SOLUTIONS = {
    "ch03.quotient-rule": quotient,
    "ch03.newton-root": newton_root_derivative_dual(),
    "ch03.inverse-jvp": inverse_jvp,
    "ch03.mixed-partial": mixed_partial_tags(),
    "ch03.tagged-product": tagged_mul,
}

WRONG = {
    "ch03.quotient-rule": [
        lambda a, b: (a[0] / b[0], (a[1] * b[0] + a[0] * b[1]) / b[0] ** 2),     # sign
        lambda a, b: (a[0] / b[0], (a[1] * b[0] - a[0] * b[1]) / b[0]),          # b0 instead of b0²
        lambda a, b: (a[0] / b[0], a[1] / b[1]),                                # ratio of derivatives
        lambda a, b: (a[0] / b[0], (a[0] * b[1] - a[1] * b[0]) / b[0] ** 2),     # numerator reversed
    ],
    "ch03.newton-root": [
        -newton_root_derivative_dual(),                                     # sign
        _X_STAR,                                                            # the root, not its derivative
        -1.0 / (3 * _X_STAR**2 + 2.0),                                      # forgot the factor x*
        newton_root_derivative_dual(steps=1),                               # one Newton step only
    ],
    "ch03.inverse-jvp": [
        lambda A, Ad: np.linalg.inv(A) @ Ad @ np.linalg.inv(A),              # sign
        lambda A, Ad: -np.linalg.inv(A) @ np.linalg.inv(A) @ Ad,             # order of the factors
        lambda A, Ad: -Ad / A**2,                                           # scalar rule, elementwise
        lambda A, Ad: -np.linalg.inv(A).T @ Ad @ np.linalg.inv(A),           # a stray transpose
        lambda A, Ad: -np.linalg.inv(A) @ Ad.T @ np.linalg.inv(A),           # transposed tangent
    ],
    "ch03.mixed-partial": [
        float(np.exp(0.15) * ((0.5**2) * np.sin(0.8) + 2 * 0.5 * np.cos(0.8) - np.sin(0.8))),  # f_xx
        float(np.exp(0.15) * ((0.3**2) * np.sin(0.8) + 2 * 0.3 * np.cos(0.8) - np.sin(0.8))),  # f_yy
        float(np.exp(0.15) * (0.5 * np.sin(0.8) + np.cos(0.8)) * np.exp(0.15) * (0.3 * np.sin(0.8) + np.cos(0.8))),  # f_x f_y
        float(np.exp(0.15) * (0.5 * np.sin(0.8) + np.cos(0.8))),             # f_x only
    ],
    "ch03.tagged-product": [_variant(same_epsilon=True), _variant(split_at=min), _variant(keep_square=True),
                            _variant(constant_part=1.0),
                            lambda x, y: _plain_parts(x, y)],       # parts multiplied with * (raises on Eps)
}

REFERENCES = {
    "ch03.quotient-rule": lambda: [quotient(a, b) for a, b in PAIRS],
    "ch03.newton-root": newton_root_ift,
    "ch03.inverse-jvp": lambda: [inverse_jvp(A, Ad) for A, Ad in INVERSE_CASES],
    "ch03.mixed-partial": _mixed_formula,
    "ch03.tagged-product": lambda: [coefficients(tagged_mul(x, y)) for x, y in TAGGED_CASES],
}
