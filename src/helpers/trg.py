r"""The 2D classical Ising model as a tensor network, Levin-Nave tensor renormalization group
(TRG) in JAX, a singular value decomposition whose derivative is safe at degenerate singular
values, Onsager's exact solution for comparison, and a variational uniform matrix product
state for the transverse-field Ising chain.

**Tensor network.** With :math:`K = \beta J` the Boltzmann weight of a bond factorises as
:math:`e^{K s s'} = \sum_{b=0,1} M_{sb} M_{s'b}` with :math:`M_{s0} = \sqrt{\cosh K}`,
:math:`M_{s1} = s\sqrt{\sinh K}` (spins :math:`s = \pm1`). Summing each spin with the four bond
halves attached to it gives the site tensor

.. math::  T_{lurd} = \sum_{s=\pm1} M_{sl}M_{su}M_{sr}M_{sd},

and :math:`Z = \operatorname{tTr}\prod_{\text{sites}} T` (every bond index shared by two
neighbouring tensors is summed). :func:`ising_tensor` builds :math:`T`.

**TRG** (Levin & Nave 2007). Split :math:`T` on the two sublattices by truncated SVDs,
:math:`T_{lurd} \approx \sum_{m\le\chi} A_{ldm}\,B_{mur}` and
:math:`T_{lurd} \approx \sum_{m\le\chi} C_{lum}\,D_{mrd}`, then contract the four pieces around a
plaquette into a new tensor on a lattice rotated by 45° with half as many sites. Writing
:math:`T = c_k T'` with a norm :math:`c_k` at step :math:`k`, after :math:`n` steps

.. math::  \frac{\ln Z}{N} = \sum_{k=0}^{n-1} \frac{\ln c_k}{2^k}
           + \frac{1}{2^n}\ln\operatorname{tr} T^{(n)},

the last term closing the remaining tensor on itself (a one-site torus). For :math:`n \gtrsim 20`
this is the thermodynamic limit to double precision away from :math:`K_c`.

**Safe SVD.** The derivative of :math:`A = USV^\top` contains
:math:`F_{ij} = 1/(s_j^2 - s_i^2)`, infinite for degenerate singular values. :func:`safe_svd`
replaces it by the Lorentzian-broadened :math:`(s_j^2-s_i^2)/[(s_j^2-s_i^2)^2 + \epsilon]`
(Liao et al. 2019), in a ``custom_jvp`` so that it holds at every order of differentiation.
Two details decide whether the result is reproducible: the gap is computed as
:math:`(s_j - s_i)(s_j + s_i)`, which is exactly zero for :math:`i = j` however the compiler
arranges the arithmetic (:math:`s_j^2 - s_i^2` need not be: evaluated with a fused multiply-add
it returns the rounding error of :math:`s_i^2`, about :math:`10^{-17}`, which the broadened
inverse turns into :math:`F_{ii} \approx 10^{-17}/\epsilon`), and the diagonal of :math:`F` is
set to zero explicitly (:func:`broadened_inverse`).

**Derivatives and the pseudo-critical point.** :func:`lnz_derivatives` nests ``jax.jvp`` to get
:math:`\ln Z/N` and its derivatives in :math:`K` up to a chosen order;
:func:`specific_heat_peak` solves :math:`c'(K) = 0` for the specific heat :math:`c = K^2 f''`
with those derivatives (Brent's method).

**Transfer matrices.** :func:`strip_transfer_matrix` is the row-to-row transfer matrix of a
periodic strip of width :math:`W` (exact diagonalisation, fixed-point demonstrations).

**Uniform MPS.** :func:`umps_energy` is the energy per site of the transverse-field Ising chain
:math:`H = -\sum_i \sigma^z_i\sigma^z_{i+1} - h\sum_i\sigma^x_i` in a translation-invariant
matrix product state whose transfer-matrix fixed points come from
:func:`helpers.fixedpoint.fixed_point` (reverse-differentiable by the implicit function
theorem); :func:`umps_optimize` minimises it with L-BFGS and JAX gradients, and
:func:`tfim_exact_energy` is the exact ground-state energy per site (Pfeuty 1970).

**Onsager.** :math:`\ln Z/N = \ln(2\cosh 2K) + \frac1\pi\int_0^{\pi/2}
\ln\tfrac12\big(1+\sqrt{1-k^2\sin^2\theta}\big)\,d\theta` with :math:`k = 2\sinh 2K/\cosh^2 2K`;
energy and specific heat per site from the complete elliptic integrals (:func:`onsager_energy`,
:func:`onsager_specific_heat`). :math:`K_c = \tfrac12\ln(1+\sqrt2)`.
"""

