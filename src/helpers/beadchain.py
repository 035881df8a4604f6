r"""A differentiable 2D bead-chain "folding" simulator: a toy of Ingraham et al. (2019).

A chain of :math:`N` beads :math:`x_i \in \mathbb R^2` with types :math:`t_i \in \{0, 1\}` (think
hydrophobic / polar) has the energy

.. math::

   E(x;\theta) = \frac{k_b}{2}\sum_{i} (|b_i| - 1)^2
     + \sum_{i=1}^{N-2} \kappa_{t_i}\,[1 - \cos(\varphi_i - \varphi^0_{t_i})]
     + \sum_{j - i \ge 2} \frac{a}{2}\,\mathrm{relu}(\sigma - r_{ij})^2
     - \sum_{j - i \ge 3} \varepsilon_{t_i t_j}\, e^{-(r_{ij} - r_0)^2 / (2 w^2)},

with bonds :math:`b_i = x_{i+1} - x_i`, the signed turning angle :math:`\varphi_i` between
:math:`b_{i-1}` and :math:`b_i` (:math:`\cos\varphi_i = b_{i-1}\cdot b_i / |b_{i-1}||b_i|`,
:math:`\sin\varphi_i = b_{i-1}\times b_i / |b_{i-1}||b_i|`), and :math:`r_{ij} = |x_i - x_j|`.
The bond stiffness :math:`k_b`, the soft core :math:`(a, \sigma)` and the contact shape
:math:`(r_0, w)` are fixed; the **learnable parameters** are the flat vector

.. math::  \theta = (\varphi^0_0, \varphi^0_1, \ln\kappa_0, \ln\kappa_1,
                     \varepsilon_{00}, \varepsilon_{01}, \varepsilon_{11}).

"Folding" is underdamped Langevin dynamics (unit masses, friction :math:`\gamma`, temperature
:math:`T`, step :math:`\Delta t`), integrated by a semi-implicit Euler scheme

.. math::  v \leftarrow (1 - \gamma\Delta t)\,v - \Delta t\,\nabla_x E + \sqrt{2\gamma T\Delta t}\;\xi,
           \qquad x \leftarrow x + \Delta t\, v,

for a fixed number of steps from a straight (extended) chain, with the noise :math:`\xi` drawn
from a fixed JAX key. The final positions are the predicted structure; because every step is a
differentiable JAX operation, :math:`\partial x_{\rm final}/\partial\theta` is available by
reverse mode through the unrolled loop (``jax.lax.scan``).

Structures are compared by the RMSD after optimal superposition (:func:`kabsch_rmsd_2d`); in
2D the optimal rotation has a closed form, the angle
:math:`\alpha^* = \operatorname{atan2}(\sum_i x_i \times y_i,\ \sum_i x_i\cdot y_i)` of the
centred point sets.
"""

from __future__ import annotations

from typing import Any, Sequence

import jax
import jax.numpy as jnp
import numpy as np


__all__ = [
    "PARAM_NAMES",
    "DEFAULTS",
    "parse_sequence",
    "extended_chain",
    "energy",
    "simulate",
    "simulate_batch",
    "kabsch_rmsd_2d",
    "structure_loss",
    "residual_bytes",
    "turning_angles",
    "mean_turning_angles",
    "contact_map",
    "superpose",
]

#: Names of the entries of the learnable parameter vector :math:`\theta`.
PARAM_NAMES: tuple[str, ...] = ("phi0_A", "phi0_B", "log_kappa_A", "log_kappa_B",
                                "eps_AA", "eps_AB", "eps_BB")

#: Fixed constants of the model and of the integrator.
DEFAULTS: dict[str, float] = {
    "k_bond": 30.0,     # bond stiffness k_b
    "core": 30.0,       # soft-core strength a
    "sigma": 1.0,       # soft-core diameter
    "r0": 1.2,          # contact distance
    "width": 0.5,       # contact width w
    "core_from": 2,     # the soft core acts between beads at least this many bonds apart
    "dt": 0.1,          # time step (stable: sqrt(2 k_bond) dt < 1)
    "gamma": 2.0,       # friction
    "temperature": 0.003,
}


