"""Checks for chapter 14, quantum optimal control (book/part4/ch14_quantum_control.ipynb)."""

from __future__ import annotations

import numpy as np

from helpers.check import _emit, check_true, check_value
from helpers.exercises import exercise

#: The Hadamard gate, target of exercise ch14.hadamard.
HADAMARD = np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2)


def _qubit():
    from helpers import qubit  # imported lazily: it loads JAX

    return qubit


@exercise("ch14.pi-infidelity")
def _pi_infidelity(answer):
    expected = np.sin(np.pi * 0.02 / 2) ** 2
    return check_value(answer, expected, rtol=1e-6, name="The infidelity of the plain pi pulse at a 2 % error",
                       hint="the pulse rotates by pi(1 + eps) about x; compute |Tr(X^dagger U)/2|^2 "
                            "and subtract it from 1")


@exercise("ch14.curvature")
def _curvature(answer):
    return check_value(answer, -np.pi**2 / 2, rtol=1e-8,
                       name="d^2F/d eps^2 at eps = 0 for the plain pi pulse",
                       hint="nest jax.grad twice in amp_error and evaluate at 0.0; F is the fidelity, "
                            "not the infidelity")


def corpse_exponent_reference() -> float:
    """Fitted exponent of the CORPSE infidelity in the relative detuning f = Delta/Omega."""
    q = _qubit()
    f = np.array([0.001, 0.002, 0.004, 0.008])
    c, d = q.rotations_to_controls(q.corpse(), rabi=np.pi)
    inf = [float(q.infidelity(c, d, detuning=fi * np.pi)) for fi in f]
    return q.power_law_exponent(f, inf)


@exercise("ch14.corpse-exponent")
def _corpse_exponent(answer):
    return check_value(answer, corpse_exponent_reference(), rtol=0, atol=0.05,
                       name="The scaling exponent of CORPSE's infidelity with detuning",
                       hint="use detuning = f * Omega with Omega = pi and f = 0.001, 0.002, 0.004, 0.008, and fit "
                            "log(infidelity) against log(f) with helpers.qubit.power_law_exponent")


@exercise("ch14.hadamard")
def _hadamard(answer):
    name = "Your Hadamard pulse"
    c = np.asarray(answer, dtype=float)
    if c.ndim != 2 or c.shape[1] != 2 or c.shape[0] < 1:
        return _emit("wrong", f"{name} should be an array of shape (N, 2) (columns Omega_x, Omega_y), "
                     f"got shape {c.shape}.", False)
    if not np.all(np.isfinite(c)):
        return _emit("wrong", f"{name} contains NaN or infinity.", False)
    q = _qubit()
    infid = float(q.infidelity(c, 1.0 / c.shape[0], target=HADAMARD))
    return check_true(infid < 1e-4, name=f"{name} (infidelity {infid:.2e}, total time 1)",
                      hint="the gate must reach fidelity 0.9999 with the Hadamard gate in total "
                           "time 1 (dt = 1/N); minimise helpers.qubit.infidelity(c, 1/N, target=HADAMARD) "
                           "from a random start with L-BFGS")