from __future__ import annotations

import math
from functools import lru_cache, partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from scipy import integrate, special

from helpers.fixedpoint import fixed_point

__all__ = [
    "K_C",
    "ising_tensor",
    "broadened_inverse",
    "safe_svd",
    "trg_step",
    "trg_lnz",
    "lnz_derivatives",
    "trg_flow",
    "derivative_function",
    "Peak",
    "specific_heat_peak",
    "strip_transfer_matrix",
    "tfim_bond",
    "tfim_exact_energy",
    "umps_energy",
    "UMPSResult",
    "umps_value_and_grad",
    "umps_optimize",
    "onsager_lnz",
    "onsager_energy",
    "onsager_specific_heat",
]

#: Critical coupling of the square-lattice Ising model, :math:`K_c = \tfrac12\ln(1+\sqrt2)`.
K_C: float = 0.5 * math.log(1.0 + math.sqrt(2.0))


def _is_traced(x) -> bool:
    return any(isinstance(v, jax.core.Tracer) for v in jax.tree_util.tree_leaves(x))


def _check_coupling(K, name: str = "K") -> None:
    """Concrete couplings must be finite and >= 0 (inside a JAX trace values cannot be seen)."""
    if _is_traced(K):
        return
    if isinstance(K, (bool, np.bool_, str)):
        raise ValueError(f"the coupling {name} = J/(k_B T) must be a number, got {K!r}")
    try:
        arr = np.asarray(K, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"the coupling {name} = J/(k_B T) must be a number, got {K!r}") from None
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"the coupling {name} = J/(k_B T) must be finite and >= 0 (a ferromagnet at "
                         f"positive temperature), got {K!r}")


