r"""s-type Gaussian integrals and a restricted Hartree-Fock SCF, written in JAX so that every
number is differentiable with respect to the basis exponents and centres.

A normalised s-type Gaussian centred at :math:`\mathbf A` with exponent :math:`\alpha > 0` is

.. math::  g_{\alpha,\mathbf A}(\mathbf r) = \left(\tfrac{2\alpha}{\pi}\right)^{3/4}
           e^{-\alpha |\mathbf r - \mathbf A|^2}.

With :math:`p = \alpha+\beta`, :math:`\mu = \alpha\beta/p`, :math:`\mathbf P = (\alpha\mathbf A +
\beta\mathbf B)/p` and :math:`R_{AB}^2 = |\mathbf A - \mathbf B|^2`, the integrals used here are
(atomic units, all on normalised functions, :math:`N_\alpha = (2\alpha/\pi)^{3/4}`):

* overlap :math:`S_{ab} = N_\alpha N_\beta (\pi/p)^{3/2} e^{-\mu R_{AB}^2}`;
* kinetic energy :math:`T_{ab} = \mu\,(3 - 2\mu R_{AB}^2)\,S_{ab}`;
* attraction to a nucleus of charge :math:`Z` at :math:`\mathbf C`:
  :math:`V_{ab} = -Z\,N_\alpha N_\beta\,\frac{2\pi}{p}\,e^{-\mu R_{AB}^2}\,F_0(p\,|\mathbf P-\mathbf C|^2)`;
* electron repulsion (chemists' notation), with :math:`q, \nu, \mathbf Q` for the pair
  :math:`cd`: :math:`(ab|cd) = N_aN_bN_cN_d\,\frac{2\pi^{5/2}}{pq\sqrt{p+q}}
  e^{-\mu R_{AB}^2 - \nu R_{CD}^2}\,F_0\!\left(\tfrac{pq}{p+q}|\mathbf P - \mathbf Q|^2\right)`;

where :math:`F_0(t) = \int_0^1 e^{-tu^2}du = \tfrac12\sqrt{\pi/t}\,\operatorname{erf}\sqrt t` is
the zeroth Boys function (:func:`boys0`).

The self-consistent field (SCF) of closed-shell restricted Hartree-Fock iterates the map
:math:`P \mapsto G(P)`: build the Fock matrix
:math:`F_{\mu\nu} = H_{\mu\nu} + \sum_{\lambda\sigma} P_{\lambda\sigma}[(\mu\nu|\lambda\sigma)
- \tfrac12(\mu\lambda|\nu\sigma)]`, solve :math:`FC = SC\varepsilon` by Löwdin orthogonalisation
(:func:`generalized_eigh`), and return :math:`P = 2\sum_{i\le n_{occ}} C_i C_i^\top`. The energy is
:math:`E = \tfrac12\operatorname{tr}[P(H+F)] + E_{nn}` (:func:`hf_energy`).

Two ways to differentiate the converged energy are provided: :func:`scf_energy_unrolled` runs a
fixed number of iterations and lets reverse mode go through all of them, and
:func:`scf_energy_implicit` finds the fixed point :math:`P^* = G(P^*)` with a ``while_loop`` and
differentiates it by the implicit function theorem (:func:`helpers.fixedpoint.fixed_point`).

For the energy the implicit adjoint is trivial: at convergence the Fock matrix has no
occupied-virtual block, so :math:`(\partial G/\partial P)^\top F = 0` and the adjoint of the
fixed point is :math:`\bar P = F` itself; what remains is the Hellmann-Feynman term plus the
Pulay term :math:`-\operatorname{tr}(W\,\partial S/\partial\theta)`,
:math:`W = \tfrac12 PFP`. A property that is not stationary, :math:`\operatorname{tr}(P^*O)`
with an operator :math:`O` such as the dipole (:func:`dipole_matrix`), needs the full response
of the density (coupled-perturbed Hartree-Fock), which :func:`scf_density` supplies.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import erf

from helpers.fixedpoint import fixed_point, unrolled_fixed_point

__all__ = [
    "boys0",
    "dipole_matrix",
    "scf_density",
    "norm_s",
    "overlap_matrix",
    "kinetic_matrix",
    "nuclear_matrix",
    "eri_tensor",
    "Integrals",
    "integrals",
    "nuclear_repulsion",
    "generalized_eigh",
    "fock_matrix",
    "scf_map",
    "hf_energy",
    "scf_energy_unrolled",
    "scf_energy_implicit",
    "one_electron_energy",
    "even_tempered",
]

_BOYS_SWITCH = 1e-3


def _concrete(x):
    """``x`` as a numpy array when it holds concrete numbers, ``None`` inside a JAX trace (where
    values cannot be inspected: the checks below apply to concrete inputs only)."""
    leaves = jax.tree_util.tree_leaves(x)
    if any(isinstance(v, jax.core.Tracer) for v in leaves):
        return None
    return np.asarray(x, dtype=float)


def _check_finite(name: str, x, what: str) -> None:
    arr = _concrete(x)
    if arr is not None and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite ({what}); got {arr}")


def boys0(t):
    r"""Zeroth Boys function :math:`F_0(t) = \int_0^1 e^{-t u^2}\,du`, safe for autodiff at 0.

    For :math:`t \ge 10^{-3}` it is :math:`\tfrac12\sqrt{\pi/t}\,\operatorname{erf}\sqrt t`; below,
    the Taylor series :math:`1 - t/3 + t^2/10 - t^3/42 + t^4/216` (error below
    :math:`t^5/1320 < 10^{-18}`). The erf branch is evaluated at a *safe* argument
    (``jnp.where`` inside as well as outside), so that neither branch produces ``inf`` or ``nan``
    whose zero-weighted gradient would still poison the result: ``jax.grad(boys0)(0.0)`` is
    :math:`-1/3`, as it should be.
    """
    t = jnp.asarray(t)
    tc = _concrete(t)
    if tc is not None and (not np.all(np.isfinite(tc)) or np.any(tc < 0)):
        raise ValueError(f"boys0 needs finite arguments t >= 0 (t = p|P - C|^2 is a squared distance "
                         f"times an exponent); got {tc}")
    small = t < _BOYS_SWITCH
    t_big = jnp.where(small, 1.0, t)  # keeps sqrt(t) and 1/sqrt(t) finite in the unused branch
    x = jnp.sqrt(t_big)
    big_branch = 0.5 * jnp.sqrt(jnp.pi) * erf(x) / x
    series = 1.0 - t / 3.0 + t**2 / 10.0 - t**3 / 42.0 + t**4 / 216.0
    return jnp.where(small, series, big_branch)


def norm_s(alpha):
    r"""Normalisation :math:`N_\alpha = (2\alpha/\pi)^{3/4}` of an s-type Gaussian."""
    return (2.0 * alpha / jnp.pi) ** 0.75


def _check_basis(alphas, centers):
    alphas = jnp.asarray(alphas)
    centers = jnp.asarray(centers)
    if alphas.ndim != 1:
        raise ValueError(f"alphas must be a 1-D array of exponents, got shape {alphas.shape}")
    if centers.shape != (alphas.shape[0], 3):
        raise ValueError(
            f"centers must have shape (n, 3) = ({alphas.shape[0]}, 3), one 3-D point per exponent; "
            f"got shape {centers.shape}"
        )
    a = _concrete(alphas)
    if a is not None and (not np.all(np.isfinite(a)) or np.any(a <= 0)):
        raise ValueError(f"every exponent must be a finite positive number, got {a}")
    _check_finite("centers", centers, "one 3-D position in bohr per basis function")
    return alphas, centers


def _check_nuclei(nuclei, charges):
    nuclei = jnp.asarray(nuclei, dtype=float)
    charges = jnp.asarray(charges, dtype=float)
    if nuclei.ndim not in (1, 2) or nuclei.shape[-1] != 3 or (nuclei.ndim == 1 and nuclei.shape[0] != 3):
        raise ValueError(f"nuclei must have shape (m, 3), one 3-D position per nucleus; got shape {nuclei.shape}")
    nuclei = nuclei.reshape(-1, 3)
    if charges.ndim > 1:
        raise ValueError(f"charges must be a number or a 1-D array, one per nucleus; got shape {charges.shape}")
    charges = charges.reshape(-1)
    if charges.shape[0] != nuclei.shape[0]:
        raise ValueError(f"one charge per nucleus: got {charges.shape[0]} charges for {nuclei.shape[0]} nuclei")
    _check_finite("nuclei", nuclei, "positions in bohr")
    _check_finite("charges", charges, "nuclear charges in units of e")
    return nuclei, charges


def _pair(alphas, centers):
    """Pair quantities p, mu, P, R_AB^2 and the prefactor N_a N_b exp(-mu R^2)."""
    a = alphas[:, None]
    b = alphas[None, :]
    p = a + b
    mu = a * b / p
    d = centers[:, None, :] - centers[None, :, :]
    r2 = jnp.sum(d * d, axis=-1)
    P = (a[..., None] * centers[:, None, :] + b[..., None] * centers[None, :, :]) / p[..., None]
    pref = norm_s(a) * norm_s(b) * jnp.exp(-mu * r2)
    return p, mu, P, r2, pref


def overlap_matrix(alphas, centers):
    r"""Overlap matrix :math:`S_{ab} = N_aN_b(\pi/p)^{3/2}e^{-\mu R_{AB}^2}`; ones on the diagonal."""
    alphas, centers = _check_basis(alphas, centers)
    p, _, _, _, pref = _pair(alphas, centers)
    return pref * (jnp.pi / p) ** 1.5


def kinetic_matrix(alphas, centers):
    r"""Kinetic-energy matrix :math:`T_{ab} = \langle a|-\tfrac12\nabla^2|b\rangle = \mu(3 - 2\mu R_{AB}^2) S_{ab}`."""
    alphas, centers = _check_basis(alphas, centers)
    p, mu, _, r2, pref = _pair(alphas, centers)
    return mu * (3.0 - 2.0 * mu * r2) * pref * (jnp.pi / p) ** 1.5


def nuclear_matrix(alphas, centers, nuclei, charges):
    r"""Electron-nuclear attraction :math:`V_{ab} = -\sum_C Z_C \frac{2\pi}{p} N_aN_b
    e^{-\mu R_{AB}^2} F_0(p|\mathbf P - \mathbf C|^2)`, summed over the nuclei."""
    alphas, centers = _check_basis(alphas, centers)
    nuclei, charges = _check_nuclei(nuclei, charges)
    p, _, P, _, pref = _pair(alphas, centers)
    d = P[:, :, None, :] - nuclei[None, None, :, :]
    t = p[..., None] * jnp.sum(d * d, axis=-1)
    return -jnp.sum(charges * boys0(t), axis=-1) * 2.0 * jnp.pi / p * pref


def dipole_matrix(alphas, centers, axis: int = 2):
    r"""Matrix of one Cartesian coordinate, :math:`D_{ab} = \langle a|r_{axis}|b\rangle =
    S_{ab}\,P_{ab,axis}` (the Gaussian product theorem puts the centroid of
    :math:`g_ag_b` at :math:`\mathbf P`); ``axis`` 0, 1, 2 for x, y, z, origin at 0. An electron
    in a uniform field :math:`\mathcal E` along that axis has the potential energy
    :math:`+\mathcal E\,r_{axis}` (charge :math:`-e`): add :math:`\mathcal E D` to the core
    Hamiltonian."""
    if isinstance(axis, bool) or axis not in (0, 1, 2):
        raise ValueError(f"axis must be 0, 1 or 2 (x, y or z), got {axis!r}")
    alphas, centers = _check_basis(alphas, centers)
    p, _, P, _, pref = _pair(alphas, centers)
    return pref * (jnp.pi / p) ** 1.5 * P[..., axis]


def eri_tensor(alphas, centers):
    r"""Two-electron repulsion integrals :math:`(ab|cd)` in chemists' notation, shape (n, n, n, n)."""
    alphas, centers = _check_basis(alphas, centers)
    p, _, P, _, pref = _pair(alphas, centers)
    pp = p[:, :, None, None]
    qq = p[None, None, :, :]
    dPQ = P[:, :, None, None, :] - P[None, None, :, :, :]
    t = pp * qq / (pp + qq) * jnp.sum(dPQ * dPQ, axis=-1)
    return (2.0 * jnp.pi**2.5 / (pp * qq * jnp.sqrt(pp + qq))
            * pref[:, :, None, None] * pref[None, None, :, :] * boys0(t))


