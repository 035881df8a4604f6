"""Checks for chapter 11 (modeling: Ising phases as images, a differentiable folding simulator).

Answers are compared with reference data (:func:`helpers.exercises.reference`) at the public test
inputs defined here: temperatures, magnetisations, random point sets and random chains.
"""

from __future__ import annotations

import numpy as np

from helpers.check import check_function, check_value
from helpers.exercises import exercise, reference

#: Temperatures at which the acceptance table is tested.
T_POINTS = [0.7, 1.0, 2.3, 5.0]
#: Thresholds at which the threshold temperature is tested.
M_POINTS = [0.85, 0.45, 0.95, 0.7, 0.2]   # a point far from T_c first: a wrong function is told "not right",
#                                          not "nearly right" (T(0.2) equals T_c to six digits)


def rotation_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    """Pairs of random, non-symmetric point sets (two seeds): exact rotated and shifted copies with
    angles of either sign, and unrelated sets."""
    cases = []
    for seed, n in ((11, 6), (12, 9)):
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((n, 2)) + np.array([0.3, -0.2])
        for angle in (0.9, -2.4):
            rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
            cases.append((x, x @ rot.T + rng.standard_normal(2) * 3))
        cases.append((x, rng.standard_normal((n, 2))))
    return cases


def contact_order_cases() -> list[np.ndarray]:
    """Random 2D chains with unit bonds and random turns (two seeds, lengths 12 and 16, curled so
    that they have contacts), and a straight chain without any."""
    chains = []
    for seed, n, curl in ((21, 12, 1.1), (22, 16, 0.9), (23, 16, 1.3)):
        rng = np.random.default_rng(seed)
        heading = np.cumsum(curl + 0.6 * rng.standard_normal(n - 1))
        steps = np.stack([np.cos(heading), np.sin(heading)], axis=1)
        chains.append(np.concatenate([np.zeros((1, 2)), np.cumsum(steps, axis=0)]))
    chains.append(np.stack([np.arange(10.0), np.zeros(10)], axis=1))
    return chains


@exercise("ch11.heat-capacity", hints=(
    "The heat capacity is a fluctuation: it needs the thermal averages of E and of E^2 over all "
    "2^16 configurations, with Boltzmann weights exp(-E/T).",
    "C/N = (<E^2> - <E>^2) / (N T^2) with N = 16 sites and T = 2; compute E of every configuration "
    "with np.roll (right and lower neighbours only, so each bond counts once).",
))
def _heat_capacity(answer):
    return check_value(answer, reference("ch11.heat-capacity"), rtol=1e-8,
                       name="The heat capacity per site of the 4x4 lattice at T = 2")


@exercise("ch11.acceptance", hints=(
    "A flip that lowers the energy, or leaves it unchanged, is always accepted.",
    "A flip changes the energy by one of five values, set by how many of the four neighbours "
    "disagree with the spin; apply the Metropolis rule of the chapter to each, in increasing order of dE.",
))
def _acceptance(answer):
    return check_function(answer, reference("ch11.acceptance"), T_POINTS, rtol=1e-10,
                          name="Your acceptance function")


@exercise("ch11.threshold-temperature", hints=(
    "Solve m = [1 - sinh^(-4)(2/T)]^(1/8) for T step by step: raise to the 8th power first.",
    "Isolate sinh(2/T) on one side first; numpy has the inverse hyperbolic sine (np.arcsinh).",
))
def _threshold_temperature(answer):
    return check_function(answer, reference("ch11.threshold-temperature"), M_POINTS, rtol=1e-9,
                          name="Your threshold temperature")


@exercise("ch11.rotation-angle", hints=(
    "Write R_alpha x . y in terms of cos(alpha) and sin(alpha): the sum of squares depends on alpha "
    "only through two sums, one of dot products and one of cross products (after centring).",
    "A cos(alpha) + B sin(alpha) = sqrt(A^2 + B^2) cos(alpha - phi) for the angle phi of the point "
    "(A, B): find which of your two sums plays A and which B, and take phi with np.arctan2, which "
    "puts it in the right quadrant.",
))
def _rotation_angle(answer):
    return check_function(answer, reference("ch11.rotation-angle"), rotation_cases(), unpack=True,
                          rtol=1e-9, atol=1e-9, name="Your best rotation",
                          describe=lambda case: f"two random sets of {len(case[0])} points")


@exercise("ch11.contact-order", hints=(
    "List the contacts first (pairs at least three apart along the chain and closer than 1.5), "
    "each pair once; then average their separations |i - j|.",
    "Use np.triu_indices(N, 3) for the pairs; divide the mean separation by the number of beads N; "
    "return 0 when there is no contact.",
))
def _contact_order(answer):
    return check_function(answer, reference("ch11.contact-order"), contact_order_cases(), rtol=1e-9,
                          name="Your contact order",
                          describe=lambda x: f"a test chain of {len(x)} beads")