def _check_int(value, name: str, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def ising_tensor(K):
    r"""Site tensor :math:`T_{lurd} = \sum_s M_{sl}M_{su}M_{sr}M_{sd}` of the ferromagnetic Ising
    model at coupling :math:`K = \beta J \ge 0`; shape (2, 2, 2, 2), differentiable in ``K``."""
    _check_coupling(K)
    K = jnp.asarray(K, dtype=float)
    if K.ndim != 0:
        raise ValueError(f"ising_tensor takes one coupling K (use jax.vmap for many), got shape {K.shape}")
    c, s = jnp.sqrt(jnp.cosh(K)), jnp.sqrt(jnp.sinh(K))
    M = jnp.array([[c, s], [c, -s]])
    return jnp.einsum("al,au,ar,ad->lurd", M, M, M, M)


# --------------------------------------------------------------------------- safe SVD
def broadened_inverse(s, eps):
    r""":math:`F_{ij} = \Delta_{ij}/(\Delta_{ij}^2 + \epsilon)` with
    :math:`\Delta_{ij} = (s_j - s_i)(s_j + s_i)` and :math:`F_{ii} = 0`: the Lorentzian-broadened
    :math:`1/(s_j^2 - s_i^2)` of :func:`safe_svd`. The factored gap is exactly zero for
    :math:`s_i = s_j`, whatever the compiler does with the arithmetic."""
    s = jnp.asarray(s)
    delta = (s[None, :] - s[:, None]) * (s[None, :] + s[:, None])
    off = ~jnp.eye(s.shape[0], dtype=bool)
    return jnp.where(off, delta / (delta**2 + eps), 0.0)


@jax.custom_jvp
def _svd(A, eps):
    U, s, Vt = jnp.linalg.svd(A, full_matrices=False)
    return U, s, Vt


@_svd.defjvp
def _svd_jvp(primals, tangents):
    (A, eps), (dA, _) = primals, tangents
    U, s, Vt = _svd(A, eps)
    V = Vt.T
    dP = U.T @ dA @ V
    ds = jnp.diagonal(dP)
    F = broadened_inverse(s, eps)
    # dP S + S dP^T and S dP + dP^T S, with the diagonal S applied by broadcasting
    dU = U @ (F * (dP * s[None, :] + s[:, None] * dP.T))
    dV = V @ (F * (s[:, None] * dP + dP.T * s[None, :]))
    return (U, s, Vt), (dU, ds, dV.T)


@partial(jax.custom_jvp, nondiff_argnums=(2,))
def _svd_kept(A, eps, k):
    U, s, Vt = _svd(A, eps)
    return U[:, :k], s[:k], Vt[:k]


@_svd_kept.defjvp
def _svd_kept_jvp(k, primals, tangents):
    # the rule of _svd restricted to the k kept columns: O(n^2 k) instead of O(n^3)
    (A, eps), (dA, _) = primals, tangents
    U, s, Vt = _svd(A, eps)
    V = Vt.T
    Uk, sk, Vk = U[:, :k], s[:k], V[:, :k]
    dP_cols = U.T @ (dA @ Vk)              # dP[:, :k]
    dP_rows = (Uk.T @ dA) @ V              # dP[:k, :]
    F = broadened_inverse(s, eps)[:, :k]
    dUk = U @ (F * (dP_cols * sk[None, :] + s[:, None] * dP_rows.T))
    dVk = V @ (F * (s[:, None] * dP_cols + dP_rows.T * sk[None, :]))
    return (Uk, sk, Vk.T), (dUk, jnp.diagonal(dP_cols[:k]), dVk.T)


def safe_svd(A, eps=1e-12, k: int | None = None):
    r"""Thin SVD ``U, s, Vt`` of a real square matrix whose derivative is finite at degenerate
    (or zero) singular values.

    Forward rule, with :math:`dP = U^\top dA\,V`: :math:`ds = \operatorname{diag} dP`,
    :math:`dU = U[F\circ(dP\,S + S\,dP^\top)]`, :math:`dV = V[F\circ(S\,dP + dP^\top S)]`, where
    :math:`F` is :func:`broadened_inverse` (:math:`F_{ii} = 0`). With :math:`\epsilon = 0` this
    is the exact rule; a small :math:`\epsilon` removes the poles at :math:`s_i = s_j` while
    changing a well-separated pair only by a relative :math:`O(\epsilon/\Delta^2)`. Square
    matrices only: then :math:`U` and :math:`V` are complete and the rule needs no projector
    terms. ``eps`` may be a traced value (so that ``jax.vmap`` can run over it); it is not
    differentiated. With ``k``, only the ``k`` largest singular triplets are returned, and the
    rule computes only their derivatives (:math:`O(n^2k)` instead of :math:`O(n^3)` operations;
    the discarded singular vectors still enter, through :math:`F`).
    """
    A = jnp.asarray(A)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"safe_svd handles square matrices only; got shape {A.shape}")
    if not _is_traced(eps):
        e = np.asarray(eps, dtype=float)
        if e.ndim != 0 or not np.isfinite(e) or e <= 0:
            raise ValueError(f"eps (the broadening of 1/(s_j^2 - s_i^2), in units of s^4) must be one "
                             f"finite number > 0, got {eps!r}")
    eps = jnp.asarray(eps, dtype=A.dtype)
    if k is None:
        return _svd(A, eps)
    k = _check_int(k, "k (the number of singular values kept)", 1)
    return _svd_kept(A, eps, min(k, A.shape[0]))


# --------------------------------------------------------------------------- TRG
def _split(mat, chi: int, svd, eps):
    """Truncated symmetric split ``mat ≈ L @ R``, ``L = U_k S_k^{1/2}``, ``R = S_k^{1/2} V_k^T``,
    keeping at most ``chi`` singular values."""
    k = min(chi, mat.shape[0])
    if svd is safe_svd:
        U, s, Vt = safe_svd(mat, eps, k=k)
    else:
        U, s, Vt = svd(mat)
    sq = _safe_sqrt(s[:k])
    return U[:, :k] * sq, sq[:, None] * Vt[:k]


@jax.custom_jvp
def _safe_sqrt(x):
    r""":math:`\sqrt{x}` for :math:`x \ge 0` whose derivative :math:`\sqrt{x}/(2x + \epsilon)`,
    :math:`\epsilon = 10^{-30}`, stays finite at :math:`x = 0` (zero singular values)."""
    return jnp.sqrt(x)