def parse_sequence(seq: str | Sequence[int]) -> np.ndarray:
    """Bead types as an int array: a string of ``A``/``B`` letters or a sequence of 0/1."""
    if isinstance(seq, str):
        bad = set(seq) - {"A", "B"}
        if bad:
            raise ValueError(f"parse_sequence: letters must be 'A' or 'B', got {sorted(bad)} in {seq!r}")
        types = np.array([0 if c == "A" else 1 for c in seq], dtype=np.int32)
    else:
        types = np.asarray(seq)
        if types.ndim != 1 or not np.all(np.isin(types, (0, 1))):
            raise ValueError("parse_sequence: a numeric sequence must be 1D with entries 0 or 1")
        types = types.astype(np.int32)
    if types.size < 4:
        raise ValueError(f"parse_sequence: a chain needs at least 4 beads, got {types.size}")
    return types


def extended_chain(n_beads: int) -> jnp.ndarray:
    """The straight starting chain: beads at ``(i - (n-1)/2, 0)``, unit bond lengths."""
    if not isinstance(n_beads, (int, np.integer)) or n_beads < 4:
        raise ValueError(f"extended_chain: n_beads must be an integer >= 4, got {n_beads!r}")
    x = np.zeros((n_beads, 2))
    x[:, 0] = np.arange(n_beads) - (n_beads - 1) / 2
    return jnp.asarray(x)


def _pair_table(theta: jnp.ndarray) -> jnp.ndarray:
    e = theta[4:7]
    return jnp.array([[e[0], e[1]], [e[1], e[2]]])


def energy(x: jnp.ndarray, types: Any, theta: jnp.ndarray, consts: dict | None = None) -> jnp.ndarray:
    """The energy :math:`E(x;\\theta)` of the module docstring; ``x`` has shape ``(N, 2)``."""
    c = DEFAULTS if consts is None else {**DEFAULTS, **consts}
    types = jnp.asarray(types)
    n = x.shape[0]
    b = x[1:] - x[:-1]
    blen = jnp.sqrt(jnp.sum(b * b, axis=1))
    e_bond = 0.5 * c["k_bond"] * jnp.sum((blen - 1.0) ** 2)

    b1, b2 = b[:-1], b[1:]
    norm = blen[:-1] * blen[1:]
    cos_phi = jnp.sum(b1 * b2, axis=1) / norm
    sin_phi = (b1[:, 0] * b2[:, 1] - b1[:, 1] * b2[:, 0]) / norm
    t_mid = types[1:-1]
    phi0 = theta[0:2][t_mid]
    kappa = jnp.exp(theta[2:4])[t_mid]
    e_angle = jnp.sum(kappa * (1.0 - cos_phi * jnp.cos(phi0) - sin_phi * jnp.sin(phi0)))

    # pairs (i, j) with j - i >= 3 (contacts) and >= core_from (soft core), as dense N x N masks
    # (cheaper to differentiate than a gather)
    pair = jnp.asarray(np.triu(np.ones((n, n)), k=3))
    core_pair = jnp.asarray(np.triu(np.ones((n, n)), k=int(c["core_from"])))
    d = x[:, None, :] - x[None, :, :]
    r = jnp.sqrt(jnp.sum(d * d, axis=-1) + (1.0 - core_pair))  # the +1 off the mask keeps sqrt smooth
    onehot = jax.nn.one_hot(types, 2, dtype=x.dtype)
    eps = onehot @ _pair_table(theta) @ onehot.T
    e_core = 0.5 * c["core"] * jnp.sum(core_pair * jnp.maximum(c["sigma"] - r, 0.0) ** 2)
    e_contact = -jnp.sum(pair * eps * jnp.exp(-((r - c["r0"]) ** 2) / (2 * c["width"] ** 2)))
    return e_bond + e_angle + e_core + e_contact


def _check_theta_finite(where: str, theta: jnp.ndarray) -> None:
    """Refuse NaN or infinite parameters when they are concrete numbers (inside a JAX trace the
    values cannot be inspected and the check is skipped)."""
    if not isinstance(theta, jax.core.Tracer) and not np.all(np.isfinite(np.asarray(theta))):
        raise ValueError(f"{where}: theta must be finite numbers {PARAM_NAMES}, got {np.asarray(theta)}")


