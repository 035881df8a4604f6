r"""Differentiable symmetric eigenproblems in JAX, with hand-written adjoint rules.

A real symmetric matrix :math:`H = H^\top` has eigenpairs :math:`H\psi_n = E_n\psi_n` with
:math:`E_0 < E_1 \le \dots` and orthonormal :math:`\psi_n`. Reverse mode needs, for a loss
:math:`\mathcal L(E_0, \psi_0)`, the adjoint :math:`\bar H = \partial\mathcal L/\partial H` from
the adjoints :math:`\bar E_0` and :math:`\bar\psi_0`. First-order perturbation theory gives

.. math::

    dE_0 = \psi_0^\top\, dH\, \psi_0, \qquad
    d\psi_0 = \sum_{n\neq 0} \psi_n \frac{\psi_n^\top\, dH\, \psi_0}{E_0 - E_n}
            = -(H - E_0)^{+}\,dH\,\psi_0 ,

so that, with :math:`g = \sum_{n\ne0}\psi_n\,(\psi_n^\top\bar\psi_0)/(E_0-E_n)`,

.. math::

    \bar H = \bar E_0\,\psi_0\psi_0^\top + g\,\psi_0^\top
    \quad\text{(then symmetrised, } \bar H \to (\bar H + \bar H^\top)/2\text{)}.

The vector :math:`g` is orthogonal to :math:`\psi_0` and solves
:math:`(H - E_0)\,g = -(1 - \psi_0\psi_0^\top)\,\bar\psi_0`. It can be computed from the full
spectrum (``backward="spectrum"``, cost :math:`O(N^2)` once the forward pass has all
eigenvectors) or from one bordered linear solve that needs only the ground state
(``backward="solve"``):

.. math::

    \begin{pmatrix} H - E_0 & \psi_0 \\ \psi_0^\top & 0 \end{pmatrix}
    \begin{pmatrix} g \\ \mu \end{pmatrix}
    = \begin{pmatrix} -(1-\psi_0\psi_0^\top)\bar\psi_0 \\ 0 \end{pmatrix},

which is nonsingular exactly when :math:`E_0` is non-degenerate.

*Gauge.* An eigenvector is defined up to a sign. We fix it by requiring
:math:`\sum_i (\psi_0)_i \ge 0`: the ground state of a Schrödinger operator is nodeless, so this
sum is far from zero there and the sign is locally constant, hence differentiable.

*Degeneracy.* When :math:`E_1 - E_0 \to 0` the factor :math:`1/(E_0 - E_1)` diverges: the
eigenvector is not a differentiable function of :math:`H`. :func:`lowest_eigenpair` raises a
``ValueError`` when the gap is below ``gap_rtol`` times the spectral scale (outside ``jit``;
inside ``jit`` values are abstract and the check cannot run, so a degenerate input gives
``inf``/``nan`` gradients).

:func:`eigh` differentiates the full decomposition with the rule
:math:`\bar H = V\,[\operatorname{diag}(\bar E) + F\circ(V^\top\bar V)]\,V^\top`,
:math:`F_{ij} = 1/(E_j - E_i)` for :math:`i\ne j` and 0 on the diagonal (again symmetrised).
The same rule, in numpy, is :func:`eigh_vjp`, usable from ``helpers.tape`` or autograd.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

import jax
import jax.numpy as jnp


__all__ = [
    "lowest_eigenpair",
    "eigh",
    "eigh_vjp",
    "lowest_eigenpair_vjp",
    "fix_sign",
    "avoided_crossing",
    "DegenerateSpectrumError",
]


class DegenerateSpectrumError(ValueError):
    """The eigenvalues the derivative divides by are (nearly) equal."""


# --------------------------------------------------------------------------- validation
def _as_symmetric_matrix(H: Any, who: str):
    if isinstance(H, (bool, str)) or H is None:
        raise TypeError(f"{who}: H must be a real symmetric matrix (a 2-D float array), got {type(H).__name__}")
    if not isinstance(H, jax.core.Tracer):
        try:
            arr = np.asarray(H)
        except Exception as exc:  # noqa: BLE001
            raise TypeError(f"{who}: H must be a real symmetric matrix, got {type(H).__name__}") from exc
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{who}: H must be real (float entries), got dtype {arr.dtype}")
        if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] < 2:
            raise ValueError(f"{who}: H must be a square N x N matrix with N >= 2, got shape {arr.shape}")
        scale = max(1.0, float(np.max(np.abs(arr))))
        asym = float(np.max(np.abs(arr - arr.T)))
        if asym > 1e-10 * scale:
            raise ValueError(f"{who}: H must be symmetric; max |H - H^T| = {asym:.3g}")
        return jnp.asarray(arr, dtype=jnp.float64)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] < 2:
        raise ValueError(f"{who}: H must be a square N x N matrix with N >= 2, got shape {H.shape}")
    return H


def _concrete_float(x) -> float | None:
    """``float(x)`` if ``x`` has a concrete value (not under ``jit``), else ``None``."""
    try:
        return float(x)
    except (jax.errors.ConcretizationTypeError, TypeError):
        return None


def _check_gap(E, gap_rtol: float, who: str) -> None:
    gap = _concrete_float(E[1] - E[0])
    if gap is None:
        return
    scale = max(1.0, _concrete_float(jnp.max(jnp.abs(E))))
    if gap <= gap_rtol * scale:
        raise DegenerateSpectrumError(
            f"{who}: the two lowest eigenvalues are (nearly) degenerate: E0 = {float(E[0]):.12g}, "
            f"E1 = {float(E[1]):.12g}, gap {gap:.3g} <= {gap_rtol:g} x spectral scale {scale:.3g}. "
            "The ground-state eigenvector is then not a differentiable function of H; "
            "lift the degeneracy (e.g. a small symmetry-breaking term) or differentiate a "
            "gauge-invariant quantity of the whole degenerate subspace instead.")


def fix_sign(v):
    r"""Flip each column ``v[:, k]`` (or a single vector) so that its entries sum to :math:`\ge 0`."""
    s = jnp.sum(v, axis=0)
    return v * jnp.where(s < 0, -1.0, 1.0)


# --------------------------------------------------------------------------- ground state
def _ground_backward_spectrum(E, V, E0_bar, psi_bar):
    psi0 = V[:, 0]
    # g = sum_{n != 0} psi_n (psi_n . psi_bar) / (E0 - E_n)
    coeff = (V[:, 1:].T @ psi_bar) / (E[0] - E[1:])
    g = V[:, 1:] @ coeff
    H_bar = E0_bar * jnp.outer(psi0, psi0) + jnp.outer(g, psi0)
    return 0.5 * (H_bar + H_bar.T)


def _ground_backward_solve(H, E0, psi0, E0_bar, psi_bar):
    n = H.shape[0]
    rhs = -(psi_bar - psi0 * (psi0 @ psi_bar))
    K = jnp.zeros((n + 1, n + 1), dtype=H.dtype)
    K = K.at[:n, :n].set(H - E0 * jnp.eye(n, dtype=H.dtype))
    K = K.at[:n, n].set(psi0).at[n, :n].set(psi0)
    g = jnp.linalg.solve(K, jnp.concatenate([rhs, jnp.zeros(1, dtype=H.dtype)]))[:n]
    H_bar = E0_bar * jnp.outer(psi0, psi0) + jnp.outer(g, psi0)
    return 0.5 * (H_bar + H_bar.T)


@partial(jax.custom_vjp, nondiff_argnums=(1,))
def _lowest(H, backward: str):
    E, V = jnp.linalg.eigh(H)
    psi0 = fix_sign(V[:, 0])
    return E[0], psi0, E


def _lowest_fwd(H, backward):
    E, V = jnp.linalg.eigh(H)
    V = fix_sign(V)
    return (E[0], V[:, 0], E), (H, E, V)


def _lowest_bwd(backward, res, cts):
    H, E, V = res
    E0_bar, psi_bar, _ = cts  # the full spectrum is returned only for the gap check
    if backward == "spectrum":
        return (_ground_backward_spectrum(E, V, E0_bar, psi_bar),)
    return (_ground_backward_solve(H, E[0], V[:, 0], E0_bar, psi_bar),)


_lowest.defvjp(_lowest_fwd, _lowest_bwd)


def lowest_eigenpair(H, *, gap_rtol: float = 1e-8, backward: str = "spectrum"):
    r"""Lowest eigenvalue and eigenvector of a real symmetric matrix, differentiable in JAX.

    Returns ``(E0, psi0)`` with :math:`H\psi_0 = E_0\psi_0`, :math:`\|\psi_0\| = 1` and the sign
    fixed by :math:`\sum_i(\psi_0)_i \ge 0`. Reverse-mode derivatives (``jax.grad``,
    ``jax.vjp``) use the hand-written rule of the module docstring; ``backward`` chooses the
    full-spectrum sum (``"spectrum"``) or the bordered linear solve (``"solve"``).

    Raises ``DegenerateSpectrumError`` (a ``ValueError``) when :math:`E_1 - E_0 \le`
    ``gap_rtol`` :math:`\times \max(1, \max_n|E_n|)` (checked only outside ``jit``).
    Forward mode (``jax.jvp``) is not defined for this primitive; use :func:`eigh` or
    ``jnp.linalg.eigh`` for that.
    """
    if backward not in ("spectrum", "solve"):
        raise ValueError(f"lowest_eigenpair: backward must be 'spectrum' or 'solve', got {backward!r}")
    if not (isinstance(gap_rtol, (int, float)) and gap_rtol >= 0):
        raise ValueError(f"lowest_eigenpair: gap_rtol must be a number >= 0, got {gap_rtol!r}")
    H = _as_symmetric_matrix(H, "lowest_eigenpair")
    E0, psi0, E = _lowest(H, backward)
    _check_gap(E, gap_rtol, "lowest_eigenpair")
    return E0, psi0


# --------------------------------------------------------------------------- full decomposition
def _F_matrix(E, xp):
    dE = E[None, :] - E[:, None]  # dE[i, j] = E_j - E_i
    n = E.shape[0]
    off = ~xp.eye(n, dtype=bool)
    safe = xp.where(off, dE, 1.0)
    return xp.where(off, 1.0 / safe, 0.0)


def eigh_vjp(E, V, E_bar, V_bar):
    r"""The backward rule of the symmetric eigendecomposition, in plain numpy.

    Given :math:`H = V\operatorname{diag}(E)V^\top` and adjoints :math:`\bar E, \bar V`,
    returns the symmetrised
    :math:`\bar H = V[\operatorname{diag}(\bar E) + F\circ(V^\top\bar V)]V^\top`,
    :math:`F_{ij} = 1/(E_j - E_i)` (:math:`i\ne j`), :math:`F_{ii} = 0`. Either adjoint may be
    ``None`` (zero). Requires distinct eigenvalues wherever :math:`\bar V` is nonzero.
    """
    E = np.asarray(E, dtype=float)
    V = np.asarray(V, dtype=float)
    n = E.shape[0]
    if V.shape != (n, n):
        raise ValueError(f"eigh_vjp: V must have shape {(n, n)} to match E, got {V.shape}")
    M = np.zeros((n, n))
    if E_bar is not None:
        M += np.diag(np.asarray(E_bar, dtype=float))
    if V_bar is not None:
        V_bar = np.asarray(V_bar, dtype=float)
        if V_bar.shape != (n, n):
            raise ValueError(f"eigh_vjp: V_bar must have shape {(n, n)}, got {V_bar.shape}")
        with np.errstate(divide="ignore"):
            M += _F_matrix(E, np) * (V.T @ V_bar)
    H_bar = V @ M @ V.T
    return 0.5 * (H_bar + H_bar.T)


def lowest_eigenpair_vjp(H, E0, psi0, E0_bar, psi_bar):
    r"""The ground-state backward rule in plain numpy (bordered solve), for tape or autograd.

    Returns the symmetrised :math:`\bar H = \bar E_0\psi_0\psi_0^\top + g\psi_0^\top` with
    :math:`g \perp \psi_0`, :math:`(H - E_0)g = -(1-\psi_0\psi_0^\top)\bar\psi_0`.
    """
    H = np.asarray(H, dtype=float)
    psi0 = np.asarray(psi0, dtype=float)
    n = H.shape[0]
    psi_bar = np.zeros(n) if psi_bar is None else np.asarray(psi_bar, dtype=float)
    E0_bar = 0.0 if E0_bar is None else float(E0_bar)
    K = np.zeros((n + 1, n + 1))
    K[:n, :n] = H - E0 * np.eye(n)
    K[:n, n] = psi0
    K[n, :n] = psi0
    rhs = np.concatenate([-(psi_bar - psi0 * (psi0 @ psi_bar)), [0.0]])
    g = np.linalg.solve(K, rhs)[:n]
    H_bar = E0_bar * np.outer(psi0, psi0) + np.outer(g, psi0)
    return 0.5 * (H_bar + H_bar.T)


@jax.custom_vjp
def _eigh(H):
    E, V = jnp.linalg.eigh(H)
    return E, fix_sign(V)


def _eigh_fwd(H):
    E, V = _eigh(H)
    return (E, V), (E, V)


def _eigh_bwd(res, cts):
    E, V = res
    E_bar, V_bar = cts
    M = jnp.diag(E_bar) + _F_matrix(E, jnp) * (V.T @ V_bar)
    H_bar = V @ M @ V.T
    return (0.5 * (H_bar + H_bar.T),)


_eigh.defvjp(_eigh_fwd, _eigh_bwd)


def eigh(H):
    r"""Full eigendecomposition ``(E, V)`` of a real symmetric matrix with a hand-written VJP.

    Columns of ``V`` are sign-fixed like :func:`fix_sign`. The VJP is the rule of
    :func:`eigh_vjp`; it is finite only for a non-degenerate spectrum (or when the adjoint
    ``V_bar`` does not mix the degenerate eigenvectors).
    """
    H = _as_symmetric_matrix(H, "eigh")
    return _eigh(H)


# --------------------------------------------------------------------------- a model spectrum
def avoided_crossing(s, g, others=(2.0, 3.0)):
    r"""A Hamiltonian whose two lowest levels cross at ``s = 0`` unless coupled by ``g``:

    .. math::  H(s) = \operatorname{diag}(-s, s, e_2, e_3, \dots)
               + g\,(\lvert 0\rangle\langle 1\rvert + \lvert 1\rangle\langle 0\rvert).

    The two lowest levels are :math:`\mp\sqrt{s^2 + g^2}` (while the ``others`` lie above), so
    the gap is :math:`2\sqrt{s^2 + g^2}`, smallest (``2 g``) at ``s = 0``. Across the crossing
    the ground state turns from :math:`\lvert 1\rangle` to :math:`\lvert 0\rangle` through the
    angle :math:`\vartheta(s)` with :math:`\tan 2\vartheta = g/s`, so its rate of change
    :math:`\lVert d\psi_0/ds\rVert = |d\vartheta/ds| = g/(2(s^2+g^2))` peaks at
    :math:`1/(2g)` there: the eigenvector derivative diverges as the gap closes. Works with
    numbers and JAX tracers (``jax.vmap``, ``jax.grad`` over ``s`` and ``g``).
    """
    s = jnp.asarray(s, dtype=jnp.float64)
    g = jnp.asarray(g, dtype=jnp.float64)
    n = 2 + len(others)
    H = jnp.diag(jnp.concatenate([jnp.stack([-s, s]), jnp.asarray(others, dtype=jnp.float64)]))
    return H + g * (jnp.zeros((n, n)).at[0, 1].set(1.0).at[1, 0].set(1.0))