@_safe_sqrt.defjvp
def _safe_sqrt_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    y = _safe_sqrt(x)
    return y, dx * y / (2.0 * x + 1e-30)


def trg_step(T, chi: int, svd=safe_svd, eps=1e-12):
    r"""One Levin-Nave step: ``T[l,u,r,d]`` (bond dimension D) → the coarse tensor (bond
    dimension ``min(chi, D^2)``) on the 45°-rotated lattice with half as many sites.

    Sublattice A is split as (l d | u r), sublattice B as (l u | r d); the four pieces around a
    plaquette are contracted over the old bonds. ``svd`` is :func:`safe_svd` by default (with
    broadening ``eps``, which may be traced); pass
    ``lambda A: jnp.linalg.svd(A, full_matrices=False)`` to use JAX's own rule.
    """
    chi = _check_int(chi, "chi (the bond dimension kept)", 1)
    T = jnp.asarray(T)
    D = T.shape[0] if T.ndim else 0
    if T.shape != (D, D, D, D):
        raise ValueError(f"T must have four legs of equal dimension (D, D, D, D), got shape {T.shape}")
    if not callable(svd):
        raise TypeError(f"svd must be a function returning (U, s, Vt), got {type(svd).__name__}")
    La, Ra = _split(jnp.transpose(T, (0, 3, 1, 2)).reshape(D * D, D * D), chi, svd, eps)
    Lb, Rb = _split(T.reshape(D * D, D * D), chi, svd, eps)
    k = La.shape[1]
    A_ld = La.reshape(D, D, k)          # [l, d, m]: upper-right corner of a plaquette
    A_ur = Ra.reshape(k, D, D)          # [m, u, r]: lower-left corner
    B_lu = Lb.reshape(D, D, k)          # [l, u, m]: lower-right corner
    B_rd = Rb.reshape(k, D, D)          # [m, r, d]: upper-left corner
    # m1: lower-left (SW), m2: lower-right (SE), m3: upper-right (NE), m4: upper-left (NW)
    T_new = jnp.einsum("iab,bcj,dck,lda->ijkl", A_ur, B_lu, A_ld, B_rd)
    # new legs (l, u, r, d) = (SW, NW, NE, SE), clockwise like the old (W, N, E, S)
    return jnp.transpose(T_new, (0, 3, 2, 1))


def trg_lnz(K, chi: int = 16, n_steps: int = 24, svd=safe_svd, eps=1e-12):
    r""":math:`\ln Z/N` of the square-lattice Ising model at coupling ``K`` by ``n_steps`` TRG
    steps with bond dimension ``chi`` (a lattice of :math:`2^{n}` sites, effectively infinite).

    Differentiable in ``K`` to any order with the default :func:`safe_svd`. The site tensor is
    embedded in a :math:`\chi^4` array of zeros from the start, so that every step has the same
    shape and the whole flow is one ``lax.scan`` (one step to compile, at the price of two or
    three early steps done at full size). ``eps`` is the broadening of :func:`safe_svd`.
    """
    chi = _check_int(chi, "chi (the bond dimension kept)", 2)
    n_steps = _check_int(n_steps, "n_steps (the number of TRG steps)", 1)
    if not callable(svd):
        raise TypeError(f"svd must be a function returning (U, s, Vt), got {type(svd).__name__}")
    T0 = ising_tensor(K)
    T = jnp.zeros((chi,) * 4, dtype=T0.dtype).at[:2, :2, :2, :2].set(T0)

    def body(carry, _):
        T, lnz, w = carry
        c = jnp.linalg.norm(T)
        return (trg_step(T / c, chi, svd, eps), lnz + w * jnp.log(c), w / 2.0), None

    init = (T, jnp.zeros((), dtype=T.dtype), jnp.ones((), dtype=T.dtype))
    (T, lnz, weight), _ = jax.lax.scan(body, init, None, length=n_steps)
    return lnz + weight * jnp.log(jnp.einsum("ijij->", T))