def nuclear_repulsion(nuclei, charges):
    r""":math:`E_{nn} = \sum_{C<D} Z_C Z_D / |\mathbf C - \mathbf D|`."""
    nuclei, charges = _check_nuclei(nuclei, charges)
    n = nuclei.shape[0]
    if n < 2:
        return jnp.zeros(())
    i, j = np.triu_indices(n, 1)
    r = jnp.linalg.norm(nuclei[i] - nuclei[j], axis=-1)
    rc = _concrete(r)
    if rc is not None and np.any(rc == 0):
        raise ValueError("two nuclei sit at the same position: their repulsion is infinite")
    return jnp.sum(charges[i] * charges[j] / r)


class Integrals(NamedTuple):
    """The matrices an SCF needs: overlap ``S``, core Hamiltonian ``H = T + V``, ``eri`` and ``e_nn``."""

    S: jnp.ndarray
    H: jnp.ndarray
    eri: jnp.ndarray
    e_nn: jnp.ndarray


def integrals(alphas, centers, nuclei, charges) -> Integrals:
    """All integrals of an s-type basis (exponents ``alphas``, positions ``centers``) for the
    nuclei at ``nuclei`` (shape (m, 3)) with ``charges`` (shape (m,))."""
    S = overlap_matrix(alphas, centers)
    H = kinetic_matrix(alphas, centers) + nuclear_matrix(alphas, centers, nuclei, charges)
    return Integrals(S, H, eri_tensor(alphas, centers), nuclear_repulsion(nuclei, charges))


