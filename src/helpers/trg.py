r"""The 2D classical Ising model as a tensor network, Levin-Nave tensor renormalization group
(TRG) in JAX, a singular value decomposition whose derivative is safe at degenerate singular
values, and Onsager's exact solution for comparison.

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

**Onsager.** :math:`\ln Z/N = \ln(2\cosh 2K) + \frac1\pi\int_0^{\pi/2}
\ln\tfrac12\big(1+\sqrt{1-k^2\sin^2\theta}\big)\,d\theta` with :math:`k = 2\sinh 2K/\cosh^2 2K`;
energy and specific heat per site from the complete elliptic integrals (:func:`onsager_energy`,
:func:`onsager_specific_heat`). :math:`K_c = \tfrac12\ln(1+\sqrt2)`.
"""

from __future__ import annotations

import math
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from scipy import integrate, special

__all__ = [
    "K_C",
    "ising_tensor",
    "safe_svd",
    "trg_step",
    "trg_lnz",
    "lnz_derivatives",
    "onsager_lnz",
    "onsager_energy",
    "onsager_specific_heat",
]

#: Critical coupling of the square-lattice Ising model, :math:`K_c = \tfrac12\ln(1+\sqrt2)`.
K_C: float = 0.5 * math.log(1.0 + math.sqrt(2.0))


def ising_tensor(K):
    r"""Site tensor :math:`T_{lurd} = \sum_s M_{sl}M_{su}M_{sr}M_{sd}` of the ferromagnetic Ising
    model at coupling :math:`K = \beta J > 0`; shape (2, 2, 2, 2), differentiable in ``K``."""
    K = jnp.asarray(K, dtype=float)
    c, s = jnp.sqrt(jnp.cosh(K)), jnp.sqrt(jnp.sinh(K))
    M = jnp.array([[c, s], [c, -s]])
    return jnp.einsum("al,au,ar,ad->lurd", M, M, M, M)


# --------------------------------------------------------------------------- safe SVD
@partial(jax.custom_jvp, nondiff_argnums=(1,))
def safe_svd(A, eps: float = 1e-12):
    r"""Thin SVD ``U, s, Vt`` of a real square matrix whose derivative is finite at degenerate
    (or zero) singular values.

    Forward rule, with :math:`dP = U^\top dA\,V`: :math:`ds = \operatorname{diag} dP`,
    :math:`dU = U[F\circ(dP\,S + S\,dP^\top)]`, :math:`dV = V[F\circ(S\,dP + dP^\top S)]`, where
    :math:`F_{ij} = \Delta_{ij}/(\Delta_{ij}^2 + \epsilon)`, :math:`\Delta_{ij} = s_j^2 - s_i^2`
    (so :math:`F_{ii} = 0`). With :math:`\epsilon = 0` this is the exact rule; a small
    :math:`\epsilon` removes the poles at :math:`s_i = s_j` while changing well-separated pairs
    only by a relative :math:`O(\epsilon/\Delta^2)`. Square matrices only: then :math:`U` and
    :math:`V` are complete and the rule needs no projector terms.
    """
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"safe_svd handles square matrices only; got shape {A.shape}")
    U, s, Vt = jnp.linalg.svd(A, full_matrices=False)
    return U, s, Vt


@safe_svd.defjvp
def _safe_svd_jvp(eps, primals, tangents):
    (A,), (dA,) = primals, tangents
    U, s, Vt = safe_svd(A, eps)
    V = Vt.T
    dP = U.T @ dA @ V
    ds = jnp.diagonal(dP)
    delta = s[None, :] ** 2 - s[:, None] ** 2
    F = delta / (delta**2 + eps)
    S = jnp.diag(s)
    dU = U @ (F * (dP @ S + S @ dP.T))
    dV = V @ (F * (S @ dP + dP.T @ S))
    return (U, s, Vt), (dU, ds, dV.T)


# --------------------------------------------------------------------------- TRG
def _split(mat, chi: int, svd):
    """Truncated symmetric split ``mat ≈ L @ R``, ``L = U_k S_k^{1/2}``, ``R = S_k^{1/2} V_k^T``,
    keeping at most ``chi`` singular values."""
    U, s, Vt = svd(mat)
    k = min(chi, s.shape[0])
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


