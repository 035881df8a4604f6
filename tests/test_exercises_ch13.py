"""Unit tests of the chapter 13 checkers: the reference solutions pass, wrong answers fail."""

import math

import numpy as np

from helpers.exercises import check
from helpers.exercises import ch13


def test_torus():
    Z = ch13.torus_2x2_partition_function(0.4)
    # two ground states (all up / all down) with 8 satisfied bonds dominate at large K
    assert abs(ch13.torus_2x2_partition_function(5.0) / (2 * math.exp(40.0)) - 1) < 1e-10
    assert check("ch13.torus-2x2", Z)
    assert not check("ch13.torus-2x2", Z / 2)


def test_energy():
    from helpers.trg import onsager_energy

    assert check("ch13.energy-forward", onsager_energy(0.3) + 1e-5)
    assert not check("ch13.energy-forward", -onsager_energy(0.3))


def test_broadened():
    assert check("ch13.broadened-inverse", ch13.broadened_inverse_reference)
    wrong = lambda s, eps: 1.0 / (s[None, :] ** 2 - s[:, None] ** 2 + eps)  # noqa: E731
    assert not check("ch13.broadened-inverse", wrong)


def test_magnetization():
    assert check("ch13.magnetization-implicit", ch13.magnetization_1d(0.5, 0.1))
    assert not check("ch13.magnetization-implicit", np.tanh(0.1))
