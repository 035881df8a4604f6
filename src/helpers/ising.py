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

Near :math:`T_c` single-spin updates suffer *critical slowing down*: the relaxation time grows as
:math:`L^z` with :math:`z \approx 2.17`. The **Swendsen-Wang** cluster update (Swendsen & Wang
1987) does not: every bond between equal neighbours is activated with probability
:math:`p = 1 - e^{-2\beta}`, the clusters of activated bonds (Fortuin-Kasteleyn clusters) are
found, and every cluster is given a fresh random sign. One such update is a "sweep" of
:func:`swendsen_wang_sweeps`; it also satisfies detailed balance for :math:`e^{-\beta E}/Z`.
The clusters of all lattices of the batch are found at once, as the connected components of
one sparse graph (``scipy.sparse.csgraph``).

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
    "swendsen_wang_sweeps",
    "sample_configurations",
    "sample_snapshots",
    "block_magnetizations",
    "crossing_temperature",
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


def _batch_temperatures(temperature: Any, batch: tuple[int, ...], who: str) -> np.ndarray:
    T = np.asarray(temperature, dtype=float)
    if np.any(~np.isfinite(T)) or np.any(T <= 0):
        raise ValueError(f"{who}: temperatures must be finite and > 0")
    try:
        return np.broadcast_to(T, batch)
    except ValueError:
        raise ValueError(f"{who}: temperature of shape {T.shape} does not broadcast "
                         f"to the batch shape {batch}") from None


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
    T = _batch_temperatures(temperature, s.shape[:-2], "metropolis_sweeps")
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