def trg_step(T, chi: int, svd=safe_svd):
    r"""One Levin-Nave step: ``T[l,u,r,d]`` (bond dimension D) → the coarse tensor (bond
    dimension ``min(chi, D^2)``) on the 45°-rotated lattice with half as many sites.

    Sublattice A is split as (l d | u r), sublattice B as (l u | r d); the four pieces around a
    plaquette are contracted over the old bonds. ``svd`` is :func:`safe_svd` by default; pass
    ``jnp.linalg.svd`` (with ``full_matrices=False``) to use JAX's own rule.
    """
    D = T.shape[0]
    if T.shape != (D, D, D, D):
        raise ValueError(f"T must have four legs of equal dimension, got shape {T.shape}")
    La, Ra = _split(jnp.transpose(T, (0, 3, 1, 2)).reshape(D * D, D * D), chi, svd)
    Lb, Rb = _split(T.reshape(D * D, D * D), chi, svd)
    k = La.shape[1]
    A_ld = La.reshape(D, D, k)          # [l, d, m]: upper-right corner of a plaquette
    A_ur = Ra.reshape(k, D, D)          # [m, u, r]: lower-left corner
    B_lu = Lb.reshape(D, D, k)          # [l, u, m]: lower-right corner
    B_rd = Rb.reshape(k, D, D)          # [m, r, d]: upper-left corner
    # m1: lower-left (SW), m2: lower-right (SE), m3: upper-right (NE), m4: upper-left (NW)
    T_new = jnp.einsum("iab,bcj,dck,lda->ijkl", A_ur, B_lu, A_ld, B_rd)
    # new legs (l, u, r, d) = (SW, NW, NE, SE), clockwise like the old (W, N, E, S)
    return jnp.transpose(T_new, (0, 3, 2, 1))


def trg_lnz(K, chi: int = 16, n_steps: int = 24, svd=safe_svd):
    r""":math:`\ln Z/N` of the square-lattice Ising model at coupling ``K`` by ``n_steps`` TRG
    steps with bond dimension ``chi`` (a lattice of :math:`2^{n}` sites, effectively infinite).

    Differentiable in ``K`` to any order with the default :func:`safe_svd`. The first steps,
    while the bond dimension grows (2, 4, 16, ...), are unrolled; the rest run in a
    ``lax.scan`` with fixed shapes, which keeps compilation short.
    """
    if chi < 2:
        raise ValueError(f"chi must be at least 2, got {chi}")
    if n_steps < 1:
        raise ValueError(f"n_steps must be at least 1, got {n_steps}")
    T = ising_tensor(K)
    lnz = jnp.zeros(())
    weight = 1.0
    step = 0
    while step < n_steps and min(chi, T.shape[0] ** 2) != T.shape[0]:
        c = jnp.linalg.norm(T)
        lnz = lnz + weight * jnp.log(c)
        T = trg_step(T / c, chi, svd)
        weight /= 2.0
        step += 1
    n_rest = n_steps - step

    def body(carry, _):
        T, lnz, w = carry
        c = jnp.linalg.norm(T)
        return (trg_step(T / c, chi, svd), lnz + w * jnp.log(c), w / 2.0), None

    if n_rest > 0:
        (T, lnz, weight), _ = jax.lax.scan(body, (T, lnz, jnp.asarray(weight)), None, length=n_rest)
    return lnz + weight * jnp.log(jnp.einsum("ijij->", T))


def lnz_derivatives(K, chi: int = 8, n_steps: int = 16):
    r"""``(f, f', f'')`` with :math:`f(K) = \ln Z/N` from :func:`trg_lnz`, by forward mode nested
    twice (``jax.jvp`` of ``jax.jvp``): one input, so forward mode costs a few forward passes
    and stores nothing. Energy per site :math:`u/J = -f'`; specific heat
    :math:`c/k_B = K^2 f''`.

    (Reverse over reverse, ``jax.grad(jax.grad(...))``, gives the same numbers when the steps
    are unrolled in Python, but through the ``lax.scan`` of :func:`trg_lnz` it returns NaN with
    jax 0.10: the custom JVP rule of :func:`safe_svd` is not used consistently there.)
    """
    f = lambda k: trg_lnz(k, chi, n_steps)  # noqa: E731

    def first(k):
        return jax.jvp(f, (k,), (jnp.ones_like(k),))

    (f0, f1), (_, f2) = jax.jvp(first, (K,), (jnp.ones_like(K),))
    return f0, f1, f2


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
