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

from helpers.arguments import is_traced, real_array, real_number, whole_number

__all__ = [
    "I2", "SX", "SY", "SZ", "X_GATE",
    "segment_propagators", "propagator", "gate_fidelity", "infidelity",
    "toggling_frame_error", "toggling_frame_area", "bloch_vector", "bloch_trajectory",
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
    c = real_array(controls, "controls", expected="Rabi frequencies Omega_x, Omega_y, one row per segment")
    if c.ndim != 2 or c.shape[1] != 2:
        raise ValueError(f"controls must have shape (N, 2) = (segments, [Omega_x, Omega_y]), got shape {c.shape}")
    if c.shape[0] == 0:
        raise ValueError("controls must have at least one segment")
    return c


def _check_durations(dt, n_segments: int) -> jnp.ndarray:
    d = real_array(dt, "dt", ndim=(0, 1), positive=True,
                   expected="the duration of each segment, one number or one per segment")
    if d.ndim == 1 and d.shape[0] != n_segments:
        raise ValueError(f"dt must be one number or one duration per segment ({n_segments}), "
                         f"got {d.shape[0]} durations")
    return d


def _check_errors(amp_error, detuning):
    return (real_array(amp_error, "amp_error", ndim=0, expected="the relative amplitude error epsilon"),
            real_array(detuning, "detuning", ndim=0, expected="the detuning Delta, an angular frequency"))


def _check_unitary(v, name: str) -> jnp.ndarray:
    v = jnp.asarray(v)
    if v.shape != (2, 2):
        raise ValueError(f"{name} must be a 2x2 unitary matrix, got shape {v.shape}")
    if not is_traced(v):
        m = np.asarray(v, dtype=complex)
        if not np.all(np.isfinite(m)):
            raise ValueError(f"{name} contains NaN or infinity")
        if np.max(np.abs(m.conj().T @ m - np.eye(2))) > 1e-8:
            raise ValueError(f"{name} must be unitary (V^dagger V = 1 to 1e-8); normalise it or check its entries")
    return v


def segment_propagators(controls, dt, amp_error=0.0, detuning=0.0) -> jnp.ndarray:
    r"""The propagators :math:`U_k = e^{-i\tau_k H_k}` of all segments, shape ``(N, 2, 2)``.

    ``controls`` has shape ``(N, 2)`` (columns :math:`\Omega_x, \Omega_y`), ``dt`` is a scalar or
    an array of ``N`` durations. The closed form uses :math:`\sin a/|\mathbf h| = (\tau/2)\,
    \mathrm{sinc}(a/\pi)`, which stays smooth (and differentiable) at zero drive.
    """
    c = _check_controls(controls)
    return _segment_propagators(c, _check_durations(dt, c.shape[0]), *_check_errors(amp_error, detuning))


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
    u = _check_unitary(u, "u")
    v = _check_unitary(v, "v")
    return jnp.abs(0.5 * jnp.trace(v.conj().T @ u)) ** 2


def infidelity(controls, dt, target=X_GATE, amp_error=0.0, detuning=0.0) -> jnp.ndarray:
    r"""``1 - F`` of the pulse's gate with ``target``, for given amplitude error and detuning.

    Computed without cancellation: for :math:`W = V^\dagger U = e^{i\chi}(w_0\mathbb 1 - i\,\mathbf w
    \cdot\boldsymbol\sigma)` one has :math:`1 - F = |\mathbf w|^2 = \tfrac12\lVert W -
    \tfrac12\operatorname{Tr}(W)\,\mathbb 1\rVert_F^2`, accurate to relative precision even
    when the infidelity is far below 1e-16 (``1 - gate_fidelity`` would round to zero there).
    """
    target = _check_unitary(target, "target")
    w = target.conj().T @ propagator(controls, dt, amp_error, detuning)
    traceless = w - 0.5 * jnp.trace(w) * I2
    return 0.5 * jnp.sum(jnp.abs(traceless) ** 2)


def toggling_frame_error(controls, dt) -> np.ndarray:
    r"""The first-order amplitude-error curve of a pulse in the toggling frame, shape ``(N+1, 3)``.

    With an amplitude error the Hamiltonian is :math:`(1+\epsilon)H_c(t)` (no detuning). In the
    frame that follows the ideal evolution :math:`U_0(t)` (the *toggling frame*) the error term
    is :math:`\epsilon\,\tilde H(t) = \epsilon\,U_0^\dagger(t) H_c(t) U_0(t)`, and to first order

    .. math::  U(\epsilon) = U_0(T)\Big[\mathbb 1 - i\epsilon\int_0^T \tilde H\,\mathrm dt + O(\epsilon^2)\Big],
               \qquad \int_0^T \tilde H\,\mathrm dt = \tfrac12\,\mathbf r(T)\cdot\boldsymbol\sigma .

    On segment :math:`k` the control commutes with its own propagator, so :math:`\tilde H` is
    constant there, :math:`\tfrac12 (R_{k-1}^{\mathsf T}\mathbf h_k)\cdot\boldsymbol\sigma`, where
    :math:`R_{k-1}` is the Bloch rotation of :math:`U_{k-1}\cdots U_1`. The curve
    :math:`\mathbf r(t_k) = \sum_{j\le k}\tau_j R_{j-1}^{\mathsf T}\mathbf h_j` is therefore a
    polygon with one straight piece per segment. Returned: its corners
    :math:`\mathbf r(t_0 = 0), \dots, \mathbf r(t_N)`. If the ideal gate is the target
    (:math:`V^\dagger U_0 \propto \mathbb 1`), the error vector of :func:`infidelity` grows as
    :math:`\mathbf w = \tfrac12\epsilon\,\mathbf r(T) + O(\epsilon^2)`: a pulse is robust to first
    order exactly when this curve closes, :math:`\mathbf r(T) = 0`.
    """
    c = _check_controls(controls)
    d = np.broadcast_to(np.asarray(_check_durations(dt, c.shape[0])), (c.shape[0],))
    us = np.asarray(segment_propagators(c, d))
    c = np.asarray(c)
    sigma = (SX, SY, SZ)
    p = np.eye(2, dtype=complex)
    corners = [np.zeros(3)]
    for k in range(len(us)):
        h = c[k, 0] * SX + c[k, 1] * SY
        m = p.conj().T @ h @ p                      # P^dagger (h . sigma) P = (R^T h) . sigma
        corners.append(corners[-1] + d[k] * np.array([0.5 * np.trace(m @ s_).real for s_ in sigma]))
        p = us[k] @ p
    return np.array(corners)


def toggling_frame_area(controls, dt) -> np.ndarray:
    r"""Vector area :math:`\mathbf A = \tfrac12\oint \mathbf r\times\mathrm d\mathbf r
    = \tfrac12\sum_k \mathbf r(t_{k-1})\times\mathbf r(t_k)` of the toggling-frame polygon of
    :func:`toggling_frame_error` (closed back to its start).

    When the curve closes (:math:`\mathbf r(T) = 0`, first-order robust) the second term of the
    Magnus expansion, :math:`-\tfrac12\int_0^T\!\mathrm dt_1\int_0^{t_1}\!\mathrm dt_2\,
    [\tilde H(t_1), \tilde H(t_2)]` with :math:`\tilde H = \tfrac12\dot{\mathbf r}\cdot
    \boldsymbol\sigma`, equals :math:`\tfrac i2\,\mathbf A\cdot\boldsymbol\sigma`, so the error
    vector grows as :math:`|\mathbf w| = \tfrac12\epsilon^2|\mathbf A| + O(\epsilon^3)`, i.e.
    :math:`|\partial_\epsilon^2\mathbf w| = |\mathbf A|`: second-order robust means a closed
    curve of zero vector area."""
    corners = toggling_frame_error(controls, dt)
    return 0.5 * np.sum(np.cross(corners[:-1], corners[1:]), axis=0)


def bloch_vector(psi) -> np.ndarray:
    r"""Bloch vector :math:`(\langle\sigma_x\rangle, \langle\sigma_y\rangle, \langle\sigma_z\rangle)`
    of a normalised state (shape ``(2,)``) or of many states (shape ``(..., 2)``)."""
    if isinstance(psi, (str, bytes, bool, np.bool_)) or psi is None:
        raise TypeError(f"psi must be the two complex amplitudes of a qubit state, got {type(psi).__name__}")
    p = np.asarray(psi)
    if p.dtype.kind not in "iufc":
        raise TypeError(f"psi must be complex amplitudes, got an array of {p.dtype}")
    p = p.astype(complex)
    if p.ndim == 0 or p.shape[-1] != 2:
        raise ValueError(f"a qubit state has 2 amplitudes in its last axis, got shape {p.shape}")
    if not np.all(np.isfinite(p)):
        raise ValueError("psi contains NaN or infinity")
    norms = np.sum(np.abs(p) ** 2, axis=-1)
    if np.any(np.abs(norms - 1) > 1e-8):
        raise ValueError(f"psi must be normalised (|a|^2 + |b|^2 = 1), got norm^2 = {float(np.max(np.abs(norms - 1)) + 1):.6g}; "
                         "divide by np.linalg.norm(psi)")
    a, b = p[..., 0], p[..., 1]
    return np.stack([2 * np.real(np.conj(a) * b), 2 * np.imag(np.conj(a) * b),
                     np.abs(a) ** 2 - np.abs(b) ** 2], axis=-1)


def bloch_trajectory(controls, dt, psi0=(1.0, 0.0), amp_error=0.0, detuning=0.0,
                     substeps: int = 8) -> np.ndarray:
    """Bloch vectors along the pulse, starting from ``psi0``; shape ``(N*substeps + 1, 3)``.

    Each segment is split into ``substeps`` equal pieces with the same control, so the curve
    is drawn smoothly (the physics is unchanged). ``psi0`` need not be normalised (it is
    normalised here) but must not be zero.
    """
    substeps = whole_number(substeps, "substeps", minimum=1, expected="pieces per segment for drawing")
    c0 = _check_controls(controls)
    d0 = _check_durations(dt, c0.shape[0])
    psi = np.asarray(psi0) if not isinstance(psi0, (str, bytes, bool)) else None
    if psi is None or psi.dtype.kind not in "iufc" or psi.shape != (2,):
        raise ValueError(f"psi0 must be two amplitudes (a, b) of the initial state, got {psi0!r}")
    psi = psi.astype(complex)
    norm = np.linalg.norm(psi)
    if not np.isfinite(norm) or norm == 0:
        raise ValueError(f"psi0 must be a non-zero, finite state vector, got {psi0!r}")
    psi = psi / norm
    c = np.repeat(np.asarray(c0), substeps, axis=0)
    tau = np.repeat(np.broadcast_to(np.asarray(d0), (c0.shape[0],)), substeps) / substeps
    us = np.asarray(segment_propagators(c, tau, amp_error, detuning))
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
    Zero angles are dropped (a segment of zero duration does nothing).
    """
    rabi = real_number(rabi, "rabi", positive=True, expected="the Rabi frequency, an angular frequency")
    rot = np.asarray(real_array(rotations, "rotations", ndim=2, expected="a list of (angle, phase) pairs"))
    if rot.shape[1] != 2:
        raise ValueError(f"rotations must be a list of (angle, phase) pairs, got shape {rot.shape}")
    if np.any(rot[:, 0] < 0):
        raise ValueError("rotation angles must be >= 0 (use the phase to reverse the axis)")
    rot = rot[rot[:, 0] > 0]
    if len(rot) == 0:
        raise ValueError("rotations must contain at least one non-zero angle")
    controls = rabi * np.stack([np.cos(rot[:, 1]), np.sin(rot[:, 1])], axis=1)
    return controls, rot[:, 0] / rabi


def bb1(theta: float = np.pi) -> list[tuple[float, float]]:
    r"""Wimperis' BB1 sequence for a rotation ``theta`` (0 to :math:`4\pi`) about x, robust to
    amplitude errors: :math:`\theta_0\,\pi_{\phi}\,2\pi_{3\phi}\,\pi_{\phi}` with
    :math:`\phi = \arccos(-\theta/4\pi)`. First and second order amplitude errors cancel, so the
    infidelity grows as :math:`\epsilon^6`."""
    theta = real_number(theta, "theta", nonnegative=True, expected="a rotation angle in radians")
    if theta > 4 * np.pi:
        raise ValueError(f"theta must be between 0 and 4 pi for BB1 (phi = arccos(-theta/4pi)), got {theta}")
    phi = float(np.arccos(-theta / (4 * np.pi)))
    return [(theta, 0.0), (np.pi, phi), (2 * np.pi, 3 * phi), (np.pi, phi)]


def corpse(theta: float = np.pi) -> list[tuple[float, float]]:
    r"""CORPSE (Cummins and Jones) for a rotation ``theta`` (0 to :math:`2\pi`) about x, robust to
    detuning: :math:`(2\pi + \theta/2 - k)_0\,(2\pi - 2k)_\pi\,(\theta/2 - k)_0` with
    :math:`k = \arcsin(\sin(\theta/2)/2)`. Only the first-order detuning error cancels, so the
    infidelity grows as the fourth power of the detuning."""
    theta = real_number(theta, "theta", nonnegative=True, expected="a rotation angle in radians")
    if theta > 2 * np.pi:
        raise ValueError(f"theta must be between 0 and 2 pi for CORPSE, got {theta}")
    k = float(np.arcsin(np.sin(theta / 2) / 2))
    return [(2 * np.pi + theta / 2 - k, 0.0), (2 * np.pi - 2 * k, np.pi), (theta / 2 - k, 0.0)]


def power_law_exponent(x, y) -> float:
    r"""Least-squares slope :math:`p` of :math:`\log y = p \log x + c`: the exponent of
    :math:`y \propto x^p`. ``x`` and ``y`` must be positive and of equal length >= 2."""
    x = np.asarray(real_array(x, "x", ndim=1))
    y = np.asarray(real_array(y, "y", ndim=1))
    if x.shape != y.shape or x.size < 2:
        raise ValueError(f"x and y must be 1-D of equal length >= 2, got shapes {x.shape}, {y.shape}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("power_law_exponent needs positive x and y (it fits on log-log axes)")
    if np.ptp(np.log(x)) == 0:
        raise ValueError("power_law_exponent needs at least two different x values")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])
