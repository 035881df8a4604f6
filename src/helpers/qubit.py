r"""A driven qubit with piecewise-constant controls, differentiable with JAX (chapter 14).

In the frame rotating with the drive, a qubit driven by two quadratures
:math:`\Omega_x(t), \Omega_y(t)` (angular frequencies) with detuning :math:`\Delta` has

.. math::  H(t) = \tfrac12\big[(1+\epsilon)\,(\Omega_x\sigma_x + \Omega_y\sigma_y) + \Delta\,\sigma_z\big]
           \qquad (\hbar = 1),

where :math:`\epsilon` is a relative amplitude error. On a segment of duration :math:`\tau`
with constant controls, :math:`H = \tfrac12\,\mathbf h\cdot\boldsymbol\sigma` and the
propagator is the closed form (Euler-Rodrigues, since :math:`(\mathbf n\cdot\boldsymbol\sigma)^2 = 1`)

.. math::  U = e^{-i\tau H} = \cos a\,\mathbb 1 - i\,\frac{\sin a}{|\mathbf h|}\,\mathbf h\cdot\boldsymbol\sigma,
           \qquad a = \tfrac12 |\mathbf h|\,\tau .

The gate of a pulse of :math:`N` segments is :math:`U = U_N\cdots U_2 U_1`, and the (phase
insensitive) gate fidelity with a target :math:`V` is

.. math::  F(U, V) = \big|\tfrac12\operatorname{Tr}(V^\dagger U)\big|^2 \in [0, 1].

Everything is written in ``jax.numpy`` so that ``jax.grad`` differentiates through it: that is
GRAPE (gradient ascent pulse engineering) with the gradient left to automatic differentiation.
Composite pulses (:func:`bb1`, :func:`corpse`) are given as lists of rotations
``(angle, phase)`` and turned into piecewise-constant controls by :func:`rotations_to_controls`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import jax
import jax.numpy as jnp

__all__ = [
    "I2", "SX", "SY", "SZ", "X_GATE",
    "segment_propagators", "propagator", "gate_fidelity", "infidelity",
    "bloch_vector", "bloch_trajectory",
    "rotations_to_controls", "bb1", "corpse", "power_law_exponent",
]

# numpy constants: building JAX arrays here would start a JAX backend at import time.
I2 = np.eye(2, dtype=complex)
SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, -1j], [1j, 0]], dtype=complex)
SZ = np.array([[1, 0], [0, -1]], dtype=complex)
#: The target of the chapter: the X (NOT, pi) gate, equal to sigma_x up to a global phase.
X_GATE = SX


def _check_controls(controls) -> jnp.ndarray:
    c = jnp.asarray(controls)
    if c.ndim != 2 or c.shape[1] != 2:
        raise ValueError(f"controls must have shape (N, 2) = (segments, [Omega_x, Omega_y]), got shape {c.shape}")
    if c.shape[0] == 0:
        raise ValueError("controls must have at least one segment")
    return c


def segment_propagators(controls, dt, amp_error=0.0, detuning=0.0) -> jnp.ndarray:
    r"""The propagators :math:`U_k = e^{-i\tau_k H_k}` of all segments, shape ``(N, 2, 2)``.

    ``controls`` has shape ``(N, 2)`` (columns :math:`\Omega_x, \Omega_y`), ``dt`` is a scalar or
    an array of ``N`` durations. The closed form uses :math:`\sin a/|\mathbf h| = (\tau/2)\,
    \mathrm{sinc}(a/\pi)`, which stays smooth (and differentiable) at zero drive.
    """
    c = _check_controls(controls)
    return _segment_propagators(c, jnp.asarray(dt, dtype=float), jnp.asarray(amp_error, dtype=float),
                                jnp.asarray(detuning, dtype=float))


@jax.jit
def _segment_propagators(c, dt, amp_error, detuning):
    # compiled once per shape: eager JAX would compile each small operation separately
    n = c.shape[0]
    tau = jnp.broadcast_to(dt, (n,))
    hx = (1.0 + amp_error) * c[:, 0]
    hy = (1.0 + amp_error) * c[:, 1]
    hz = jnp.broadcast_to(detuning, (n,))
    w2 = hx**2 + hy**2 + hz**2
    positive = w2 > 0
    w = jnp.where(positive, jnp.sqrt(jnp.where(positive, w2, 1.0)), 0.0)  # safe |h|
    a = 0.5 * w * tau
    s = 0.5 * tau * jnp.sinc(a / jnp.pi)  # sin(a)/|h|
    cos_a = jnp.cos(a)
    return (cos_a[:, None, None] * I2
            - 1j * s[:, None, None] * (hx[:, None, None] * SX + hy[:, None, None] * SY
                                       + hz[:, None, None] * SZ))


def propagator(controls, dt, amp_error=0.0, detuning=0.0) -> jnp.ndarray:
    r"""The gate :math:`U = U_N \cdots U_1` of a piecewise-constant pulse (a 2x2 complex array)."""
    return _ordered_product(segment_propagators(controls, dt, amp_error, detuning))


@jax.jit
def _ordered_product(us):
    def step(u, uk):
        return uk @ u, None

    u, _ = jax.lax.scan(step, I2, us)
    return u


def gate_fidelity(u, v=X_GATE) -> jnp.ndarray:
    r"""Phase-insensitive gate fidelity :math:`|\operatorname{Tr}(V^\dagger U)/2|^2` of 2x2 unitaries."""
    u = jnp.asarray(u)
    v = jnp.asarray(v)
    if u.shape != (2, 2) or v.shape != (2, 2):
        raise ValueError(f"gate_fidelity expects two 2x2 matrices, got shapes {u.shape} and {v.shape}")
    return jnp.abs(0.5 * jnp.trace(v.conj().T @ u)) ** 2


def infidelity(controls, dt, target=X_GATE, amp_error=0.0, detuning=0.0) -> jnp.ndarray:
    r"""``1 - F`` of the pulse's gate with ``target``, for given amplitude error and detuning.

    Computed without cancellation: for :math:`W = V^\dagger U = e^{i\chi}(w_0\mathbb 1 - i\,\mathbf w
    \cdot\boldsymbol\sigma)` one has :math:`1 - F = |\mathbf w|^2 = \tfrac12\lVert W -
    \tfrac12\operatorname{Tr}(W)\,\mathbb 1\rVert_F^2`, accurate to relative precision even
    when the infidelity is far below 1e-16 (``1 - gate_fidelity`` would round to zero there).
    """
    target = jnp.asarray(target)
    if target.shape != (2, 2):
        raise ValueError(f"target must be a 2x2 unitary, got shape {target.shape}")
    w = target.conj().T @ propagator(controls, dt, amp_error, detuning)
    traceless = w - 0.5 * jnp.trace(w) * I2
    return 0.5 * jnp.sum(jnp.abs(traceless) ** 2)


def bloch_vector(psi) -> np.ndarray:
    r"""Bloch vector :math:`(\langle\sigma_x\rangle, \langle\sigma_y\rangle, \langle\sigma_z\rangle)`
    of a normalised state (shape ``(2,)``) or of many states (shape ``(..., 2)``)."""
    p = np.asarray(psi, dtype=complex)
    if p.shape[-1] != 2:
        raise ValueError(f"a qubit state has 2 amplitudes in its last axis, got shape {p.shape}")
    a, b = p[..., 0], p[..., 1]
    return np.stack([2 * np.real(np.conj(a) * b), 2 * np.imag(np.conj(a) * b),
                     np.abs(a) ** 2 - np.abs(b) ** 2], axis=-1)


def bloch_trajectory(controls, dt, psi0=(1.0, 0.0), amp_error=0.0, detuning=0.0,
                     substeps: int = 8) -> np.ndarray:
    """Bloch vectors along the pulse, starting from ``psi0``; shape ``(N*substeps + 1, 3)``.

    Each segment is split into ``substeps`` equal pieces with the same control, so the curve
    is drawn smoothly (the physics is unchanged).
    """
    if int(substeps) < 1:
        raise ValueError(f"substeps must be a positive integer, got {substeps}")
    c = np.repeat(np.asarray(_check_controls(controls)), substeps, axis=0)
    tau = np.repeat(np.broadcast_to(np.asarray(dt, dtype=float), (len(c) // substeps,)),
                    substeps) / substeps
    us = np.asarray(segment_propagators(c, tau, amp_error, detuning))
    psi = np.asarray(psi0, dtype=complex)
    psi = psi / np.linalg.norm(psi)
    states = [psi]
    for u in us:
        psi = u @ psi
        states.append(psi)
    return bloch_vector(np.array(states))


def rotations_to_controls(rotations: Sequence[tuple[float, float]], rabi: float = np.pi
                          ) -> tuple[np.ndarray, np.ndarray]:
    r"""Controls and durations of a sequence of square rotations ``[(angle, phase), ...]``.

    A rotation by ``angle`` about the axis :math:`(\cos\phi, \sin\phi, 0)` at Rabi frequency
    ``rabi`` is one segment with :math:`(\Omega_x, \Omega_y) = \Omega(\cos\phi, \sin\phi)` and
    duration ``angle / rabi``. Returns ``(controls, durations)`` for :func:`propagator`.
    """
    if rabi <= 0:
        raise ValueError(f"rabi must be a positive angular frequency, got {rabi}")
    rot = np.asarray(rotations, dtype=float)
    if rot.ndim != 2 or rot.shape[1] != 2:
        raise ValueError(f"rotations must be a list of (angle, phase) pairs, got shape {rot.shape}")
    if np.any(rot[:, 0] < 0):
        raise ValueError("rotation angles must be >= 0 (use the phase to reverse the axis)")
    controls = rabi * np.stack([np.cos(rot[:, 1]), np.sin(rot[:, 1])], axis=1)
    return controls, rot[:, 0] / rabi


def bb1(theta: float = np.pi) -> list[tuple[float, float]]:
    r"""Wimperis' BB1 sequence for a rotation ``theta`` about x, robust to amplitude errors:
    :math:`\theta_0\,\pi_{\phi}\,2\pi_{3\phi}\,\pi_{\phi}` with :math:`\phi = \arccos(-\theta/4\pi)`.
    First and second order amplitude errors cancel, so the infidelity grows as :math:`\epsilon^6`."""
    phi = float(np.arccos(-theta / (4 * np.pi)))
    return [(theta, 0.0), (np.pi, phi), (2 * np.pi, 3 * phi), (np.pi, phi)]


def corpse(theta: float = np.pi) -> list[tuple[float, float]]:
    r"""CORPSE (Cummins and Jones) for a rotation ``theta`` about x, robust to detuning:
    :math:`(2\pi + \theta/2 - k)_0\,(2\pi - 2k)_\pi\,(\theta/2 - k)_0` with
    :math:`k = \arcsin(\sin(\theta/2)/2)`. First-order detuning errors cancel."""
    k = float(np.arcsin(np.sin(theta / 2) / 2))
    return [(2 * np.pi + theta / 2 - k, 0.0), (2 * np.pi - 2 * k, np.pi), (theta / 2 - k, 0.0)]


def power_law_exponent(x, y) -> float:
    r"""Least-squares slope :math:`p` of :math:`\log y = p \log x + c`: the exponent of
    :math:`y \propto x^p`. ``x`` and ``y`` must be positive and of equal length >= 2."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError(f"x and y must be 1-D of equal length >= 2, got shapes {x.shape}, {y.shape}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("power_law_exponent needs positive x and y (it fits on log-log axes)")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])
