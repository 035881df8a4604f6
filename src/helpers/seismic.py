r"""A small 2D acoustic wave simulator in JAX, differentiable with respect to the velocity model.

The pressure field :math:`u(z, x, t)` obeys the acoustic wave equation

.. math::

    \partial_t^2 u = c(z, x)^2\,\nabla^2 u + f(z, x, t)

with velocity :math:`c` and point sources :math:`f = s(t)\,\delta(\mathbf r - \mathbf r_s)`.
The grid is surrounded by a perfectly matched layer (PML) of Grote & Sim type, as in ADSeismic
(Zhu et al. 2020): inside the layer, damping profiles :math:`\sigma_x(x)`, :math:`\sigma_z(z)`
and two auxiliary fields :math:`\psi_x, \psi_z` absorb outgoing waves with little reflection
(:func:`pml_step`). Outside the grid :math:`u = 0`.

*Space.* The five-point Laplacian on a grid of spacing :math:`h`,
:math:`(\nabla_h^2 u)_{ij} = (u_{i+1,j} + u_{i-1,j} + u_{i,j+1} + u_{i,j-1} - 4u_{ij})/h^2`,
second-order accurate; centred first differences for the PML terms. Node :math:`(i, j)` sits at
depth :math:`z = (i - n_{\rm pml})h` and offset :math:`x = (j - n_{\rm pml})h`, so the first
row inside the layer is :math:`z = 0`.

*Time.* Leapfrog (centred second differences),
:math:`u^{n+1} = 2u^n - u^{n-1} + \Delta t^2 (c^2\nabla_h^2 u^n + f^n)` in the interior,
explicit and stable for the Courant number :math:`r = c_{\max}\Delta t/h \le 1/\sqrt{2}`
(:func:`cfl_limit`). Without the PML it is exactly time-reversible:
:math:`u^{n-1} = 2u^n - u^{n+1} + \Delta t^2 (c^2\nabla_h^2 u^n + f^n)`.

*Dispersion.* A plane wave :math:`e^{i(kx - \omega t)}` along a grid axis satisfies
:math:`\sin(\omega\Delta t/2)/(c\Delta t) = \sin(kh/2)/h`, so its phase speed
:math:`\omega/k` falls short of :math:`c` by about :math:`(kh)^2(1 - r^2)/24`
(:func:`numerical_phase_speed`).

*State.* One time step maps the state :math:`x_n = (u^{n-1}, u^n, \psi_x^n, \psi_z^n, n)` of
every shot to :math:`x_{n+1}`: four fields per shot. For checkpointing and reversible schedules
the state is one flat float vector of length :math:`4 S n_z n_x + 1` for :math:`S` shots (the
step index last, exactly representable), which a schedule can store, copy and count like any
array (:class:`WaveProblem`).

*Data.* Receivers record :math:`u^n` at fixed cells, :math:`d_n = u^n[\text{rec}]` for
:math:`n = 1..T`, and the misfit is
:math:`\mathcal L(c) = \tfrac12\sum_{\rm shots}\sum_{n=1}^{T}\lVert d_n(c) - d_n^{\rm obs}\rVert^2`.

*Gradients.* Four routes give the same :math:`\partial\mathcal L/\partial c` (to round-off):
``jax.grad`` through the time loop (stores what XLA needs of every step);
the hand-derived discrete adjoint-state method (:func:`pml_step_vjp`, used as a
``jax.custom_vjp`` that keeps only :math:`u^n`, :meth:`WaveProblem.misfit` with
``method="adjoint-state"``); checkpointing of the per-step state
(:meth:`WaveProblem.gradient_checkpointed`); and time reversal with saved boundary values
(:meth:`WaveProblem.gradient_time_reversal`).

Importing this module changes no JAX setting; the book calls ``helpers.jax_cpu()`` first
(CPU, 64-bit floats), which the tolerances quoted here assume.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Sequence

import numpy as np

import jax
import jax.numpy as jnp

__all__ = [
    "ricker",
    "lowpass",
    "cfl_limit",
    "numerical_phase_speed",
    "laplacian",
    "pml_profile",
    "pml_step",
    "pml_step_vjp",
    "pml_reverse_step",
    "layered_model",
    "smooth_model",
    "sample_model",
    "WaveProblem",
    "add_noise",
    "InversionResult",
    "invert",
    "gradient_peak_memory",
    "measure_speed",
    "measure_phase_speed",
]


# --------------------------------------------------------------------------- wavelets
def ricker(t, f0: float, t0: float | None = None):
    r"""Ricker wavelet (second derivative of a Gaussian) of peak frequency ``f0`` (Hz):

    :math:`s(t) = [1 - 2\pi^2 f_0^2 (t - t_0)^2]\,e^{-\pi^2 f_0^2 (t - t_0)^2}`, delayed by
    ``t0`` (default :math:`1.5/f_0`, so that the wavelet starts near zero). Works on numpy or
    JAX arrays (and inside ``jit``). Its amplitude spectrum is
    :math:`\propto f^2 e^{-f^2/f_0^2}`: 3 % of the peak at :math:`2.5 f_0`.
    """
    if not f0 > 0:
        raise ValueError(f"ricker: the peak frequency f0 must be > 0 Hz, got {f0!r}")
    t0 = 1.5 / f0 if t0 is None else t0
    a = (np.pi * f0 * (t - t0)) ** 2
    xp = jnp if isinstance(t, jax.Array) else np
    return (1.0 - 2.0 * a) * xp.exp(-a)


def lowpass(signal, dt: float, f_cut: float, order: int = 6, axis: int = -1) -> np.ndarray:
    r"""Zero-phase low-pass filter along ``axis``: multiply the spectrum by the Butterworth
    magnitude response squared, :math:`H(f) = 1/[1 + (f/f_c)^{2m}]` (order ``m``; what a
    forward-backward Butterworth filter does), after zero-padding to twice the length so that
    nothing wraps around. Linear and time-invariant, so filtering a source wavelet filters the
    data it generates in exactly the same way."""
    if not (f_cut > 0 and dt > 0 and order >= 1):
        raise ValueError(f"lowpass: need f_cut > 0, dt > 0 and order >= 1; got {f_cut}, {dt}, {order}")
    x = np.asarray(signal, dtype=float)
    n = x.shape[axis]
    spec = np.fft.rfft(x, n=2 * n, axis=axis)
    f = np.fft.rfftfreq(2 * n, dt)
    shape = [1] * x.ndim
    shape[axis] = len(f)
    h = (1.0 / (1.0 + (f / f_cut) ** (2 * order))).reshape(shape)
    y = np.fft.irfft(spec * h, n=2 * n, axis=axis)
    return np.take(y, np.arange(n), axis=axis)


# --------------------------------------------------------------------------- the scheme
def cfl_limit(c_max: float, dx: float, ndim: int = 2) -> float:
    r"""Largest stable time step of leapfrog with the :math:`(2d+1)`-point Laplacian:
    :math:`\Delta t_{\max} = h / (c_{\max}\sqrt{d})` (von Neumann analysis: the highest grid
    mode has :math:`\nabla_h^2 \to -4d/h^2` and leapfrog needs
    :math:`c^2\Delta t^2\cdot 4d/h^2 \le 4`)."""
    if c_max <= 0 or dx <= 0 or ndim < 1:
        raise ValueError(f"cfl_limit: need c_max > 0, dx > 0, ndim >= 1; got {c_max}, {dx}, {ndim}")
    return dx / (c_max * np.sqrt(ndim))


def numerical_phase_speed(f, c: float, dx: float, dt: float):
    r"""Phase speed of the leapfrog / five-point scheme for a plane wave of frequency ``f`` (Hz)
    travelling along a grid axis: solve :math:`\sin(\omega\Delta t/2)/(c\Delta t) = \sin(kh/2)/h`
    for :math:`k` and return :math:`\omega/k`. Below :math:`c` (numerical dispersion)."""
    f = np.asarray(f, dtype=float)
    omega = 2 * np.pi * f
    s = np.sin(omega * dt / 2) * dx / (c * dt)
    if np.any(np.abs(s) > 1):
        raise ValueError("numerical_phase_speed: frequency beyond the grid's cut-off (no real k)")
    k = 2 / dx * np.arcsin(s)
    return omega / k


def _pad2(u):
    """Zero-pad the last two axes by one cell (u = 0 outside the grid)."""
    return jnp.pad(u, [(0, 0)] * (u.ndim - 2) + [(1, 1), (1, 1)])


def laplacian(u, dx: float):
    r"""Five-point Laplacian :math:`\nabla_h^2 u` over the last two axes, :math:`u = 0` outside
    the grid. As a matrix it is symmetric, which makes the adjoint wave equation a wave
    equation again."""
    up = _pad2(u)
    return (up[..., 2:, 1:-1] + up[..., :-2, 1:-1] + up[..., 1:-1, 2:] + up[..., 1:-1, :-2] - 4.0 * u) / dx**2


def _ddx(u, dx):
    """Centred difference along the last axis (an antisymmetric matrix: D^T = -D)."""
    up = jnp.pad(u, [(0, 0)] * (u.ndim - 1) + [(1, 1)])
    return (up[..., 2:] - up[..., :-2]) / (2 * dx)


def _ddz(u, dx):
    """Centred difference along the second-last axis (antisymmetric)."""
    up = jnp.pad(u, [(0, 0)] * (u.ndim - 2) + [(1, 1), (0, 0)])
    return (up[..., 2:, :] - up[..., :-2, :]) / (2 * dx)


def pml_profile(n: int, n_pml: int, sigma_max: float) -> np.ndarray:
    r"""PML damping along one axis (1/s): zero in the interior and
    :math:`\sigma_{\max}(d/L)^2` at depth :math:`d` (cells) into a layer of :math:`L` =
    ``n_pml`` cells at both ends."""
    if n_pml < 0 or 2 * n_pml >= n:
        raise ValueError(f"pml_profile: n_pml={n_pml} must be >= 0 and leave an interior in {n} cells")
    if n_pml == 0:
        return np.zeros(n)
    i = np.arange(n, dtype=float)
    d = np.maximum(np.clip(n_pml - i, 0, None), np.clip(i - (n - 1 - n_pml), 0, None)) / n_pml
    return sigma_max * d**2


def pml_step(u_prev, u, px, pz, c, f, sx, sz, dt: float, dx: float):
    r"""One leapfrog step with the PML of Grote & Sim (as used in ADSeismic):

    .. math::

        (1 + a)\,u^{n+1} = (2 - \sigma_x\sigma_z\Delta t^2)\,u^n - (1 - a)\,u^{n-1}
            + \Delta t^2\,[c^2\nabla_h^2 u^n + \partial_x\psi_x^n + \partial_z\psi_z^n + f^n],

        \psi_x^{n+1} = (1 - \Delta t\,\sigma_x)\,\psi_x^n
            + \Delta t\,c^2(\sigma_z - \sigma_x)\,\partial_x u^{n+1},
        \qquad (x \leftrightarrow z),

    with :math:`a = (\sigma_x + \sigma_z)\Delta t/2` and centred first differences. With
    :math:`\sigma = 0` it is plain leapfrog. Fields may carry leading (shot) axes. Returns
    :math:`(u^n, u^{n+1}, \psi_x^{n+1}, \psi_z^{n+1})`."""
    a = 0.5 * (sx + sz) * dt
    c2 = c**2
    rhs = c2 * laplacian(u, dx) + _ddx(px, dx) + _ddz(pz, dx) + f
    u_next = ((2.0 - sx * sz * dt**2) * u - (1.0 - a) * u_prev + dt**2 * rhs) / (1.0 + a)
    px_next = (1.0 - dt * sx) * px + dt * c2 * (sz - sx) * _ddx(u_next, dx)
    pz_next = (1.0 - dt * sz) * pz + dt * c2 * (sx - sz) * _ddz(u_next, dx)
    return u, u_next, px_next, pz_next


def pml_step_vjp(u, u_next, c, sx, sz, dt: float, dx: float, b_u_out, b_next, b_px, b_pz):
    r"""The hand-derived transpose of :func:`pml_step` (its vector-Jacobian product).

    Given the cotangents :math:`(\bar u^{\,n}_{\rm out}, \bar u^{n+1}, \bar\psi_x^{n+1},
    \bar\psi_z^{n+1})` of the step's four outputs, with :math:`\alpha_x = \Delta t\,c^2(\sigma_z
    - \sigma_x)`, :math:`\alpha_z = -\alpha_x` and :math:`D_x^\top = -D_x` (centred differences
    are antisymmetric, the Laplacian :math:`L` symmetric):

    .. math::

        \lambda^{n+1} &= \bar u^{n+1} - D_x(\alpha_x\bar\psi_x^{n+1}) - D_z(\alpha_z\bar\psi_z^{n+1}),
        \qquad w = \lambda^{n+1}/(1 + a),\\
        \bar u^{n-1} &= -(1 - a)\,w, \qquad
        \bar u^{n} = \bar u^{\,n}_{\rm out} + (2 - \sigma_x\sigma_z\Delta t^2)\,w
                     + \Delta t^2 L(c^2 w),\\
        \bar\psi_x^n &= (1 - \Delta t\sigma_x)\,\bar\psi_x^{n+1} - \Delta t^2 D_x w
        \quad (x \leftrightarrow z),\\
        \bar c &= 2c\,[\Delta t^2\, w\, L u^n + \Delta t(\sigma_z - \sigma_x)\,\bar\psi_x^{n+1} D_x u^{n+1}
                 + \Delta t(\sigma_x - \sigma_z)\,\bar\psi_z^{n+1} D_z u^{n+1}].

    In the interior (:math:`\sigma = 0`) the last line is the imaging condition
    :math:`\bar c = 2c\Delta t^2\lambda^{n+1}\nabla_h^2 u^n`. Only :math:`u^n` and
    :math:`u^{n+1}` of the forward run are needed. Returns
    :math:`(\bar u^{n-1}, \bar u^n, \bar\psi_x^n, \bar\psi_z^n, \bar c)`, with :math:`\bar c`
    summed over leading (shot) axes."""
    a = 0.5 * (sx + sz) * dt
    c2 = c**2
    lam = b_next - _ddx(dt * c2 * (sz - sx) * b_px, dx) - _ddz(dt * c2 * (sx - sz) * b_pz, dx)
    w = lam / (1.0 + a)
    b_prev = -(1.0 - a) * w
    b_u = b_u_out + (2.0 - sx * sz * dt**2) * w + dt**2 * laplacian(c2 * w, dx)
    b_px_in = (1.0 - dt * sx) * b_px - dt**2 * _ddx(w, dx)
    b_pz_in = (1.0 - dt * sz) * b_pz - dt**2 * _ddz(w, dx)
    b_c = 2.0 * c * (dt**2 * w * laplacian(u, dx) + dt * (sz - sx) * b_px * _ddx(u_next, dx)
                     + dt * (sx - sz) * b_pz * _ddz(u_next, dx))
    lead = tuple(range(b_c.ndim - 2))
    return b_prev, b_u, b_px_in, b_pz_in, (jnp.sum(b_c, axis=lead) if lead else b_c)


def pml_reverse_step(u, u_next, px_next, pz_next, c, f, sx, sz, dt: float, dx: float):
    r"""Solve :func:`pml_step` for the earlier state: returns :math:`(u^{n-1}, \psi_x^n,
    \psi_z^n)` from :math:`u^n, u^{n+1}, \psi^{n+1}`. Division by :math:`1 - \Delta t\sigma`
    and :math:`1 - a` amplifies errors wherever the PML absorbs: the backward run is unstable
    there. Without PML it is :math:`u^{n-1} = 2u^n - u^{n+1} + \Delta t^2(c^2\nabla_h^2 u^n
    + f^n)`, exactly the forward formula with the time levels swapped."""
    a = 0.5 * (sx + sz) * dt
    c2 = c**2
    px = (px_next - dt * c2 * (sz - sx) * _ddx(u_next, dx)) / (1.0 - dt * sx)
    pz = (pz_next - dt * c2 * (sx - sz) * _ddz(u_next, dx)) / (1.0 - dt * sz)
    rhs = c2 * laplacian(u, dx) + _ddx(px, dx) + _ddz(pz, dx) + f
    u_prev = ((2.0 - sx * sz * dt**2) * u + dt**2 * rhs - (1.0 + a) * u_next) / (1.0 - a)
    return u_prev, px, pz


# --------------------------------------------------------------------------- models
def layered_model(nz: int, nx: int, interfaces: Sequence[float], velocities: Sequence[float],
                  anomaly: tuple[float, float, float, float] | None = None) -> np.ndarray:
    r"""Velocity model (m/s) of horizontal layers plus an optional circular anomaly.

    ``interfaces`` are the depths (in cells, increasing) where the layers meet;
    ``velocities`` has one more entry than ``interfaces``. ``anomaly = (z0, x0, radius, dc)``
    (cells, cells, cells, m/s) adds ``dc`` inside a disc with a smooth (cosine) rim one cell
    wide."""
    interfaces = list(interfaces)
    velocities = list(velocities)
    if len(velocities) != len(interfaces) + 1:
        raise ValueError(f"layered_model: {len(interfaces)} interfaces need {len(interfaces) + 1} "
                         f"velocities, got {len(velocities)}")
    if any(b <= a for a, b in zip(interfaces, interfaces[1:])):
        raise ValueError(f"layered_model: interfaces must increase, got {interfaces}")
    if min(velocities) <= 0:
        raise ValueError(f"layered_model: velocities must be > 0 m/s, got {velocities}")
    z = np.arange(nz, dtype=float)[:, None] * np.ones((1, nx))
    c = np.full((nz, nx), float(velocities[0]))
    for zi, v in zip(interfaces, velocities[1:]):
        c[z >= zi] = v
    if anomaly is not None:
        z0, x0, radius, dc = anomaly
        x = np.arange(nx, dtype=float)[None, :]
        r = np.hypot(z - z0, x - x0)
        w = np.clip(radius + 0.5 - r, 0.0, 1.0)
        w = 0.5 - 0.5 * np.cos(np.pi * w)
        c = c + dc * w
    return c


def smooth_model(c: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian smoothing of a model with width ``sigma`` (cells), edges replicated."""
    if sigma <= 0:
        return np.array(c, dtype=float)
    from scipy.ndimage import gaussian_filter

    return gaussian_filter(np.asarray(c, dtype=float), sigma, mode="nearest")


def sample_model(velocity: Callable, nz: int, nx: int, dx: float, n_pml: int, average: int = 1) -> np.ndarray:
    r"""A velocity model on a grid: ``velocity(z, x)`` (m/s, vectorised over arrays of depth
    :math:`z` and offset :math:`x` in m, with :math:`z = x = 0` at the first node inside the
    PML) evaluated at the nodes, averaged over ``average``:math:`^2` sub-points spread over
    each cell (``average=1``: the node value). Positions outside the interior are clamped to
    its edge, so the model continues unchanged into the absorbing layer."""
    if average < 1:
        raise ValueError(f"sample_model: average must be >= 1, got {average}")
    zi = (np.arange(nz) - n_pml) * dx
    xi = (np.arange(nx) - n_pml) * dx
    zmax, xmax = (nz - 1 - 2 * n_pml) * dx, (nx - 1 - 2 * n_pml) * dx
    off = (np.arange(average) + 0.5) / average - 0.5
    out = np.zeros((nz, nx))
    for oz in off:
        for ox in off:
            z = np.clip(zi + oz * dx, 0.0, zmax)[:, None]
            x = np.clip(xi + ox * dx, 0.0, xmax)[None, :]
            out += np.broadcast_to(np.asarray(velocity(z, x), dtype=float), (nz, nx))
    return out / average**2


# --------------------------------------------------------------------------- pure simulation kernels
# Functions of arrays only, compiled once per grid shape and shared by every problem of that
# shape (a problem's constants -- damping profiles, sources, wavelet, receivers, dt, dx -- are
# passed as a dict ``k`` of arrays, see :meth:`WaveProblem.constants`).
def _fields_step(u_prev, u, px, pz, c, n, k):
    f = k["src"] * k["wav"][n]
    return pml_step(u_prev, u, px, pz, c, f, k["sx"], k["sz"], k["dt"], k["dx"])


def _simulate_impl(c, k, keep: str):
    """Scan all shots. ``keep``: "traces" -> {"traces": (S, T, R)}; "u" -> {"u": u^1..u^T};
    "both" -> both."""
    rz, rx = k["rz"], k["rx"]
    z = jnp.zeros(k["src"].shape)
    nt = k["wav"].shape[0] - 1

    def body(carry, n):
        u_prev, u, px, pz = carry
        u, u_next, px, pz = _fields_step(u_prev, u, px, pz, c, n, k)
        out = {}
        if keep in ("traces", "both"):
            out["traces"] = u_next[:, rz, rx]
        if keep in ("u", "both"):
            out["u"] = u_next
        return (u, u_next, px, pz), out

    _, out = jax.lax.scan(body, (z, z, z, z), jnp.arange(nt))
    res = {}
    if "traces" in out:
        res["traces"] = jnp.transpose(out["traces"], (1, 0, 2))
    if "u" in out:
        res["u"] = out["u"]                             # u^1 .. u^T
    return res


_simulate = jax.jit(_simulate_impl, static_argnames="keep")


@jax.custom_vjp
def _traces_adjoint(c, k):
    return _simulate(c, k, "traces")["traces"]


def _traces_adjoint_fwd(c, k):
    out = _simulate(c, k, "both")
    return out["traces"], (c, out["u"], k)           # residuals: u^n of every step, nothing else


def _traces_adjoint_bwd(res, d_bar):
    c, u_all, k = res                                   # u_all[n] = u^{n+1}, n = 0..T-1
    rz, rx = k["rz"], k["rx"]
    d_bar = jnp.transpose(d_bar, (1, 0, 2))            # (T, S, R): cotangent of u^{n+1}[rec]
    z = jnp.zeros_like(u_all[0])
    nt = d_bar.shape[0]

    def body(carry, n):                                 # n = T-1, ..., 0
        b_prev, b_u, b_px, b_pz, g = carry
        b_u = b_u.at[:, rz, rx].add(d_bar[n])
        u_n = jnp.where(n > 0, u_all[jnp.maximum(n - 1, 0)], 0.0)       # u^0 = 0
        b_prev, b_u, b_px, b_pz, b_c = pml_step_vjp(u_n, u_all[n], c, k["sx"], k["sz"], k["dt"],
                                                    k["dx"], b_prev, b_u, b_px, b_pz)
        return (b_prev, b_u, b_px, b_pz, g + b_c), None

    carry, _ = jax.lax.scan(body, (z, z, z, z, jnp.zeros_like(c)), jnp.arange(nt - 1, -1, -1))
    return carry[4], None


_traces_adjoint.defvjp(_traces_adjoint_fwd, _traces_adjoint_bwd)


@partial(jax.jit, static_argnames="method")
def _value_and_grad(c, d_obs, k, method: str):
    """Misfit and its gradient, through the time loop ("autodiff") or by the adjoint-state rule."""
    def misfit(c):
        d = _traces_adjoint(c, k) if method == "adjoint-state" else _simulate_impl(c, k, "traces")["traces"]
        return 0.5 * jnp.sum((d - d_obs) ** 2)

    return jax.value_and_grad(misfit)(c)


@jax.jit
def _pseudo_hessian(c, k):
    z = jnp.zeros(k["src"].shape)

    def body(carry, n):
        u_prev, u, px, pz, h = carry
        h = h + jnp.sum((2 * c * k["dt"] ** 2 * laplacian(u, k["dx"])) ** 2, axis=0)
        u, u_next, px, pz = _fields_step(u_prev, u, px, pz, c, n, k)
        return (u, u_next, px, pz, h), None

    return jax.lax.scan(body, (z, z, z, z, jnp.zeros_like(c)), jnp.arange(k["wav"].shape[0] - 1))[0][4]


@partial(jax.jit, static_argnames="return_fields")
def _time_reversal(c, d_obs, k, fidx, inner, deep, return_fields: bool):
    rz, rx = k["rz"], k["rx"]
    dt, dx = k["dt"], k["dx"]
    shape = k["src"].shape
    S = shape[0]
    nt = k["wav"].shape[0] - 1
    z = jnp.zeros(shape)

    def frame_of(u):
        return u.reshape(S, -1)[:, fidx]

    def with_frame(u, vals):
        return u.reshape(S, -1).at[:, fidx].set(vals).reshape(shape)

    def fwd_body(carry, n):
        u_prev, u, px, pz = carry
        u, u_next, px, pz = _fields_step(u_prev, u, px, pz, c, n, k)
        return (u, u_next, px, pz), (u_next[:, rz, rx], frame_of(u_next))

    (u_last_prev, u_last, _, _), (tr, fr) = jax.lax.scan(fwd_body, (z, z, z, z), jnp.arange(nt))
    fr = jnp.concatenate([jnp.zeros((1,) + fr.shape[1:]), fr])  # frame values of u^0..u^T
    resid = tr - jnp.transpose(d_obs, (1, 0, 2))               # (T, S, R): residual of u^{n+1}
    value = 0.5 * jnp.sum(resid**2)

    def bwd_body(carry, n):
        # carry: u^n, u^{n+1} (interior and frame), the adjoint of x_{n+1}, the gradient
        u, u_next, b_prev, b_u, b_px, b_pz, g = carry
        b_u = b_u.at[:, rz, rx].add(resid[n])
        b_prev, b_u, b_px, b_pz, b_c = pml_step_vjp(u, u_next, c, k["sx"], k["sz"], dt, dx, b_prev, b_u, b_px, b_pz)
        u_prev = 2 * u - u_next + dt**2 * (c**2 * laplacian(u, dx) + k["src"] * k["wav"][n])  # u^{n-1}
        u_prev = with_frame(jnp.where(deep, u_prev, 0.0), fr[jnp.maximum(n - 1, 0)])
        out = jnp.where(inner, u, 0.0) if return_fields else None
        return (u_prev, u, b_prev, b_u, b_px, b_pz, g + b_c), out

    u_T = with_frame(jnp.where(inner, u_last, 0.0), fr[nt])
    u_Tm1 = with_frame(jnp.where(inner, u_last_prev, 0.0), fr[nt - 1])
    carry, outs = jax.lax.scan(bwd_body, (u_Tm1, u_T, z, z, z, z, jnp.zeros_like(c)), jnp.arange(nt - 1, -1, -1))
    fields = None
    if return_fields:  # outs[j] is u^{T-1-j}; add u^T and reverse to n = 0..T
        fields = jnp.concatenate([jnp.where(inner, u_last, 0.0)[None], outs])[::-1]
    return value, carry[6], fields


_COMPILED: dict = {}  # compiled gradients, keyed by method and shapes (shared by all problems)
_SCHEDULE: dict = {}  # per-step functions for schedules, keyed by survey geometry


def _schedule_functions(P: "WaveProblem") -> dict:
    """The per-step functions of a survey geometry, shared by every :class:`WaveProblem` with
    that grid, PML, time step and acquisition (whatever its wavelet): parameters
    ``p = {"c", "wav", "d"}``, of which only ``c`` is differentiated."""
    key = (P.nz, P.nx, float(P.dx), float(P.dt), P.nt, P.n_pml, float(P.sigma_max), tuple(P.sources),
           tuple(P.receivers))
    if key in _SCHEDULE:
        return _SCHEDULE[key]
    with jax.ensure_compile_time_eval():
        sx, sz, src = jnp.asarray(P.sigma_x), jnp.asarray(P.sigma_z), jnp.asarray(P._src)
        rz, rx = jnp.asarray(P._rec[0]), jnp.asarray(P._rec[1])
    dt, dx, nt, shape = float(P.dt), float(P.dx), P.nt, P.shape
    m = int(np.prod(shape))

    def unpack(x):
        return (*(x[i * m:(i + 1) * m].reshape(shape) for i in range(4)), x[-1])

    def pack(u_prev, u, px, pz, n):
        return jnp.concatenate([u_prev.ravel(), u.ravel(), px.ravel(), pz.ravel(), jnp.reshape(n, (1,))])

    def plain(x, p):
        u_prev, u, px, pz, n = unpack(x)
        idx = jnp.clip(jnp.round(n).astype(jnp.int32), 0, nt)
        f = src * jax.lax.stop_gradient(p["wav"])[idx]
        u, u_next, px, pz = pml_step(u_prev, u, px, pz, p["c"], f, sx, sz, dt, dx)
        return pack(u, u_next, px, pz, n + 1.0)

    @jax.custom_vjp
    def hand(x, p):
        return plain(x, p)

    def hand_fwd(x, p):
        y = plain(x, p)
        return y, (x, y, p)

    def hand_bwd(res, y_bar):
        x, y, p = res
        u, u_next = unpack(x)[1], unpack(y)[1]
        b_out, b_next, b_px, b_pz, _ = unpack(y_bar)
        b_prev, b_u, b_px, b_pz, b_c = pml_step_vjp(u, u_next, p["c"], sx, sz, dt, dx, b_out, b_next, b_px, b_pz)
        p_bar = {name: jnp.zeros_like(v) for name, v in p.items()}
        p_bar["c"] = b_c
        return pack(b_prev, b_u, b_px, b_pz, 0.0 * y_bar[-1]), p_bar

    hand.defvjp(hand_fwd, hand_bwd)

    def cost(n, x, p):
        u = x[m:2 * m].reshape(shape)
        return 0.5 * jnp.sum((u[:, rz, rx] - jax.lax.stop_gradient(p["d"])[:, n]) ** 2)

    _SCHEDULE[key] = {"plain": plain, "hand": hand, "cost": cost}
    return _SCHEDULE[key]


# --------------------------------------------------------------------------- a full problem
@dataclass(eq=False)
class WaveProblem:
    r"""A 2D acoustic survey on a grid with a PML: sources, receivers, wavelet, time steps.

    ``sources`` is a list of (iz, ix) cells, one shot each (every shot is simulated, all at
    once); ``receivers`` a list of (iz, ix) cells recording every shot. ``nt`` steps of length
    ``dt`` (s) on a grid of spacing ``dx`` (m). The wavelet is a Ricker of peak frequency ``f0``
    (Hz), or the samples :math:`s(n\Delta t)`, ``n = 0..nt``, given as ``wavelet``; the source
    density is :math:`s(t_n)/h^2` at the source cell. ``n_pml`` cells on every edge form the
    absorbing layer (``n_pml=0``: rigid walls, :math:`u = 0`, a lossless closed box);
    ``sigma_max`` (1/s) defaults to :math:`3 c_{\rm ref}\ln(1/R)/(2L)` for a layer of
    thickness :math:`L` and a target reflection :math:`R = 10^{-3}`.

    Forward: :meth:`traces`, :meth:`wavefield`, :meth:`snapshots`, :meth:`misfit`.
    Gradients: ``jax.grad`` of :meth:`misfit` (store-all, or ``method="adjoint-state"``),
    :meth:`gradient_checkpointed`, :meth:`gradient_time_reversal`.
    Per-step functions on a flat state for schedules: :meth:`initial_state`, :meth:`step`
    (autodiff VJP), :meth:`step_adjoint_state` (hand-derived VJP), :meth:`reverse_step`,
    :meth:`record`, :meth:`running_cost`.
    """

    nz: int
    nx: int
    dx: float
    dt: float
    nt: int
    f0: float
    sources: Sequence[tuple[int, int]]
    receivers: Sequence[tuple[int, int]]
    n_pml: int = 15
    sigma_max: float | None = None
    c_ref: float = 2500.0
    wavelet: Any = None
    sigma_x: np.ndarray = field(init=False, repr=False)
    sigma_z: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("nz", "nx", "nt"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"WaveProblem: {name} must be a positive integer, got {v!r}")
        if not (self.dx > 0 and self.dt > 0 and self.f0 > 0):
            raise ValueError(f"WaveProblem: dx, dt and f0 must be > 0, got {self.dx}, {self.dt}, {self.f0}")
        self.sources = [tuple(int(i) for i in s) for s in self.sources]
        self.receivers = [tuple(int(i) for i in r) for r in self.receivers]
        if not self.sources or not self.receivers:
            raise ValueError("WaveProblem: give at least one source and one receiver")
        for kind, cells in (("source", self.sources), ("receiver", self.receivers)):
            for iz, ix in cells:
                if not (0 <= iz < self.nz and 0 <= ix < self.nx):
                    raise ValueError(f"WaveProblem: {kind} cell {(iz, ix)} lies outside the "
                                     f"{self.nz} x {self.nx} grid")
        if self.sigma_max is None:
            L = max(self.n_pml, 1) * self.dx
            self.sigma_max = 1.5 * self.c_ref * np.log(1e3) / L
        self.sigma_x = pml_profile(self.nx, self.n_pml, self.sigma_max)[None, :]
        self.sigma_z = pml_profile(self.nz, self.n_pml, self.sigma_max)[:, None]
        if self.wavelet is None:
            self.wavelet = ricker(self.dt * np.arange(self.nt + 1), self.f0)
        else:
            w = np.asarray(self.wavelet, dtype=float)
            if w.shape != (self.nt + 1,):
                raise ValueError(f"WaveProblem: wavelet must hold nt + 1 = {self.nt + 1} samples "
                                 f"s(n dt), n = 0..nt; got shape {w.shape}")
            self.wavelet = w
        self._rec = (np.array([r[0] for r in self.receivers]), np.array([r[1] for r in self.receivers]))
        src = np.zeros((len(self.sources), self.nz, self.nx))
        for s, (iz, ix) in enumerate(self.sources):
            src[s, iz, ix] = 1.0 / self.dx**2
        self._src = src
        self._compiled: dict = {}
        self._k: dict | None = None

    # ---- sizes, masks and checks
    @property
    def n_shots(self) -> int:
        return len(self.sources)

    @property
    def shape(self) -> tuple[int, int, int]:
        """(shots, nz, nx): the shape of one field of all shots."""
        return (self.n_shots, self.nz, self.nx)

    @property
    def state_size(self) -> int:
        r"""Length of the flat state vector :math:`(u^{n-1}, u^n, \psi_x^n, \psi_z^n, n)`, all shots."""
        return 4 * self.n_shots * self.nz * self.nx + 1

    @property
    def state_bytes(self) -> int:
        """Bytes of one stored state (float64)."""
        return 8 * self.state_size

    @property
    def interior(self) -> np.ndarray:
        r"""Boolean mask of the cells outside the absorbing layer (where :math:`\sigma = 0`)."""
        return (self.sigma_x == 0) & (self.sigma_z == 0) & np.ones((self.nz, self.nx), bool)

    def courant(self, c) -> float:
        r"""Courant number :math:`r = c_{\max}\Delta t/h` (stable for :math:`r \le 1/\sqrt2`)."""
        return float(np.max(np.asarray(c))) * self.dt / self.dx

    def constants(self) -> dict:
        """The problem's arrays for the compiled kernels: damping profiles ``sx``, ``sz``, the
        source field per unit wavelet ``src`` (shots, nz, nx), the wavelet ``wav``, the receiver
        cells ``rz``, ``rx``, and ``dt``, ``dx``."""
        if self._k is None:
            with jax.ensure_compile_time_eval():  # concrete arrays even when first called inside jit
                self._k = {"sx": jnp.asarray(self.sigma_x), "sz": jnp.asarray(self.sigma_z), "src": jnp.asarray(self._src),
                           "wav": jnp.asarray(self.wavelet), "rz": jnp.asarray(self._rec[0]),
                           "rx": jnp.asarray(self._rec[1]), "dt": jnp.asarray(float(self.dt)),
                           "dx": jnp.asarray(float(self.dx))}
        return self._k

    def _check_model(self, c) -> None:
        if tuple(np.shape(c)) != (self.nz, self.nx):
            raise ValueError(f"velocity model has shape {np.shape(c)}, expected {(self.nz, self.nx)}")

    def _check_data(self, d_obs) -> None:
        want = (self.n_shots, self.nt, len(self.receivers))
        if tuple(np.shape(d_obs)) != want:
            raise ValueError(f"observed data have shape {np.shape(d_obs)}, expected (shots, nt, "
                             f"receivers) = {want}")

    # ---- forward runs and whole-simulation gradients
    def traces(self, c):
        r"""Recorded data :math:`d_n = u^n[\text{rec}]`, :math:`n = 1..T`, of every shot, shape
        ``(n_shots, nt, n_receivers)``. Differentiable in ``c``: reverse mode through
        ``lax.scan`` stores what each step's VJP needs, for every step (the store-all
        strategy)."""
        self._check_model(c)
        return _simulate(jnp.asarray(c), self.constants(), "traces")["traces"]

    def traces_adjoint_state(self, c):
        r"""The same data as :meth:`traces`, with a ``jax.custom_vjp`` whose backward pass is
        the discrete adjoint-state method: the forward pass keeps only :math:`u^n` of every
        step (one field per shot and step); the backward pass runs the adjoint wave equation
        (:func:`pml_step_vjp`) from :math:`n = T` down to 0, injecting the data cotangent at
        the receivers and accumulating the imaging condition."""
        self._check_model(c)
        return _traces_adjoint(jnp.asarray(c), self.constants())

    def misfit(self, c, d_obs, method: str = "autodiff"):
        r""":math:`\mathcal L = \tfrac12\sum_{\rm shots}\sum_n \lVert d_n(c) - d_n^{\rm obs}\rVert^2`.
        ``method="autodiff"`` differentiates through the time loop; ``"adjoint-state"`` uses
        :meth:`traces_adjoint_state` (same value, hand-derived gradient, only :math:`u^n` kept)."""
        if method not in ("autodiff", "adjoint-state"):
            raise ValueError(f"misfit: method must be 'autodiff' or 'adjoint-state', got {method!r}")
        self._check_data(d_obs)
        d = self.traces(c) if method == "autodiff" else self.traces_adjoint_state(c)
        return 0.5 * jnp.sum((d - d_obs) ** 2)

    def value_and_grad(self, c, d_obs, method: str = "autodiff"):
        """The misfit and its gradient with respect to ``c``, compiled once per grid shape:
        ``method="autodiff"`` (reverse mode through the time loop, store-all) or
        ``"adjoint-state"`` (:meth:`traces_adjoint_state`)."""
        return self.compiled_value_and_grad(c, d_obs, method)(jnp.asarray(c), jnp.asarray(d_obs), self.constants())

    def compiled_value_and_grad(self, c, d_obs, method: str = "autodiff"):
        """The compiled executable behind :meth:`value_and_grad` (call it as ``fn(c, d_obs,
        problem.constants())``); its ``memory_analysis()`` reports the buffers XLA keeps."""
        if method not in ("autodiff", "adjoint-state"):
            raise ValueError(f"value_and_grad: method must be 'autodiff' or 'adjoint-state', got {method!r}")
        self._check_model(c)
        self._check_data(d_obs)
        key = ("value_and_grad", method, np.shape(c), np.shape(d_obs))
        if key not in _COMPILED:
            _COMPILED[key] = _value_and_grad.lower(jnp.asarray(c), jnp.asarray(d_obs), self.constants(),
                                                   method=method).compile()
        return _COMPILED[key]

    def wavefield(self, c) -> np.ndarray:
        """The pressure :math:`u^n` of every shot for n = 0..nt (:math:`u^0 = 0`), shape
        ``(nt + 1, shots, nz, nx)``."""
        self._check_model(c)
        u = np.asarray(_simulate(jnp.asarray(c), self.constants(), "u")["u"])
        return np.concatenate([np.zeros((1,) + self.shape), u])

    def snapshots(self, c, shot: int = 0, every: int = 10) -> np.ndarray:
        """Wavefield :math:`u^n` of one shot for n = every, 2 every, ..., shape
        ``(nt // every, nz, nx)``."""
        if not 0 <= shot < self.n_shots:
            raise ValueError(f"snapshots: shot {shot} does not exist ({self.n_shots} shots)")
        if every < 1:
            raise ValueError(f"snapshots: every must be >= 1, got {every}")
        return self.wavefield(c)[every::every, shot]

    def pseudo_hessian(self, c) -> np.ndarray:
        r"""Diagonal illumination :math:`H = \sum_{\rm shots}\sum_n (2c\Delta t^2\nabla_h^2 u^n)^2`:
        the squared "virtual source" :math:`\partial u^{n+1}/\partial c` of each cell, summed
        over time (the pseudo-Hessian of Shin et al. 2001). Large near the sources, small far
        from them; dividing the gradient by it evens out the illumination."""
        self._check_model(c)
        return np.asarray(_pseudo_hessian(jnp.asarray(c), self.constants()))

    # ---- one step on a flat state, for checkpointing and reversible schedules
    def initial_state(self) -> np.ndarray:
        """The flat state :math:`x_0` (all fields zero, step index 0)."""
        return np.zeros(self.state_size)

    def unpack(self, x):
        r"""Split a flat state into :math:`(u^{n-1}, u^n, \psi_x^n, \psi_z^n, n)`, each field of
        shape (shots, nz, nx)."""
        m = self.n_shots * self.nz * self.nx
        f = [x[i * m:(i + 1) * m].reshape(self.shape) for i in range(4)]
        return (*f, x[-1])

    @staticmethod
    def pack(u_prev, u, px, pz, n):
        """Inverse of :meth:`unpack`."""
        return jnp.concatenate([u_prev.ravel(), u.ravel(), px.ravel(), pz.ravel(), jnp.reshape(n, (1,))])

    def _index(self, n):
        return jnp.clip(jnp.round(n).astype(jnp.int32), 0, self.nt)

    def step(self, x, c):
        r"""One time step of all shots on the flat state, :math:`x_n \mapsto x_{n+1}`
        (JAX-traceable; the wavelet value at step :math:`n` is looked up from the index stored
        in ``x``). Its VJP is whatever JAX derives."""
        return _schedule_functions(self)["plain"](x, {"c": c, "wav": self.constants()["wav"]})

    @property
    def step_adjoint_state(self) -> Callable:
        r""":meth:`step` with a ``jax.custom_vjp`` whose backward rule is the hand-derived
        :func:`pml_step_vjp`: the adjoint-state method, one step at a time, for schedules that
        call ``jax.vjp`` per step (:func:`helpers.checkpointing.checkpointed_vjp`)."""
        if "step_adjoint_state" not in self._compiled:
            hand, wav = _schedule_functions(self)["hand"], self.constants()["wav"]
            self._compiled["step_adjoint_state"] = lambda x, c: hand(x, {"c": c, "wav": wav})
        return self._compiled["step_adjoint_state"]

    def reverse_step(self, x_next, c):
        r"""Invert :meth:`step` algebraically, :math:`x_{n+1} \mapsto x_n` (see
        :func:`pml_reverse_step`). Exact in exact arithmetic; in floating point it is stable
        only without absorption (``n_pml=0``)."""
        u, u_next, px, pz, n1 = self.unpack(x_next)
        k = self.constants()
        f = k["src"] * k["wav"][self._index(n1 - 1.0)]
        u_prev, px, pz = pml_reverse_step(u, u_next, px, pz, c, f, k["sx"], k["sz"], k["dt"], k["dx"])
        return self.pack(u_prev, u, px, pz, n1 - 1.0)

    def record(self, x):
        r"""Receiver values :math:`u^n[\text{rec}]` of a flat state :math:`x_n`, shape (shots, receivers)."""
        m = self.n_shots * self.nz * self.nx
        u = x[m:2 * m].reshape(self.shape)
        return u[:, self._rec[0], self._rec[1]]

    def running_cost(self, d_obs) -> Callable:
        r"""The misfit as a running cost ``cost(n, x_n, c)`` =
        :math:`\tfrac12\lVert u^n[\text{rec}] - d^{\rm obs}_n\rVert^2` (zero at :math:`n = 0`),
        for :func:`helpers.checkpointing.checkpointed_vjp`."""
        self._check_data(d_obs)
        D = jnp.concatenate([jnp.zeros((self.n_shots, 1, len(self.receivers))), jnp.asarray(d_obs)], axis=1)

        def cost(n, x, c):
            return 0.5 * jnp.sum((self.record(x) - D[:, n]) ** 2)

        return cost

    def schedule_functions(self, adjoint: str = "hand") -> tuple[Callable, Callable]:
        r"""``(step, cost)`` for :func:`helpers.checkpointing.checkpointed_vjp` with
        parameters ``p = {"c": velocity, "wav": wavelet, "d": data}`` (:meth:`schedule_params`):
        ``step(x, p)`` (its VJP hand-derived, ``adjoint="hand"``, or JAX's, ``"autodiff"``)
        and the running cost ``cost(n, x, p)`` =
        :math:`\tfrac12\lVert u^n[\text{rec}] - d^{\rm obs}_n\rVert^2`. The wavelet and the
        data enter as constants (zero cotangents), so the same two functions, compiled once,
        serve every band and every data set of one survey geometry."""
        if adjoint not in ("hand", "autodiff"):
            raise ValueError(f"adjoint must be 'hand' or 'autodiff', got {adjoint!r}")
        f = _schedule_functions(self)
        return f["hand" if adjoint == "hand" else "plain"], f["cost"]

    def schedule_params(self, c, d_obs) -> dict:
        """The parameters of :meth:`schedule_functions`: the velocity, this problem's wavelet and
        the observed data padded with :math:`d_0 = 0` (shots, nt + 1, receivers)."""
        self._check_model(c)
        self._check_data(d_obs)
        D = jnp.concatenate([jnp.zeros((self.n_shots, 1, len(self.receivers))), jnp.asarray(d_obs)], axis=1)
        return {"c": jnp.asarray(c), "wav": self.constants()["wav"], "d": D}

    def step_timings(self, c, d_obs, adjoint: str = "hand", repeat: int = 3,
                     clock: Callable[[], float] = time.perf_counter) -> tuple[float, float]:
        r"""Seconds per step of the two operations a checkpointed gradient is made of, each
        measured in a compiled loop over all ``nt`` steps (best of ``repeat`` runs, compilation
        excluded): :math:`t_{\rm fwd}`, one call of the step, and :math:`t_{\rm vjp}`, one
        paint (the step's VJP, which re-runs the step to linearise it, plus the running cost
        and its gradient). A schedule with :math:`F` forward steps then costs about
        :math:`F\,t_{\rm fwd} + T\,t_{\rm vjp}`. ``clock``: wall time by default;
        ``time.process_time`` counts the CPU time of all the process's threads, which a busy
        machine disturbs less."""
        step, cost = self.schedule_functions(adjoint)
        p = self.schedule_params(c, d_obs)
        x0 = jnp.asarray(self.initial_state())
        nt = self.nt

        @jax.jit
        def forward(x, p):
            return jax.lax.fori_loop(0, nt, lambda i, x: step(x, p), x)

        @jax.jit
        def paints(x, p):
            def body(i, carry):  # the state moves (by a negligible amount) so that nothing is hoisted
                x, x_bar, c_bar = carry
                _, pullback = jax.vjp(step, x, p)
                gx, gp = pullback(x_bar)
                _, (cx, cp) = jax.value_and_grad(cost, argnums=(1, 2))(i, x, p)
                return x + 1e-30 * gx, gx + cx, c_bar + gp["c"] + cp["c"]
            return jax.lax.fori_loop(0, nt, body, (x, x, jnp.zeros_like(p["c"])))

        out = []
        for fn in (forward, paints):
            jax.block_until_ready(fn(x0, p))
            best = np.inf
            for _ in range(repeat):
                t0 = clock()
                jax.block_until_ready(fn(x0, p))
                best = min(best, clock() - t0)
            out.append(best / nt)
        return out[0], out[1]

    def gradient_checkpointed(self, c, d_obs, n_checkpoints: int, schedule: str = "treeverse",
                              adjoint: str = "hand", **kwargs):
        r"""The misfit and its gradient by :func:`helpers.checkpointing.checkpointed_vjp`: at
        most ``n_checkpoints`` states stored, the per-step VJP either the hand-derived
        adjoint-state rule (``adjoint="hand"``) or JAX's (``"autodiff"``). Returns the engine's
        result (``value``, ``params_bar`` = the gradient with respect to ``c``, step counts,
        peak states, ...); other keyword arguments go to the engine."""
        import dataclasses

        from helpers.checkpointing import checkpointed_vjp

        step, cost = self.schedule_functions(adjoint)
        r = checkpointed_vjp(step, self.initial_state(), self.nt, np.zeros(self.state_size), n_checkpoints,
                             schedule=schedule, params=self.schedule_params(c, d_obs), step_cost=cost, **kwargs)
        return dataclasses.replace(r, params_bar=r.params_bar["c"])

    # ---- time reversal with saved boundary values
    def boundary_frame(self) -> np.ndarray:
        r"""Cells whose wavefield must be saved at every step to run the interior backward:
        the outermost ring of the interior and the innermost ring of the PML (empty without a
        PML, where :math:`u = 0` outside the grid plays that role). Boolean mask (nz, nx)."""
        inner = self.interior
        if self.n_pml == 0:
            return np.zeros_like(inner)
        pad = np.pad(inner, 1, constant_values=False)
        grow = pad[2:, 1:-1] | pad[:-2, 1:-1] | pad[1:-1, 2:] | pad[1:-1, :-2] | inner
        padt = np.pad(inner, 1, constant_values=True)
        deep = inner & padt[2:, 1:-1] & padt[:-2, 1:-1] & padt[1:-1, 2:] & padt[1:-1, :-2]
        return grow & ~deep

    def gradient_time_reversal(self, c, d_obs, return_fields: bool = False):
        r"""Misfit and gradient on the interior by running the wavefield **backward** instead
        of storing it. The forward pass keeps only the final two fields and, at every step,
        the values on :meth:`boundary_frame`; the backward pass rebuilds :math:`u^{n-1}` in the
        interior from :math:`u^{n-1} = 2u^n - u^{n+1} + \Delta t^2(c^2\nabla_h^2u^n + f^n)`
        with the saved frame as boundary values, while the adjoint field
        (:func:`pml_step_vjp`) runs backward beside it. Without a PML nothing but the final
        state is kept. Exact in exact arithmetic; round-off makes the rebuilt field drift.

        Returns ``(value, gradient, info)``: the gradient is zero outside the interior;
        ``info`` has ``saved_bytes`` (frame values plus the final fields) and, with
        ``return_fields=True``, ``u_rebuilt`` (:math:`u^n` on the interior, n = 0..T)."""
        self._check_model(c)
        self._check_data(d_obs)
        frame = self.boundary_frame()
        fidx = np.flatnonzero(frame)
        inner = self.interior
        deep = inner & ~frame
        value, g, fields = _time_reversal(jnp.asarray(c), jnp.asarray(d_obs), self.constants(), jnp.asarray(fidx),
                                          jnp.asarray(inner), jnp.asarray(deep), return_fields)
        S = self.n_shots
        info = {"saved_bytes": 8 * S * (len(fidx) * (self.nt + 1) + 2 * int(inner.sum())),
                "frame_cells": len(fidx)}
        if return_fields:
            info["u_rebuilt"] = np.asarray(fields)
        return float(value), np.where(inner, np.asarray(g), 0.0), info

    def with_wavelet(self, wavelet) -> "WaveProblem":
        r"""The same survey with another source wavelet (samples :math:`s(n\Delta t)`, n = 0..nt),
        e.g. a low-passed one for one band of a multiscale inversion."""
        return WaveProblem(self.nz, self.nx, self.dx, self.dt, self.nt, self.f0, self.sources, self.receivers,
                           n_pml=self.n_pml, sigma_max=self.sigma_max, c_ref=self.c_ref, wavelet=wavelet)

    # ---- a finer grid for the observed data
    def refined(self, factor: int = 2, wavelet: Any = None) -> "WaveProblem":
        r"""The same survey on a grid ``factor`` times finer in space and time: node
        :math:`(i, j)` here is node :math:`(f i, f j)` there, the PML has the same thickness in
        metres, and ``nt`` grows by ``factor``. ``wavelet`` gives the samples on the fine time
        axis (default: the same Ricker). Traces of the fine problem at steps
        :math:`f n` are the data at this problem's step :math:`n` (:meth:`coarsen_traces`)."""
        if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)) or factor < 1:
            raise ValueError(f"refined: factor must be a positive integer, got {factor!r}")
        f = int(factor)
        return WaveProblem(f * (self.nz - 1) + 1, f * (self.nx - 1) + 1, self.dx / f, self.dt / f, f * self.nt,
                           self.f0, [(f * i, f * j) for i, j in self.sources],
                           [(f * i, f * j) for i, j in self.receivers], n_pml=f * self.n_pml,
                           sigma_max=self.sigma_max, c_ref=self.c_ref, wavelet=wavelet)

    @staticmethod
    def coarsen_traces(d_fine, factor: int) -> np.ndarray:
        """Traces of a :meth:`refined` problem at this problem's time steps: samples
        ``factor - 1, 2 factor - 1, ...`` of the fine time axis (steps ``factor n``)."""
        d = np.asarray(d_fine)
        return d[:, factor - 1::factor, :]


def add_noise(d, snr_db: float, rng: np.random.Generator, band: Callable | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""Add Gaussian noise to data ``d`` at a signal-to-noise ratio of ``snr_db`` decibels,
    :math:`10\log_{10}(\sum d^2 / \sum n^2)`. With ``band`` (a function filtering along time,
    e.g. a :func:`lowpass`), white noise is first passed through it, so that it occupies the
    signal's band, and then scaled. Returns ``(noisy data, noise)``."""
    d = np.asarray(d, dtype=float)
    noise = rng.standard_normal(d.shape)
    if band is not None:
        noise = np.asarray(band(noise))
    noise *= np.sqrt(np.sum(d**2) / np.sum(noise**2) / 10 ** (snr_db / 10))
    return d + noise, noise


# --------------------------------------------------------------------------- memory, measured
def _gradient_in_child(spec: dict, c, d_obs, method: str, n_checkpoints: int) -> None:
    problem = WaveProblem(**spec)
    if method == "treeverse":
        r = problem.gradient_checkpointed(c, d_obs, n_checkpoints, measure_memory=False)
        jax.block_until_ready(r.params_bar)
    else:
        jax.block_until_ready(problem.value_and_grad(c, d_obs, "autodiff" if method == "store-all" else method))


def gradient_peak_memory(problem: "WaveProblem", c, d_obs, method: str = "treeverse", n_checkpoints: int = 25):
    """The peak memory of one misfit gradient as the process sees it, measured in a fresh
    Python process (:func:`helpers.memory.peak_memory`: one call to compile, then one measured
    call), so that memory the notebook's process already holds cannot hide the gradient's.
    ``method``: ``"treeverse"`` (:meth:`WaveProblem.gradient_checkpointed` with
    ``n_checkpoints`` states), ``"store-all"`` (``jax.grad`` through the loop) or
    ``"adjoint-state"``. Returns the :class:`helpers.memory.MemoryReport`."""
    import dataclasses

    from helpers.memory import peak_memory

    if method not in ("treeverse", "store-all", "adjoint-state"):
        raise ValueError(f"gradient_peak_memory: method must be 'treeverse', 'store-all' or 'adjoint-state', "
                         f"got {method!r}")
    problem._check_model(c)
    problem._check_data(d_obs)
    spec = {f.name: getattr(problem, f.name) for f in dataclasses.fields(problem) if f.init}
    return peak_memory(_gradient_in_child, spec, np.asarray(c, dtype=float), np.asarray(d_obs, dtype=float),
                       method, int(n_checkpoints))


# --------------------------------------------------------------------------- inversion
@dataclass
class InversionResult:
    r"""What :func:`invert` did. ``c``: the final model; ``misfits``: the data misfit
    :math:`\mathcal L` at every evaluation; ``objective``: the regularised, normalised objective
    at every evaluation; ``iterations`` and ``evaluations`` of L-BFGS; ``first_gradient``: the
    misfit gradient at the starting model; ``peak_states`` and ``forward_steps``: the most
    states any gradient stored and the steps it ran (``None`` for the routes that do not go
    through a schedule); ``seconds``: wall time; ``models``: the model after each iteration
    (if asked for)."""

    c: np.ndarray
    misfits: list
    objective: list
    iterations: int
    evaluations: int
    gradient: str
    first_gradient: np.ndarray
    peak_states: int | None
    forward_steps: int | None
    seconds: float
    models: list


def _roughness(dc: np.ndarray) -> tuple[float, np.ndarray]:
    r""":math:`R = \tfrac12\sum (\Delta_z\,\delta c)^2 + (\Delta_x\,\delta c)^2` over neighbouring
    cells, and its gradient."""
    gz, gx = np.diff(dc, axis=0), np.diff(dc, axis=1)
    grad = np.zeros_like(dc)
    grad[1:] += gz
    grad[:-1] -= gz
    grad[:, 1:] += gx
    grad[:, :-1] -= gx
    return 0.5 * float(np.sum(gz**2) + np.sum(gx**2)), grad


def invert(problem: WaveProblem, d_obs, c0, mask, iterations: int, *, gradient: str = "treeverse",
           n_checkpoints: int = 25, precondition: bool = True, epsilon: float = 1e-2,
           step_scale: float = 100.0, tikhonov: float = 1e-3, keep_models: bool = False) -> InversionResult:
    r"""Full-waveform inversion of ``d_obs`` by L-BFGS, starting from the model ``c0`` and
    updating only the cells in ``mask``.

    The objective is :math:`J(c) = \mathcal L(c)/\mathcal L(c_0) + \tfrac{\alpha}{2}
    \lVert\nabla(c - c_0)\rVert^2/s^2` (``tikhonov`` = :math:`\alpha`, ``step_scale`` =
    :math:`s` in m/s): the data misfit, normalised, plus a small Tikhonov penalty on the
    roughness of the update. The unknowns are :math:`m` with :math:`c = c_0 + s\,p\odot m`,
    where the diagonal scaling :math:`p = (H/\max H + \epsilon)^{-1/2}` (normalised to
    :math:`\max p = 1`) comes from the pseudo-Hessian :math:`H` at :math:`c_0`
    (:meth:`WaveProblem.pseudo_hessian`): preconditioning by the illumination, so that poorly
    lit cells are not left behind (``precondition=False``: :math:`p = 1`).

    ``gradient``: ``"treeverse"`` (:meth:`WaveProblem.gradient_checkpointed`, at most
    ``n_checkpoints`` stored states, hand-derived per-step adjoint), ``"store-all"``
    (``jax.grad`` through the time loop) or ``"adjoint-state"`` (the custom VJP keeping
    :math:`u^n`)."""
    from scipy.optimize import minimize

    if gradient not in ("treeverse", "store-all", "adjoint-state"):
        raise ValueError(f"invert: gradient must be 'treeverse', 'store-all' or 'adjoint-state', got {gradient!r}")
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or iterations < 1:
        raise ValueError(f"invert: iterations must be a positive integer, got {iterations!r}")
    c0 = np.asarray(c0, dtype=float)
    problem._check_model(c0)
    problem._check_data(d_obs)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != c0.shape or not mask.any():
        raise ValueError(f"invert: mask must be a boolean array of shape {c0.shape} with at least one cell set")
    d_obs = jnp.asarray(d_obs)
    if gradient == "treeverse":
        def value_and_grad(c):
            r = problem.gradient_checkpointed(c, d_obs, n_checkpoints, measure_memory=False)
            return float(r.value), np.asarray(r.params_bar), r
    else:
        method = "autodiff" if gradient == "store-all" else "adjoint-state"

        def value_and_grad(c):
            v, g = problem.value_and_grad(c, d_obs, method)
            return float(v), np.asarray(g), None

    if precondition:
        H = problem.pseudo_hessian(c0)
        p = np.where(mask, 1.0 / np.sqrt(H / H[mask].max() + epsilon), 0.0)
        p /= p.max()
    else:
        p = mask.astype(float)
    scale = step_scale * p
    stats = {"peak": None, "steps": None}
    misfits, objective, models = [], [], []
    t0 = time.perf_counter()
    L0, g0, r = value_and_grad(c0)
    if not L0 > 0:
        raise ValueError("invert: the misfit at the starting model is zero; nothing to invert")

    def record(r):
        if r is not None:
            stats["peak"] = max(stats["peak"] or 0, r.peak_states)
            stats["steps"] = r.forward_steps

    record(r)
    cache = {}

    def fun(m):
        c = c0 + scale * m.reshape(c0.shape)
        if not cache:  # the first evaluation is at c0: reuse it
            L, g = L0, g0
        else:
            L, g, r = value_and_grad(c)
            record(r)
        cache["done"] = True
        R, gR = _roughness(c - c0)
        J = L / L0 + tikhonov * R / step_scale**2
        misfits.append(L)
        objective.append(J)
        return J, (scale * (g / L0 + tikhonov * gR / step_scale**2)).ravel()

    def callback(m):
        if keep_models:
            models.append(c0 + scale * m.reshape(c0.shape))

    opt = minimize(fun, np.zeros(c0.size), jac=True, method="L-BFGS-B", callback=callback,
                   options=dict(maxiter=int(iterations)))
    c = c0 + scale * opt.x.reshape(c0.shape)
    return InversionResult(c=c, misfits=misfits, objective=objective, iterations=int(opt.nit),
                           evaluations=int(opt.nfev), gradient=gradient, first_gradient=g0,
                           peak_states=stats["peak"], forward_steps=stats["steps"],
                           seconds=time.perf_counter() - t0, models=models)


# --------------------------------------------------------------------------- measurements
def measure_speed(trace1: np.ndarray, trace2: np.ndarray, distance: float, dt: float) -> float:
    r"""Speed from the delay between two traces recorded ``distance`` apart on a ray from the
    source: the lag maximising their cross-correlation, refined to sub-sample accuracy by a
    parabola through the peak and its neighbours; returns ``distance / lag``."""
    a = np.asarray(trace1, float)
    b = np.asarray(trace2, float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("measure_speed: the traces must be 1D arrays of the same length")
    xc = np.correlate(b, a, mode="full")
    i = int(np.argmax(xc))
    if i == 0 or i == len(xc) - 1:
        raise ValueError("measure_speed: the correlation peaks at the edge; record longer")
    y0, y1, y2 = xc[i - 1], xc[i], xc[i + 1]
    frac = 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2)
    lag = (i - (len(a) - 1) + frac) * dt
    if lag <= 0:
        raise ValueError("measure_speed: the second trace does not arrive later than the first")
    return distance / lag


def measure_phase_speed(trace1: np.ndarray, trace2: np.ndarray, r1: float, r2: float, dt: float,
                        f) -> np.ndarray:
    r"""Phase speed at frequency ``f`` (Hz) from two traces recorded at distances ``r1 < r2``
    (m) from a point source in a homogeneous 2D medium.

    In 2D the field of a point source is :math:`\hat u(r, \omega) \propto \hat s(\omega)\,
    H_0^{(1)}(kr)` (time dependence :math:`e^{-i\omega t}`), so the ratio of the two traces'
    Fourier transforms at :math:`\omega = 2\pi f` equals :math:`H_0^{(1)}(kr_2)/H_0^{(1)}(kr_1)`.
    We solve the phase of that equation for :math:`k` (near the travel-time estimate of
    :func:`measure_speed`) and return :math:`\omega/k`. Using the exact Hankel phase instead of
    :math:`kr` removes the near-field bias of a point source."""
    from scipy.optimize import brentq
    from scipy.special import hankel1

    a = np.asarray(trace1, float)
    b = np.asarray(trace2, float)
    if not 0 < r1 < r2:
        raise ValueError(f"measure_phase_speed: need 0 < r1 < r2, got {r1}, {r2}")
    v0 = measure_speed(a, b, r2 - r1, dt)
    t = dt * np.arange(1, len(a) + 1)
    out = []
    for fi in np.atleast_1d(np.asarray(f, dtype=float)):
        w = 2 * np.pi * fi
        ratio = np.sum(b * np.exp(1j * w * t)) / np.sum(a * np.exp(1j * w * t))

        def g(k):
            return float(np.angle(ratio * hankel1(0, k * r1) / hankel1(0, k * r2)))

        k0 = w / v0
        out.append(w / brentq(g, 0.9 * k0, 1.1 * k0, xtol=1e-14 * k0))
    return np.array(out)
