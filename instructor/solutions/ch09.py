"""Chapter 9: reference solutions, wrong answers, reference data."""

import numpy as np
import scipy.linalg
from scipy.optimize import minimize

from helpers import schrodinger1d as s1d
from helpers.exercises.ch09 import N_CHAPTER, V_MAX, inverse_cases

X, H = s1d.grid(N_CHAPTER)


def box_energy(n=100, endpoints=False, kinetic=1.0, potential=True):
    """Ground-state energy of V = x^2 in the box on n points (or, wrongly, with the grid's endpoints,
    a kinetic energy scaled by ``kinetic``, or without the potential)."""
    x = np.linspace(-1.0, 1.0, n) if endpoints else s1d.grid(n)[0]
    h = x[1] - x[0]
    V = x**2 if potential else np.zeros(n)
    return float(scipy.linalg.eigh_tridiagonal(V + kinetic / h**2, np.full(n - 1, -0.5 * kinetic / h**2),
                                               eigvals_only=True, select="i", select_range=(0, 0))[0])


def response(V=None, factor=2.0):
    V = X**2 + 0.5 * X if V is None else V
    E0, psi = s1d.ground_state(V)
    return s1d.potential_adjoint(V, E0, psi, factor * X * psi)


def invert(rho, m=2.0, length=3.0, spacing=None, power=0.5):
    phi = np.asarray(rho, dtype=float) ** power
    h = length / (len(phi) + 1) if spacing is None else spacing(len(phi))
    padded = np.pad(phi, 1)   # psi = 0 on the walls
    return (padded[:-2] + padded[2:] - 2 * phi) / (2 * m * h**2 * phi)


def bounded():
    target = s1d.gaussian_target(X, 0.15)
    res = minimize(s1d.l1_loss_and_grad, np.clip(X**2, 0, V_MAX), args=(target,), jac=True, method="L-BFGS-B",
                   bounds=[(0.0, V_MAX)] * N_CHAPTER, options=dict(maxiter=100, gtol=1e-12, ftol=1e-15))
    return res.x


def _unbounded():
    target = s1d.gaussian_target(X, 0.15)
    res = minimize(s1d.l1_loss_and_grad, X**2, args=(target,), jac=True, method="L-BFGS-B",
                   options=dict(maxiter=200, gtol=1e-12, ftol=1e-15))
    return res.x - res.x.min()   # shifted into V >= 0, but its range exceeds 50


SOLUTIONS = {
    "ch09.box-energy": box_energy(),
    "ch09.response": response(),
    "ch09.inverse-general": invert,
    "ch09.bounded": bounded(),
}

WRONG = {
    "ch09.box-energy": [
        np.sqrt(2) / 2,                                 # the oscillator without walls, omega/2
        box_energy(endpoints=True),                     # endpoints on the grid, h = 2/(N-1)
        box_energy(kinetic=2.0),                        # -d^2/dx^2 without the 1/2
        box_energy(N_CHAPTER),                          # the chapter's N = 500 (printed in the chapter)
        box_energy(potential=False),                    # the empty box
        np.pi**2 / 8 + 1 / 3 - 2 / np.pi**2,            # the first-order estimate
    ],
    "ch09.response": [
        -response(),                                    # sign
        s1d.ground_state(X**2 + 0.5 * X)[1] ** 2,       # dE0/dV (Hellmann-Feynman) instead of d<x>/dV
        response(V=X**2),                               # at the untilted well
        response(factor=1.0),                           # psi_bar = x psi, the factor 2 forgotten
    ],
    "ch09.inverse-general": [
        lambda rho: invert(rho, m=1.0),                                  # the mass forgotten
        lambda rho: invert(rho, m=1.0, length=2.0),                      # the chapter's box and mass
        lambda rho: invert(rho, spacing=lambda n: 3.0 / (n - 1)),        # endpoints on the grid
        lambda rho: invert(rho, power=1.0),                              # rho instead of sqrt(rho)
        lambda rho: -invert(rho),                                        # sign
    ],
    "ch09.bounded": [
        X**2,                                                             # the start, not fitted
        np.clip(s1d.invert_density(s1d.gaussian_target(X, 0.15)), 0, V_MAX),  # the closed form, clipped
        _unbounded(),                                                     # unconstrained: out of range
        bounded() - 10.0,                                                 # a gauge shift below 0
    ],
}

REFERENCES = {
    "ch09.box-energy": lambda: float(box_energy()),
    "ch09.response": response,
    "ch09.inverse-general": lambda: [invert(rho) for rho in inverse_cases()],
}
