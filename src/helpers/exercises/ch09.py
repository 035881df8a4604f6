"""Checks for chapter 9, the inverse Schrödinger problem (book/part4/ch09_inverse_schrodinger.ipynb).

The model (:mod:`helpers.schrodinger1d`): a particle on [-1, 1] between hard walls, N interior
grid points x_i = -1 + i h, h = 2/(N+1), H = T + diag(V) with T_ii = 1/h^2 and
T_{i,i±1} = -1/(2h^2) (hbar = m = 1). Numeric answers are compared with reference data
(:func:`helpers.exercises.reference`); the bounded-potential exercise is refereed by solving for
the ground state of the learner's potential.
"""

from __future__ import annotations

import numpy as np

from helpers.check import _emit, _unanswered, as_numbers, check_function, check_value, describe_shape, is_unanswered
from helpers.exercises import exercise, reference

N_CHAPTER = 500
#: The bounded-potential exercise: the allowed range of V and the required L1 distance.
V_MIN, V_MAX, L1_TOLERANCE = 0.0, 50.0, 0.01


def inverse_cases() -> list[np.ndarray]:
    """Test densities of the general-inversion exercise: random, positive, non-symmetric, two
    seeds and two sizes (smooth random logs, so that the potentials are of moderate size)."""
    cases = []
    for seed, n in ((3, 40), (4, 64)):
        rng = np.random.default_rng(seed)
        log_phi = np.cumsum(rng.normal(0.0, 0.15, n)) - 0.002 * (np.arange(n) - n / 3) ** 2
        rho = np.exp(2 * log_phi)
        cases.append(rho / rho.sum())
    return cases


@exercise("ch09.box-energy", hints=(
    "Build the Hamiltonian of the chapter for N = 100 interior points (not 500): the spacing and "
    "the grid points change with N, and V = x^2 is evaluated on the new points. Its lowest "
    "eigenvalue is the answer.",
    "h = 2/(N+1) and x_i = -1 + i h for i = 1..N; the diagonal is 1/h^2 + x_i^2, the off-diagonal "
    "-1/(2h^2). A value near 0.71 is the oscillator without walls, not this box.",
))
def _box_energy(answer):
    return check_value(answer, reference("ch09.box-energy"), rtol=1e-9,
                       name="The ground-state energy of the harmonic well in the box")


@exercise("ch09.response", hints=(
    "This is the chapter's backward pass with a different loss: the loss is <x> = sum_i x_i psi_i^2. "
    "What are its adjoints psi_bar and E_bar?",
    "<x> does not depend on E0, so E_bar = 0; psi_bar is the derivative of sum_i x_i psi_i^2 with "
    "respect to psi_i. Any backward pass of the chapter that starts from psi_bar does the rest.",
))
def _response(answer):
    return check_value(answer, reference("ch09.response"), rtol=1e-6, atol=1e-12, name="d<x>/dV")


@exercise("ch09.inverse-general", hints=(
    "Redo the derivation of the closed-form inversion with the kinetic energy -(1/2m) d^2/dx^2 and "
    "the new grid: which factors change, and what are the boundary values of phi?",
    "Write row i of H phi = E phi on the new grid: the kinetic term couples phi_{i-1}, phi_i and "
    "phi_{i+1} with a prefactor that holds both m and h = 3/(N+1); the walls set phi_0 = phi_{N+1} = 0. "
    "Solve that row for V_i, with E = 0.",
))
def _inverse_general(answer):
    return check_function(answer, reference("ch09.inverse-general"), inverse_cases(), rtol=1e-8, atol=1e-8,
                          name="Your inversion",
                          describe=lambda rho: f"a random positive density on {len(rho)} grid points")


def _l1_of(V: np.ndarray) -> float:
    from helpers import schrodinger1d as s1d

    x, _ = s1d.grid(N_CHAPTER)
    _, psi = s1d.ground_state(V)
    return float(np.sum(np.abs(psi**2 - s1d.gaussian_target(x, 0.15))))


@exercise("ch09.bounded", hints=(
    "The closed form needs values far outside the allowed range; an optimizer that respects "
    "bounds can fit the density while staying inside them.",
    "Projecting after each step is clumsy; an optimizer that takes box bounds keeps every V_i in "
    "range by construction (look at the methods of scipy.optimize.minimize). The chapter's loss "
    "accepts another target, and the start must lie inside the bounds.",
))
def _bounded(answer):
    name = "Your potential"
    if is_unanswered(answer):
        return _unanswered(name, False)
    V, problem = as_numbers(answer)
    if V is None:
        return _emit("wrong", f"{name} should be an array of {N_CHAPTER} numbers (the potential at the grid "
                     f"points), but it is {problem}.", False)
    if V.shape != (N_CHAPTER,):
        return _emit("wrong", f"{name} is {describe_shape(V.shape)}, but {describe_shape((N_CHAPTER,))} "
                     "(the potential on the chapter's grid) was expected.", False)
    if not np.all(np.isfinite(V)):
        return _emit("wrong", f"{name} contains NaN or infinity; every value must lie between {V_MIN:g} "
                     f"and {V_MAX:g}.", False)
    if V.min() < V_MIN - 1e-9 or V.max() > V_MAX + 1e-9:
        return _emit("wrong", f"{name} leaves the allowed range: every value must lie between {V_MIN:g} and "
                     f"{V_MAX:g} (yours go from {V.min():.4g} to {V.max():.4g}).", False)
    distance = _l1_of(V)
    if distance < L1_TOLERANCE:
        return _emit("correct", f"{name} is correct: it stays within [{V_MIN:g}, {V_MAX:g}] and its density is "
                     f"within L1 distance {distance:.1e} of the target (required: below {L1_TOLERANCE}).", False)
    return _emit("wrong", f"{name} stays within the bounds, but its density is at L1 distance {distance:.3g} "
                 f"from the target; it must be below {L1_TOLERANCE}.", False)
