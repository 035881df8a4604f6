"""Chapter 14: reference solutions, wrong answers, reference data."""

import numpy as np
from scipy.optimize import minimize

import helpers

jax = helpers.jax_cpu()

from helpers import qubit as q  # noqa: E402
from helpers.exercises.ch14 import (  # noqa: E402
    CORPSE_DETUNINGS, DETUNING_FRACTION, HADAMARD, HADAMARD_SEGMENTS, HADAMARD_TIME)

PLAIN = np.array([[np.pi, 0.0]])


def detuned_infidelity(fraction=DETUNING_FRACTION):
    return float(q.infidelity(PLAIN, 1.0, detuning=fraction * np.pi))


def detuning_curvature():
    fidelity = lambda d: q.gate_fidelity(q.propagator(PLAIN, 1.0, detuning=d))  # noqa: E731
    return float(jax.grad(jax.grad(fidelity))(0.0))


def corpse_exponent(detuning=True):
    f = np.array(CORPSE_DETUNINGS)
    c, d = q.rotations_to_controls(q.corpse(), rabi=np.pi)
    if detuning:
        inf = [float(q.infidelity(c, d, detuning=fi * np.pi)) for fi in f]
    else:       # the amplitude error instead of the detuning
        inf = [float(q.infidelity(c, d, amp_error=fi)) for fi in f]
    return q.power_law_exponent(f, inf)


def hadamard_pulse(seed=3, only_x=False):
    n, dt = HADAMARD_SEGMENTS, HADAMARD_TIME / HADAMARD_SEGMENTS

    def controls(p):
        return p.reshape(n, 2) * (np.array([1.0, 0.0]) if only_x else 1.0)

    loss = jax.jit(jax.value_and_grad(lambda p: q.infidelity(controls(p), dt, target=HADAMARD)))
    res = minimize(lambda p: tuple(np.asarray(v, dtype=float) for v in loss(p)),
                   np.random.default_rng(seed).normal(scale=2.0, size=2 * n), jac=True, method="L-BFGS-B",
                   options=dict(maxiter=500, ftol=1e-30, gtol=1e-14))
    return np.asarray(controls(res.x))


_H = hadamard_pulse()

SOLUTIONS = {
    "ch14.pi-infidelity": detuned_infidelity(),
    "ch14.curvature": detuning_curvature(),
    "ch14.corpse-exponent": corpse_exponent(),
    "ch14.hadamard": _H,
}

WRONG = {
    "ch14.pi-infidelity": [
        np.sin(np.pi * DETUNING_FRACTION / 2) ** 2,          # the amplitude-error formula instead
        DETUNING_FRACTION**2,                                # the small-detuning estimate (Delta/Omega)^2
        1 - detuned_infidelity(),                            # the fidelity, not the infidelity
        float(q.infidelity(PLAIN, 1.0, detuning=DETUNING_FRACTION)),   # Delta = 0.1, not 0.1 pi
        detuned_infidelity(2 * DETUNING_FRACTION),           # Delta sigma_z instead of Delta sigma_z / 2
    ],
    "ch14.curvature": [
        -np.pi**2 / 2,                                       # the amplitude-error curvature
        2 / np.pi**2,                                        # the infidelity's curvature (sign)
        -2.0,                                                # per (Delta/Omega_0)^2, not per Delta^2
        -1 / np.pi**2,                                       # the small-detuning coefficient, not doubled
        0.0,                                                 # the first derivative
    ],
    "ch14.corpse-exponent": [
        2.0,                                                 # the plain pulse's exponent
        corpse_exponent(detuning=False),                     # against the amplitude error: 2
        6.0,                                                 # BB1's exponent for amplitude errors
        3.0,
        4.0,                                                 # the ideal exponent typed, not measured
    ],
    "ch14.hadamard": [
        np.full((HADAMARD_SEGMENTS, 2), [np.pi, 0.0]),       # the X gate's plain pulse
        hadamard_pulse(only_x=True),                         # Omega_y = 0: only rotations about x
        _H[:, ::-1],                                         # quadratures swapped
        2 * _H,                                              # dt = 1/20 misread: twice the amplitude
        _H.T,                                                # a 2x10 array
        np.vstack([_H, _H]),                                 # 20 segments
    ],
}

REFERENCES = {
    "ch14.pi-infidelity": detuned_infidelity,
    "ch14.curvature": detuning_curvature,
    "ch14.corpse-exponent": corpse_exponent,
}
