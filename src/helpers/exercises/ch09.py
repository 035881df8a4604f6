"""Checks for chapter 9, the inverse Schrödinger problem (book/part4/ch09_inverse_schrodinger.ipynb).

The model: a particle on [-1, 1] between hard walls, N interior grid points x_i = -1 + i h,
h = 2/(N+1), H = T + diag(V) with T_ii = 1/h^2 and T_{i,i±1} = -1/(2h^2) (hbar = m = 1).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from scipy.optimize import minimize

from helpers.check import _emit, check_value, is_unanswered
from helpers.exercises import exercise

N_CHAPTER = 500


def grid(n: int = N_CHAPTER) -> tuple[np.ndarray, float]:
    """Interior grid points of [-1, 1] and their spacing."""
    x = np.linspace(-1.0, 1.0, n + 2)[1:-1]
    return x, 2.0 / (n + 1)


def ground_state(V: np.ndarray) -> tuple[float, np.ndarray]:
    """Lowest eigenpair of H = T + diag(V) on the grid with len(V) points (sign: sum(psi) >= 0)."""
    V = np.asarray(V, dtype=float)
    _, h = grid(V.size)
    E, U = scipy.linalg.eigh_tridiagonal(V + 1.0 / h**2, np.full(V.size - 1, -0.5 / h**2),
                                         select="i", select_range=(0, 0))
    return float(E[0]), U[:, 0] * np.sign(U[:, 0].sum())


def _potential(answer, name):
    """The learner's potential as a float array of shape (500,), or a Verdict saying what is wrong."""
    try:
        V = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return _emit("wrong", f"{name} should be an array of {N_CHAPTER} numbers (the potential at the grid "
                     f"points), but it is a {type(answer).__name__}.", False)
    if V.shape != (N_CHAPTER,):
        return _emit("wrong", f"{name} has shape {V.shape}, but the potential on the chapter's grid has shape "
                     f"({N_CHAPTER},).", False)
    if not np.all(np.isfinite(V)):
        return _emit("wrong", f"{name} contains NaN or infinity: look for a division by zero.", False)
    return V


# --------------------------------------------------------------------------- 1. box energy
def box_energy(n: int = 100) -> float:
    """Exact lowest eigenvalue of the discrete Laplacian part, [1 - cos(pi/(n+1))]/h^2."""
    _, h = grid(n)
    return (1.0 - np.cos(np.pi / (n + 1))) / h**2


@exercise("ch09.box-energy")
def _box_energy(answer):
    return check_value(answer, box_energy(100), rtol=1e-9, name="The ground-state energy of the empty box",
                       hint="use N = 100 interior points, h = 2/(N+1), diagonal 1/h^2 and off-diagonal "
                       "-1/(2h^2); the answer is close to pi^2/8 but not equal to it")


# --------------------------------------------------------------------------- 2. Hellmann-Feynman
def hellmann_feynman() -> np.ndarray:
    """dE0/dV_i at V = x^2 on the chapter's grid: the ground-state density psi0_i^2."""
    x, _ = grid()
    _, psi = ground_state(x**2)
    return psi**2


@exercise("ch09.hellmann-feynman")
def _hellmann_feynman(answer):
    return check_value(answer, hellmann_feynman(), rtol=1e-7, atol=1e-12, name="dE0/dV",
                       hint="differentiate the eigenvalue E0 (not the loss) with respect to V at V = x^2 "
                       "on the 500-point grid; the result should look like a density")


# --------------------------------------------------------------------------- 3. exact inverse
def exact_inverse_target() -> np.ndarray:
    """rho* proportional to cos^2(pi x/2) exp(-4 (x - 0.2)^2) on the chapter's grid, summing to 1."""
    x, _ = grid()
    rho = np.cos(np.pi * x / 2) ** 2 * np.exp(-4 * (x - 0.2) ** 2)
    return rho / rho.sum()


def exact_inverse() -> np.ndarray:
    """V_i = E - [phi_i - (phi_{i-1} + phi_{i+1})/2] / (h^2 phi_i) with E = 0, phi = sqrt(rho*)."""
    _, h = grid()
    phi = np.sqrt(exact_inverse_target())
    padded = np.concatenate([[0.0], phi, [0.0]])
    return -(phi - 0.5 * (padded[:-2] + padded[2:])) / (h**2 * phi)


@exercise("ch09.exact-inverse")
def _exact_inverse(answer):
    name = "Your potential"
    V = _potential(answer, name)
    if not isinstance(V, np.ndarray):
        return V
    _, psi = ground_state(V)
    return check_value(psi**2, exact_inverse_target(), rtol=1e-7, atol=1e-12,
                       name="The ground-state density of your potential",
                       hint="solve row i of H phi = E phi for V_i with phi = sqrt(rho*), phi_0 = phi_{N+1} = 0 "
                       "and E = 0; check that the target is normalised before taking the square root")


# --------------------------------------------------------------------------- 4. Gaussian target
GAUSS_TOLERANCE = 0.01


def gaussian_target() -> np.ndarray:
    x, _ = grid()
    rho = np.exp(-(x**2) / (2 * 0.15**2))
    return rho / rho.sum()


def _l1_and_grad(V, target):
    E0, psi = ground_state(V)
    _, h = grid(V.size)
    residual = psi**2 - target
    psi_bar = 2 * psi * np.sign(residual)
    banded = np.zeros((3, V.size))
    banded[0, 1:] = banded[2, :-1] = -0.5 / h**2
    banded[1] = V + 1 / h**2 - E0
    g = scipy.linalg.solve_banded((1, 1), banded, -(psi_bar - psi * (psi @ psi_bar)))
    g -= psi * (psi @ g)
    return float(np.sum(np.abs(residual))), g * psi


def gaussian_inverse(max_iter: int = 200) -> np.ndarray:
    """Reference solution: L-BFGS from V = x^2 on the L1 loss against the Gaussian target."""
    x, _ = grid()
    res = minimize(_l1_and_grad, x**2, args=(gaussian_target(),), jac=True, method="L-BFGS-B",
                   options=dict(maxiter=max_iter, gtol=1e-12, ftol=1e-15))
    return res.x


@exercise("ch09.gaussian")
def _gaussian(answer):
    name = "Your potential"
    V = _potential(answer, name)
    if not isinstance(V, np.ndarray):
        return V
    _, psi = ground_state(V)
    distance = float(np.sum(np.abs(psi**2 - gaussian_target())))
    if distance < GAUSS_TOLERANCE:
        return _emit("correct", f"{name} is correct: its density is within L1 distance {distance:.2e} of the "
                     f"Gaussian target (required: below {GAUSS_TOLERANCE}).", False)
    x, _ = grid()
    start = float(np.sum(np.abs(ground_state(x**2)[1] ** 2 - gaussian_target())))
    hint = ("run more L-BFGS iterations" if distance < start else
            "your potential fits worse than the starting V = x^2: check the sign of the gradient and the target "
            "(width 0.15, normalised to sum 1)")
    return _emit("wrong", f"{name} gives a density at L1 distance {distance:.3g} from the Gaussian target; "
                 f"it must be below {GAUSS_TOLERANCE}. Hint: {hint}.", False)