def simulate(
    theta: Any,
    types: Any,
    key: jax.Array,
    n_steps: int = 300,
    *,
    consts: dict | None = None,
    return_trajectory: bool = False,
    remat: bool = False,
) -> jnp.ndarray:
    """Fold a chain: ``n_steps`` of the Langevin scheme of the module docstring from the extended start.

    Returns the final positions ``(N, 2)``, or the whole trajectory ``(n_steps + 1, N, 2)`` when
    ``return_trajectory``. The noise comes only from ``key``, so a fixed key gives a
    deterministic, differentiable map :math:`\\theta \\mapsto x_{\\rm final}`. ``remat=True``
    wraps each step in ``jax.checkpoint`` (recompute instead of store; same values and gradients).
    """
    if not isinstance(n_steps, (int, np.integer)) or n_steps < 1:
        raise ValueError(f"simulate: n_steps must be an integer >= 1, got {n_steps!r}")
    theta = jnp.asarray(theta)
    if theta.shape != (len(PARAM_NAMES),):
        raise ValueError(f"simulate: theta must have shape ({len(PARAM_NAMES)},) = {PARAM_NAMES}, "
                         f"got {theta.shape}")
    _check_theta_finite("simulate", theta)
    types = jnp.asarray(parse_sequence(types if isinstance(types, str) else np.asarray(types)))
    c = DEFAULTS if consts is None else {**DEFAULTS, **consts}
    return _fold(theta, types, key, int(n_steps), c, bool(return_trajectory), bool(remat))


def _fold(theta, types, key, n_steps, c, return_trajectory, remat):
    dt, gamma, T = c["dt"], c["gamma"], c["temperature"]
    x0 = extended_chain(int(types.shape[0]))
    noise = jax.random.normal(key, (n_steps,) + x0.shape, dtype=x0.dtype)
    force = jax.grad(lambda x: -energy(x, types, theta, c))
    amp = jnp.sqrt(2.0 * gamma * T * dt)

    def step(state, xi):
        x, v = state
        v = (1.0 - gamma * dt) * v + dt * force(x) + amp * xi
        x = x + dt * v
        return (x, v), (x if return_trajectory else None)

    if remat:
        step = jax.checkpoint(step)
    (x, _), traj = jax.lax.scan(step, (x0, jnp.zeros_like(x0)), noise)
    if return_trajectory:
        return jnp.concatenate([x0[None], traj], axis=0)
    return x


def simulate_batch(theta: Any, sequences: Sequence[Any], keys: jax.Array, n_steps: int = 300, *,
                   consts: dict | None = None, remat: bool = False) -> jnp.ndarray:
    """Fold several chains of equal length at once (``jax.vmap`` of :func:`simulate`).

    ``keys`` holds one key per sequence; returns final positions ``(S, N, 2)``.
    """
    types = [parse_sequence(s if isinstance(s, str) else np.asarray(s)) for s in sequences]
    if len({t.size for t in types}) != 1:
        raise ValueError("simulate_batch: all sequences must have the same length; "
                         "call simulate() on each otherwise")
    theta = jnp.asarray(theta)
    if theta.shape != (len(PARAM_NAMES),):
        raise ValueError(f"simulate_batch: theta must have shape ({len(PARAM_NAMES)},), got {theta.shape}")
    _check_theta_finite("simulate_batch", theta)
    if len(keys) != len(types):
        raise ValueError(f"simulate_batch: give one key per sequence, got {len(keys)} keys "
                         f"for {len(types)} sequences")
    c = DEFAULTS if consts is None else {**DEFAULTS, **consts}
    fold = lambda ty, k: _fold(theta, ty, k, int(n_steps), c, False, bool(remat))  # noqa: E731
    return jax.vmap(fold)(jnp.asarray(np.stack(types)), keys)


def kabsch_rmsd_2d(x: Any, y: Any) -> jnp.ndarray:
    r"""RMSD of two 2D point sets ``(N, 2)`` after optimal translation and rotation of ``x`` onto ``y``.

    After centring, :math:`\sum_i |R x_i - y_i|^2 = \sum_i(|x_i|^2 + |y_i|^2) - 2(\cos\alpha\,S_c
    + \sin\alpha\,S_s)` with :math:`S_c = \sum x_i\cdot y_i`, :math:`S_s = \sum x_i\times y_i`,
    minimised at :math:`\cos\alpha\,S_c + \sin\alpha\,S_s = \sqrt{S_c^2 + S_s^2}`. Reflections are
    not allowed (mirror images are different 2D structures).
    """
    x = jnp.asarray(x)
    y = jnp.asarray(y)
    if x.ndim != 2 or x.shape[1] != 2 or x.shape != y.shape:
        raise ValueError(f"kabsch_rmsd_2d: x and y must both have shape (N, 2), got {x.shape} and {y.shape}")
    xc = x - x.mean(axis=0)
    yc = y - y.mean(axis=0)
    s_c = jnp.sum(xc * yc)
    s_s = jnp.sum(xc[:, 0] * yc[:, 1] - xc[:, 1] * yc[:, 0])
    msd = (jnp.sum(xc * xc) + jnp.sum(yc * yc) - 2.0 * jnp.sqrt(s_c**2 + s_s**2 + 1e-30)) / x.shape[0]
    return jnp.sqrt(jnp.maximum(msd, 0.0) + 1e-12)