def generalized_eigh(F, S):
    r"""Solve :math:`F C = S C \varepsilon` by Löwdin (symmetric) orthogonalisation.

    :math:`X = S^{-1/2} = U s^{-1/2} U^\top` from the eigen-decomposition of the overlap; then
    :math:`F' = X^\top F X` is an ordinary symmetric problem :math:`F'C' = C'\varepsilon` and
    :math:`C = XC'` satisfies :math:`C^\top S C = 1`. Returns ``(eps, C)`` in ascending order.
    """
    F, S = jnp.asarray(F), jnp.asarray(S)
    if F.ndim != 2 or F.shape[0] != F.shape[1] or S.shape != F.shape:
        raise ValueError(f"F and S must be square matrices of the same shape, got {F.shape} and {S.shape}")
    s, U = jnp.linalg.eigh(S)
    sc = _concrete(s)
    if sc is not None and (not np.all(np.isfinite(sc)) or sc[0] <= 0):
        raise ValueError(f"the overlap matrix S must be positive definite (its smallest eigenvalue is "
                         f"{sc[0]:.3g}): two basis functions are identical or linearly dependent")
    X = (U / jnp.sqrt(s)) @ U.T
    eps, Cp = jnp.linalg.eigh(X.T @ F @ X)
    return eps, X @ Cp


