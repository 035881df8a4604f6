r"""The inverse Schrödinger problem on a grid, for chapter 9: the forward model, its adjoint, and the
closed-form inversion.

A particle of mass :math:`m = 1` (:math:`\hbar = 1`) on :math:`[-1, 1]` between hard walls,
:math:`\psi(\pm1) = 0`, is discretised on :math:`N` *interior* points :math:`x_i = -1 + ih`,
:math:`i = 1..N`, :math:`h = 2/(N+1)`. The three-point Laplacian gives the symmetric
tridiagonal Hamiltonian

.. math::  H_{ii} = \frac{1}{h^2} + V_i, \qquad H_{i,i\pm1} = -\frac{1}{2h^2},

whose lowest eigenpair :math:`H\psi_0 = E_0\psi_0` (normalised, sign fixed by
:math:`\sum_i\psi_{0,i} \ge 0`) gives the density :math:`\rho_i = \psi_{0,i}^2`.

**Adjoint.** For a loss :math:`\mathcal L(\psi_0)` with :math:`\bar\psi_0 = \partial\mathcal
L/\partial\psi_0`, the gradient with respect to the potential is :math:`\bar V_i = g_i\psi_{0,i}`
with :math:`(H - E_0)g = -(1 - \psi_0\psi_0^\top)\bar\psi_0`, :math:`\psi_0^\top g = 0`: a
tridiagonal solve, :math:`O(N)` (:func:`potential_adjoint`).

**Closed-form inversion.** If a prescribed :math:`\phi_i = \sqrt{\rho_i}` is positive, row
:math:`i` of :math:`H\phi = E\phi` can be solved for :math:`V_i`,

.. math::  V_i = E + \frac{\phi_{i-1} - 2\phi_i + \phi_{i+1}}{2h^2\,\phi_i},
           \qquad \phi_0 = \phi_{N+1} = 0,

the grid form of :math:`V = E + (\sqrt\rho)''/(2\sqrt\rho)`. Since the off-diagonal of
:math:`H` is negative, a positive eigenvector is the ground state (Perron-Frobenius), so
:math:`\phi` is the ground state of this :math:`V` with energy :math:`E`
(:func:`invert_density`). Where :math:`\rho_i = 0` the formula has no answer; the limit is an
infinite potential there (``wall=``).

Everything here is numpy/scipy (no JAX): one ground state of :math:`N = 500` costs well under
a millisecond, which the chapter's optimisations and exploration rely on.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.linalg

__all__ = ["grid", "ground_state", "lowest_energies", "potential_adjoint", "l1_loss_and_grad",
           "invert_density", "triangle_target", "gaussian_target", "smoothness_penalty"]


def grid(n: int = 500) -> tuple[np.ndarray, float]:
    """The ``n`` interior points of [-1, 1] and their spacing ``h = 2/(n+1)``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 3:
        raise ValueError(f"grid: n must be an integer >= 3 (the number of interior points), got {n!r}")
    return np.linspace(-1.0, 1.0, n + 2)[1:-1], 2.0 / (n + 1)


def _potential(V: Any, who: str) -> np.ndarray:
    try:
        arr = np.asarray(V, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{who}: V must be an array of floats (the potential at the grid points), "
                        f"got {type(V).__name__}") from None
    if arr.ndim != 1 or arr.size < 3:
        raise ValueError(f"{who}: V must be a 1D array of at least 3 grid values, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{who}: V contains NaN or infinity; use a large finite value for a wall")
    return arr


def _spectrum(V: np.ndarray, k: int, vectors: bool):
    _, h = grid(V.size)
    off = np.full(V.size - 1, -0.5 / h**2)
    return scipy.linalg.eigh_tridiagonal(V + 1.0 / h**2, off, eigvals_only=not vectors,
                                         select="i", select_range=(0, k - 1))


def ground_state(V: Any) -> tuple[float, np.ndarray]:
    """Lowest eigenpair ``(E0, psi0)`` of the grid Hamiltonian with potential ``V`` (length ``N``),
    by LAPACK's tridiagonal solver; ``psi0`` is normalised with ``sum(psi0) >= 0``."""
    V = _potential(V, "ground_state")
    E, U = _spectrum(V, 1, True)
    psi = U[:, 0]
    return float(E[0]), psi * (1.0 if psi.sum() >= 0 else -1.0)


def lowest_energies(V: Any, k: int = 2) -> np.ndarray:
    """The ``k`` lowest eigenvalues of the grid Hamiltonian (e.g. the gap ``E1 - E0``)."""
    V = _potential(V, "lowest_energies")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= V.size:
        raise ValueError(f"lowest_energies: k must be an integer between 1 and {V.size}, got {k!r}")
    return np.asarray(_spectrum(V, int(k), False))