def trg_flow(K, chi: int, n_steps: int = 20):
    r"""``(ln Z/N, discarded)``: :func:`trg_lnz` (default :func:`safe_svd`) together with the
    weight the truncation throws away at each step, :math:`\sum_{i>\chi}s_i^2/\sum_i s_i^2` for
    the sublattice-A split (shape ``(n_steps,)``): how fast the singular values fall decides how
    much a given ``chi`` loses (slowly near :math:`K_c`)."""
    chi = _check_int(chi, "chi (the bond dimension kept)", 2)
    n_steps = _check_int(n_steps, "n_steps (the number of TRG steps)", 1)
    T0 = ising_tensor(K)
    T = jnp.zeros((chi,) * 4, dtype=T0.dtype).at[:2, :2, :2, :2].set(T0)

    def body(carry, _):
        T, lnz, w = carry
        c = jnp.linalg.norm(T)
        T = T / c
        s2 = jnp.linalg.svd(jnp.transpose(T, (0, 3, 1, 2)).reshape(chi * chi, chi * chi), compute_uv=False) ** 2
        return (trg_step(T, chi), lnz + w * jnp.log(c), w / 2.0), jnp.sum(s2[chi:]) / jnp.sum(s2)

    init = (T, jnp.zeros((), dtype=T.dtype), jnp.ones((), dtype=T.dtype))
    (T, lnz, weight), discarded = jax.lax.scan(body, init, None, length=n_steps)
    return lnz + weight * jnp.log(jnp.einsum("ijij->", T)), discarded


def lnz_derivatives(K, chi: int = 8, n_steps: int = 16, order: int = 2):
    r"""``(f, f', ..., f^{(order)})`` with :math:`f(K) = \ln Z/N` from :func:`trg_lnz`, by
    forward mode nested ``order`` times (``jax.jvp`` of ``jax.jvp`` ...): one input, so forward
    mode costs a few forward passes and stores nothing. Energy per site :math:`u/J = -f'`;
    specific heat :math:`c/k_B = K^2 f''` and its slope :math:`c' = 2Kf'' + K^2 f'''`.
    """
    order = _check_int(order, "order (the highest derivative)", 0)
    _check_coupling(K)

    def with_derivative(g):
        def h(k):
            out, tangent = jax.jvp(g, (k,), (jnp.ones_like(k),))
            return (*out, tangent[-1])
        return h

    g = lambda k: (trg_lnz(k, chi, n_steps),)  # noqa: E731
    for _ in range(order):
        g = with_derivative(g)
    return g(jnp.asarray(K, dtype=float))


@lru_cache(maxsize=16)
def derivative_function(chi: int, n_steps: int = 20, order: int = 3):
    """``jax.jit`` of ``K -> lnz_derivatives(K, chi, n_steps, order)``, compiled once per
    (chi, n_steps, order) and cached: the specific-heat peak and the curves of a chapter share
    it."""
    chi = _check_int(chi, "chi (the bond dimension kept)", 2)
    n_steps = _check_int(n_steps, "n_steps (the number of TRG steps)", 1)
    order = _check_int(order, "order (the highest derivative)", 0)
    return jax.jit(lambda K: lnz_derivatives(K, chi, n_steps, order))


class Peak(NamedTuple):
    """Result of :func:`specific_heat_peak`: the coupling of the maximum, the specific heat
    there, the slope c' there (about zero), and the number of evaluations of the derivatives."""

    K: float
    c: float
    slope: float
    evaluations: int


def specific_heat_peak(chi: int, K_lo: float, K_hi: float, n_steps: int = 20, tol: float = 1e-9,
                       max_evaluations: int = 60) -> Peak:
    r"""The maximum of the TRG specific heat :math:`c(K) = K^2 f''(K)` between ``K_lo`` and
    ``K_hi``: the root of :math:`c'(K) = 2Kf'' + K^2f'''`, with :math:`f''` and :math:`f'''`
    from three nested forward-mode derivatives of :func:`trg_lnz` (:func:`derivative_function`),
    found by Brent's method (``scipy.optimize.brentq``) to ``|ΔK| < tol``.

    Raises ``ValueError`` if :math:`c'` does not change sign on the bracket.
    """
    from scipy.optimize import brentq

    _check_coupling(K_lo, "K_lo")
    _check_coupling(K_hi, "K_hi")
    if not float(K_lo) < float(K_hi):
        raise ValueError(f"need K_lo < K_hi for a bracket, got K_lo={K_lo!r}, K_hi={K_hi!r}")
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not math.isfinite(tol) or tol <= 0:
        raise ValueError(f"tol must be a finite number > 0, got {tol!r}")
    max_evaluations = _check_int(max_evaluations, "max_evaluations", 3)
    fn = derivative_function(chi, n_steps, 3)
    seen: dict[float, tuple[float, float]] = {}

    def slope(K):
        _, _, f2, f3 = (float(v) for v in fn(K))
        seen[K] = (K * K * f2, 2 * K * f2 + K * K * f3)
        return seen[K][1]

    a, b = float(K_lo), float(K_hi)
    ga, gb = slope(a), slope(b)
    if not (np.isfinite(ga) and np.isfinite(gb)) or ga * gb > 0:
        raise ValueError(f"c'(K) does not change sign between K_lo={K_lo} and K_hi={K_hi} "
                         f"(c' = {ga:.3g} and {gb:.3g}): the bracket holds no single peak")
    K = brentq(slope, a, b, xtol=tol, rtol=4 * np.finfo(float).eps, maxiter=max_evaluations)
    if K not in seen:
        slope(K)
    c, g = seen[K]
    return Peak(float(K), c, g, len(seen))


