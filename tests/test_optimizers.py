"""helpers.optimizers: budgets are respected, and CMA-ES behaves as published on standard problems."""

import numpy as np
import pytest

from helpers import optimizers as opt


def _sphere(x):
    return float(np.sum((np.asarray(x) - 0.3) ** 2))


def _ellipsoid_batch(X, n=10):
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    scale = 10 ** (6 * np.arange(n) / (n - 1))
    return np.sum(scale * (X @ Q.T) ** 2, axis=1)


def test_cma_es_on_a_rotated_ill_conditioned_ellipsoid():
    """Hansen's tutorial: CMA-ES solves the 10-D ellipsoid (condition 1e6) to 1e-10 in several
    thousand evaluations, where a method without covariance learning would need far more."""
    run = opt.cma_es(_ellipsoid_batch, 10, 12000, (-10.0, 10.0), start_box=(1.0, 5.0), sigma0=0.5, seed=1,
                     tol_sigma=1e-14, increase_popsize=False)
    hit = np.argmax(run.best_so_far() < 1e-10)
    assert run.fun < 1e-10 and 3000 < hit < 10000      # converged within the first run


def test_budgets_are_respected_and_recorded():
    for make in (lambda: opt.nelder_mead_restarts(_sphere, 3, 400, (-1.0, 1.0), seed=0),
                 lambda: opt.lbfgs_restarts(lambda x: (_sphere(x), 2 * (np.asarray(x) - 0.3)), 3, 400, (-1.0, 1.0),
                                            gradient_cost=4, seed=0),
                 lambda: opt.cma_es(lambda X: np.array([_sphere(x) for x in X]), 3, 400, (-1.0, 1.0), seed=0)):
        run = make()
        assert run.costs[-1] <= 400 and len(run.costs) == len(run.values)
        assert np.all(np.diff(run.costs) > 0) and np.all(np.diff(run.best_so_far()) <= 0)
        assert run.fun == pytest.approx(run.values.min()) and run.fun < 1e-6
        assert run.best_at(run.costs[-1]) == run.fun and run.best_at(0.5) == float("inf")
    lb = opt.lbfgs_restarts(lambda x: (_sphere(x), 2 * (np.asarray(x) - 0.3)), 3, 100, (-1.0, 1.0),
                            gradient_cost=4, seed=0)
    assert np.allclose(np.diff(lb.costs), 4) and lb.restarts > 1     # converged runs restart


def test_bounds_are_kept():
    # the minimum (0.3) lies outside the box [0.5, 1]: every method must stop at the boundary
    lo, hi = 0.5, 1.0
    for run in (opt.nelder_mead_restarts(_sphere, 2, 300, (lo, hi), seed=1),
                opt.cma_es(lambda X: np.array([_sphere(x) for x in X]), 2, 300, (lo, hi), seed=1),
                opt.lbfgs_restarts(lambda x: (_sphere(x), 2 * (np.asarray(x) - 0.3)), 2, 300, (lo, hi), seed=1)):
        assert np.all(run.x >= lo) and np.all(run.x <= hi)
        assert run.fun == pytest.approx(2 * 0.2**2, rel=1e-4)


def test_bad_arguments():
    with pytest.raises(ValueError, match="budget must be positive"):
        opt.nelder_mead_restarts(_sphere, 2, 0, (0.0, 1.0))
    with pytest.raises(ValueError, match="upper > lower"):
        opt.cma_es(lambda X: X[:, 0], 2, 10, (1.0, 0.0))
    with pytest.raises(ValueError, match="inside bounds"):
        opt.lbfgs_restarts(lambda x: (0.0, 0 * x), 2, 10, (0.0, 1.0), start_box=(-1.0, 1.0))
    with pytest.raises(ValueError, match="gradient_cost must be positive"):
        opt.lbfgs_restarts(lambda x: (0.0, 0 * x), 2, 10, (0.0, 1.0), gradient_cost=0)
    with pytest.raises(TypeError, match="dimension must be a whole number"):
        opt.cma_es(lambda X: X[:, 0], "2", 10, (0.0, 1.0))


def test_non_finite_values_and_too_small_budgets_are_refused():
    with pytest.raises(ValueError, match="value_and_grad returned nan"):
        opt.lbfgs_restarts(lambda x: (np.nan, 0 * x), 2, 10, (0.0, 1.0))
    with pytest.raises(ValueError, match="fun returned inf"):
        opt.nelder_mead_restarts(lambda x: np.inf, 2, 10, (0.0, 1.0))
    with pytest.raises(ValueError, match="fun_batch returned nan"):
        opt.cma_es(lambda X: np.where(X[:, 0] > -1, np.nan, 0.0), 2, 50, (0.0, 1.0))
    with pytest.raises(ValueError, match="one value per row"):
        opt.cma_es(lambda X: X, 2, 50, (0.0, 1.0))
    with pytest.raises(ValueError, match="smaller than one generation"):
        opt.cma_es(lambda X: np.sum(X**2, axis=1), 2, 3, (0.0, 1.0))