def potential_adjoint(V: np.ndarray, E0: float, psi0: np.ndarray, psi_bar: np.ndarray) -> np.ndarray:
    """dL/dV from the adjoint ``psi_bar`` of the ground state, in O(N).

    Solves (H - E0) g = -(1 - psi0 psi0^T) psi_bar: H - E0 is singular (its null vector is psi0)
    but the right-hand side is orthogonal to psi0, so the banded solver returns g plus some
    multiple of psi0, which is projected out. Then dL/dV_i = g_i psi0_i.
    """
    n = len(V)
    _, h = grid(n)
    off = np.full(n - 1, -0.5 / h**2)
    rhs = -(psi_bar - psi0 * (psi0 @ psi_bar))
    banded = np.zeros((3, n))  # H - E0 in LAPACK's banded storage
    banded[0, 1:], banded[1], banded[2, :-1] = off, np.asarray(V) + 1.0 / h**2 - E0, off
    g = scipy.linalg.solve_banded((1, 1), banded, rhs)
    g -= psi0 * (psi0 @ g)  # impose psi0 . g = 0
    return g * psi0


def l1_loss_and_grad(V: Any, target: Any) -> tuple[float, np.ndarray]:
    """The L1 loss sum_i |rho_i(V) - target_i| and its gradient with respect to V."""
    V = _potential(V, "l1_loss_and_grad")
    target = np.asarray(target, dtype=float)
    if target.shape != V.shape:
        raise ValueError(f"l1_loss_and_grad: target has shape {target.shape}, V has shape {V.shape}")
    E0, psi0 = ground_state(V)
    residual = psi0**2 - target
    psi_bar = 2.0 * psi0 * np.sign(residual)  # adjoint of psi0; the loss does not use E0
    return float(np.sum(np.abs(residual))), potential_adjoint(V, E0, psi0, psi_bar)


def invert_density(rho: Any, energy: float = 0.0, wall: float | None = None) -> np.ndarray:
    """The potential whose ground state on the grid has the density ``rho`` (closed form).

    ``V_i = E + (phi_{i-1} - 2 phi_i + phi_{i+1}) / (2 h^2 phi_i)`` with ``phi = sqrt(rho)``,
    ``phi_0 = phi_{N+1} = 0`` and ``E = energy`` (the gauge: any constant may be added to V).
    The normalisation of ``rho`` does not matter. Where ``rho_i = 0`` there is no solution: give
    ``wall`` (a large number) to put a finite wall there, whose height must then be large
    (the ground state is ``phi`` only in the limit of an infinite wall).
    """
    rho = np.asarray(rho, dtype=float)
    if rho.ndim != 1 or rho.size < 3:
        raise ValueError(f"invert_density: rho must be a 1D array of grid values, got shape {rho.shape}")
    if not np.all(np.isfinite(rho)) or np.any(rho < 0) or not np.any(rho > 0):
        raise ValueError("invert_density: rho must be finite, >= 0 and not all zero")
    zero = rho == 0
    if zero.any() and wall is None:
        raise ValueError(f"invert_density: rho vanishes at {int(zero.sum())} grid points, where no finite "
                         "potential gives it; pass wall=<a large value> to put a wall there")
    if not math.isfinite(float(energy)):
        raise ValueError(f"invert_density: energy must be finite, got {energy!r}")
    _, h = grid(rho.size)
    phi = np.sqrt(rho)
    padded = np.concatenate([[0.0], phi, [0.0]])
    V = np.full(rho.size, float(wall) if wall is not None else 0.0)
    inside = ~zero
    V[inside] = energy + (padded[:-2] + padded[2:] - 2 * phi)[inside] / (2 * h**2 * phi[inside])
    return V


def triangle_target(x: np.ndarray) -> np.ndarray:
    """The target density of the chapter (and of the SSSS demonstration): t(x) = 1 - |x| for
    |x| < 1/2, 0 elsewhere, normalised as a wavefunction on the grid and squared."""
    t = np.where(np.abs(x) < 0.5, 1.0 - np.abs(x), 0.0)
    return t**2 / np.sum(t**2)


def gaussian_target(x: np.ndarray, width: float, centre: float = 0.0) -> np.ndarray:
    """rho_i proportional to exp(-(x_i - centre)^2 / (2 width^2)), summing to 1."""
    if not width > 0:
        raise ValueError(f"gaussian_target: width must be > 0, got {width!r}")
    rho = np.exp(-((x - centre) ** 2) / (2 * width**2))
    return rho / rho.sum()


def smoothness_penalty(V: np.ndarray, lam: float) -> tuple[float, np.ndarray]:
    """lam * sum_i (V_{i+1} - V_i)^2 and its gradient (invariant under a constant shift of V)."""
    dV = np.diff(V)
    grad = 2 * lam * (np.concatenate([[0.0], dV]) - np.concatenate([dV, [0.0]]))
    return float(lam * np.sum(dV**2)), grad
