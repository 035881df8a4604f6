"""Whole-number answers compared by digest.

Many answers are small whole numbers (counts of steps, pebbles, layers), and a small whole
number stored as reference data would be readable in the installed package by accident (``10``
is everywhere). So the reference data of such an exercise is a short SHA-256 digest of the
answer salted with the exercise label (:func:`integer_digest`, computed by the instructor's
solution), and the check compares the digest of the learner's answer with it. The verdict is
"correct" or "not right", as for any whole-number answer, with the usual refusals of wrong types
(:func:`helpers.check.check_value` with ``integer=True``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from helpers.check import as_numbers, check_function, check_value
from helpers.exercises import reference

__all__ = ["integer_digest", "check_integer", "check_integer_function"]


def integer_digest(label: str, value: Any) -> str | None:
    """A short digest of a whole number or a tuple/list of whole numbers (``None`` if ``value``
    is not that), salted with the exercise label."""
    arr, problem = as_numbers(value)
    if arr is None or not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
        return None
    canonical = json.dumps(np.round(arr).astype(np.int64).tolist())
    return hashlib.sha256(f"{label}:{canonical}".encode()).hexdigest()[:16]


def _stand_in(label: str, value: Any, digest: str, shape: tuple | None = None) -> Any:
    """What :func:`helpers.check.check_value` compares ``value`` with: ``value`` itself when its
    digest is the reference one, otherwise a number of the same shape that differs from it
    (never the answer, which the checker does not know). With ``shape`` (public: what the
    prompt asks for), a value of another shape meets zeros of that shape, so that the check
    says which shape was expected."""
    arr, _ = as_numbers(value)
    if arr is None:
        return 0 if shape is None else np.zeros(shape)
    if shape is not None and arr.shape != tuple(shape):
        return np.zeros(shape)
    if integer_digest(label, value) == digest:
        return arr
    return np.where(np.isfinite(arr), np.round(arr) + 1, 0)


def check_integer(label: str, answer: Any, *, name: str):
    """Verdict for a single whole-number answer whose reference data is its digest."""
    return check_value(answer, _stand_in(label, answer, reference(label), ()), integer=True, name=name)


def check_integer_function(label: str, fn: Any, points, *, name: str, shape: tuple = (),
                           unpack: bool = True):
    """Verdict for a function of whole-number outputs of the given ``shape``, compared point by
    point with digests."""
    digests = dict(zip(map(repr, points), reference(label)))

    def expected(*args):
        got = fn(*args) if unpack else fn(args[0])
        return _stand_in(label, got, digests[repr(tuple(args) if unpack else args[0])], shape)

    return check_function(fn, expected, points, unpack=unpack, rtol=0, atol=0.5, integer=True, name=name)
