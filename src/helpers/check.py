r"""Exercise feedback and gradient checks.

Two kinds of tools live here.

*Verdicts for learners.* :func:`check_value` and :func:`check_function` compare a learner's
answer with a reference and **show** a verdict instead of raising: correct, not answered yet,
or what is wrong. They return a :class:`Verdict`, which is truthy only when the answer is
correct, so hidden check cells can ``assert`` it. An exception raised inside a learner's
function is caught and reported in one plain sentence. The book's exercises go through
:func:`helpers.exercises.check`, which adds the exercise number, hints in order and a machine-
readable record for grading; the functions here are also used directly for demonstrations.

The feedback follows one standard (the *checker standard*, tested for every exercise):

- a number is a number: strings (even ``"41.5"``), booleans, ``None`` inside a list and complex
  numbers where a real one is due are rejected with a sentence that says so;
- a verdict never contains the reference value, a ratio to it, a direction ("too small") for a
  typed value, or anything else from which the answer follows. A typed value (``diagnose=False``,
  the default) is only *right*, *close* (agrees to a few digits, not enough), or *not right*;
- a learner's *function* may be diagnosed further (``diagnose=True``): a flipped sign, a constant
  factor, a wrong entry of an output, a ``None`` that betrays a missing ``return``, because
  knowing what the function does wrong does not write the function;
- integer answers (``integer=True``) must be whole numbers and are never compared by size;
- test inputs are described in words ("a 4×4 test matrix"), never dumped.

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

import contextvars
import functools
import html
import math
import numbers
import textwrap
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
    "as_numbers",
    "describe_shape",
    "describe_input",
    "show",
    "not_a_function",
    "function_answer",
    "first_failure",
]

_EPS = float(np.finfo(float).eps)
#: Width at which verdicts are wrapped when shown as plain text (narrow screens).
WRAP = 76


# --------------------------------------------------------------------------- verdicts
@dataclass
class Verdict:
    """The outcome of a check.

    ``status`` is one of ``"correct"``, ``"wrong"``, ``"unanswered"``, ``"error"``.
    ``bool(verdict)`` is ``True`` only for ``"correct"``. ``message`` is the text shown to the
    learner (one line; it is wrapped when shown).
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
        # The message was already shown when the check ran; show nothing twice.
        pass


ICONS = {"correct": "✅", "wrong": "❌", "unanswered": "📝", "error": "⚠️"}
_COLOURS = {"correct": "#1b7f3b", "wrong": "#b3261e", "unanswered": "#555555", "error": "#9a6700"}

# Inside helpers.exercises.check the inner checks must not show anything: the exercise check
# shows one verdict, with its number, hints and grading record.
_SILENT: contextvars.ContextVar[bool] = contextvars.ContextVar("helpers_check_silent", default=False)