def structure_loss(theta: Any, sequences: Sequence[Any], targets: Sequence[Any], key: jax.Array,
                   n_steps: int = 300, **kw: Any) -> jnp.ndarray:
    """Mean RMSD between the folded chains and the target structures (equal-length sequences).

    The sequence ``k`` is folded with the ``k``-th key of ``jax.random.split(key, len(sequences))``.
    """
    if len(sequences) != len(targets) or not sequences:
        raise ValueError("structure_loss: give one target per sequence (and at least one)")
    keys = jax.random.split(key, len(sequences))
    x = simulate_batch(theta, sequences, keys, n_steps, **kw)
    return jnp.mean(jax.vmap(kabsch_rmsd_2d)(x, jnp.stack([jnp.asarray(t) for t in targets])))


def turning_angles(x: Any) -> np.ndarray:
    """Signed turning angles phi_i (radians) between consecutive bonds of a chain ``(N, 2)``: N - 2
    values, positive for a left (counter-clockwise) turn."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2 or x.shape[0] < 3:
        raise ValueError(f"turning_angles: x must have shape (N, 2) with N >= 3, got {x.shape}")
    b = np.diff(x, axis=0)
    b1, b2 = b[:-1], b[1:]
    return np.arctan2(b1[:, 0] * b2[:, 1] - b1[:, 1] * b2[:, 0], np.sum(b1 * b2, axis=1))


def mean_turning_angles(sequences: Sequence[Any], structures: Sequence[Any]) -> np.ndarray:
    """The mean turning angle at the beads of each type (A, B) over a set of structures: a first
    guess of the preferred turns, read off the data without any simulation."""
    if len(sequences) != len(structures) or not sequences:
        raise ValueError("mean_turning_angles: give one structure per sequence (and at least one)")
    angles: list[list[float]] = [[], []]
    for seq, x in zip(sequences, structures):
        t = parse_sequence(seq)
        phi = turning_angles(x)
        if phi.size != t.size - 2:
            raise ValueError("mean_turning_angles: a structure does not match the length of its sequence")
        for k in (0, 1):
            angles[k] += list(phi[t[1:-1] == k])
    return np.array([np.mean(a) if a else 0.0 for a in angles])


def contact_map(x: Any, cutoff: float = 1.5, min_separation: int = 3) -> np.ndarray:
    """Boolean ``(N, N)`` map of the contacts of a structure: pairs closer than ``cutoff`` and at
    least ``min_separation`` apart along the chain (symmetric, False near the diagonal)."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"contact_map: x must have shape (N, 2), got {x.shape}")
    n = x.shape[0]
    d = np.linalg.norm(x[:, None, :] - x[None, :, :], axis=-1)
    far = np.abs(np.subtract.outer(np.arange(n), np.arange(n))) >= min_separation
    return (d < cutoff) & far


def superpose(x: Any, y: Any) -> np.ndarray:
    """``x`` rotated and translated onto ``y`` (the optimum of :func:`kabsch_rmsd_2d`), for plots."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2 or x.shape != y.shape:
        raise ValueError(f"superpose: x and y must both have shape (N, 2), got {x.shape} and {y.shape}")
    xc, yc = x - x.mean(0), y - y.mean(0)
    a = np.arctan2(np.sum(xc[:, 0] * yc[:, 1] - xc[:, 1] * yc[:, 0]), np.sum(xc * yc))
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return xc @ rot.T + y.mean(0)


def residual_bytes(f: Any, *args: Any) -> int:
    """Bytes that reverse mode stores for the backward pass of ``f(*args)`` (traced, not run):
    the residuals that ``jax.vjp`` keeps alive between the forward and the backward sweep
    (:func:`helpers.ode.residual_bytes`)."""
    from helpers.ode import residual_bytes as _residual_bytes

    return _residual_bytes(f, *args)
