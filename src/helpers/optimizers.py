r"""Optimisers raced at an equal budget of function evaluations (chapter 15).

To say that gradients help, a design made with gradients must beat a *real* derivative-free
optimiser given the same budget, not random search. This module runs three methods from random
starts, restarting each time a run converges, until a budget of function evaluations is spent,
and records the value of every evaluation so that best-so-far curves can be compared:

* :func:`lbfgs_restarts`: L-BFGS-B (scipy) with the gradient from automatic differentiation; a
  call that returns the value and the gradient is charged ``gradient_cost`` evaluations (reverse
  mode costs a small constant times one evaluation; measure it, e.g. with XLA's operation count).
* :func:`nelder_mead_restarts`: the Nelder-Mead simplex method (scipy, with the adaptive
  parameters of Gao and Han for higher dimensions), restarted from a new random point.
* :func:`cma_es`: the covariance matrix adaptation evolution strategy (Hansen and Ostermeier),
  written out below in its standard form (Hansen's tutorial, arXiv:1604.00772), restarted with
  a doubled population each time (IPOP-CMA-ES, Auger and Hansen). Each generation samples
  :math:`\lambda` points :math:`\mathbf x_i = \mathbf m + \sigma B D\mathbf z_i`,
  :math:`\mathbf z_i\sim\mathcal N(0, 1)`, with :math:`C = BD^2B^{\mathsf T}`; the
  :math:`\mu = \lambda/2` best move the mean (weighted recombination) and update the covariance
  (rank-one update along the evolution path :math:`\mathbf p_c`, rank-:math:`\mu` update from
  the selected steps) and the step size (cumulative step-size adaptation along
  :math:`\mathbf p_\sigma`).

All three work in a box ``bounds = (lower, upper)``; random starts are drawn uniformly from
``start_box`` (default: the bounds). CMA-ES handles the box by evaluating the clipped point and
adding the squared distance to the box (relative to its width), the simplest of the standard
boundary treatments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.optimize import minimize

from helpers.arguments import real_array, real_number, whole_number

__all__ = ["Run", "lbfgs_restarts", "nelder_mead_restarts", "cma_es"]


@dataclass
class Run:
    """The record of one budgeted optimisation: every evaluation's value and cumulative cost."""

    x: np.ndarray          #: the best point found
    fun: float             #: its value
    values: np.ndarray     #: the value at each evaluation, in order
    costs: np.ndarray      #: the cumulative cost (in function evaluations) after each evaluation
    restarts: int          #: how many runs were started

    def best_so_far(self) -> np.ndarray:
        """The best value after each evaluation (a non-increasing curve)."""
        return np.minimum.accumulate(self.values)

    def best_at(self, cost: float) -> float:
        """The best value found within ``cost`` evaluations (inf if none was made)."""
        done = self.costs <= cost
        return float(np.min(self.values[done])) if np.any(done) else float("inf")


class _BudgetSpent(Exception):
    pass


def _finite(value, x, who: str) -> float:
    """The objective's value as a float; a NaN or infinity stops the race with a clear error
    (a non-finite value would otherwise be silently ignored by the best-so-far bookkeeping)."""
    v = float(value)
    if not np.isfinite(v):
        raise ValueError(f"{who} returned {v} at x = {np.round(np.asarray(x, dtype=float), 6).tolist()}; "
                         "the objective must be finite everywhere inside the bounds")
    return v


def _box(bounds, start_box, n_hint=None):
    if not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
        raise ValueError("bounds must be a pair (lower, upper) of arrays (or numbers)")
    lo = np.atleast_1d(np.asarray(real_array(bounds[0], "lower bound")))
    hi = np.atleast_1d(np.asarray(real_array(bounds[1], "upper bound")))
    lo, hi = np.broadcast_arrays(lo, hi)
    if n_hint is not None and lo.size == 1:
        lo, hi = np.full(n_hint, lo[0]), np.full(n_hint, hi[0])
    if lo.ndim != 1 or np.any(hi <= lo):
        raise ValueError("bounds must be 1-D with upper > lower in every coordinate")
    if start_box is None:
        s_lo, s_hi = lo, hi
    else:
        s_lo, s_hi = _box(start_box, None, lo.size)[:2]
        if np.any(s_lo < lo) or np.any(s_hi > hi):
            raise ValueError("start_box must lie inside bounds")
    return lo.astype(float), hi.astype(float), np.asarray(s_lo, float), np.asarray(s_hi, float)


