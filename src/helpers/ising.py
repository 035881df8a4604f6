r"""The 2D Ising model: vectorised Monte Carlo, exact enumeration and Onsager's exact results.

The model on an :math:`L\times L` square lattice with periodic boundaries and :math:`J = k_B = 1`,

.. math::  E(s) = -\sum_{\langle ij\rangle} s_i s_j, \qquad s_i = \pm 1,

is sampled at inverse temperature :math:`\beta = 1/T` with the **checkerboard Metropolis**
update. The lattice splits into two sublattices (:math:`i + j` even or odd) whose sites have
neighbours only on the other sublattice, so all sites of one colour can be updated at once:
each proposes the flip :math:`s_i \to -s_i`, costing

.. math::  \Delta E_i = 2 s_i h_i, \qquad h_i = \sum_{j \in \partial i} s_j \in \{0, \pm 2, \pm 4\},

and accepts it with probability :math:`\min(1, e^{-\beta \Delta E_i})`. A *sweep* updates both
colours. The update satisfies detailed balance, so it samples :math:`e^{-\beta E}/Z`; many
temperatures and replicas are simulated at once as a batch of lattices.

Exact results used to test the sampler:

* :func:`exact_enumeration` sums over all :math:`2^{L^2}` states of a tiny lattice (``L <= 4``).
* :func:`onsager_energy` is the infinite-lattice energy per site (Onsager 1944),

  .. math::  u(T) = -\coth 2K\,\Big[1 + \tfrac{2}{\pi}\,(2\tanh^2 2K - 1)\,\mathbf K(k)\Big],
             \qquad k = \frac{2\sinh 2K}{\cosh^2 2K},\quad K = 1/T,

  with :math:`\mathbf K` the complete elliptic integral of the first kind.
* :func:`onsager_magnetization` is the spontaneous magnetisation (Yang 1952),
  :math:`m(T) = [1 - \sinh^{-4}(2/T)]^{1/8}` below :math:`T_c = 2/\ln(1+\sqrt2)` and 0 above.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "T_C",
    "checkerboard_masks",
    "metropolis_sweeps",
    "sample_configurations",
    "energy_per_site",
    "magnetization_per_site",
    "exact_enumeration",
    "onsager_energy",
    "onsager_magnetization",
]

#: Onsager's critical temperature of the square-lattice Ising model, :math:`2/\ln(1+\sqrt 2)`.
T_C: float = 2.0 / math.log(1.0 + math.sqrt(2.0))


def _check_lattice(spins: np.ndarray, who: str) -> np.ndarray:
    s = np.asarray(spins)
    if s.ndim < 2 or s.shape[-1] != s.shape[-2]:
        raise ValueError(f"{who}: spins must have shape (..., L, L), got {s.shape}")
    if s.size and not np.all(np.abs(s) == 1):
        raise ValueError(f"{who}: spins must all be +1 or -1")
    return s


def checkerboard_masks(L: int) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks of the two sublattices (``(i + j)`` even, odd) of an ``L x L`` lattice.

    ``L`` must be even, otherwise periodic boundaries join sites of the same colour.
    """
    if not isinstance(L, (int, np.integer)) or L < 2 or L % 2:
        raise ValueError(f"checkerboard_masks: L must be an even integer >= 2, got {L!r}")
    even = (np.add.outer(np.arange(L), np.arange(L)) % 2) == 0
    return even, ~even


def _neighbour_sum(s: np.ndarray) -> np.ndarray:
    return (np.roll(s, 1, -1) + np.roll(s, -1, -1) + np.roll(s, 1, -2) + np.roll(s, -1, -2))


def metropolis_sweeps(
    spins: np.ndarray, temperature: Any, n_sweeps: int, rng: np.random.Generator
) -> np.ndarray:
    r"""Run ``n_sweeps`` checkerboard Metropolis sweeps on a batch of lattices; return the spins.

    ``spins`` has shape ``(..., L, L)`` with entries :math:`\pm1` (copied, not modified);
    ``temperature`` is a number or an array broadcastable to the batch shape ``spins.shape[:-2]``.
    The test :math:`u < e^{-\beta\Delta E}` with :math:`u` uniform is written
    :math:`\Delta E < -\ln(u)/\beta` (downhill flips always pass since :math:`-\ln u > 0`).
    One array of uniform numbers serves both half-sweeps, since the two colours use disjoint
    sites.
    """
    s = _check_lattice(spins, "metropolis_sweeps").astype(np.int8, copy=True)
    if not isinstance(n_sweeps, (int, np.integer)) or n_sweeps < 0:
        raise ValueError(f"metropolis_sweeps: n_sweeps must be an integer >= 0, got {n_sweeps!r}")
    T = np.asarray(temperature, dtype=float)
    if np.any(~np.isfinite(T)) or np.any(T <= 0):
        raise ValueError("metropolis_sweeps: temperatures must be finite and > 0")
    try:
        T = np.broadcast_to(T, s.shape[:-2])
    except ValueError:
        raise ValueError(f"metropolis_sweeps: temperature of shape {T.shape} does not broadcast "
                         f"to the batch shape {s.shape[:-2]}") from None
    beta = (1.0 / T[..., None, None]).astype(np.float32)
    masks = checkerboard_masks(s.shape[-1])
    for _ in range(n_sweeps):
        # Accept a flip iff u < exp(-beta dE), i.e. dE < -ln(u) / beta: one threshold per site.
        threshold = -np.log1p(-rng.random(s.shape, dtype=np.float32)) / beta  # 1 - u in (0, 1]
        for mask in masks:
            dE = 2 * s * _neighbour_sum(s)  # int8, in {-8, -4, 0, 4, 8}
            flip = (dE < threshold) & mask
            s *= 1 - 2 * flip.astype(np.int8)
    return s


