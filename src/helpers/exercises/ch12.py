"""Checks for chapter 12, fully variational Hartree-Fock (book/part4/ch12_hartree_fock.ipynb).

Every checker compares with reference data (``reference(label)``) computed ahead of time by the
instructor's solutions, or referees the answer with the book's helpers (the H2+ energy of the
learner's parameters) without computing the answer itself.
"""

from __future__ import annotations

import numpy as np

from helpers.check import _emit, as_numbers, check_value
from helpers.exercises import exercise, reference

#: H2+ with the protons at z = -1 and +1 bohr (R = 2 bohr).
H2PLUS_NUCLEI = np.array([[0.0, 0.0, -1.0], [0.0, 0.0, 1.0]])
#: H2+ at R = 2 bohr: the exact (Born-Oppenheimer) total energy, Ha.
H2PLUS_EXACT = -0.6026342144949
#: The fixed basis of the dE/dZ exercise: alpha_k = 0.25 * 4**k, k = 0..3.
DEDZ_BASIS = (4, 0.25, 4.0)
#: The even-tempered basis of the virial exercise: alpha_k = 0.1 * 4**k, k = 0..2.
VIRIAL_BASIS = (3, 0.1, 4.0)


@exercise("ch12.ion-single-gaussian", hints=(
    "With one Gaussian the energy is the expectation value of the Hamiltonian: write E(alpha) "
    "for nuclear charge Z and minimise it over alpha, by hand or with L-BFGS and jax.grad.",
    "E(alpha) = 3 alpha / 2 - 2 Z sqrt(2 alpha / pi); compare with the hydrogen case Z = 1 and "
    "ask how lengths and energies scale with Z.",
))
def _ion(answer):
    return check_value(answer, reference("ch12.ion-single-gaussian"), rtol=1e-7,
                       name="The He+ energy with one optimised Gaussian")


@exercise("ch12.virial-scale", hints=(
    "The answer is the lambda that minimises the lowest eigenvalue of the scaled basis, with the "
    "coefficients solved anew for every lambda: a one-dimensional minimisation. The estimate with "
    "fixed coefficients is only a starting point.",
    "Scaling lengths by 1/lambda multiplies every exponent by lambda^2 (ln alpha_k + 2 ln lambda); "
    "minimise the lowest generalised eigenvalue over ln lambda (jax.grad and L-BFGS, or a scalar "
    "minimiser).",
))
def _virial(answer):
    return check_value(answer, reference("ch12.virial-scale"), rtol=1e-5,
                       name="The scale factor lambda* of the even-tempered basis")


@exercise("ch12.de-dz", hints=(
    "Make the nuclear charge a JAX value Z, build the charges array from it, and take jax.grad "
    "of the converged RHF energy with respect to Z.",
    "gs.scf_energy_implicit(alpha, centres, nuclei, jnp.reshape(Z, (1,))) is differentiable in "
    "Z; the basis is fixed, so there is no Pulay term.",
))
def _dedz(answer):
    return check_value(answer, reference("ch12.de-dz"), rtol=1e-6, name="dE/dZ for the two-electron atom")


def h2plus_energy(params) -> float:
    """Total energy of H2+ (protons at z = -1, +1 bohr) in four s Gaussians with
    ``params = [ln alpha_1..4, z_1..4]`` (centres on the bond axis)."""
    import jax.numpy as jnp

    from helpers.gaussians import one_electron_energy

    x = np.asarray(params, dtype=float).reshape(-1)
    if x.shape != (8,):
        raise ValueError(f"params must hold 8 numbers [ln alpha_1..4, z_1..4], got shape {np.shape(params)}")
    a = jnp.exp(jnp.asarray(x[:4]))
    c = jnp.zeros((4, 3)).at[:, 2].set(jnp.asarray(x[4:]))
    return float(one_electron_energy(a, c, H2PLUS_NUCLEI, [1.0, 1.0]))


@exercise("ch12.h2plus-centres", hints=(
    "Write the energy as a function of one array of 8 parameters, [ln alpha_1..4, z_1..4], and "
    "minimise it with L-BFGS fed by jax.value_and_grad; the exponents in logarithms stay positive.",
    "Start from exponents 0.2 and 1.3 on each proton (z = -1 and +1) and let all eight "
    "parameters move together; a tight convergence tolerance (gtol ~ 1e-10) helps.",
))
def _h2plus(answer):
    x, problem = as_numbers(answer)
    if problem is not None:
        return _emit("wrong", f"The parameters should be an array of 8 numbers [ln alpha_1..4, z_1..4], "
                     f"but your answer is {problem}.", False)
    if x.size != 8 or x.ndim > 1:
        return _emit("wrong", "The parameters should be a flat array of 8 numbers [ln alpha_1..4, z_1..4], "
                     f"but yours has {x.size} number{'s' if x.size != 1 else ''}"
                     f"{' in a ' + '×'.join(map(str, x.shape)) + ' array' if x.ndim > 1 else ''}.", False)
    if not np.all(np.isfinite(x)):
        return _emit("wrong", "Your parameters contain NaN or infinity: check the optimiser's result "
                     "(did it diverge?) before storing it.", False)
    if np.any(np.abs(x[:4]) > 30):
        return _emit("wrong", "The first four numbers should be logarithms of exponents; some of yours are "
                     "so large that the exponents overflow. Did you store the exponents themselves?", False)
    try:
        e = h2plus_energy(x)
    except ValueError:
        return _emit("wrong", "With your parameters two basis functions are (nearly) identical, so the "
                     "overlap matrix is singular and the energy is undefined. Optimise from the suggested "
                     "starting point.", False)
    if not np.isfinite(e):
        return _emit("wrong", "The energy of your parameters is not finite; check them.", False)
    if e < H2PLUS_EXACT - 1e-6:
        return _emit("wrong", f"Your parameters give E = {e:.6f} Ha, below the exact energy of H2+: "
                     "impossible for a variational energy; check the positions of the protons.", False)
    if e <= reference("ch12.h2plus-centres") + 2e-6:
        return _emit("correct", f"Your optimised parameters give E = {e:.6f} Ha: correct.", False)
    return _emit("wrong", f"Your parameters give E = {e:.6f} Ha, which is not the minimum that four s "
                 "Gaussians with free exponents and centres reach.", False)