def _check_common(budget, dimension):
    budget = real_number(budget, "budget", positive=True, expected="function evaluations")
    whole_number(dimension, "dimension", minimum=1, expected="the number of parameters")
    return budget


def lbfgs_restarts(value_and_grad: Callable, dimension: int, budget: float, bounds, *, start_box=None,
                   gradient_cost: float = 1.0, seed: int = 0, options: dict | None = None) -> Run:
    """Multi-start L-BFGS-B: ``value_and_grad(x) -> (value, gradient)``; each call costs
    ``gradient_cost`` evaluations; restart from a new random point whenever a run stops."""
    budget = _check_common(budget, dimension)
    gradient_cost = real_number(gradient_cost, "gradient_cost", positive=True,
                                expected="evaluations charged for one value-and-gradient call")
    lo, hi, s_lo, s_hi = _box(bounds, start_box, dimension)
    rng = np.random.default_rng(seed)
    values, costs, best = [], [], [None, np.inf]

    def fun(x):
        if (len(values) + 1) * gradient_cost > budget:
            raise _BudgetSpent
        v, g = value_and_grad(x)
        v = _finite(v, x, "value_and_grad")
        values.append(v)
        costs.append(len(values) * gradient_cost)
        if v < best[1]:
            best[:] = [np.array(x, dtype=float), v]
        return v, np.asarray(g, dtype=float)

    restarts = 0
    try:
        while (len(values) + 1) * gradient_cost <= budget:
            restarts += 1
            minimize(fun, rng.uniform(s_lo, s_hi), jac=True, method="L-BFGS-B",
                     bounds=list(zip(lo, hi)), options=options or {})
    except _BudgetSpent:
        pass
    return Run(best[0], best[1], np.array(values), np.array(costs, dtype=float), restarts)


def nelder_mead_restarts(fun: Callable, dimension: int, budget: float, bounds, *, start_box=None,
                         seed: int = 0, simplex_size: float = 0.1, xatol: float = 1e-3,
                         fatol: float = 1e-10) -> Run:
    """Nelder-Mead with restarts: ``fun(x) -> value``; each run starts from a random point with
    an initial simplex of edge ``simplex_size`` times the start box, and stops when the simplex
    is smaller than ``xatol`` and the values in it differ by less than ``fatol``."""
    budget = _check_common(budget, dimension)
    lo, hi, s_lo, s_hi = _box(bounds, start_box, dimension)
    rng = np.random.default_rng(seed)
    values, best = [], [None, np.inf]

    def f(x):
        if len(values) + 1 > budget:
            raise _BudgetSpent
        v = _finite(fun(np.clip(x, lo, hi)), np.clip(x, lo, hi), "fun")
        values.append(v)
        if v < best[1]:
            best[:] = [np.clip(np.array(x, dtype=float), lo, hi), v]
        return v

    restarts = 0
    try:
        while len(values) + 1 <= budget:
            restarts += 1
            x0 = rng.uniform(s_lo, s_hi)
            simplex = np.vstack([x0, x0 + np.diag(simplex_size * (s_hi - s_lo))])
            minimize(f, x0, method="Nelder-Mead", bounds=list(zip(lo, hi)),
                     options=dict(initial_simplex=np.clip(simplex, lo, hi), maxfev=int(budget),
                                  xatol=xatol, fatol=fatol, adaptive=True))
    except _BudgetSpent:
        pass
    return Run(best[0], best[1], np.array(values), np.arange(1, len(values) + 1, dtype=float), restarts)