def sample_configurations(
    L: int,
    temperatures: Any,
    n_replicas: int,
    n_sweeps: int,
    *,
    seed: int = 0,
    start: str = "cold",
) -> np.ndarray:
    """Equilibrate ``n_replicas`` lattices at each temperature; return spins ``(n_T, n_rep, L, L)``.

    ``start="cold"`` begins from the fully ordered state (sign chosen at random per replica, so
    both ordered states appear), ``"hot"`` from independent random spins. Every random number
    comes from ``np.random.default_rng(seed)``.
    """
    T = np.atleast_1d(np.asarray(temperatures, dtype=float))
    if T.ndim != 1:
        raise ValueError(f"sample_configurations: temperatures must be 1D, got shape {T.shape}")
    if not isinstance(n_replicas, (int, np.integer)) or n_replicas < 1:
        raise ValueError(f"sample_configurations: n_replicas must be an integer >= 1, got {n_replicas!r}")
    checkerboard_masks(L)  # validates L
    rng = np.random.default_rng(seed)
    shape = (T.size, n_replicas, L, L)
    if start == "cold":
        sign = rng.choice(np.array([-1, 1], dtype=np.int8), size=(T.size, n_replicas, 1, 1))
        s = np.broadcast_to(sign, shape).astype(np.int8)
    elif start == "hot":
        s = rng.choice(np.array([-1, 1], dtype=np.int8), size=shape)
    else:
        raise ValueError(f"sample_configurations: start must be 'cold' or 'hot', got {start!r}")
    return metropolis_sweeps(s, T[:, None], n_sweeps, rng)


def energy_per_site(spins: np.ndarray) -> np.ndarray:
    r"""Energy per site :math:`E/L^2 = -\frac{1}{L^2}\sum_i s_i (s_{i+\hat x} + s_{i+\hat y})`."""
    s = _check_lattice(spins, "energy_per_site").astype(float)
    L = s.shape[-1]
    e = -(s * (np.roll(s, 1, -1) + np.roll(s, 1, -2))).sum(axis=(-1, -2))
    return e / L**2


def magnetization_per_site(spins: np.ndarray) -> np.ndarray:
    r"""Magnetisation per site :math:`m = \frac{1}{L^2}\sum_i s_i` (signed)."""
    s = _check_lattice(spins, "magnetization_per_site").astype(float)
    return s.mean(axis=(-1, -2))


def exact_enumeration(L: int, temperature: float) -> dict[str, float]:
    r"""Exact thermal averages of a periodic ``L x L`` lattice by summing all :math:`2^{L^2}` states.

    Returns ``{"energy": <E>/N, "abs_magnetization": <|m|>, "m2": <m^2>}`` with :math:`N = L^2`.
    Only ``L in (2, 4)`` are allowed (``L = 4`` has 65 536 states; ``L = 6`` would have 6.9e10).
    """
    if L not in (2, 4):
        raise ValueError(f"exact_enumeration: L must be 2 or 4 (2^(L^2) states), got {L!r}")
    T = float(temperature)
    if not math.isfinite(T) or T <= 0:
        raise ValueError(f"exact_enumeration: temperature must be finite and > 0, got {temperature!r}")
    n = L * L
    codes = np.arange(2**n, dtype=np.int64)
    bits = (codes[:, None] >> np.arange(n)) & 1
    s = (2 * bits - 1).reshape(-1, L, L).astype(np.int8)
    e = energy_per_site(s)
    m = magnetization_per_site(s)
    x = -n * e / T
    w = np.exp(x - x.max())
    Z = w.sum()
    return {
        "energy": float((w * e).sum() / Z),
        "abs_magnetization": float((w * np.abs(m)).sum() / Z),
        "m2": float((w * m**2).sum() / Z),
    }


def onsager_energy(temperature: Any) -> np.ndarray:
    r"""Onsager's exact energy per site of the infinite square lattice at temperature ``T``."""
    from scipy.special import ellipk

    T = np.asarray(temperature, dtype=float)
    if np.any(~np.isfinite(T)) or np.any(T <= 0):
        raise ValueError("onsager_energy: temperatures must be finite and > 0")
    K = 1.0 / T
    k = 2.0 * np.sinh(2 * K) / np.cosh(2 * K) ** 2
    kk = np.minimum(k * k, 1.0 - 1e-16)  # the log singularity of ellipk sits exactly at T_c
    return -(1.0 / np.tanh(2 * K)) * (1.0 + (2.0 / np.pi) * (2.0 * np.tanh(2 * K) ** 2 - 1.0) * ellipk(kk))


def onsager_magnetization(temperature: Any) -> np.ndarray:
    r"""Spontaneous magnetisation :math:`[1 - \sinh^{-4}(2/T)]^{1/8}` for ``T < T_c``, else 0."""
    T = np.asarray(temperature, dtype=float)
    if np.any(~np.isfinite(T)) or np.any(T <= 0):
        raise ValueError("onsager_magnetization: temperatures must be finite and > 0")
    x = 1.0 - np.sinh(2.0 / T) ** -4.0
    return np.where(T < T_C, np.clip(x, 0.0, None) ** 0.125, 0.0)
