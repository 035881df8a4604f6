"""Checks for the book's exercises, one module per chapter (``ch01.py``, ``ch02.py``, ...).

A notebook checks a learner's answer by the exercise's label::

    from helpers.exercises import check
    check("ch02.optimal-step", answer)

The reference solutions live in these modules, not in the notebooks, so a student edition of a
chapter (solutions removed) does not reveal them. A chapter module registers its checkers with
the :func:`exercise` decorator; each checker takes the learner's answer and returns a
:class:`helpers.check.Verdict` (usually by calling :func:`helpers.check.check_value`,
:func:`~helpers.check.check_function`, ...).
"""

from __future__ import annotations

import importlib
import re
from typing import Any, Callable

from helpers.check import Verdict, _emit, is_unanswered

__all__ = ["exercise", "check", "labels"]

_REGISTRY: dict[str, Callable[..., Verdict]] = {}
_LABEL = re.compile(r"^(ch\d\d)\.[a-z0-9][a-z0-9-]*$")


def exercise(label: str) -> Callable[[Callable[..., Verdict]], Callable[..., Verdict]]:
    """Register the checker of exercise ``label`` (form ``"chNN.short-name"``)."""
    if not _LABEL.match(label):
        raise ValueError(f"exercise label {label!r} must look like 'ch02.short-name' (lower case, digits, dashes)")

    def register(fn: Callable[..., Verdict]) -> Callable[..., Verdict]:
        if label in _REGISTRY and _REGISTRY[label] is not fn:
            raise ValueError(f"exercise {label!r} is registered twice")
        _REGISTRY[label] = fn
        return fn

    return register


def _load_chapter(label: str) -> None:
    m = _LABEL.match(label)
    if not m:
        raise ValueError(f"exercise label {label!r} must look like 'ch02.short-name'")
    try:
        importlib.import_module(f"helpers.exercises.{m.group(1)}")
    except ModuleNotFoundError as exc:
        if exc.name == f"helpers.exercises.{m.group(1)}":
            raise KeyError(f"no exercises are registered for chapter {m.group(1)!r}") from None
        raise


def check(label: str, answer: Any, **kwargs: Any) -> Verdict:
    """Check the learner's ``answer`` to exercise ``label`` and print a verdict.

    ``None`` or ``...`` as the answer reports "not answered yet". An exception raised while
    checking (typically inside the learner's own function) is reported, not raised.
    """
    _load_chapter(label)
    if label not in _REGISTRY:
        known = ", ".join(sorted(k for k in _REGISTRY if k.split(".")[0] == label.split(".")[0]))
        raise KeyError(f"unknown exercise {label!r}; this chapter has: {known or 'none'}")
    if is_unanswered(answer):
        return _emit("unanswered", f"Exercise {label}: not answered yet. Replace the placeholder "
                     "(None or ...) with your answer and run the cell again.", False)
    try:
        return _REGISTRY[label](answer, **kwargs)
    except NotImplementedError:
        return _emit("unanswered", f"Exercise {label}: not answered yet (your code raises "
                     "NotImplementedError).", False)
    except Exception as exc:  # noqa: BLE001 - the learner's code may raise anything
        return _emit("error", f"Exercise {label}: your answer raised {type(exc).__name__}: {exc}. "
                     "Fix it and run the cell again.", False)


def labels() -> list[str]:
    """All registered labels, after importing every chapter module found in this package."""
    import pkgutil

    import helpers.exercises as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if re.fullmatch(r"ch\d\d", info.name):
            importlib.import_module(f"helpers.exercises.{info.name}")
    return sorted(_REGISTRY)
