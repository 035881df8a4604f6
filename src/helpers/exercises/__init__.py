"""Checks for the book's exercises, one module per chapter (``ch01.py``, ``ch02.py``, ...).

A notebook checks a learner's answer by the exercise's label::

    from helpers.exercises import check, hint
    check("ch02.swell", answer)            # verdict, with the first hint if it is wrong
    check("ch02.swell", answer, hint=2)    # ... with the hints up to the second
    hint("ch02.swell")                     # the first hint, without checking anything

What a check shows follows the *checker standard* (see :mod:`helpers.check` and
``src/helpers/exercises/README.md``): wrong types are refused, no message reveals the answer,
hints come in order (the concept first, a formula only when asked for), exercises carry their
number ("Exercise 2.4"), and every verdict is recorded in the output's metadata under
``"helpers_exercise"`` (label, number, status, a hash of the answer) for grading
(:mod:`helpers.grade`). Printing a verdict-like text records nothing.

Reference answers are not in this package's code. Each checker compares with *reference data*
(:func:`reference`): numbers computed ahead of time by the instructor's solutions
(``instructor/solutions/chNN.py`` in the repository, not installed) at fixed, seeded inputs, and
stored compressed in ``references/chNN.bin``, so that no student reads an answer by accident.
Exercise numbers come from the order of the exercises in each chapter notebook
(``numbers.json``; both files are rebuilt by ``python -m instructor.build``).

A chapter module registers its checkers with the :func:`exercise` decorator; each checker takes
the learner's answer and returns a :class:`helpers.check.Verdict` (usually by calling
:func:`helpers.check.check_value`, :func:`~helpers.check.check_function`, ...), whose own
display is suppressed here: :func:`check` shows one verdict.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import os
import re
import zlib
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, Sequence

import numpy as np

from helpers.check import _SILENT, ICONS, Verdict, is_unanswered, show

__all__ = ["exercise", "check", "hint", "labels", "reference", "number", "encode_reference",
           "decode_reference", "answer_digest", "METADATA_KEY"]

#: Key of the grading record in a verdict's output metadata.
METADATA_KEY = "helpers_exercise"
_SCHEMA = 1

# When a grader runs the notebook (helpers.grade) it passes a signing key; it is taken out of the
# environment at import, and each grading record is signed with it.
_GRADE_KEY = os.environ.pop("HELPERS_GRADE_KEY", None)

_REGISTRY: dict[str, Callable[..., Verdict]] = {}
_HINTS: dict[str, tuple[str, ...]] = {}
_LABEL = re.compile(r"^(ch\d\d)\.[a-z0-9][a-z0-9-]*$")


def exercise(label: str, *, hints: Sequence[str] = ()) -> Callable[[Callable[..., Verdict]], Callable[..., Verdict]]:
    """Register the checker of exercise ``label`` (form ``"chNN.short-name"``).

    ``hints`` are shown in order, one more each time the learner asks (``check(..., hint=k)``):
    the first names the concept or the first step; a later one may give a formula; none gives
    the answer.
    """
    if not _LABEL.match(label):
        raise ValueError(f"exercise label {label!r} must look like 'ch02.short-name' (lower case, digits, dashes)")
    if isinstance(hints, str) or not all(isinstance(h, str) and h.strip() for h in hints):
        raise TypeError(f"exercise {label!r}: hints must be a sequence of non-empty strings")

    def register(fn: Callable[..., Verdict]) -> Callable[..., Verdict]:
        if label in _REGISTRY and _REGISTRY[label] is not fn:
            raise ValueError(f"exercise {label!r} is registered twice")
        _REGISTRY[label] = fn
        _HINTS[label] = tuple(hints)
        return fn

    return register


def _load_chapter(label: str) -> None:
    m = _LABEL.match(label) if isinstance(label, str) else None
    if not m:
        raise ValueError(f"exercise label {label!r} must look like 'ch02.short-name'")
    try:
        importlib.import_module(f"helpers.exercises.{m.group(1)}")
    except ModuleNotFoundError as exc:
        if exc.name == f"helpers.exercises.{m.group(1)}":
            raise KeyError(f"no exercises are registered for chapter {m.group(1)!r}") from None
        raise


def _require(label: str) -> None:
    _load_chapter(label)
    if label not in _REGISTRY:
        known = ", ".join(sorted(k for k in _REGISTRY if k.split(".")[0] == label.split(".")[0]))
        raise KeyError(f"unknown exercise {label!r}; this chapter has: {known or 'none'}")


# --------------------------------------------------------------------------- numbers
@lru_cache(maxsize=1)
def _numbers() -> dict[str, str]:
    try:
        text = (resources.files(__name__) / "numbers.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    return dict(json.loads(text))


def number(label: str) -> str | None:
    """The exercise's number in the book ("2.4"), or None for an exercise outside the chapters."""
    return _numbers().get(label)


