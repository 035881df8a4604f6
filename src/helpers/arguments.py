"""Argument checks shared by the physics helpers (:mod:`helpers.qubit`, :mod:`helpers.thinfilm`,
:mod:`helpers.coils`).

Bad input to a helper should fail at once with a sentence that names the argument, says what was
wrong and what was expected, instead of returning a number computed from nonsense (a negative
thickness, a negative time step) or failing deep inside JAX. The checks here do that for real
numbers and arrays of them.

Inside ``jax.jit``, ``jax.grad`` or ``jax.vmap`` an argument may be a *tracer*, whose values
are not known while the function is traced: then only its type and shape are checked, and the
value checks (finite, positive, ...) are skipped. Concrete arguments, the normal case for a
reader calling a helper, are checked fully.
"""

from __future__ import annotations

import numbers
from typing import Any, Iterable

import numpy as np

__all__ = ["is_traced", "real_array", "real_number", "whole_number"]


def is_traced(x: Any) -> bool:
    """True if ``x`` is a JAX tracer (its values are unknown while a function is traced)."""
    try:
        import jax
    except ImportError:  # pragma: no cover - JAX is a dependency of the book
        return False
    return isinstance(x, jax.core.Tracer)


def _kind(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "a boolean"
    if isinstance(value, (str, bytes)):
        return "text (a string)"
    if value is None:
        return "None"
    if callable(value):
        return "a function"
    return f"a {type(value).__name__}"


def _where(arr: np.ndarray, bad: np.ndarray) -> str:
    idx = np.argwhere(bad)[0]
    value = arr[tuple(idx)]
    if arr.ndim == 0:
        return f"got {float(value)!r}"
    pos = int(idx[0]) if arr.ndim == 1 else tuple(int(i) for i in idx)
    return f"got {float(value)!r} at index {pos}"


def real_array(value: Any, name: str, *, ndim: int | Iterable[int] | None = None,
               positive: bool = False, nonnegative: bool = False, finite: bool = True,
               expected: str = ""):
    """``value`` as a float array (``jax.numpy`` array, so tracers pass through), or an error.

    Refused, with ``TypeError``: strings, booleans, ``None``, complex values (the physics here
    is real: a complex index or control would have its imaginary part dropped silently).
    Refused, with ``ValueError``: a number of dimensions not in ``ndim``; for concrete values,
    NaN or infinity (``finite``), values <= 0 (``positive``) or < 0 (``nonnegative``).
    ``expected`` describes the argument in the messages ("thicknesses in nm").
    """
    import jax.numpy as jnp

    what = f" ({expected})" if expected else ""
    if value is None or isinstance(value, (str, bytes, bool, np.bool_, dict, set)) or callable(value):
        raise TypeError(f"{name} must be real numbers{what}, got {_kind(value)}")
    if is_traced(value):
        arr = value
    else:
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be real numbers{what}; could not read it as an array ({exc})") from None
        if arr.dtype == object:
            raise TypeError(f"{name} must be real numbers{what}; got a ragged list or one with non-numbers in it")
    kind = np.dtype(arr.dtype).kind
    if kind == "b":
        raise TypeError(f"{name} must be real numbers{what}, got booleans")
    if kind in "USV":
        raise TypeError(f"{name} must be real numbers{what}, got text (strings)")
    if kind == "c":
        raise TypeError(f"{name} must be real{what}, got complex values; the model here is real "
                        "(give real numbers; an imaginary part would be dropped)")
    if kind not in "iuf":
        raise TypeError(f"{name} must be real numbers{what}, got an array of {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            shapes = " or ".join({0: "a single number", 1: "a 1-D array", 2: "a 2-D array"}.get(n, f"{n}-D")
                                 for n in allowed)
            raise ValueError(f"{name} must be {shapes}{what}, got shape {tuple(arr.shape)}")
    if not is_traced(arr):
        a = np.asarray(arr, dtype=float)
        if finite and not np.all(np.isfinite(a)):
            raise ValueError(f"{name} must be finite{what}; {_where(a, ~np.isfinite(a))}")
        if positive and np.any(a <= 0):
            raise ValueError(f"{name} must be positive{what}; {_where(a, a <= 0)}")
        if nonnegative and np.any(a < 0):
            raise ValueError(f"{name} must be >= 0{what}; {_where(a, a < 0)}")
    return jnp.asarray(arr, dtype=float)


def real_number(value: Any, name: str, *, positive: bool = False, nonnegative: bool = False,
                expected: str = "") -> Any:
    """A single real number (a Python float, or a tracer inside JAX), or a clear error."""
    arr = real_array(value, name, ndim=0, positive=positive, nonnegative=nonnegative, expected=expected)
    return arr if is_traced(arr) else float(arr)


def whole_number(value: Any, name: str, *, minimum: int | None = None, expected: str = "") -> int:
    """A whole number (``3`` or ``3.0``, not ``2.5``, ``True`` or ``"3"``) >= ``minimum``."""
    what = f" ({expected})" if expected else ""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.integer, np.floating)):
        raise TypeError(f"{name} must be a whole number{what}, got {_kind(value)}")
    if not np.isfinite(float(value)) or float(value) != int(value):
        raise ValueError(f"{name} must be a whole number{what}, got {value!r}")
    if minimum is not None and int(value) < minimum:
        raise ValueError(f"{name} must be at least {minimum}{what}, got {int(value)}")
    return int(value)