def _sentence(text: str) -> str:
    """``text`` ending in exactly one punctuation mark (a hint may end with '?' or '.')."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of ipykernel
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


def show(status: str, text: str, metadata: dict | None = None) -> None:
    """Show a verdict: wrapped plain text, and in a Jupyter kernel also a small HTML box that
    wraps on narrow screens. ``metadata`` (a JSON-able dict) goes into the output's metadata,
    where a grader reads it (see :mod:`helpers.grade`); printing text cannot forge it."""
    plain = "\n".join(textwrap.fill(par, WRAP, subsequent_indent="   ", break_on_hyphens=False)
                      for par in text.split("\n"))
    if not _in_kernel():
        print(plain)
        return
    from IPython.display import display

    colour = _COLOURS.get(status, "#333333")
    box = (f'<div class="helpers-verdict helpers-verdict-{status}" style="white-space:pre-wrap;'
           f"overflow-wrap:anywhere;border-left:4px solid {colour};padding:2px 8px;"
           f'font-family:var(--jp-code-font-family,monospace);font-size:0.95em">'
           f"{html.escape(text)}</div>")
    display({"text/plain": plain, "text/html": box}, raw=True, metadata=metadata or {})


def _emit(status: str, message: str, quiet: bool, **details: Any) -> Verdict:
    text = f"{ICONS[status]} {message}"
    if not quiet and not _SILENT.get():
        show(status, text)
    return Verdict(status, text, details)


def is_unanswered(answer: Any) -> bool:
    """True for the placeholders ``None`` and ``...`` that mark an exercise not yet done."""
    return answer is None or answer is Ellipsis


def _unanswered(name: str, quiet: bool) -> Verdict:
    return _emit(
        "unanswered",
        f"{name}: not answered yet. Replace the placeholder (the None, or the line that raises "
        "NotImplementedError) with your answer and run the cell again.",
        quiet,
    )


def _validate_tolerances(rtol: float, atol: float) -> None:
    for label, value in (("rtol", rtol), ("atol", atol)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ValueError(f"{label} must be a finite number >= 0, got {value!r}")
    if rtol == 0 and atol == 0:
        raise ValueError("rtol and atol cannot both be 0: give a tolerance fit for the quantity")


# --------------------------------------------------------------------------- numbers
def describe_shape(shape: Sequence[int]) -> str:
    """Words for an array shape: "a single number", "a vector of 3 numbers", "a 4×4 array"."""
    shape = tuple(int(s) for s in shape)
    if shape == ():
        return "a single number"
    if len(shape) == 1:
        return f"a vector of {shape[0]} number{'s' if shape[0] != 1 else ''}"
    return "a " + "×".join(str(s) for s in shape) + " array"


def _kind_name(x: Any) -> str:
    if isinstance(x, (bool, np.bool_)):
        return "a boolean (True/False)"
    if isinstance(x, (str, bytes)):
        return "a string (text in quotes)"
    if isinstance(x, (complex, np.complexfloating)):
        return "a complex number"
    if callable(x):
        return "a function"
    if x is None:
        return "None"
    if isinstance(x, (numbers.Number, np.number)):
        return f"a number ({type(x).__name__})"
    name = type(x).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _holds_boolean(items: list | tuple) -> bool:
    """True if a (nested) list or tuple has a Python or numpy boolean among its entries."""
    return any(isinstance(i, (bool, np.bool_)) or (isinstance(i, (list, tuple)) and _holds_boolean(i))
               for i in items)


def as_numbers(answer: Any, *, allow_complex: bool = False) -> tuple[np.ndarray | None, str | None]:
    """Convert a learner's answer to a float (or complex) array, or say why it is not numbers.

    Returns ``(array, None)`` or ``(None, problem)``, where ``problem`` completes the sentence
    "... should be a number or an array of numbers, but it is ...". Strings, booleans, ``None``
    entries, ragged lists and (unless ``allow_complex``) complex values are refused: a numeric
    answer that arrives as text or as ``True`` is a mistake worth pointing out, not a number.
    JAX and other array types that numpy can convert are accepted.
    """
    if isinstance(answer, (str, bytes, bool, np.bool_, dict, set)) or callable(answer):
        return None, _kind_name(answer)
    if isinstance(answer, (complex, np.complexfloating)) and not allow_complex:
        return None, "a complex number"
    if isinstance(answer, (list, tuple)) and _holds_boolean(answer):
        return None, "a list with booleans in it"    # numpy would read [True, 3] as [1, 3]
    try:
        with np.errstate(all="ignore"):
            arr = np.asarray(answer)
    except Exception:  # noqa: BLE001 - anything unconvertible is "not numeric"
        return None, _kind_name(answer)
    kind = arr.dtype.kind
    if kind == "b":
        return None, "an array of booleans"
    if kind in "USV":
        return None, "text (strings), not numbers"
    if kind == "O":
        flat = list(arr.reshape(-1)) if arr.ndim else [arr.item()]
        for item in flat:
            if item is None:
                return None, "a list with None in it"
            if isinstance(item, (str, bytes)):
                return None, "a list with text (strings) in it"
            if isinstance(item, (bool, np.bool_)):
                return None, "a list with booleans in it"
            if not isinstance(item, numbers.Number) and not (isinstance(item, np.generic) and item.dtype.kind in "iufc"):
                return None, "a ragged list or one with non-numbers in it"
        try:
            arr = arr.astype(complex if any(isinstance(i, complex) for i in flat) else float)
        except (TypeError, ValueError):
            return None, "a ragged list or one with non-numbers in it"
        kind = arr.dtype.kind
    if kind not in "iufc":
        return None, _kind_name(answer)
    if kind == "c":
        if not allow_complex:
            what = "a complex number" if arr.ndim == 0 else "an array of complex numbers"
            if np.all(arr.imag == 0):
                return None, f"{what} (with a zero imaginary part; give the real value)"
            return None, what
        return arr.astype(complex), None
    return arr.astype(float), None


def _digits(ans: np.ndarray, ref: np.ndarray) -> float:
    """Number of significant digits to which ``ans`` agrees with ``ref`` (max over entries)."""
    scale = float(np.max(np.abs(ref))) if ref.size else 0.0
    if scale == 0.0:
        return 0.0
    err = float(np.max(np.abs(ans - ref))) / scale
    return float("inf") if err == 0 else -math.log10(err)


def _digits_needed(ref: np.ndarray, rtol: float, atol: float) -> float:
    """Significant digits the check asks for: from the relative tolerance, or from the absolute
    one relative to the size of the reference, whichever is looser."""
    scale = float(np.max(np.abs(ref))) if ref.size else 0.0
    tol = max(rtol, atol / scale if scale > 0 else 0.0, 1e-16)
    return max(-math.log10(tol), 0.0)


def _diagnose_function_output(ans: np.ndarray, ref: np.ndarray, rtol: float, atol: float) -> tuple[str, str]:
    """Say what is wrong with the output of a learner's function (right shape, wrong values).

    Allowed to describe the relation to the reference (sign, constant factor, which entry),
    never to print reference values or the ratio itself.
    """
    if not np.all(np.isfinite(ans)):
        return ("contains NaN or infinity",
                "look for a division by zero, a log or square root of a negative number, or an overflow")
    with np.errstate(all="ignore"):
        return _diagnose_finite_output(ans, ref, rtol, atol)


def _diagnose_finite_output(ans: np.ndarray, ref: np.ndarray, rtol: float, atol: float) -> tuple[str, str]:
    scale = float(np.max(np.abs(ref))) if ref.size else 0.0
    digits = _digits(ans, ref)
    if 2 <= digits < float("inf"):
        need = _digits_needed(ref, rtol, atol)
        return (f"is close but not accurate enough: it agrees to about {int(digits)} significant "
                f"digits, and the check needs about {need:.0f}",
                "the method is nearly right; look at what limits its accuracy (a step size, "
                "round-off, a truncated series, a loose tolerance)")
    if scale > atol and np.allclose(-ans, ref, rtol=rtol, atol=atol):
        return "has the wrong sign", "check the sign convention (a minus sign, or the direction of a difference)"
    na, nr = float(np.linalg.norm(ans)), float(np.linalg.norm(ref))
    if ans.size > 1 and nr > atol and na > 0 and abs(na / nr - 1) > 0.01:   # any two numbers are "proportional"
        ratio = float(np.sum(ans * np.conj(ref)).real) / nr**2
        if ratio != 0 and np.allclose(ans / ratio, ref, rtol=max(rtol, 1e-6) * 10, atol=atol):
            return ("is proportional to the right result but off by a constant factor",
                    "the pattern is right; look for a missing or extra factor (2, 1/2, π, a power of ten, a normalisation)")
    if ans.ndim == 0:
        return "is not right", "re-derive the formula and test it on a case you can do by hand"
    err = np.abs(ans - ref) - (atol + rtol * np.abs(ref))
    n_bad = int(np.sum(err > 0))
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), ans.shape))
    where = f"entry {idx[0]}" if len(idx) == 1 else f"entry {idx}"
    return (f"is wrong in {n_bad} of its {ans.size} entries (the worst is {where})",
            "check that entry's case by hand: a boundary, an index shift, a transposition?")


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def check_value(
    answer: Any,
    expected: Any,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-12,
    name: str = "Your answer",
    hint: str | None = None,
    quiet: bool = False,
    integer: bool = False,
    diagnose: bool = False,
    allow_complex: bool | None = None,
) -> Verdict:
    """Compare a learner's number or array with the expected one and show a verdict.

    Equality means ``|answer - expected| <= atol + rtol*|expected|`` elementwise. Refused before
    any comparison: a wrong type (see :func:`as_numbers`), a wrong shape (said in words), NaN.
    ``integer=True``: the answer must be a whole number and is compared exactly; a wrong one is
    "not right", with no size or direction. ``diagnose=False`` (a typed value): a wrong answer is
    only "close" (agrees to at least two digits) or "not right". ``diagnose=True`` (the output of
    a learner's function): also a flipped sign, a constant factor, the worst entry. The expected
    value itself is never shown. ``hint`` is added to the message of a wrong answer;
    ``allow_complex`` defaults to whether ``expected`` is complex.
    """
    _validate_tolerances(rtol, atol)
    ref = np.asarray(expected)
    if ref.dtype.kind not in "biufc":
        raise TypeError(f"check_value: expected must be a number or an array of numbers, got {type(expected).__name__}")
    ref = ref.astype(complex) if ref.dtype.kind == "c" else ref.astype(float)
    if allow_complex is None:
        allow_complex = ref.dtype.kind == "c"
    if is_unanswered(answer):
        return _unanswered(name, quiet)
    tail = f" Hint: {_sentence(hint)}" if hint else ""
    ans, problem = as_numbers(answer, allow_complex=allow_complex)
    if ans is None:
        want = "a whole number" if integer else ("a number or an array of numbers" if ref.ndim else "a number")
        return _emit("wrong", f"{name} should be {want}, but it is {problem}.{tail}", quiet)
    if ans.shape != ref.shape:
        extra = ""
        if ans.size == ref.size and ans.size > 1:
            extra = " It has the right number of entries: a reshape or a transpose?"
        return _emit("wrong", f"{name} is {describe_shape(ans.shape)}, but {describe_shape(ref.shape)} "
                     f"was expected.{extra}{tail}", quiet)
    if not np.all(np.isfinite(ans)):
        return _emit("wrong", f"{name} contains NaN or infinity. Hint: look for a division by zero, "
                     "a log or square root of a negative number, or an overflow.", quiet)
    if integer:
        if not np.all(ans == np.round(ans)):
            return _emit("wrong", f"{name} should be a whole number (a count), but it has a "
                         f"fractional part.{tail}", quiet)
        if np.array_equal(ans, np.round(ref)):
            return _emit("correct", f"{name} is correct.", quiet)
        return _emit("wrong", f"{name} is not right.{tail}", quiet)
    if np.allclose(ans, ref, rtol=rtol, atol=atol):
        return _emit("correct", f"{name} is correct.", quiet)
    if diagnose:
        what, default_hint = _diagnose_function_output(ans, ref, rtol, atol)
        return _emit("wrong", f"{name} {what}. Hint: {_sentence(hint or default_hint)}", quiet)
    digits = _digits(ans, ref)
    if digits >= 2:
        need = _digits_needed(ref, rtol, atol)
        return _emit("wrong", f"{name} is close: it agrees to about {int(digits)} significant digits, "
                     f"and the check needs about {need:.0f}. Either it is computed less accurately "
                     f"than that (rounding, a step size, a loose tolerance), or it is a nearby but "
                     f"different quantity.{tail}", quiet)
    return _emit("wrong", f"{name} is not right.{tail}", quiet)


def check_true(condition: Any, *, name: str, hint: str, quiet: bool = False) -> Verdict:
    """Verdict for a yes/no property of an answer computed by the caller (e.g. "is sorted")."""
    if is_unanswered(condition):
        return _unanswered(name, quiet)
    if bool(condition):
        return _emit("correct", f"{name}: correct.", quiet)
    return _emit("wrong", f"{name}: not yet. Hint: {hint}", quiet)


def _call_safely(fn: Callable, args: tuple, kwargs: dict | None = None) -> tuple[str, Any]:
    try:
        return "ok", fn(*args, **(kwargs or {}))
    except NotImplementedError:
        return "unanswered", None
    except Exception as exc:  # noqa: BLE001 - a learner's code may raise anything
        return "error", exc


def describe_input(p: Any) -> str:
    """Words for a test input: short numbers are shown, arrays and functions are described."""
    if callable(p):
        name = getattr(p, "__name__", "")
        return "a test function" if name in ("", "<lambda>") else f"the function {name}"
    if isinstance(p, (str, bool, np.bool_)):
        return repr(p)
    arr = np.asarray(p) if not isinstance(p, (list, tuple)) or all(np.isscalar(v) for v in p) else None
    if arr is not None and arr.dtype.kind in "biufc":
        if arr.ndim == 0:
            v = arr.item()
            return f"{v:.6g}" if isinstance(v, float) else str(v)
        if arr.size <= 4:
            return np.array2string(arr, precision=4, separator=", ")
        return "a " + "×".join(str(s) for s in arr.shape) + " test array"
    if isinstance(p, (list, tuple)):
        return f"a test {type(p).__name__} of {len(p)} items"
    return f"a test {type(p).__name__}"


def check_function(
    fn: Any,
    reference: Callable | Sequence[Any],
    points: Iterable[Any],
    *,
    rtol: float = 1e-6,
    atol: float = 1e-12,
    name: str = "Your function",
    hint: str | None = None,
    unpack: bool = False,
    quiet: bool = False,
    integer: bool = False,
    describe: Callable[[Any], str] | None = None,
) -> Verdict:
    """Call a learner's function at test inputs and compare with reference outputs.

    ``reference`` is a function (called at each input) or the sequence of reference outputs, one
    per input (precomputed reference data; see :mod:`helpers.exercises`). With ``unpack=True``
    each input is a tuple of arguments. The verdict names the first failing input in words
    (``describe(p)``, by default :func:`describe_input`), and may diagnose the output (sign,
    factor, worst entry; :func:`check_value` with ``diagnose=True``), never show the reference
    output. A function that returns ``None`` is told that a ``return`` may be missing;
    exceptions are reported plainly; ``NotImplementedError`` means "not answered yet".
    """
    _validate_tolerances(rtol, atol)
    if is_unanswered(fn):
        return _unanswered(name, quiet)
    if not callable(fn):
        return _emit("wrong", f"{name} should be a function (defined with def, something you can "
                     f"call), but it is {_kind_name(fn)}.", quiet)
    pts = list(points)
    if not pts:
        raise ValueError("check_function needs at least one test input")
    refs = None if callable(reference) else list(reference)
    if refs is not None and len(refs) != len(pts):
        raise ValueError(f"check_function: {len(refs)} reference outputs for {len(pts)} test inputs")
    say = describe or describe_input
    for i, p in enumerate(pts):
        args = tuple(p) if unpack else (p,)
        status, got = _call_safely(fn, args)
        where = say(p) if (describe or not unpack) else "(" + ", ".join(say(a) for a in args) + ")"
        if status == "unanswered":
            return _unanswered(name, quiet)
        if status == "error":
            return _emit("error", f"{name} raised {type(got).__name__}: {got} when called with "
                         f"{where}. Fix the error and run the cell again.", quiet)
        if got is None:
            return _emit("wrong", f"{name} returned None when called with {where}: is a return "
                         "statement missing?", quiet)
        want = reference(*args) if refs is None else refs[i]
        v = check_value(got, want, rtol=rtol, atol=atol, name=f"{name}, called with {where},",
                        hint=hint, quiet=True, integer=integer, diagnose=True)
        if not v:
            return _emit(v.status, v.message.split(" ", 1)[1], quiet, point=p)
    return _emit("correct", f"{name} is correct on all {len(pts)} test inputs.", quiet)


# --------------------------------------------------------------------------- composing checks
def not_a_function(answer, name):
    """The verdict for an answer that should be a function but is not (None: not answered), or
    ``None`` when it is a function."""
    return None if callable(answer) else check_function(answer, [0.0], [None], name=name)


def function_answer(name: str):
    """Decorator for a checker whose answer must be a function: anything else is refused (or
    reported as not answered) with ``name`` in the message before the checker runs."""
    def wrap(checker):
        @functools.wraps(checker)
        def checked(answer):
            bad = not_a_function(answer, name)
            return bad if bad is not None else checker(answer)
        return checked
    return wrap


def first_failure(verdicts, correct: str):
    """Show the first failing verdict of a sequence of quiet checks (generated lazily, so the
    learner's code is not run again after a failure), or ``correct`` if all pass."""
    for v in verdicts:
        if not v:
            return _emit(v.status, v.message.split(" ", 1)[1], False)
    return _emit("correct", correct, False)


# --------------------------------------------------------------------------- gradient checks
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
    if g is None:
        return _emit("wrong", f"{name} function returned None: is a return statement missing?", quiet)
    status, err = _call_safely(f, (x.copy(),))
    if status == "error":
        raise ValueError(f"check_grad: f itself fails at x: {err}")
    fd = finite_difference_gradient(f, x)
    v = check_value(g, fd, rtol=rtol, atol=atol, name=name, quiet=True, diagnose=True,
                    hint="compare one component with a finite difference by hand")
    if v:
        diff = float(np.max(np.abs(np.asarray(g, dtype=float) - fd)))
        return _emit("correct", f"{name} matches central finite differences (max abs difference {diff:.1e}).",
                     quiet, fd=fd)
    return _emit(v.status, v.message.split(" ", 1)[1], quiet, fd=fd)


def check_vjp(
    f: Callable,
    vjp_rule: Any,
    x: Any,
    *,
    seed: int | Sequence[int] = (0, 1),
    rtol: float = 1e-5,
    atol: float = 1e-7,
    quiet: bool = False,
    name: str = "Your backward rule",
) -> Verdict:
    r"""Check a hand-written backward rule ``vjp_rule(x, y_bar) -> x_bar`` for ``y = f(x)``.

    The rule must return :math:`\bar x = J^\top \bar y`. It is compared with finite differences
    of the scalar :math:`\bar y \cdot f(x)` for random cotangents :math:`\bar y`, one per seed in
    ``seed`` (two by default, so that a rule right for one special cotangent fails). Give a
    non-symmetric ``x`` where a transpose matters.
    """
    _validate_tolerances(rtol, atol)
    if is_unanswered(vjp_rule):
        return _unanswered(name, quiet)
    if not callable(vjp_rule):
        return _emit("wrong", f"{name} should be a function vjp_rule(x, y_bar), but it is "
                     f"{_kind_name(vjp_rule)}.", quiet)
    x = np.asarray(x, dtype=float)
    y = np.asarray(f(x))
    for s in ([seed] if isinstance(seed, int) else list(seed)):
        rng = np.random.default_rng(s)
        y_bar = rng.standard_normal(y.shape)
        status, got = _call_safely(vjp_rule, (x.copy(), y_bar.copy()))
        if status == "unanswered":
            return _unanswered(name, quiet)
        if status == "error":
            return _emit("error", f"{name} raised {type(got).__name__}: {got}.", quiet)
        if got is None:
            return _emit("wrong", f"{name} returned None: is a return statement missing?", quiet)
        fd = finite_difference_gradient(lambda z, yb=y_bar: float(np.sum(yb * np.asarray(f(z)))), x)
        v = check_value(got, fd, rtol=rtol, atol=atol, name=name, quiet=True, diagnose=True,
                        hint="x_bar must have the shape of x and equal J^T y_bar; "
                        "check transposes and which factor the upstream adjoint multiplies")
        if not v:
            return _emit(v.status, v.message.split(" ", 1)[1], quiet)
    return _emit("correct", f"{name} is correct: it equals J^T y_bar for random y_bar.", quiet)


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