def _title(label: str) -> str:
    n = number(label)
    return f"Exercise {n}" if n else f"Exercise {label}"


# --------------------------------------------------------------------------- reference data
_MAGIC = b"DEX1"


def _to_json(obj: Any) -> Any:
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return {"__float__": repr(float(obj))} if not np.isfinite(obj) else float(obj)
    if isinstance(obj, (complex, np.complexfloating)):
        return {"__complex__": [_to_json(obj.real), _to_json(obj.imag)]}
    if isinstance(obj, str) or obj is None:
        return obj
    if isinstance(obj, np.ndarray) or hasattr(obj, "__array__") and not isinstance(obj, (list, tuple, dict)):
        arr = np.asarray(obj)
        if arr.dtype.kind not in "biufc":
            raise TypeError(f"reference data: cannot store an array of dtype {arr.dtype}")
        flat = [_to_json(v) for v in arr.reshape(-1).tolist()]
        return {"__array__": [arr.dtype.str, list(arr.shape), flat]}
    if isinstance(obj, tuple):
        return {"__tuple__": [_to_json(v) for v in obj]}
    if isinstance(obj, list):
        return [_to_json(v) for v in obj]
    if isinstance(obj, dict):
        if not all(isinstance(k, str) for k in obj):
            raise TypeError("reference data: dictionary keys must be strings")
        return {k: _to_json(v) for k, v in obj.items()}
    raise TypeError(f"reference data: cannot store a {type(obj).__name__}")


def _from_json(obj: Any) -> Any:
    if isinstance(obj, list):
        return [_from_json(v) for v in obj]
    if isinstance(obj, dict):
        if set(obj) == {"__float__"}:
            return float(obj["__float__"])
        if set(obj) == {"__complex__"}:
            re_, im_ = (_from_json(v) for v in obj["__complex__"])
            return complex(re_, im_)
        if set(obj) == {"__tuple__"}:
            return tuple(_from_json(v) for v in obj["__tuple__"])
        if set(obj) == {"__array__"}:
            dtype, shape, flat = obj["__array__"]
            return np.array([_from_json(v) for v in flat], dtype=np.dtype(dtype)).reshape(shape)
        return {k: _from_json(v) for k, v in obj.items()}
    return obj


def encode_reference(data: dict[str, Any]) -> bytes:
    """Encode a chapter's reference data (label -> numbers, arrays, tuples, lists, dicts) as
    compressed bytes: exact (floats round-trip), and not readable as text by accident."""
    text = json.dumps({k: _to_json(v) for k, v in sorted(data.items())}, sort_keys=True,
                      separators=(",", ":"))
    return _MAGIC + zlib.compress(text.encode("utf-8"), 9)


def decode_reference(blob: bytes) -> dict[str, Any]:
    """Inverse of :func:`encode_reference`."""
    if not blob.startswith(_MAGIC):
        raise ValueError("not a reference-data file of helpers.exercises")
    return {k: _from_json(v) for k, v in json.loads(zlib.decompress(blob[len(_MAGIC):])).items()}


@lru_cache(maxsize=None)
def _chapter_reference(chapter: str) -> dict[str, Any]:
    try:
        blob = (resources.files(__name__) / "references" / f"{chapter}.bin").read_bytes()
    except FileNotFoundError:
        return {}
    return decode_reference(blob)


def reference(label: str) -> Any:
    """The reference data of exercise ``label``, as the instructor's solution produced it.

    Raises ``LookupError`` with instructions when the data has not been built.
    """
    chapter = label.split(".")[0]
    data = _chapter_reference(chapter)
    if label not in data:
        raise LookupError(f"no reference data for exercise {label!r}: run `python -m instructor.build` "
                          "in the repository to rebuild src/helpers/exercises/references/")
    return data[label]


