"""Checks for chapter 3, "Forward mode with dual numbers".

The tagged-product exercise works on :class:`Eps`, a minimal tagged dual number
``a + b·ε_tag`` whose parts may be tagged duals of lower tags; :func:`tagged_add` is the worked
example the exercise gives. A result is compared as a polynomial in the infinitesimals
(:func:`coefficients`), so any correct representation passes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers.check import Verdict, check_function, check_value
from helpers.exercises import exercise, reference

# --------------------------------------------------------------------------- quotient rule
#: Sample dual numbers (value, derivative) for the quotient rule, denominators away from 0.
PAIRS = [((1.0, 0.0), (2.0, 1.0)), ((0.3, -1.2), (-0.7, 0.4)), ((2.5, 3.0), (1.5, -2.0)),
         ((-4.0, 0.25), (0.2, 5.0))]


@exercise("ch03.quotient-rule", hints=(
    "Write 1/(b0 + b1 ε) as c0 + c1 ε and find c0, c1 from (b0 + b1 ε)(c0 + c1 ε) = 1 with ε² = 0.",
    "Then multiply a0 + a1 ε by c0 + c1 ε and drop the ε² term; return (value, ε-part).",
))
def _quotient_rule(answer):
    return check_function(answer, reference("ch03.quotient-rule"), PAIRS, unpack=True, rtol=1e-12,
                          name="Your division of dual numbers",
                          describe=lambda p: f"a = {p[0]}, b = {p[1]}",
                          hint="entry 0 is the value a0/b0, entry 1 the ε-part; work that case out "
                               "by hand with ε² = 0")


# --------------------------------------------------------------------------- Newton root
@exercise("ch03.newton-root", hints=(
    "The Newton iteration is an ordinary program, so it runs unchanged on dual numbers. Which of "
    "its inputs must carry the ε, and where in the result is dx*/da?",
    "Start from a = Dual(2.0, [1.0]) and x = 1.0, iterate until the value has converged (a few "
    "tens of steps is plenty; the ε-part converges with it), then read x.partials[0].",
))
def _newton_root(answer):
    return check_value(answer, reference("ch03.newton-root"), rtol=1e-10, name="Your derivative dx*/da")


# --------------------------------------------------------------------------- matrix inverse
def _matrix(seed: int, n: int) -> np.ndarray:
    """A random, well-conditioned, non-symmetric n×n matrix (seeded)."""
    r = np.random.default_rng(seed)
    return r.standard_normal((n, n)) + n * np.eye(n)


#: Test cases (A, A_dot) of the inverse exercise: non-symmetric, several seeds and sizes.
INVERSE_CASES = [(_matrix(s, n), np.random.default_rng(100 + s).standard_normal((n, n)))
                 for s, n in ((1, 3), (2, 4), (3, 2))]


@exercise("ch03.inverse-jvp", hints=(
    "Let X = A⁻¹ and run A X = I on dual numbers: (A + Ȧ ε)(X + Ẋ ε) = I. The ε-part of the left "
    "side must vanish.",
    "The ε-part gives A Ẋ + Ȧ X = 0; solve for Ẋ. Matrices do not commute: keep the order.",
))
def _inverse_jvp(answer):
    return check_function(answer, reference("ch03.inverse-jvp"), INVERSE_CASES, unpack=True,
                          rtol=1e-10, name="Your forward rule for the inverse",
                          describe=lambda p: f"a random non-symmetric {p[0].shape[0]}×{p[0].shape[0]} A and Ȧ")


# --------------------------------------------------------------------------- mixed partial
@exercise("ch03.mixed-partial", hints=(
    "Give x and y perturbations of different tags (t_in, t_out = D.new_tag(), D.new_tag()) and "
    "evaluate f on the two duals: the result is a dual of duals.",
    "The outer layer's partial is ∂f/∂y, itself a dual in the inner tag; its partial is the "
    "coefficient of ε_in ε_out.",
))
def _mixed_partial(answer):
    return check_value(answer, reference("ch03.mixed-partial"), rtol=1e-12, name="Your mixed partial derivative")


# --------------------------------------------------------------------------- tagged product
@dataclass(frozen=True)
class Eps:
    """The tagged dual number ``a + b·ε_tag`` (tag ≥ 1); ``a`` and ``b`` are floats or
    :class:`Eps` of lower tags. Different tags are different infinitesimals:
    ``ε_s ε_t ≠ 0`` for ``s ≠ t``, while ``ε_t² = 0``."""

    tag: int
    a: Any
    b: Any


def tag_of(x: Any) -> int:
    """The tag of x (0 for a plain number)."""
    return x.tag if isinstance(x, Eps) else 0


def tagged_add(x: Any, y: Any) -> Any:
    """x + y for floats and :class:`Eps` (the worked example of the exercise)."""
    t = max(tag_of(x), tag_of(y))
    if t == 0:
        return x + y
    xa, xb = (x.a, x.b) if tag_of(x) == t else (x, 0.0)      # a dual of another tag is a
    ya, yb = (y.a, y.b) if tag_of(y) == t else (y, 0.0)      # constant for ε_t
    return Eps(t, tagged_add(xa, ya), tagged_add(xb, yb))


TAGS = (1, 2, 3)
#: Monomials ε_S of the coefficient vectors, S a subset of TAGS (the empty set is the value).
MONOMIALS = [frozenset(s) for r in range(len(TAGS) + 1) for s in itertools.combinations(TAGS, r)]


def coefficients(x: Any) -> np.ndarray:
    """The coefficients of x as a polynomial in ε_1, ε_2, ε_3 (each squaring to zero), in the
    order of :data:`MONOMIALS`."""
    out = np.zeros(len(MONOMIALS))

    def walk(z: Any, mono: frozenset, sign: float) -> None:
        if isinstance(z, Eps):
            if z.tag not in TAGS or z.tag in mono:
                raise ValueError(f"an Eps of tag {z.tag} inside a product that already has ε_{z.tag}")
            walk(z.a, mono, sign)
            walk(z.b, mono | {z.tag}, sign)
        elif isinstance(z, (int, float, np.integer, np.floating)) and not isinstance(z, (bool, np.bool_)):
            out[MONOMIALS.index(mono)] += sign * float(z)
        else:
            raise TypeError(f"the result should be a number or an Eps (of numbers and Eps), "
                            f"but it contains {type(z).__name__}")

    walk(x, frozenset(), 1.0)
    return out


def _random_eps(r: np.random.Generator, tags: tuple[int, ...]) -> Any:
    """A random tagged dual carrying the given tags (nested, the highest outermost)."""
    if not tags:
        return float(np.round(r.uniform(-2, 2), 3))
    *rest, t = sorted(tags)
    return Eps(t, _random_eps(r, tuple(rest)), _random_eps(r, tuple(rest)))


def _tagged_cases() -> list[tuple[Any, Any]]:
    r = np.random.default_rng(2005)
    shapes = [((1,), (1,)), ((1,), (2,)), ((2,), (1,)), ((1,), ()), ((), (2,)), ((1, 2), (2,)),
              ((1,), (2, 3)), ((1, 3), (2,)), ((1, 2), (1, 3)), ((1, 2, 3), (1, 2))]
    return [(_random_eps(r, a), _random_eps(r, b)) for a, b in shapes]


#: Pairs (x, y) of tagged duals multiplied by the check: same tags, different tags, constants,
#: and nestings of up to three tags.
TAGGED_CASES = _tagged_cases()


def _describe_pair(p: Any) -> str:
    def tags(z: Any) -> list[int]:
        return sorted({z.tag} | set(tags(z.a)) | set(tags(z.b))) if isinstance(z, Eps) else []
    word = lambda ts: f"tags {ts}" if ts else "a plain number"                 # noqa: E731
    return f"x with {word(tags(p[0]))} and y with {word(tags(p[1]))}"


def _monomial_name(mono: frozenset) -> str:
    return "the value" if not mono else "the coefficient of " + "".join(f"ε{t}" for t in sorted(mono))


@exercise("ch03.tagged-product", hints=(
    "Follow tagged_add: the product is taken at the highest tag t of the two; a factor without "
    "ε_t is a constant at that level, with ε_t-part 0.",
    "(xa + xb ε_t)(ya + yb ε_t) = xa·ya + (xa·yb + xb·ya) ε_t, and every product and sum of the "
    "parts must itself be tagged (they may hold lower tags).",
))
def _tagged_product(answer):
    if not callable(answer):
        return check_function(answer, reference("ch03.tagged-product"), TAGGED_CASES, unpack=True,
                              name="Your tagged product")
    name = "Your tagged product"
    for (x, y), ref in zip(TAGGED_CASES, reference("ch03.tagged-product")):
        where = _describe_pair((x, y))
        try:
            z = answer(x, y)
        except NotImplementedError:
            raise
        except Exception as err:                           # noqa: BLE001 - the learner's code
            return Verdict("error", f"{name} raised {type(err).__name__}: {err} when called with "
                           f"{where}. Fix the error and run the cell again.")
        if z is None:
            return Verdict("wrong", f"{name} returned None for {where}: is a return statement missing?")
        try:
            got = coefficients(z)
        except ValueError as err:
            return Verdict("wrong", f"{name} returned a malformed tagged dual for {where}: {err}.")
        except TypeError as err:
            return Verdict("wrong", f"{name} returned something that is not a tagged dual for {where}: "
                           f"{err}.")
        if not np.all(np.isfinite(got)):
            return Verdict("wrong", f"{name} contains NaN or infinity for {where}.")
        bad = [m for m, g, r in zip(MONOMIALS, got, ref) if abs(g - r) > 1e-12 * max(1.0, abs(r))]
        if bad:
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            return Verdict("wrong", f"{name} is not right for {where}: {_monomial_name(bad[0])} "
                           f"differs{more}.")
    return Verdict("correct", f"{name} is correct on all {len(TAGGED_CASES)} test pairs.")
