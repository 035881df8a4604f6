"""Checks for chapter 11 (modeling: Ising phases as images, a differentiable folding simulator)."""

from __future__ import annotations

import numpy as np

from helpers.check import check_function, check_value
from helpers.exercises import exercise

_DE = np.array([-8.0, -4.0, 0.0, 4.0, 8.0])


def exact_energy_4x4(T: float = 2.0) -> float:
    """Reference: <E>/N of the periodic 4 x 4 Ising lattice by summing all 2^16 states."""
    from helpers.ising import exact_enumeration

    return exact_enumeration(4, T)["energy"]


def acceptance(T: float) -> np.ndarray:
    """Reference: Metropolis acceptance min(1, exp(-dE/T)) for dE = -8, -4, 0, 4, 8."""
    return np.minimum(1.0, np.exp(-_DE / T))


def crossing(T, p) -> float:
    """Reference: first T where p falls through 1/2, by linear interpolation between grid points."""
    T = np.asarray(T, dtype=float)
    p = np.asarray(p, dtype=float)
    idx = np.where((p[:-1] >= 0.5) & (p[1:] < 0.5))[0]
    if idx.size == 0:
        raise ValueError("p never falls through 1/2 on this grid")
    i = int(idx[0])
    return float(T[i] + (0.5 - p[i]) * (T[i + 1] - T[i]) / (p[i + 1] - p[i]))


def rmsd_2d(x, y) -> float:
    """Reference: RMSD after optimal translation and rotation (no reflection) of x onto y."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    xc, yc = x - x.mean(0), y - y.mean(0)
    s_c = np.sum(xc * yc)
    s_s = np.sum(xc[:, 0] * yc[:, 1] - xc[:, 1] * yc[:, 0])
    msd = (np.sum(xc**2) + np.sum(yc**2) - 2 * np.hypot(s_c, s_s)) / len(x)
    return float(np.sqrt(max(msd, 0.0)))


def extrapolate(L, T_star) -> float:
    """Reference: intercept T_c of the least-squares fit T*(L) = T_c + a / L."""
    L = np.asarray(L, dtype=float)
    A = np.stack([np.ones_like(L), 1.0 / L], axis=1)
    return float(np.linalg.lstsq(A, np.asarray(T_star, dtype=float), rcond=None)[0][0])


@exercise("ch11.exact-energy")
def _exact_energy(answer):
    return check_value(answer, exact_energy_4x4(2.0), rtol=1e-8, name="The energy per site of the 4x4 lattice at T = 2",
                       hint="build all 2^16 configurations (bits of the integers 0..65535), compute E of "
                       "each with periodic neighbours (count each bond once), and weight by exp(-E/T)")


@exercise("ch11.acceptance")
def _acceptance(answer):
    return check_function(answer, acceptance, [1.0, 2.269, 5.0], rtol=1e-10, name="Your acceptance function",
                          hint="downhill and neutral moves are always accepted; uphill ones with exp(-dE/T)")


_CROSS_CASES = [
    (np.array([2.0, 2.1, 2.2, 2.3]), np.array([0.9, 0.7, 0.4, 0.1])),
    (np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.5, 0.0])),
    (np.array([2.0, 2.5, 3.0, 3.5, 4.0]), np.array([0.95, 0.8, 0.55, 0.45, 0.6])),
]


@exercise("ch11.crossing")
def _crossing(answer):
    return check_function(answer, crossing, _CROSS_CASES, unpack=True, rtol=1e-10, name="Your crossing function",
                          hint="find the first i with p[i] >= 1/2 > p[i+1], then interpolate linearly in T")


def _rmsd_cases():
    rng = np.random.default_rng(11)
    x = rng.standard_normal((6, 2))
    a = 0.9
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return [(x, x @ R.T + 3.0), (x, rng.standard_normal((6, 2))), (x, x * np.array([1.0, -1.0])),
            (rng.standard_normal((9, 2)), rng.standard_normal((9, 2)))]


@exercise("ch11.kabsch-rmsd")
def _kabsch(answer):
    return check_function(answer, rmsd_2d, _rmsd_cases(), unpack=True, rtol=1e-6, atol=1e-5,
                          name="Your RMSD function",
                          hint="centre both sets; the best rotation angle is atan2(sum x cross y, sum x dot y); "
                          "a reflection is not a rotation")


@exercise("ch11.extrapolate")
def _extrapolate(answer):
    cases = [(np.array([16.0, 24.0, 32.0]), np.array([2.38, 2.35, 2.31])),
             (np.array([8.0, 16.0]), np.array([2.5, 2.4]))]
    return check_function(answer, extrapolate, cases, unpack=True, rtol=1e-9, name="Your extrapolation",
                          hint="least squares for T*(L) = T_c + a x with x = 1/L; T_c is the value at x = 0")