def swendsen_wang_sweeps(
    spins: np.ndarray, temperature: Any, n_sweeps: int, rng: np.random.Generator
) -> np.ndarray:
    r"""Run ``n_sweeps`` Swendsen-Wang cluster updates on a batch of lattices; return the spins.

    Each update activates the bond between equal nearest neighbours with probability
    :math:`1 - e^{-2/T}`, finds the clusters joined by active bonds (periodic boundaries), and
    flips each cluster with probability 1/2. ``spins`` has shape ``(..., L, L)`` (copied, not
    modified); ``temperature`` broadcasts to the batch shape ``spins.shape[:-2]``.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    s = _check_lattice(spins, "swendsen_wang_sweeps").astype(np.int8, copy=True)
    if not isinstance(n_sweeps, (int, np.integer)) or isinstance(n_sweeps, bool) or n_sweeps < 0:
        raise ValueError(f"swendsen_wang_sweeps: n_sweeps must be an integer >= 0, got {n_sweeps!r}")
    batch, L = s.shape[:-2], s.shape[-1]
    T = _batch_temperatures(temperature, batch, "swendsen_wang_sweeps").reshape(-1)
    s = s.reshape(-1, L, L)
    n = s.size
    p = (1.0 - np.exp(-2.0 / T)).astype(np.float32)[:, None, None]
    site = np.arange(n).reshape(s.shape)
    right, down = np.roll(site, -1, axis=2).ravel(), np.roll(site, -1, axis=1).ravel()
    site = site.ravel()
    for _ in range(n_sweeps):
        u = rng.random((2,) + s.shape, dtype=np.float32)
        bond_r = ((s == np.roll(s, -1, axis=2)) & (u[0] < p)).ravel()
        bond_d = ((s == np.roll(s, -1, axis=1)) & (u[1] < p)).ravel()
        rows = np.concatenate([site[bond_r], site[bond_d]])
        cols = np.concatenate([right[bond_r], down[bond_d]])
        graph = csr_matrix((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(n, n))
        n_clusters, label = connected_components(graph, directed=False)
        sign = (2 * rng.integers(0, 2, n_clusters, dtype=np.int8) - 1).astype(np.int8)
        s = sign[label].reshape(s.shape)
    return s.reshape(batch + (L, L))


_UPDATES = {"metropolis": metropolis_sweeps, "swendsen-wang": swendsen_wang_sweeps}


def _start(L: int, T: np.ndarray, n_replicas: int, start: str, rng: np.random.Generator, who: str) -> np.ndarray:
    shape = (T.size, n_replicas, L, L)
    if start == "cold":
        sign = rng.choice(np.array([-1, 1], dtype=np.int8), size=(T.size, n_replicas, 1, 1))
        return np.broadcast_to(sign, shape).astype(np.int8)
    if start == "hot":
        return rng.choice(np.array([-1, 1], dtype=np.int8), size=shape)
    raise ValueError(f"{who}: start must be 'cold' or 'hot', got {start!r}")


def _update(algorithm: str, who: str):
    if algorithm not in _UPDATES:
        raise ValueError(f"{who}: algorithm must be 'metropolis' or 'swendsen-wang', got {algorithm!r}")
    return _UPDATES[algorithm]


def sample_configurations(
    L: int,
    temperatures: Any,
    n_replicas: int,
    n_sweeps: int,
    *,
    seed: int = 0,
    start: str = "cold",
    algorithm: str = "metropolis",
) -> np.ndarray:
    """Equilibrate ``n_replicas`` lattices at each temperature; return spins ``(n_T, n_rep, L, L)``.

    ``start="cold"`` begins from the fully ordered state (sign chosen at random per replica, so
    both ordered states appear), ``"hot"`` from independent random spins. ``algorithm`` is
    ``"metropolis"`` (checkerboard sweeps) or ``"swendsen-wang"`` (cluster updates). Every random
    number comes from ``np.random.default_rng(seed)``.
    """
    T = np.atleast_1d(np.asarray(temperatures, dtype=float))
    if T.ndim != 1:
        raise ValueError(f"sample_configurations: temperatures must be 1D, got shape {T.shape}")
    if not isinstance(n_replicas, (int, np.integer)) or n_replicas < 1:
        raise ValueError(f"sample_configurations: n_replicas must be an integer >= 1, got {n_replicas!r}")
    checkerboard_masks(L)  # validates L
    update = _update(algorithm, "sample_configurations")
    rng = np.random.default_rng(seed)
    s = _start(L, T, n_replicas, start, rng, "sample_configurations")
    return update(s, T[:, None], n_sweeps, rng)


def sample_snapshots(
    L: int,
    temperatures: Any,
    n_chains: int,
    n_burn: int,
    n_snapshots: int,
    spacing: int,
    *,
    seed: int = 0,
    start: str = "cold",
    algorithm: str = "swendsen-wang",
) -> np.ndarray:
    """Run ``n_chains`` chains per temperature: ``n_burn`` updates to equilibrate, then keep
    ``n_snapshots`` configurations ``spacing`` updates apart. Returns spins of shape
    ``(n_T, n_chains, n_snapshots, L, L)``; snapshots of one chain are correlated, chains are
    independent (resample chains, not snapshots, for error bars)."""
    for name, v, lo in (("n_snapshots", n_snapshots, 1), ("spacing", spacing, 1), ("n_burn", n_burn, 0)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < lo:
            raise ValueError(f"sample_snapshots: {name} must be an integer >= {lo}, got {v!r}")
    T = np.atleast_1d(np.asarray(temperatures, dtype=float))
    update = _update(algorithm, "sample_snapshots")
    s = sample_configurations(L, T, n_chains, n_burn, seed=seed, start=start, algorithm=algorithm)
    rng = np.random.default_rng([seed, 1])
    shots = []
    for k in range(n_snapshots):
        if k:
            s = update(s, T[:, None], spacing, rng)
        shots.append(s)
    return np.stack(shots, axis=2)


def block_magnetizations(spins: np.ndarray, blocks: int = 4) -> np.ndarray:
    """Block magnetisations of ``(..., L, L)`` spins on a ``blocks x blocks`` grid (Kadanoff
    block spins): the mean spin of each block, shape ``(..., blocks**2)``, row by row."""
    s = _check_lattice(spins, "block_magnetizations")
    L = s.shape[-1]
    if not isinstance(blocks, (int, np.integer)) or blocks < 1 or L % blocks:
        raise ValueError(f"block_magnetizations: blocks must divide L = {L}, got {blocks!r}")
    b = L // blocks
    s = s.reshape(s.shape[:-2] + (blocks, b, blocks, b)).astype(float)
    return s.mean(axis=(-1, -3)).reshape(s.shape[:-4] + (blocks * blocks,))


def crossing_temperature(T: Any, p: Any, level: float = 0.5) -> float:
    """The first temperature where ``p`` (values on the increasing grid ``T``) falls through
    ``level``: the first ``i`` with ``p[i] >= level > p[i+1]``, refined by linear interpolation.
    Returns ``nan`` if ``p`` never falls through ``level`` on the grid."""
    T, p = np.asarray(T, dtype=float), np.asarray(p, dtype=float)
    if T.shape != p.shape or T.ndim != 1 or T.size < 2:
        raise ValueError(f"crossing_temperature: T and p must be 1D of equal length >= 2, got {T.shape}, {p.shape}")
    idx = np.flatnonzero((p[:-1] >= level) & (p[1:] < level))
    if idx.size == 0:
        return float("nan")
    i = int(idx[0])
    return float(T[i] + (p[i] - level) / (p[i] - p[i + 1]) * (T[i + 1] - T[i]))


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
