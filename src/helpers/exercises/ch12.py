"""Checks for chapter 12, fully variational Hartree-Fock (book/part4/ch12_hartree_fock.ipynb)."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from helpers.check import _emit, check_value
from helpers.exercises import exercise

#: H2+ at R = 2 bohr: the exact (Born-Oppenheimer) total energy, Ha.
H2PLUS_EXACT = -0.6026342144949
#: The best total energy of four s Gaussians with free exponents and centres on the axis
#: (the reference solution, L-BFGS from exponents (0.2, 1.3) on each nucleus), Ha.
H2PLUS_FOUR_S = -0.5902493050


@exercise("ch12.ion-single-gaussian")
def _ion(answer):
    # E(alpha) = 3 alpha / 2 - 2 Z sqrt(2 alpha / pi), minimum -4 Z^2 / (3 pi) at Z = 2
    return check_value(answer, -16.0 / (3.0 * math.pi), rtol=1e-7, name="The He+ energy with one Gaussian",
                       hint="the potential term scales with Z; minimise E(alpha) over alpha (or over log alpha)")


@exercise("ch12.virial")
def _virial(answer):
    return check_value(answer, 2.0, rtol=1e-5, name="The ratio -<V>/<T>",
                       hint="optimise all exponents tightly (gtol ~ 1e-10), then take <T> = c^T T c and "
                       "<V> = c^T V c with the normalised lowest eigenvector c (c^T S c = 1)")


@lru_cache(maxsize=1)
def helium_dE_dZ_reference() -> float:
    """dE/dZ of the converged RHF energy of a two-electron atom at Z = 2 in the even-tempered
    basis alpha_k = 0.25 * 4**k, k = 0..3 (by the implicit function theorem)."""
    import jax
    import jax.numpy as jnp

    from helpers.gaussians import even_tempered, scf_energy_implicit

    a = jnp.asarray(even_tempered(4, 0.25, 4.0))
    f = lambda Z: scf_energy_implicit(a, jnp.zeros((4, 3)), np.zeros((1, 3)), jnp.reshape(Z, (1,)))  # noqa: E731
    return float(jax.grad(f)(2.0))


@exercise("ch12.de-dz")
def _dedz(answer):
    return check_value(answer, helium_dE_dZ_reference(), rtol=1e-6, name="dE/dZ for helium",
                       hint="make the charges a JAX array built from Z and take jax.grad of "
                       "scf_energy_implicit with respect to Z; the result is <sum_i -1/r_i>, negative")


def h2plus_energy(params) -> float:
    """Total energy of H2+ (nuclei at z = -1, +1 bohr) in four s Gaussians with
    ``params = [log alpha_1..4, z_1..4]`` (centres on the bond axis)."""
    import jax.numpy as jnp

    from helpers.gaussians import one_electron_energy

    x = np.asarray(params, dtype=float).reshape(-1)
    if x.shape != (8,):
        raise ValueError(f"params must hold 8 numbers [log alpha_1..4, z_1..4], got shape {np.shape(params)}")
    a = jnp.exp(jnp.asarray(x[:4]))
    c = jnp.zeros((4, 3)).at[:, 2].set(jnp.asarray(x[4:]))
    nuclei = np.array([[0.0, 0.0, -1.0], [0.0, 0.0, 1.0]])
    return float(one_electron_energy(a, c, nuclei, [1.0, 1.0]))


@exercise("ch12.h2plus-centres")
def _h2plus(answer):
    x = np.asarray(answer, dtype=float)
    if x.shape != (8,):
        return _emit("wrong", f"The parameters should be an array of 8 numbers [log alpha_1..4, z_1..4], "
                     f"got shape {x.shape}.", False)
    e = h2plus_energy(x)
    if not np.isfinite(e):
        return _emit("wrong", "The energy of your parameters is not finite: are two centres and exponents "
                     "identical (a singular overlap matrix)?", False)
    if e < H2PLUS_EXACT - 1e-6:
        return _emit("wrong", f"Your parameters give E = {e:.6f} Ha, below the exact {H2PLUS_EXACT:.6f} Ha: "
                     "impossible for a variational energy; check the nuclear positions.", False)
    if e <= H2PLUS_FOUR_S + 2e-5:
        return _emit("correct", f"Your optimised parameters give E = {e:.6f} Ha "
                     f"({e - H2PLUS_EXACT:.4f} Ha above the exact {H2PLUS_EXACT:.4f} Ha): correct.", False)
    return _emit("wrong", f"Your parameters give E = {e:.6f} Ha; four s Gaussians with free centres can reach "
                 "about 0.012 Ha above the exact energy. Hint: optimise exponents (in logs) AND centres "
                 "together with L-BFGS and jax.value_and_grad, starting from two Gaussians per nucleus.", False)