# --------------------------------------------------------------------------- transfer matrix
def strip_transfer_matrix(K, width: int):
    r"""Row-to-row transfer matrix of the Ising model on a periodic strip of ``width`` spins,
    :math:`\mathcal T_{ss'} = \exp\{K[\sum_i s_is'_i + \tfrac12\sum_i(s_is_{i+1} + s'_is'_{i+1})]\}`
    (the bonds inside a row split half and half, so that :math:`\mathcal T` is symmetric);
    shape :math:`(2^W, 2^W)`, rows ordered by the binary digits of the configuration
    (digit 1 = spin down). Differentiable in ``K``."""
    _check_coupling(K)
    W = _check_int(width, "width (spins in a row)", 2)
    if W > 12:
        raise ValueError(f"width {W} would make a {2**W}x{2**W} matrix; use at most 12")
    spins = 1 - 2 * ((np.arange(2**W)[:, None] >> np.arange(W)) & 1)
    intra = np.sum(spins * np.roll(spins, 1, axis=1), axis=1)
    inter = spins @ spins.T
    return jnp.exp(K * (inter + 0.5 * (intra[:, None] + intra[None, :])))


# --------------------------------------------------------------------------- uniform MPS
_SX = np.array([[0.0, 1.0], [1.0, 0.0]])
_SZ = np.array([[1.0, 0.0], [0.0, -1.0]])


def _check_field(h) -> float:
    if isinstance(h, (bool, np.bool_)) or not isinstance(h, (int, float, np.integer, np.floating)) \
            or not math.isfinite(h) or h < 0:
        raise ValueError(f"the transverse field h (in units of J) must be a finite number >= 0, got {h!r}")
    return float(h)


def tfim_bond(h: float) -> np.ndarray:
    r"""Two-site term :math:`h_{i,i+1} = -\sigma^z_i\sigma^z_{i+1} - \tfrac h2(\sigma^x_i +
    \sigma^x_{i+1})` of the transverse-field Ising chain, as ``H[s1', s2', s1, s2]``."""
    h = _check_field(h)
    H = -np.kron(_SZ, _SZ) - 0.5 * h * (np.kron(_SX, np.eye(2)) + np.kron(np.eye(2), _SX))
    return H.reshape(2, 2, 2, 2)


def tfim_exact_energy(h: float) -> float:
    r"""Exact ground-state energy per site of :math:`H = -\sum\sigma^z_i\sigma^z_{i+1} -
    h\sum\sigma^x_i` on the infinite chain, :math:`e_0 = -\frac1\pi\int_0^\pi
    \sqrt{1 + h^2 - 2h\cos k}\,dk` (Pfeuty 1970); :math:`-4/\pi` at the critical field
    :math:`h = 1`."""
    h = _check_field(h)
    val, _ = integrate.quad(lambda k: math.sqrt(max(0.0, 1 + h * h - 2 * h * math.cos(k))), 0.0, math.pi,
                            epsabs=1e-14, epsrel=1e-13, limit=200)
    return -val / math.pi