def fock_matrix(P, H, eri):
    r"""Closed-shell Fock matrix :math:`F = H + J - \tfrac12 K`, :math:`J_{\mu\nu} = \sum
    (\mu\nu|\lambda\sigma)P_{\lambda\sigma}`, :math:`K_{\mu\nu} = \sum(\mu\lambda|\nu\sigma)P_{\lambda\sigma}`."""
    n = H.shape[0]
    if P.shape != (n, n) or H.shape != (n, n) or eri.shape != (n, n, n, n):
        raise ValueError(f"need P and H of shape (n, n) and eri of shape (n, n, n, n); got {P.shape}, "
                         f"{H.shape}, {eri.shape}")
    J = jnp.einsum("mnls,ls->mn", eri, P)
    K = jnp.einsum("mlns,ls->mn", eri, P)
    return H + J - 0.5 * K


def scf_map(P, ints: Integrals, n_occ: int):
    r"""One SCF iteration :math:`G(P)`: Fock matrix, generalised eigenproblem, aufbau density
    :math:`P = 2\sum_{i<n_{occ}} C_iC_i^\top`."""
    if isinstance(n_occ, bool) or not isinstance(n_occ, (int, np.integer)) or not 1 <= n_occ <= ints.H.shape[0]:
        raise ValueError(f"n_occ must be a whole number of occupied orbitals between 1 and the basis size "
                         f"{ints.H.shape[0]}, got {n_occ!r}")
    F = fock_matrix(P, ints.H, ints.eri)
    _, C = generalized_eigh(F, ints.S)
    Cocc = C[:, :n_occ]
    return 2.0 * Cocc @ Cocc.T


def hf_energy(P, ints: Integrals):
    r"""Closed-shell HF energy :math:`E = \tfrac12\operatorname{tr}[P(H + F)] + E_{nn}`."""
    F = fock_matrix(P, ints.H, ints.eri)
    return 0.5 * jnp.sum(P * (ints.H + F)) + ints.e_nn


def _n_occ(n_electrons: int) -> int:
    if isinstance(n_electrons, bool) or not isinstance(n_electrons, (int, np.integer)) or n_electrons <= 0 \
            or n_electrons % 2:
        raise ValueError(f"closed-shell RHF needs a positive even number of electrons, got {n_electrons}")
    return n_electrons // 2


