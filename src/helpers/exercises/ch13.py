"""Checks for chapter 13, differentiable tensor networks (book/part4/ch13_tensor_networks.ipynb).

Every checker compares with reference data (``reference(label)``), computed ahead of time by the
instructor's solutions at the inputs fixed here.
"""

from __future__ import annotations

import numpy as np

from helpers.check import check_function, check_value
from helpers.exercises import exercise, reference

#: The exercises' fixed inputs.
TORUS_K = 0.4
ENERGY_K, ENERGY_CHI, ENERGY_STEPS = 0.3, 8, 20
CHAIN_K, CHAIN_H = 0.5, 0.1


def _mps_cases() -> list[np.ndarray]:
    """Random, non-symmetric MPS tensors (two seeds, two bond dimensions)."""
    return [np.random.default_rng(seed).standard_normal((D, 2, D)) for seed, D in ((0, 2), (1, 3), (2, 4))]


#: Test tensors of the transfer-matrix exercise.
MPS_CASES = _mps_cases()


@exercise("ch13.torus-2x2", hints=(
    "Name the four sites a, b (top row) and c, d (bottom row). On a 2×2 torus the right neighbour "
    "of b is a again, so every pair of neighbours shares two bonds: write down which leg of which "
    "tensor each of the eight bond indices joins.",
    "Each einsum index must appear exactly twice: once as a right (or down) leg and once as the "
    "matching left (or up) leg of the neighbour. The brute-force energy of a configuration counts "
    "each neighbouring pair twice.",
))
def _torus(answer):
    return check_value(answer, reference("ch13.torus-2x2"), rtol=1e-10, name="Z of the 2×2 torus at K = 0.4")


@exercise("ch13.energy-forward", hints=(
    "The energy per site is minus the derivative of ln Z/N with respect to K. One input and one "
    "output: forward mode with tangent 1 gives the derivative in one pass.",
    "jax.jvp takes a function, a tuple of inputs and a tuple of tangents, and returns the value "
    "together with the directional derivative. Use the same chi and number of steps as the "
    "exercise, and mind the sign of u.",
))
def _energy(answer):
    return check_value(answer, reference("ch13.energy-forward"), rtol=1e-8,
                       name="The energy per site of the χ = 8 TRG at K = 0.3")


@exercise("ch13.susceptibility", hints=(
    "The fixed point v* depends on h; so does m = v*[0]**2 - v*[1]**2 through it. Write m as a "
    "function of h that calls fixed_point, and let jax.grad go through the fixed point.",
    "The map is G(v, h) = T(h) v / |T(h) v|, with h as fixed_point's parameter theta. Do not "
    "stop the gradient at v*: m has no explicit dependence on h.",
))
def _susceptibility(answer):
    return check_value(answer, reference("ch13.susceptibility"), rtol=1e-7,
                       name="The susceptibility dm/dh at K = 0.5, h = 0.1")


@exercise("ch13.transfer-matrix", hints=(
    "E acts on a pair of bond indices, one from the ket layer and one from the bra layer: "
    "(a, a') to (b, b'). The spin index is summed because both layers carry the same physical "
    "spin.",
    "Write the sum over s with named indices for both copies of A (one einsum), then check the "
    "order of the four open indices against the row pair (a, a') and the column pair (b, b') "
    "before the reshape.",
))
def _transfer(answer):
    return check_function(answer, reference("ch13.transfer-matrix"), MPS_CASES, rtol=1e-10, atol=1e-12,
                          name="transfer_matrix(A)")
