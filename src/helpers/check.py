r"""Exercise feedback and gradient checks.

Two kinds of tools live here.

*Verdicts for learners.* :func:`check_value` and :func:`check_function` compare a learner's
answer with a reference and **print** a friendly verdict instead of raising: correct, not
answered yet, or what is wrong (shape, sign, magnitude, a failing sample point) with a hint.
They return a :class:`Verdict`, which is truthy only when the answer is correct, so hidden
check cells can ``assert`` it. An exception raised inside a learner's function is caught and
reported in one plain sentence.

*Gradient checks.* :func:`check_grad` compares a gradient with central finite differences,

.. math::  \partial_i f(x) \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h},
           \qquad h_i = \varepsilon^{1/3}\max(1, |x_i|),

whose error is :math:`O(h^2)` (truncation) plus :math:`O(\varepsilon/h)` (round-off), balanced
near :math:`h \sim \varepsilon^{1/3}`. :func:`taylor_test` checks that the first-order Taylor
remainder :math:`|f(x+hv) - f(x) - h\,\nabla f\cdot v|` falls as :math:`h^2`.
:func:`dot_product_test` checks a JVP against a VJP through
:math:`\langle u, J v\rangle = \langle J^\top u, v\rangle`, and :func:`check_vjp` checks a
hand-written backward rule against finite differences.

Learners' placeholders: ``None`` and ``...`` mean "not answered yet", and so does a function
that raises :class:`NotImplementedError`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np

__all__ = [
    "Verdict",
    "check_value",
    "check_function",
    "check_true",
    "check_grad",
    "check_vjp",
    "finite_difference_gradient",
    "taylor_test",
    "TaylorResult",
    "dot_product_test",
    "is_unanswered",
]

_EPS = float(np.finfo(float).eps)


# --------------------------------------------------------------------------- verdicts
@dataclass
class Verdict:
    """The outcome of a check.

    ``status`` is one of ``"correct"``, ``"wrong"``, ``"unanswered"``, ``"error"``.
    ``bool(verdict)`` is ``True`` only for ``"correct"``.
    """

    status: str
    message: str
    details: dict = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.status == "correct"

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"Verdict({self.status!r})"

    def _ipython_display_(self) -> None:
        # The message was already printed when the check ran; show nothing twice.
        pass


_ICONS = {"correct": "✅", "wrong": "❌", "unanswered": "📝", "error": "⚠️"}


def _emit(status: str, message: str, quiet: bool, **details: Any) -> Verdict:
    text = f"{_ICONS[status]} {message}"
    if not quiet:
        print(text)
    return Verdict(status, text, details)


def is_unanswered(answer: Any) -> bool:
    """True for the placeholders ``None`` and ``...`` that mark an exercise not yet done."""
    return answer is None or answer is Ellipsis


def _unanswered(name: str, quiet: bool) -> Verdict:
    return _emit(
        "unanswered",
        f"{name}: not answered yet. Replace the placeholder (None or ...) with your answer "
        "and run the cell again.",
        quiet,
    )


def _validate_tolerances(rtol: float, atol: float) -> None:
    for label, value in (("rtol", rtol), ("atol", atol)):
        if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ValueError(f"{label} must be a finite number >= 0, got {value!r}")
    if rtol == 0 and atol == 0:
        raise ValueError("rtol and atol cannot both be 0: give a tolerance fit for the quantity")


def _as_numeric_array(x: Any) -> np.ndarray | None:
    """Convert to a float or complex array, or return None if that is impossible."""
    try:
        arr = np.asarray(x)
    except Exception:  # noqa: BLE001 - anything unconvertible is "not numeric"
        return None
    if arr.dtype == object or arr.dtype.kind not in "biufc":
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            return None
    return arr.astype(complex) if arr.dtype.kind == "c" else arr.astype(float)


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _diagnose(ans: np.ndarray, ref: np.ndarray, rtol: float, atol: float) -> tuple[str, str]:
    """Say what is wrong with a numeric answer of the right shape, and a hint."""
    if not np.all(np.isfinite(ans)):
        bad = np.argwhere(~np.isfinite(ans))
        where = "" if ans.ndim == 0 else f" (first at index {tuple(int(i) for i in bad[0])})"
        return (f"contains NaN or infinity{where}",
                "look for a division by zero, a log of a negative number or an overflow")
    scale = np.max(np.abs(ref)) if ref.size else 0.0
    if np.allclose(-ans, ref, rtol=rtol, atol=atol) and scale > atol:
        return "has the wrong sign", "check the sign convention (a minus sign, or the direction of a difference)"
    na, nr = float(np.linalg.norm(ans)), float(np.linalg.norm(ref))
    if nr > 0 and na > 0 and abs(na / nr - 1) > 0.01:
        ratio = na / nr
        if np.allclose(ans / ratio, ref, rtol=max(rtol, 1e-6) * 10, atol=atol):
            k = math.log10(ratio)
            if abs(k - round(k)) < 1e-6:
                return (f"is off by a factor 10^{round(k)}", "check the units or the scale")
            for r, word in ((ratio, "large"), (1 / ratio, "small")):
                if round(r) >= 2 and abs(r - round(r)) < 1e-6 * r:
                    return (f"is {round(r)} times too {word}",
                            "a missing factor (1/2, 2, 1/n, a double count)?")
            if ans.ndim > 0 and ans.size > 1:  # for a single number "proportional" says nothing
                return (f"is proportional to the right answer but about {ratio:.1g} times its size",
                        "the pattern is right; check a normalisation or a prefactor")
    if ans.ndim == 0:
        rel = abs(complex(ans) - complex(ref)) / max(abs(complex(ref)), atol, 1e-300)
        direction = ""
        if np.isrealobj(ans) and np.isrealobj(ref):
            direction = " too large" if float(ans) > float(ref) else " too small"
        return (f"is{direction}: its relative error is about {rel:.0e}, above the tolerance "
                f"(rtol={rtol:g}, atol={atol:g})",
                "re-derive the formula, and check each term on a simple case")
    err = np.abs(ans - ref) - (atol + rtol * np.abs(ref))
    idx = np.unravel_index(int(np.argmax(err)), ans.shape)
    n_bad = int(np.sum(err > 0))
    idx_s = tuple(int(i) for i in idx)
    return (f"differs from the reference in {n_bad} of {ans.size} entries; the worst is entry {idx_s}, "
            f"where you have {_fmt(float(np.real(ans[idx])))}",
            "check that entry's case by hand (a boundary, an index shift, a transposition?)")


def check_value(
    answer: Any,
    expected: Any,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-12,
    name: str = "Your answer",
    hint: str | None = None,
    quiet: bool = False,
) -> Verdict:
    """Compare a learner's number or array with the expected one and print a verdict.

    Equality means ``|answer - expected| <= atol + rtol*|expected|`` elementwise. A wrong answer
    is diagnosed: wrong type, wrong shape, NaN, flipped sign, a constant factor off, or the
    worst entry. The expected value itself is not printed, so the verdict does not give the
    answer away. ``hint`` is added to the message of a wrong answer.
    """
    _validate_tolerances(rtol, atol)
    ref = _as_numeric_array(expected)
    if ref is None:
        raise TypeError(f"check_value: expected must be a number or an array of numbers, got {type(expected).__name__}")
    if is_unanswered(answer):
        return _unanswered(name, quiet)
    ans = _as_numeric_array(answer)
    if ans is None:
        return _emit("wrong", f"{name} should be a number or an array of numbers, but it is a "
                     f"{type(answer).__name__}. Hint: {hint or 'return the numerical value itself.'}",
                     quiet)
    if ans.shape != ref.shape:
        if ans.size == ref.size:
            extra = " It has the right number of entries: a reshape or transpose is missing?"
        else:
            extra = ""
        return _emit("wrong", f"{name} has shape {ans.shape}, but shape {ref.shape} was expected.{extra}"
                     + (f" Hint: {hint}" if hint else ""), quiet)
    if np.all(np.isfinite(ans)) and np.allclose(ans, ref, rtol=rtol, atol=atol):
        return _emit("correct", f"{name} is correct.", quiet)
    what, default_hint = _diagnose(ans, ref, rtol, atol)
    return _emit("wrong", f"{name} {what}. Hint: {hint or default_hint}.", quiet)


def check_true(condition: Any, *, name: str, hint: str, quiet: bool = False) -> Verdict:
    """Verdict for a yes/no property of an answer computed by the caller (e.g. "is sorted")."""
    if is_unanswered(condition):
        return _unanswered(name, quiet)
    if bool(condition):
        return _emit("correct", f"{name}: correct.", quiet)
    return _emit("wrong", f"{name}: not yet. Hint: {hint}", quiet)


def _call_safely(fn: Callable, args: tuple) -> tuple[str, Any]:
    try:
        return "ok", fn(*args)
    except NotImplementedError:
        return "unanswered", None
    except Exception as exc:  # noqa: BLE001 - a learner's code may raise anything
        return "error", exc


def _fmt_point(p: Any) -> str:
    if callable(p):
        name = getattr(p, "__name__", "a function")
        return "a test function" if name == "<lambda>" else name
    arr = np.asarray(p)
    if arr.ndim == 0:
        return _fmt(float(arr)) if arr.dtype.kind in "biuf" else repr(p)
    return np.array2string(arr, precision=4, threshold=8)


def check_function(
    fn: Any,
    reference: Callable,
    points: Iterable[Any],
    *,
    rtol: float = 1e-6,
    atol: float = 1e-12,
    name: str = "Your function",
    hint: str | None = None,
    unpack: bool = False,
    quiet: bool = False,
) -> Verdict:
    """Call a learner's function at sample points and compare with a reference function.

    ``points`` are the sample inputs; with ``unpack=True`` each point is a tuple of arguments.
    The verdict names the first failing sample point. Exceptions raised by the learner's code
    are caught and reported plainly; ``NotImplementedError`` means "not answered yet".
    """
    _validate_tolerances(rtol, atol)
    if is_unanswered(fn):
        return _unanswered(name, quiet)
    if not callable(fn):
        return _emit("wrong", f"{name} should be a function (something you can call), but it is a "
                     f"{type(fn).__name__}.", quiet)
    pts = list(points)
    if not pts:
        raise ValueError("check_function needs at least one sample point")
    for p in pts:
        args = tuple(p) if unpack else (p,)
        status, got = _call_safely(fn, args)
        where = _fmt_point(p) if not unpack else "(" + ", ".join(_fmt_point(a) for a in args) + ")"
        if status == "unanswered":
            return _unanswered(name, quiet)
        if status == "error":
            return _emit("error", f"{name} raised {type(got).__name__}: {got} when called at "
                         f"x = {where}. Fix the error and run the cell again.", quiet)
        want = reference(*args)
        v = check_value(got, want, rtol=rtol, atol=atol, name=f"{name} at x = {where}",
                        hint=hint, quiet=True)
        if not v:
            msg = v.message.split(" ", 1)[1]
            return _emit("wrong", msg, quiet, point=p)
    return _emit("correct", f"{name} is correct at all {len(pts)} sample points.", quiet)


# --------------------------------------------------------------------------- gradient checks
def _as_float_vector_input(x: Any, who: str) -> np.ndarray:
    arr = np.asarray(x, dtype=float) if not isinstance(x, np.ndarray) else x.astype(float)
    if arr.dtype.kind != "f":
        raise TypeError(f"{who}: x must be a float or an array of floats, got {type(x).__name__}")
    return arr


def finite_difference_gradient(f: Callable, x: Any, h: float | None = None) -> np.ndarray:
    r"""Central-difference gradient of a scalar function, one pair of calls per entry of ``x``.

    :math:`g_i = [f(x + h_i e_i) - f(x - h_i e_i)] / (2 h_i)` with
    :math:`h_i = \varepsilon^{1/3}\max(1, |x_i|)` unless ``h`` is given. Costs ``2 x.size`` calls.
    """
    try:
        x = np.array(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"finite_difference_gradient: x must be numeric, got {type(x).__name__}") from exc
    g = np.zeros_like(x)
    flat = x.reshape(-1)
    gflat = g.reshape(-1)
    for i in range(flat.size):
        hi = h if h is not None else _EPS ** (1 / 3) * max(1.0, abs(flat[i]))
        xp, xm = flat.copy(), flat.copy()
        xp[i] += hi
        xm[i] -= hi
        fp = float(np.real(f(xp.reshape(x.shape))))
        fm = float(np.real(f(xm.reshape(x.shape))))
        gflat[i] = (fp - fm) / (2 * hi)
    return g


def check_grad(
    f: Callable,
    grad_f: Callable,
    x: Any,
    *,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    quiet: bool = False,
    name: str = "The gradient",
) -> Verdict:
    """Compare ``grad_f(x)`` with a central finite-difference gradient of the scalar ``f``.

    The default tolerances suit float64 and a smooth ``f`` of order one: the finite-difference
    error is about ``eps**(2/3) ~ 4e-11`` relative in ideal conditions, so ``rtol=1e-5`` leaves
    room for curvature while still catching any wrong term. Exceptions in either function are
    reported, not raised.
    """
    _validate_tolerances(rtol, atol)
    if is_unanswered(grad_f):
        return _unanswered(name, quiet)
    x = np.asarray(x, dtype=float)
    status, g = _call_safely(grad_f, (x.copy(),))
    if status == "unanswered":
        return _unanswered(name, quiet)
    if status == "error":
        return _emit("error", f"{name} function raised {type(g).__name__}: {g}.", quiet)
    status, _ = _call_safely(f, (x.copy(),))
    if status == "error":
        raise ValueError(f"check_grad: f itself fails at x: {_}")
    fd = finite_difference_gradient(f, x)
    v = check_value(g, fd, rtol=rtol, atol=atol, name=name, quiet=True,
                    hint="compare one component with a finite difference by hand")
    if v:
        err = float(np.max(np.abs(np.asarray(g, dtype=float) - fd)))
        return _emit("correct", f"{name} matches central finite differences (max abs difference {err:.1e}).",
                     quiet, fd=fd)
    return _emit(v.status, v.message.split(" ", 1)[1], quiet, fd=fd)


def check_vjp(
    f: Callable,
    vjp_rule: Any,
    x: Any,
    *,
    seed: int = 0,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    quiet: bool = False,
    name: str = "Your backward rule",
) -> Verdict:
    r"""Check a hand-written backward rule ``vjp_rule(x, y_bar) -> x_bar`` for ``y = f(x)``.

    The rule must return :math:`\bar x = J^\top \bar y`. It is compared with finite differences
    of the scalar :math:`\bar y \cdot f(x)` for a random cotangent :math:`\bar y` (fixed ``seed``).
    """
    _validate_tolerances(rtol, atol)
    if is_unanswered(vjp_rule):
        return _unanswered(name, quiet)
    x = np.asarray(x, dtype=float)
    y = np.asarray(f(x))
    rng = np.random.default_rng(seed)
    y_bar = rng.standard_normal(y.shape)
    status, got = _call_safely(vjp_rule, (x.copy(), y_bar.copy()))
    if status == "unanswered":
        return _unanswered(name, quiet)
    if status == "error":
        return _emit("error", f"{name} raised {type(got).__name__}: {got}.", quiet)
    fd = finite_difference_gradient(lambda z: float(np.sum(y_bar * np.asarray(f(z)))), x)
    v = check_value(got, fd, rtol=rtol, atol=atol, name=name, quiet=True,
                    hint="x_bar must have the shape of x and equal J^T y_bar; "
                    "check transposes and which factor the upstream adjoint multiplies")
    if v:
        return _emit("correct", f"{name} is correct: it equals J^T y_bar for a random y_bar.", quiet)
    return _emit(v.status, v.message.split(" ", 1)[1], quiet)


@dataclass
class TaylorResult:
    """Remainders of the first-order Taylor test at step sizes ``h`` and the fitted order."""

    h: np.ndarray
    remainder: np.ndarray
    order: float
    passed: bool

    def __bool__(self) -> bool:
        return self.passed


def taylor_test(
    f: Callable,
    grad_f: Callable,
    x: Any,
    direction: Any = None,
    *,
    h: Sequence[float] | None = None,
    seed: int = 0,
    min_order: float = 1.8,
) -> TaylorResult:
    r"""Taylor test of a gradient: :math:`r(h) = |f(x + h v) - f(x) - h\,\nabla f(x)\cdot v|`.

    With a correct gradient :math:`r(h) = O(h^2)`; with a wrong one only :math:`O(h)`. The order
    is fitted as the median log-log slope over the step sizes (default: ten steps from
    ``1e-2`` to ``1e-5`` times a scale of ``x``, small enough that higher-order terms do not
    bend the slope), ignoring remainders below round-off. ``passed`` is
    ``order >= min_order``.
    """
    x = np.asarray(x, dtype=float)
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(x.shape) if direction is None else np.asarray(direction, dtype=float)
    if v.shape != x.shape:
        raise ValueError(f"taylor_test: direction has shape {v.shape}, expected the shape of x {x.shape}")
    scale = max(1.0, float(np.max(np.abs(x)))) if x.size else 1.0
    hs = np.asarray(h if h is not None else scale * np.logspace(-2, -5, 10), dtype=float)
    f0 = float(f(x))
    slope = float(np.sum(np.asarray(grad_f(x), dtype=float) * v))
    r = np.array([abs(float(f(x + hi * v)) - f0 - hi * slope) for hi in hs])
    floor = 100 * _EPS * max(1.0, abs(f0))
    good = r > floor
    orders = np.diff(np.log(r[good])) / np.diff(np.log(hs[good])) if good.sum() >= 2 else np.array([np.inf])
    order = float(np.median(orders)) if orders.size else float("inf")
    return TaylorResult(hs, r, order, bool(order >= min_order))


def dot_product_test(
    jvp: Callable,
    vjp: Callable,
    x_shape: Sequence[int],
    y_shape: Sequence[int],
    *,
    seed: int = 0,
    rtol: float = 1e-10,
) -> tuple[bool, float]:
    r"""Check a JVP ``v -> J v`` against a VJP ``u -> J^T u`` by
    :math:`\langle u, J v\rangle = \langle J^\top u, v\rangle` for random ``u, v``.

    Returns ``(passed, relative_mismatch)``. Exact up to round-off for a consistent pair, so the
    default tolerance is tight.
    """
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(tuple(x_shape))
    u = rng.standard_normal(tuple(y_shape))
    jv = np.asarray(jvp(v), dtype=float)
    jtu = np.asarray(vjp(u), dtype=float)
    if jv.shape != tuple(y_shape):
        raise ValueError(f"dot_product_test: jvp returned shape {jv.shape}, expected {tuple(y_shape)}")
    if jtu.shape != tuple(x_shape):
        raise ValueError(f"dot_product_test: vjp returned shape {jtu.shape}, expected {tuple(x_shape)}")
    lhs, rhs = float(np.sum(u * jv)), float(np.sum(jtu * v))
    mismatch = abs(lhs - rhs) / max(abs(lhs), abs(rhs), 1e-300)
    return bool(mismatch <= rtol), mismatch
