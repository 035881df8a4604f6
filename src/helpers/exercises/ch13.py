"""Checks for chapter 13, differentiable tensor networks (book/part4/ch13_tensor_networks.ipynb)."""

from __future__ import annotations

import itertools
import math

import numpy as np

from helpers.check import check_function, check_value
from helpers.exercises import exercise


def torus_2x2_partition_function(K: float) -> float:
    """Z of the 2x2 periodic Ising lattice by brute force. On a 2x2 torus each neighbouring pair
    is joined by two bonds (one direct, one through the boundary): 8 bonds, 16 configurations."""
    Z = 0.0
    for s in itertools.product((-1, 1), repeat=4):
        a, b, c, d = s  # (0,0) (1,0) / (0,1) (1,1)
        E = 2 * (a * b + c * d + a * c + b * d)
        Z += math.exp(K * E)
    return Z


@exercise("ch13.torus-2x2")
def _torus(answer):
    return check_value(answer, torus_2x2_partition_function(0.4), rtol=1e-10,
                       name="Z of the 2x2 torus at K = 0.4",
                       hint="connect the r leg of each tensor to the l leg of its right neighbour and "
                       "the d leg to the u leg of the one below, with wrap-around; one einsum does it")


@exercise("ch13.energy-forward")
def _energy(answer):
    from helpers.trg import onsager_energy

    return check_value(answer, onsager_energy(0.3), rtol=0, atol=2e-4,
                       name="The energy per site at K = 0.3",
                       hint="u = -d(ln Z/N)/dK: take jax.jvp of trg_lnz with tangent 1 and flip the sign")


def broadened_inverse_reference(s, eps):
    s = np.asarray(s, dtype=float)
    delta = s[None, :] ** 2 - s[:, None] ** 2
    return delta / (delta**2 + eps)


@exercise("ch13.broadened-inverse")
def _broadened(answer):
    pts = [(np.array([3.0, 2.0, 1.0]), 1e-12), (np.array([1.0, 1.0, 0.5, 0.0]), 1e-8),
           (np.array([2.0, 1.0 + 1e-9, 1.0]), 1e-6)]
    return check_function(answer, broadened_inverse_reference, pts, unpack=True, rtol=1e-9, atol=1e-12,
                          name="broadened_inverse(s, eps)",
                          hint="F[i, j] = D / (D**2 + eps) with D = s[j]**2 - s[i]**2; the diagonal is 0")


def magnetization_1d(K: float, h: float) -> float:
    r""":math:`m = \partial\ln\lambda_{\max}/\partial h = \sinh h/\sqrt{\sinh^2 h + e^{-4K}}`."""
    return math.sinh(h) / math.sqrt(math.sinh(h) ** 2 + math.exp(-4 * K))


@exercise("ch13.magnetization-implicit")
def _magnetization(answer):
    return check_value(answer, magnetization_1d(0.5, 0.1), rtol=1e-8,
                       name="The magnetisation of the 1D Ising chain at K = 0.5, h = 0.1",
                       hint="differentiate ln(v*.T @ T @ v*) with respect to h, with v* from "
                       "helpers.fixedpoint.fixed_point applied to the power-iteration map")
