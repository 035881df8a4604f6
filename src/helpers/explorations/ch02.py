r"""Chapter 2 exploration: the step size of a finite difference, truncation and round-off apart.

For a difference quotient :math:`D_h f(x)` computed in floating point, the error splits exactly
into two parts,

.. math::  D_h^{\rm float} f - f' = \underbrace{(D_h^{\rm exact} f - f')}_{\text{truncation}}
           + \underbrace{(D_h^{\rm float} f - D_h^{\rm exact} f)}_{\text{round-off}},

where :math:`D_h^{\rm exact}` is the same quotient in exact arithmetic. For :math:`f = e^x` and
:math:`f = \sin x` the exact quotient has a closed form (e.g. forward:
:math:`e^x (e^h - 1)/h`), which :func:`truncation_error` evaluates without cancellation (series
for small ``h``), so the two parts can be drawn apart: the truncation error falls as :math:`h`
(forward) or :math:`h^2` (central) and the round-off grows as :math:`\varepsilon/h`.
"""

from __future__ import annotations

import numpy as np

from helpers.explore import Choice, Explorer, LogSlider

__all__ = ["FUNCTIONS", "METHODS", "difference", "truncation_error", "error_parts", "step_size_explorer"]

EPS = float(np.finfo(float).eps)
X0 = 1.0
#: name -> (f, f') of the test functions, evaluated at X0.
FUNCTIONS = {"exp": (np.exp, np.exp), "sin": (np.sin, np.cos)}
METHODS = ("forward", "central")


def difference(f, x: float, h: np.ndarray, method: str) -> np.ndarray:
    """The difference quotient in floating point: forward (f(x+h) - f(x))/h or central
    (f(x+h) - f(x-h))/(2h)."""
    if method == "forward":
        return (f(x + h) - f(x)) / h
    if method == "central":
        return (f(x + h) - f(x - h)) / (2 * h)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def _series(h: np.ndarray, small, large) -> np.ndarray:
    h = np.asarray(h, dtype=float)
    return np.where(np.abs(h) < 1e-3, small(h), large(np.where(np.abs(h) < 1e-3, 1.0, h)))


# (e^h - 1 - h)/h, (sinh h - h)/h, (cos h - 1)/h, (sin h - h)/h, without cancellation for small h
_expm1_h = lambda h: _series(h, lambda h: h / 2 + h**2 / 6 + h**3 / 24 + h**4 / 120, lambda h: (np.expm1(h) - h) / h)  # noqa: E731
_sinh_h = lambda h: _series(h, lambda h: h**2 / 6 + h**4 / 120 + h**6 / 5040, lambda h: (np.sinh(h) - h) / h)      # noqa: E731
_cos_h = lambda h: _series(h, lambda h: -h / 2 + h**3 / 24 - h**5 / 720, lambda h: (np.cos(h) - 1) / h)             # noqa: E731
_sin_h = lambda h: _series(h, lambda h: -h**2 / 6 + h**4 / 120 - h**6 / 5040, lambda h: (np.sin(h) - h) / h)        # noqa: E731


def truncation_error(function: str, method: str, h: np.ndarray, x: float = X0) -> np.ndarray:
    """D_h^exact f(x) - f'(x), the truncation error in exact arithmetic (signed)."""
    if function == "exp":
        return np.exp(x) * (_expm1_h(h) if method == "forward" else _sinh_h(h))
    if function == "sin":
        if method == "forward":           # [sin x (cos h - 1) + cos x (sin h - h)] / h
            return np.sin(x) * _cos_h(h) + np.cos(x) * _sin_h(h)
        return np.cos(x) * _sin_h(h)      # cos x (sin h - h)/h
    raise ValueError(f"function must be one of {list(FUNCTIONS)}, got {function!r}")


def error_parts(function: str, method: str, h: np.ndarray, x: float = X0) -> dict[str, np.ndarray]:
    """Total error of the float quotient, and its truncation and round-off parts (signed)."""
    f, df = FUNCTIONS[function]
    h = np.asarray(h, dtype=float)
    total = difference(f, x, h, method) - df(x)
    trunc = truncation_error(function, method, h, x)
    return {"total": total, "truncation": trunc, "round-off": total - trunc}


def step_size_explorer(h: float = 1e-6, method: str = "forward", function: str = "exp") -> Explorer:
    """Move the step h: the measured error of f'(1) (dots), split into its truncation part
    (falls with h) and its round-off part (grows as h shrinks); readouts give the three
    numbers at the chosen h and the correct digits."""
    hs = np.logspace(-15, -1, 281)
    cache = {(fn, m): {k: np.abs(v) for k, v in error_parts(fn, m, hs).items()}
             for fn in FUNCTIONS for m in METHODS}

    def draw(ax, h, method, function):
        parts = cache[(function, method)]
        scale = abs(FUNCTIONS[function][1](X0))
        floor = 1e-18                                       # exact zeros are drawn at this floor
        ax.loglog(hs, np.maximum(parts["total"] / scale, floor), ".", ms=2.5, color="0.45",
                  label="measured error")
        ax.loglog(hs, np.maximum(parts["truncation"] / scale, floor), "-", color="#0072B2", lw=2,
                  label="truncation part")
        ax.loglog(hs, np.maximum(parts["round-off"] / scale, floor), "-", color="#D55E00", lw=1,
                  alpha=0.8, label="round-off part")
        ax.axvline(h, color="black", lw=1)
        ax.set_ylim(1e-17, 1e1)
        ax.set_xlabel("step size h")
        ax.set_ylabel("relative error of f'(1)")
        ax.legend(loc="upper center", fontsize="small")
        at = {k: float(np.abs(v)[()]) / scale for k, v in error_parts(function, method, np.array(h)).items()}
        digits = -np.log10(max(at["total"], EPS / 2))
        return {"relative error": float(at["total"]), "truncation part": float(at["truncation"]),
                "round-off part": float(at["round-off"]), "correct digits": round(float(digits), 1)}

    controls = {"h": LogSlider(1e-15, 1e-1, h, label="step h"),
                "method": Choice(list(METHODS), method, label="difference"),
                "function": Choice(list(FUNCTIONS), function, label="f")}
    title = lambda v: f"{v['method']} difference of {v['function']} at x = 1, h = {v['h']:.1e}"  # noqa: E731
    return Explorer(controls, draw, figsize=(6.4, 3.8), title=title)
