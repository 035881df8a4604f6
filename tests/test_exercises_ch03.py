"""Chapter 3 checkers: what is specific to this chapter (the standard itself is tested for every
exercise in test_checker_standard.py)."""

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers import dual as D  # noqa: E402
from helpers.exercises import check, reference  # noqa: E402
from helpers.exercises.ch03 import (INVERSE_CASES, MONOMIALS, TAGGED_CASES, Eps,  # noqa: E402
                                    coefficients, tagged_add)
from instructor.solutions import ch03 as S  # noqa: E402


def test_inverse_cases_are_not_symmetric_and_tell_the_order_apart():
    for A, Ad in INVERSE_CASES:
        assert np.abs(A - A.T).max() > 0.5 and np.abs(Ad - Ad.T).max() > 0.5
        Ai = np.linalg.inv(A)
        assert np.abs(Ai @ Ad @ Ai - Ai @ Ai @ Ad).max() > 1e-2
    v = check("ch03.inverse-jvp", lambda A, Ad: -np.linalg.inv(A) @ np.linalg.inv(A) @ Ad)
    assert v.status == "wrong" and "called with a random non-symmetric" in v.message


def test_inverse_reference_is_the_derivative_of_inv():
    """The reference data agree with a central difference of np.linalg.inv."""
    for (A, Ad), ref in zip(INVERSE_CASES, reference("ch03.inverse-jvp")):
        h = 1e-6
        fd = (np.linalg.inv(A + h * Ad) - np.linalg.inv(A - h * Ad)) / (2 * h)
        np.testing.assert_allclose(ref, fd, rtol=1e-6, atol=1e-9)


def _poly_product(p, q):
    """Truncated product of two polynomials in ε1, ε2, ε3 with ε_i² = 0 (coefficient vectors)."""
    out = np.zeros(len(MONOMIALS))
    for (i, a), (j, b) in itertools.product(enumerate(MONOMIALS), enumerate(MONOMIALS)):
        if not (a & b):
            out[MONOMIALS.index(a | b)] += p[i] * q[j]
    return out


def test_tagged_reference_is_the_product_of_polynomials():
    """Independent of the instructor's tagged_mul: multiply the polynomials directly."""
    for (x, y), ref in zip(TAGGED_CASES, reference("ch03.tagged-product")):
        np.testing.assert_allclose(ref, _poly_product(coefficients(x), coefficients(y)), rtol=1e-14)
    assert any(coefficients(x)[-1] == 0 and _poly_product(coefficients(x), coefficients(y))[3] != 0
               for x, y in TAGGED_CASES)      # some products create an ε1ε2 term that no factor has


def test_tagged_product_messages_name_the_wrong_coefficient():
    v = check("ch03.tagged-product", S._variant(same_epsilon=True))
    assert v.status == "wrong" and "coefficient of ε" in v.message
    v = check("ch03.tagged-product", lambda x, y: Eps(1, 0.0, Eps(1, 1.0, 1.0)))   # ε1·ε1
    assert v.status == "wrong" and "malformed" in v.message
    v = check("ch03.tagged-product", lambda x, y: "x*y")
    assert v.status == "wrong" and "str" in v.message and "raised" not in v.message
    # an exception in the learner's function is reported with the test pair it happened on
    v = check("ch03.tagged-product", lambda x, y: Eps(1, x.a * y, 0.0))          # float * Eps
    assert v.status == "error" and "when called with x with tags" in v.message
    assert check("ch03.tagged-product", S.tagged_mul)


def test_tagged_add_and_coefficients():
    x, y = Eps(1, 3.0, 1.0), Eps(2, 2.0, 1.0)
    s = tagged_add(x, y)
    np.testing.assert_array_equal(coefficients(s)[:4], [5.0, 1.0, 1.0, 0.0])
    with pytest.raises(TypeError, match="contains str"):
        coefficients(Eps(1, "a", 0.0))


def test_newton_and_mixed_partial_reference_data():
    assert reference("ch03.newton-root") == pytest.approx(S.newton_root_derivative_dual(), rel=1e-14)
    assert reference("ch03.mixed-partial") == pytest.approx(S.mixed_partial_tags(), rel=1e-14)
    # the nested-derivative route gives the same number
    nested = D.derivative(lambda y: D.derivative(lambda x: D.exp(x * y) * D.sin(x + y), 0.3), 0.5)
    assert nested == pytest.approx(reference("ch03.mixed-partial"), rel=1e-14)