def _check_mps(A):
    A = jnp.asarray(A)
    if A.ndim != 3 or A.shape[1] != 2 or A.shape[0] != A.shape[2]:
        raise ValueError(f"the MPS tensor must have shape (D, 2, D) = (left bond, spin, right bond), "
                         f"got {A.shape}")
    if not _is_traced(A) and not np.all(np.isfinite(np.asarray(A))):
        raise ValueError("the MPS tensor contains NaN or infinite entries")
    return A


def _power_map(v, P):
    w = P @ v
    return w / jnp.linalg.norm(w)


def umps_energy(A, h: float, tol: float = 1e-12, max_iter: int = 2000, squarings: int = 6,
                freeze_environment: bool = False):
    r"""Energy per site :math:`\langle\psi|h_{i,i+1}|\psi\rangle/\langle\psi|\psi\rangle` of the
    uniform MPS with real tensor ``A[a, s, b]`` (shape (D, 2, D)) for the transverse-field Ising
    chain (:func:`tfim_bond`).

    The left and right dominant eigenvectors :math:`l, r` of the transfer matrix
    :math:`E = \sum_s A^s\otimes A^s` are fixed points of power iteration with
    :math:`E^{2^m}` (``squarings`` = m, normalised after each squaring, so that a small gap
    :math:`1 - |\lambda_2/\lambda_1|` still converges in a few iterations), found by
    :func:`helpers.fixedpoint.fixed_point`: reverse mode differentiates them by the implicit
    function theorem. The energy is not stationary in :math:`l` and :math:`r`, so the adjoint
    solves are genuine. A variational upper bound on :func:`tfim_exact_energy`.
    ``freeze_environment=True`` stops the gradient at :math:`l` and :math:`r` (the wrong
    adjoint, for comparison)."""
    A = _check_mps(A)
    squarings = _check_int(squarings, "squarings", 0)
    H = jnp.asarray(tfim_bond(h))
    D = A.shape[0]
    E = jnp.einsum("asb,csd->acbd", A, A).reshape(D * D, D * D)
    P = E / jnp.linalg.norm(E)
    for _ in range(squarings):
        P = P @ P
        P = P / jnp.linalg.norm(P)
    start = (jnp.eye(D, dtype=A.dtype) / math.sqrt(D)).reshape(-1)
    r = fixed_point(_power_map, P, start, tol, max_iter).reshape(D, D)
    l = fixed_point(_power_map, P.T, start, tol, max_iter).reshape(D, D)  # noqa: E741
    if freeze_environment:
        l, r = jax.lax.stop_gradient(l), jax.lax.stop_gradient(r)  # noqa: E741
    theta = jnp.einsum("asb,btc->astc", A, A)
    norm = jnp.einsum("ac,astb,cstd,bd->", l, theta, theta, r)
    h_theta = jnp.einsum("uvst,astb->auvb", H, theta)
    return jnp.einsum("ac,auvb,cuvd,bd->", l, h_theta, theta, r) / norm


class UMPSResult(NamedTuple):
    """Result of :func:`umps_optimize`: the tensor, the energy per site, the number of L-BFGS
    iterations, and the energy after each iteration."""

    A: np.ndarray
    energy: float
    iterations: int
    history: np.ndarray


@lru_cache(maxsize=8)
def umps_value_and_grad(D: int, h: float):
    """``jax.jit(jax.value_and_grad(...))`` of :func:`umps_energy` as a function of the
    :math:`2D^2` entries of ``A`` (flattened), compiled once per (D, h) and cached."""
    D = _check_int(D, "D (the MPS bond dimension)", 1)
    h = _check_field(h)
    return jax.jit(jax.value_and_grad(lambda x: umps_energy(x.reshape(D, 2, D), h)))


def umps_optimize(D: int, h: float, seed: int = 0, gtol: float = 1e-9, maxiter: int = 2000,
                  A0=None) -> UMPSResult:
    r"""Minimise :func:`umps_energy` over the :math:`2D^2` entries of ``A`` with scipy's L-BFGS
    and JAX gradients, from a random tensor (normal entries, ``seed``) or from ``A0``; one
    compilation per (D, h)."""
    from scipy.optimize import minimize

    D = _check_int(D, "D (the MPS bond dimension)", 1)
    h = _check_field(h)
    if A0 is None:
        A0 = np.random.default_rng(seed).standard_normal((D, 2, D))
    A0 = np.asarray(_check_mps(A0), dtype=float)
    if A0.shape[0] != D:
        raise ValueError(f"A0 has bond dimension {A0.shape[0]}, expected D = {D}")
    fun = umps_value_and_grad(D, h)
    history: list[float] = []

    def f(x):
        v, g = fun(jnp.asarray(x))
        return float(v), np.asarray(g, dtype=float)

    res = minimize(f, A0.reshape(-1), jac=True, method="L-BFGS-B",
                   callback=lambda xk: history.append(f(xk)[0]), options=dict(gtol=gtol, maxiter=maxiter))
    return UMPSResult(res.x.reshape(D, 2, D), float(res.fun), int(res.nit), np.asarray(history))