def scf_energy_unrolled(alphas, centers, nuclei, charges, n_electrons: int = 2, n_iter: int = 30):
    """RHF energy after exactly ``n_iter`` SCF iterations from the core-Hamiltonian guess.

    Reverse mode differentiates through every iteration (``lax.fori_loop`` with a fixed trip
    count), so it stores the intermediates of all ``n_iter`` iterations.
    """
    n_occ = _n_occ(n_electrons)
    ints = integrals(alphas, centers, nuclei, charges)
    P0 = scf_map(jnp.zeros_like(ints.H), ints, n_occ)
    P = unrolled_fixed_point(lambda P, th: scf_map(P, th, n_occ), ints, P0, n_iter)
    return hf_energy(P, ints)


def scf_energy_implicit(alphas, centers, nuclei, charges, n_electrons: int = 2, tol: float = 1e-12):
    """RHF energy at the converged SCF density, differentiated by the implicit function theorem.

    The SCF runs until successive densities differ by less than ``tol`` (max-norm); its
    gradient does not go through the iterations but through :func:`helpers.fixedpoint.fixed_point`.
    """
    ints = integrals(alphas, centers, nuclei, charges)
    return hf_energy(scf_density(ints, n_electrons, tol), ints)


def scf_density(ints: Integrals, n_electrons: int = 2, tol: float = 1e-12):
    r"""The converged closed-shell density :math:`P^* = G(P^*)` for the integrals ``ints``,
    from the core-Hamiltonian guess, differentiable (reverse mode) with respect to ``ints`` by
    the implicit function theorem (:func:`helpers.fixedpoint.fixed_point`). Its derivatives are
    the coupled-perturbed Hartree-Fock response: needed for any property
    :math:`\mathrm{tr}(P^* O)` that, unlike the energy, is not stationary at :math:`P^*`."""
    if not isinstance(ints, Integrals):
        raise TypeError(f"ints must be the Integrals of gaussians.integrals(...), got {type(ints).__name__}")
    n_occ = _n_occ(n_electrons)
    P0 = scf_map(jnp.zeros_like(ints.H), jax.lax.stop_gradient(ints), n_occ)
    return fixed_point(lambda P, th: scf_map(P, th, n_occ), ints, jax.lax.stop_gradient(P0), tol)


def one_electron_energy(alphas, centers, nuclei, charges, mask=None):
    r"""Ground-state energy of one electron in the field of the nuclei: the lowest root of
    :math:`HC = SC\varepsilon` plus :math:`E_{nn}` (exact within the basis; no SCF needed).

    ``mask`` (0/1 per basis function, optional) switches functions off without changing array
    shapes, so that one compiled function serves bases of every size up to ``len(alphas)``: an
    inactive function k is replaced by a state orthogonal to all others
    (:math:`S_{kk} = 1 + 0.1k`) at energy :math:`H_{kk}/S_{kk} \sim 10^3` Ha, far above the roots
    that matter (distinct values, because the derivative of ``eigh`` needs distinct
    eigenvalues), and gets zero gradient.
    """
    ints = integrals(alphas, centers, nuclei, charges)
    S, H = ints.S, ints.H
    if mask is not None:
        m = jnp.asarray(mask, dtype=float)
        if m.shape != S.shape[:1]:
            raise ValueError(f"mask must have one entry per basis function ({S.shape[0]}), got shape {m.shape}")
        mc = _concrete(m)
        if mc is not None and not np.all((mc == 0) | (mc == 1)):
            raise ValueError(f"mask entries must be 0 (off) or 1 (on), got {mc}")
        both = m[:, None] * m[None, :]
        k = jnp.arange(m.shape[0], dtype=float)
        # distinct values keep the eigenvalues of S and of S^{-1/2} H S^{-1/2} non-degenerate,
        # which the derivative of eigh needs
        S = S * both + jnp.diag((1.0 - m) * (1.0 + 0.1 * k))
        H = H * both + jnp.diag((1.0 - m) * 1e3 * (1.0 + k))
    eps, _ = generalized_eigh(H, S)
    return eps[0] + ints.e_nn


def even_tempered(n: int, alpha0: float, beta: float) -> np.ndarray:
    r"""Even-tempered exponents :math:`\alpha_k = \alpha_0\beta^k`, :math:`k = 0, \dots, n-1`."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 or not np.isfinite(alpha0) \
            or not np.isfinite(beta) or alpha0 <= 0 or beta <= 1:
        raise ValueError(f"need n >= 1, alpha0 > 0 and beta > 1; got n={n}, alpha0={alpha0}, beta={beta}")
    return alpha0 * beta ** np.arange(n)
