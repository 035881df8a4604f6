r"""Checks for chapter 6, custom adjoint rules (book/part2/ch06_custom_adjoint_rules.ipynb).

Reference solutions:

* ``ch06.solve-vjp``: for :math:`x = A^{-1}b`, :math:`\bar b = A^{-\top}\bar x`,
  :math:`\bar A = -\bar b\,x^\top`.
* ``ch06.logdet-vjp``: for :math:`y = \log\det A`, :math:`\bar A = \bar y\,A^{-\top}`.
* ``ch06.fixed-point-vjp``: for :math:`x^* = \tanh(Wx^* + \theta)`, with
  :math:`D = \operatorname{diag}(1 - x^{*2})`, :math:`\lambda = (I - DW)^{-\top}\bar x` and
  :math:`\bar\theta = D\lambda`.
* ``ch06.wirtinger``: :math:`f = |z|^4 + \operatorname{Re} z^3` has
  :math:`\partial f/\partial\bar z = 2|z|^2 z + \tfrac32\bar z^2`.
* ``ch06.taylor-detect``: the index of the wrong gradient among three candidates.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from helpers.check import _emit, check_value, check_vjp
from helpers.exercises import exercise

# ----------------------------------------------------------------------------- data
_rng = np.random.default_rng(6)
SOLVE_A = np.eye(4) * 3.0 + _rng.standard_normal((4, 4))
SOLVE_B = _rng.standard_normal(4)
LOGDET_A = (lambda M: M @ M.T + 4 * np.eye(4))(_rng.standard_normal((4, 4)))
FP_W = 0.4 * _rng.standard_normal((5, 5)) / np.sqrt(5)
FP_THETA = _rng.standard_normal(5)
WIRTINGER_Z = 0.6 - 0.3j


# ----------------------------------------------------------------------------- references
def solve_vjp_reference(A: np.ndarray, b: np.ndarray, x_bar: np.ndarray):
    """Reference backward rule of ``x = solve(A, b)``: returns ``(A_bar, b_bar)``."""
    x = np.linalg.solve(A, b)
    b_bar = np.linalg.solve(A.T, x_bar)
    return -np.outer(b_bar, x), b_bar


def logdet_vjp_reference(A: np.ndarray, y_bar: float) -> np.ndarray:
    """Reference backward rule of ``y = log det A`` (det A > 0)."""
    return y_bar * np.linalg.inv(A).T


def fixed_point(theta: np.ndarray, W: np.ndarray = FP_W, tol: float = 1e-15, max_iter: int = 500) -> np.ndarray:
    r"""Solve :math:`x = \tanh(Wx + \theta)` by plain iteration (a contraction for small ``W``)."""
    x = np.zeros_like(theta, dtype=float)
    for _ in range(max_iter):
        x_new = np.tanh(W @ x + theta)
        if np.max(np.abs(x_new - x)) <= tol:
            return x_new
        x = x_new
    return x


def fixed_point_vjp_reference(theta: np.ndarray, x_star: np.ndarray, x_bar: np.ndarray, W: np.ndarray = FP_W) -> np.ndarray:
    """Implicit-function-theorem adjoint of the fixed point with respect to ``theta``."""
    D = 1.0 - x_star**2
    lam = np.linalg.solve((np.eye(len(theta)) - D[:, None] * W).T, x_bar)
    return D * lam


def wirtinger_reference(z: complex = WIRTINGER_Z) -> complex:
    return 2 * abs(z) ** 2 * z + 1.5 * np.conj(z) ** 2


def taylor_candidates():
    r"""Three candidate gradients of :math:`f(x) = \sum_i x_i^2 \sin x_i + \prod_i \cos x_i`.

    Returns ``(f, [g0, g1, g2])``; exactly one candidate (index 1) has a wrong term.
    """

    def f(x):
        return float(np.sum(x**2 * np.sin(x)) + np.prod(np.cos(x)))

    def prod_grad(x):
        c = np.cos(x)
        return np.array([-np.sin(x[i]) * np.prod(np.delete(c, i)) for i in range(len(x))])

    def g0(x):
        return 2 * x * np.sin(x) + x**2 * np.cos(x) + prod_grad(x)

    def g1(x):  # wrong: the product term has the wrong sign
        return 2 * x * np.sin(x) + x**2 * np.cos(x) - prod_grad(x)

    def g2(x):  # right, written differently
        return x * (2 * np.sin(x) + x * np.cos(x)) - np.tan(x) * np.prod(np.cos(x))

    return f, [g0, g1, g2]


# ----------------------------------------------------------------------------- checkers
def _is_fn(answer, name):
    if not callable(answer):
        return _emit("wrong", f"{name} should be a function, but it is a {type(answer).__name__}.", False)
    return None


@exercise("ch06.solve-vjp")
def _solve_vjp(answer: Callable) -> object:
    bad = _is_fn(answer, "solve_vjp")
    if bad is not None:
        return bad
    A, b = SOLVE_A, SOLVE_B
    v_b = check_vjp(lambda bb: np.linalg.solve(A, bb), lambda bb, x_bar: answer(A, bb, x_bar)[1], b,
                    quiet=True, name="b_bar")
    if v_b.status == "unanswered":
        return _emit("unanswered", "solve_vjp: not answered yet (it raises NotImplementedError).", False)
    if not v_b:
        return _emit(v_b.status, "b_bar is not right: " + v_b.message.split(" ", 1)[1]
                     + " (b_bar solves a system with the transposed matrix)", False)
    v_A = check_vjp(lambda a: np.linalg.solve(a.reshape(4, 4), b),
                    lambda a, x_bar: np.asarray(answer(a.reshape(4, 4), b, x_bar)[0]).reshape(-1),
                    A.reshape(-1), quiet=True, name="A_bar")
    if not v_A:
        return _emit(v_A.status, "A_bar is not right: " + v_A.message.split(" ", 1)[1]
                     + " (A_bar is an outer product of b_bar and x, with a sign)", False)
    return _emit("correct", "Your backward rule of solve is correct: A_bar and b_bar both equal J^T x_bar.", False)


@exercise("ch06.logdet-vjp")
def _logdet_vjp(answer: Callable) -> object:
    bad = _is_fn(answer, "logdet_vjp")
    if bad is not None:
        return bad
    return check_vjp(lambda a: np.linalg.slogdet(a.reshape(4, 4))[1],
                     lambda a, y_bar: np.asarray(answer(a.reshape(4, 4), float(y_bar)), dtype=float).reshape(-1),
                     LOGDET_A.reshape(-1), name="Your backward rule of log det")


@exercise("ch06.fixed-point-vjp")
def _fixed_point_vjp(answer: Callable) -> object:
    bad = _is_fn(answer, "fixed_point_vjp")
    if bad is not None:
        return bad

    def rule(theta, x_bar):
        return np.asarray(answer(theta, fixed_point(theta), x_bar), dtype=float)

    return check_vjp(fixed_point, rule, FP_THETA, name="Your implicit adjoint of the fixed point")


@exercise("ch06.wirtinger")
def _wirtinger(answer) -> object:
    return check_value(complex(answer) if np.isscalar(answer) else answer, wirtinger_reference(), rtol=1e-8,
                       name="df/dz̄",
                       hint="treat z and z̄ as independent: |z|^4 = (z z̄)^2 and Re z^3 = (z^3 + z̄^3)/2")


@exercise("ch06.taylor-detect")
def _taylor_detect(answer) -> object:
    return check_value(answer, 1, rtol=0, atol=0.1, name="The index of the wrong gradient",
                       hint="run taylor_test on each candidate and look at the fitted order (2 if right, 1 if wrong)")