# --------------------------------------------------------------------------- Onsager
def _modulus(K: float) -> float:
    return 2.0 * math.sinh(2 * K) / math.cosh(2 * K) ** 2


def _check_K(K) -> np.ndarray:
    arr = np.asarray(K, dtype=float)
    if np.any(~np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"the coupling K = J/(k_B T) must be finite and >= 0, got {K!r}")
    return arr


def onsager_lnz(K):
    r"""Exact :math:`\ln Z/N` of the infinite square-lattice Ising model (Onsager 1944),
    :math:`\ln(2\cosh 2K) + \frac1\pi\int_0^{\pi/2}\ln\tfrac12(1+\sqrt{1-k^2\sin^2\theta})d\theta`,
    by adaptive quadrature (``scipy.integrate.quad``, absolute error below 1e-13).
    Accepts a number or an array."""
    arr = _check_K(K)

    def one(k_val: float) -> float:
        k = _modulus(k_val)
        f = lambda th: math.log(0.5 * (1.0 + math.sqrt(max(0.0, 1.0 - (k * math.sin(th)) ** 2))))  # noqa: E731
        val, _ = integrate.quad(f, 0.0, math.pi / 2, epsabs=1e-14, epsrel=1e-13, limit=200)
        return math.log(2.0 * math.cosh(2 * k_val)) + val / math.pi

    out = np.vectorize(one, otypes=[float])(arr)
    return float(out) if out.ndim == 0 else out


def onsager_energy(K):
    r"""Exact energy per site :math:`u/J = -\partial(\ln Z/N)/\partial K
    = -\coth 2K\,[1 + \tfrac2\pi(2\tanh^2 2K - 1)\,\mathcal K(k)]`, with the complete elliptic
    integral :math:`\mathcal K(k) = \int_0^{\pi/2}(1-k^2\sin^2\theta)^{-1/2}d\theta`."""
    arr = _check_K(K)
    if np.any(arr == 0):
        raise ValueError("onsager_energy needs K > 0")
    k = 2.0 * np.sinh(2 * arr) / np.cosh(2 * arr) ** 2
    t2 = np.tanh(2 * arr) ** 2
    # at K_c the product (2 tanh^2 - 1) K(k) -> 0; guard the log-divergent K(k)
    Kk = special.ellipk(np.minimum(k**2, 1.0 - 1e-300))
    out = -1.0 / np.tanh(2 * arr) * (1.0 + 2.0 / np.pi * (2.0 * t2 - 1.0) * Kk)
    return float(out) if out.ndim == 0 else out


def onsager_specific_heat(K):
    r"""Exact specific heat per site :math:`c/k_B = K^2\,\partial^2(\ln Z/N)/\partial K^2
    = \tfrac4\pi(K\coth 2K)^2\{\mathcal K(k) - \mathcal E(k) - (1-\tanh^2 2K)
    [\tfrac\pi2 + (2\tanh^2 2K - 1)\mathcal K(k)]\}`; log-divergent at :math:`K_c`."""
    arr = _check_K(K)
    if np.any(arr == 0):
        raise ValueError("onsager_specific_heat needs K > 0")
    k = 2.0 * np.sinh(2 * arr) / np.cosh(2 * arr) ** 2
    m = np.minimum(k**2, 1.0 - 1e-16)
    Kk, Ek = special.ellipk(m), special.ellipe(m)
    t2 = np.tanh(2 * arr) ** 2
    out = (4.0 / np.pi) * (arr / np.tanh(2 * arr)) ** 2 * (
        Kk - Ek - (1.0 - t2) * (np.pi / 2 + (2.0 * t2 - 1.0) * Kk))
    return float(out) if out.ndim == 0 else out