def cma_es(fun_batch: Callable, dimension: int, budget: float, bounds, *, start_box=None, sigma0: float = 0.25,
           seed: int = 0, popsize: int | None = None, tol_sigma: float = 1e-6, increase_popsize: bool = True) -> Run:
    r"""IPOP-CMA-ES: ``fun_batch(X)`` evaluates the rows of ``X`` (shape ``(λ, n)``) at once.

    ``sigma0`` is the initial step size relative to the width of the start box. A run restarts
    (from a new random mean, with twice the population if ``increase_popsize``) when
    :math:`\sigma\sqrt{\lambda_{\max}(C)}` falls below ``tol_sigma`` times the box width, or when
    the run's best value has improved by less than a relative 1e-12 over :math:`10 + \lceil 30n/\lambda\rceil` generations. A
    generation that would exceed the budget is not started."""
    budget = _check_common(budget, dimension)
    sigma0 = real_number(sigma0, "sigma0", positive=True, expected="initial step, relative to the box")
    lo, hi, s_lo, s_hi = _box(bounds, start_box, dimension)
    n = lo.size
    width = hi - lo
    rng = np.random.default_rng(seed)
    lam = whole_number(popsize, "popsize", minimum=2) if popsize is not None else 4 + int(3 * np.log(n))
    if budget < lam:
        raise ValueError(f"budget ({budget:g} evaluations) is smaller than one generation of CMA-ES "
                         f"(population {lam}); give at least {lam} evaluations")
    values, best = [], [None, np.inf]
    restarts = 0
    chi_n = np.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n**2))   # E|N(0, I)|
    while len(values) + lam <= budget:
        restarts += 1
        # --- strategy parameters (Hansen's defaults)
        mu = lam // 2
        w = np.log(mu + 0.5) - np.log(np.arange(1, mu + 1))
        w /= w.sum()
        mu_eff = 1 / np.sum(w**2)
        c_s = (mu_eff + 2) / (n + mu_eff + 5)
        d_s = 1 + 2 * max(0.0, np.sqrt((mu_eff - 1) / (n + 1)) - 1) + c_s
        c_c = (4 + mu_eff / n) / (n + 4 + 2 * mu_eff / n)
        c_1 = 2 / ((n + 1.3) ** 2 + mu_eff)
        c_mu = min(1 - c_1, 2 * (mu_eff - 2 + 1 / mu_eff) / ((n + 2) ** 2 + mu_eff))
        # --- state
        m = rng.uniform(s_lo, s_hi)
        sigma = sigma0 * float(np.max(s_hi - s_lo))
        C, p_s, p_c = np.eye(n), np.zeros(n), np.zeros(n)
        stall, history, gen = 10 + int(np.ceil(30 * n / lam)), [], 0
        while len(values) + lam <= budget:
            gen += 1
            eig, B = np.linalg.eigh(C)
            D = np.sqrt(np.maximum(eig, 1e-300))
            y = (rng.standard_normal((lam, n)) * D) @ B.T           # y_i = B D z_i ~ N(0, C)
            x = m + sigma * y
            xc = np.clip(x, lo, hi)
            f = np.asarray(fun_batch(xc), dtype=float)
            if f.shape != (lam,):
                raise ValueError(f"fun_batch must return one value per row ({lam}), got shape {f.shape}")
            if not np.all(np.isfinite(f)):
                bad = int(np.flatnonzero(~np.isfinite(f))[0])
                _finite(f[bad], xc[bad], "fun_batch")
            f = f + np.sum(((x - xc) / width) ** 2, axis=1)
            values.extend(f.tolist())
            order = np.argsort(f)
            if f[order[0]] < best[1]:
                best[:] = [xc[order[0]].copy(), float(f[order[0]])]
            y_sel = y[order[:mu]]
            y_w = w @ y_sel
            m = m + sigma * y_w
            c_inv_sqrt = (B / D) @ B.T
            p_s = (1 - c_s) * p_s + np.sqrt(c_s * (2 - c_s) * mu_eff) * (c_inv_sqrt @ y_w)
            h_s = float(np.linalg.norm(p_s) / np.sqrt(1 - (1 - c_s) ** (2 * gen)) < (1.4 + 2 / (n + 1)) * chi_n)
            p_c = (1 - c_c) * p_c + h_s * np.sqrt(c_c * (2 - c_c) * mu_eff) * y_w
            C = ((1 - c_1 - c_mu + (1 - h_s) * c_1 * c_c * (2 - c_c)) * C
                 + c_1 * np.outer(p_c, p_c) + c_mu * (y_sel.T * w) @ y_sel)
            C = (C + C.T) / 2
            sigma *= np.exp(c_s / d_s * (np.linalg.norm(p_s) / chi_n - 1))
            history.append(min(float(f[order[0]]), history[-1] if history else np.inf))  # best of this run
            if sigma * np.sqrt(eig.max()) < tol_sigma * float(np.max(width)):
                break
            if len(history) > stall and history[-stall] - history[-1] <= 1e-12 * abs(history[-1]):
                break
        if increase_popsize:
            lam *= 2
    costs = np.arange(1, len(values) + 1, dtype=float)
    return Run(best[0], best[1], np.array(values), costs, restarts)
