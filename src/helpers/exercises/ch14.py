"""Checks for chapter 14, quantum optimal control (book/part4/ch14_quantum_control.ipynb).

The detuned-pulse infidelity, the curvature and the CORPSE exponent are compared with reference
data; the Hadamard pulse is refereed by running it through :func:`helpers.qubit.infidelity`, so
the checker holds no answer.
"""

from __future__ import annotations

import numpy as np

from helpers.check import Verdict, as_numbers, check_value, describe_shape
from helpers.exercises import exercise, reference

#: The Hadamard gate, target of exercise ch14.hadamard.
HADAMARD = np.array([[1, 1], [1, -1]], dtype=complex) / np.sqrt(2)
#: The Hadamard exercise: segments, total time (t_pi) and the fidelity to reach.
HADAMARD_SEGMENTS, HADAMARD_TIME, HADAMARD_FIDELITY = 10, 1.0, 0.9999
#: The detuning of the first exercise, in units of the Rabi frequency Omega_0 = pi.
DETUNING_FRACTION = 0.1
#: Relative detunings f = Delta / Omega_0 of the CORPSE exercise.
CORPSE_DETUNINGS = (0.001, 0.002, 0.004, 0.008)


@exercise("ch14.pi-infidelity", hints=(
    "A detuning adds Delta sigma_z / 2 to the Hamiltonian; helpers.qubit.infidelity takes it as the "
    "argument detuning= (an angular frequency, like the controls).",
    "With Omega_0 = pi the detuning is Delta = 0.1 pi. By hand: the pulse rotates by "
    "sqrt(Omega^2 + Delta^2) t about an axis tilted out of the equator; F = |Tr(X^dagger U)/2|^2.",
))
def _pi_infidelity(answer):
    return check_value(answer, reference("ch14.pi-infidelity"), rtol=1e-6,
                       name="The infidelity of the detuned pi pulse")


@exercise("ch14.curvature", hints=(
    "Write the fidelity as a function of the detuning alone and differentiate it twice with "
    "jax.grad (grad of grad), at Delta = 0.",
    "Use q.gate_fidelity(q.propagator(controls, 1.0, detuning=Delta)); the curvature of the "
    "fidelity, not of the infidelity, and per (rad/t_pi)^2, not per (Delta/Omega_0)^2.",
))
def _curvature(answer):
    return check_value(answer, reference("ch14.curvature"), rtol=1e-8,
                       name="d^2F/d Delta^2 at Delta = 0 for the plain pi pulse")


@exercise("ch14.corpse-exponent", hints=(
    "Compute the infidelity of CORPSE at each of the four detunings Delta = f Omega_0 "
    "(Omega_0 = pi) and fit a straight line to log(infidelity) against log(f).",
    "helpers.qubit.power_law_exponent(f, infidelities) does the fit; pass the detuning, not the "
    "amplitude error, to q.infidelity.",
))
def _corpse_exponent(answer):
    # tight: the measured exponent differs from the ideal 4 by a few hundredths (higher orders);
    # relative 1.2e-3 is about 0.005 (a relative tolerance lets the message count digits correctly)
    return check_value(answer, reference("ch14.corpse-exponent"), rtol=1.2e-3,
                       name="The scaling exponent of CORPSE's infidelity with detuning")


@exercise("ch14.hadamard", hints=(
    "Write the infidelity with the target HADAMARD as a function of the 20 control values "
    "(10 segments, dt = 1/10) and minimise it from a random start with a gradient-based optimizer.",
    "A pulse with Omega_y = 0 only rotates about x and cannot make H: let both quadratures vary. "
    "If a run stalls in a poor local minimum, restart from another random start.",
))
def _hadamard(answer):
    name = "Your Hadamard pulse"
    n = HADAMARD_SEGMENTS
    c, problem = as_numbers(answer)
    if c is None:
        return Verdict("wrong", f"{name} should be an array of {n}×2 real numbers (columns Omega_x, "
                       f"Omega_y), but it is {problem}.")
    if c.shape != (n, 2):
        extra = " (rows are segments, columns Omega_x and Omega_y)" if c.size == 2 * n else ""
        return Verdict("wrong", f"{name} is {describe_shape(c.shape)}, but a {n}×2 array was "
                       f"expected{extra}.")
    if not np.all(np.isfinite(c)):
        return Verdict("wrong", f"{name} contains NaN or infinity.")
    from helpers import qubit  # imported here: it loads JAX

    infid = float(qubit.infidelity(c, HADAMARD_TIME / n, target=HADAMARD))
    if infid < 1 - HADAMARD_FIDELITY:
        return Verdict("correct", f"{name} is correct: run with dt = 1/{n} it makes the Hadamard gate "
                       f"with infidelity {infid:.1e}.")
    return Verdict("wrong", f"{name} is not right yet: run with dt = 1/{n} its infidelity with the "
                   f"Hadamard gate is {infid:.2g}, and the exercise asks for less than "
                   f"{1 - HADAMARD_FIDELITY:.0e}.")