# --------------------------------------------------------------------------- grading record
def answer_digest(answer: Any) -> str:
    """A short SHA-256 of the answer, for the grading record (not a secret; it lets a grader see
    that two submissions gave the same answer)."""
    h = hashlib.sha256()
    try:
        if callable(answer):
            try:
                h.update(inspect.getsource(answer).encode())
            except (OSError, TypeError):
                code = getattr(answer, "__code__", None)
                h.update(repr((getattr(answer, "__qualname__", ""), code.co_code if code else b"")).encode())
        else:
            arr = np.asarray(answer)
            if arr.dtype.kind in "biufc":
                h.update(arr.dtype.str.encode() + repr(arr.shape).encode() + np.ascontiguousarray(arr).tobytes())
            else:
                h.update(repr(answer).encode())
    except Exception:  # noqa: BLE001 - a digest must never break a check
        h.update(repr(type(answer)).encode())
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- check and hint
def _hint_level(level: Any) -> int:
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)) or level < 1:
        raise ValueError(f"hint must be a whole number >= 1 (the hint you want to see), got {level!r}")
    return int(level)


def _hint_text(label: str, level: int, answer_name: str = "answer") -> str:
    hints = _HINTS.get(label, ())
    if not hints:
        return ""
    k = min(level, len(hints))
    lines = [f"Hint {i + 1} of {len(hints)}: {hints[i]}" for i in range(k)]
    if k < len(hints):
        lines.append(f'Another hint: check("{label}", {answer_name}, hint={k + 1}).')
    return "\n".join(lines)


def check(label: str, answer: Any, hint: int = 1, **kwargs: Any) -> Verdict:
    """Check the learner's ``answer`` to exercise ``label`` and show one verdict.

    ``None`` or ``...`` as the answer, or a function that raises ``NotImplementedError``, report
    "not answered yet". A wrong answer shows the hints up to number ``hint`` (the first by
    default). An exception raised while checking (typically inside the learner's own function)
    is reported, not raised. The verdict's output carries a grading record in its metadata.
    """
    _require(label)
    level = _hint_level(hint)
    title = _title(label)
    if is_unanswered(answer):
        v = Verdict("unanswered", f"{title}: not answered yet. Replace None with your answer and run "
                    f"the cell again. (Stuck? hint(\"{label}\") shows a first hint.)")
    else:
        token = _SILENT.set(True)
        try:
            inner = _REGISTRY[label](answer, **kwargs)
            if not isinstance(inner, Verdict):
                raise TypeError(f"the checker of {label!r} returned {type(inner).__name__}, not a Verdict")
        except NotImplementedError:
            inner = Verdict("unanswered", "not answered yet: your function still raises "
                            "NotImplementedError. Replace that line with your code and run the cell again.")
        except Exception as exc:  # noqa: BLE001 - the learner's code may raise anything
            inner = Verdict("error", f"your answer raised {type(exc).__name__}: {exc}. Fix it and run "
                            "the cell again.")
        finally:
            _SILENT.reset(token)
        if inner.status == "unanswered" and callable(answer):
            inner = Verdict("unanswered", "not answered yet: your function still raises "
                            "NotImplementedError. Replace that line with your code and run the cell again.")
        body = inner.message
        for icon in ICONS.values():
            if body.startswith(icon):
                body = body[len(icon):].lstrip()
        text = f"{title}: {body}"
        if inner.status == "wrong":
            extra = _hint_text(label, level)
            if extra:
                text += "\n" + extra
        v = Verdict(inner.status, text, dict(inner.details))
    v.message = f"{ICONS[v.status]} {v.message}"
    record = {"label": label, "number": number(label), "status": v.status,
              "answer_sha256": answer_digest(answer), "hint_level": level, "schema": _SCHEMA}
    if _GRADE_KEY:
        from helpers.grade import sign_record

        record["signature"] = sign_record(record, _GRADE_KEY)
    v.details["record"] = record
    show(v.status, v.message, metadata={METADATA_KEY: record})
    return v


def hint(label: str, level: int = 1) -> str:
    """Show (and return) the hints of exercise ``label`` up to number ``level``."""
    _require(label)
    level = _hint_level(level)
    text = _hint_text(label, level) or "This exercise has no hints: reread the prompt and the section before it."
    text = f"{_title(label)}. {text}"
    show("unanswered", text)
    return text


def labels() -> list[str]:
    """All registered labels, after importing every chapter module found in this package."""
    import pkgutil

    import helpers.exercises as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if re.fullmatch(r"ch\d\d", info.name):
            importlib.import_module(f"helpers.exercises.{info.name}")
    return sorted(_REGISTRY)


def hints_of(label: str) -> tuple[str, ...]:
    """The registered hints of ``label`` (for tests and the instructor's tools)."""
    _require(label)
    return _HINTS.get(label, ())
