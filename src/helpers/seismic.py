r"""A small 2D acoustic wave simulator in JAX, differentiable with respect to the velocity model.

The pressure field :math:`u(z, x, t)` obeys the acoustic wave equation

.. math::

    \partial_t^2 u = c(z, x)^2\,\nabla^2 u + f(z, x, t)

with velocity :math:`c` and a point source :math:`f = s(t)\,\delta(\mathbf r - \mathbf r_s)`
whose wavelet :math:`s` is a Ricker wavelet. The grid is surrounded by a perfectly matched
layer (PML) of Grote & Sim type, as in ADSeismic (Zhu et al. 2020): inside the layer, damping
profiles :math:`\sigma_x(x)`, :math:`\sigma_z(z)` and two auxiliary fields
:math:`\psi_x, \psi_z` absorb outgoing waves with little reflection (:func:`pml_step`).
Outside the grid :math:`u = 0`.

*Space.* The five-point Laplacian on a grid of spacing :math:`h`,
:math:`(\nabla_h^2 u)_{ij} = (u_{i+1,j} + u_{i-1,j} + u_{i,j+1} + u_{i,j-1} - 4u_{ij})/h^2`,
second-order accurate; centred first differences for the PML terms.

*Time.* Leapfrog (centred second differences),
:math:`u^{n+1} = 2u^n - u^{n-1} + \Delta t^2 (c^2\nabla_h^2 u^n + f^n)` in the interior,
explicit and stable for the Courant number :math:`r = c_{\max}\Delta t/h \le 1/\sqrt{2}`
(:func:`cfl_limit`). Without the PML it is exactly time-reversible:
:math:`u^{n-1} = 2u^n - u^{n+1} + \Delta t^2 (c^2\nabla_h^2 u^n + f^n)`.

*Dispersion.* A plane wave :math:`e^{i(kx - \omega t)}` along a grid axis satisfies
:math:`\sin(\omega\Delta t/2)/(c\Delta t) = \sin(kh/2)/h`, so its phase speed
:math:`\omega/k` falls short of :math:`c` by about :math:`(kh)^2(1 - r^2)/24`
(:func:`numerical_phase_speed`).

*State.* One time step maps the state :math:`x_n = (u^{n-1}, u^n, \psi_x^n, \psi_z^n, n)` to
:math:`x_{n+1}`: four fields, so 32 MB in float64 on a 1000 x 1000 grid. For checkpointing and
reversible schedules the state is one flat float64 vector of length :math:`4 n_z n_x + 1`
(the step index last, exactly representable), which a schedule can store, copy and count like
any array (:class:`WaveProblem`).

*Data.* Receivers record :math:`u^n` at fixed cells, :math:`d_n = u^n[\text{rec}]` for
:math:`n = 1..T`, and the misfit is
:math:`\mathcal L(c) = \tfrac12\sum_{n=1}^{T}\lVert d_n(c) - d_n^{\rm obs}\rVert^2`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Sequence

import numpy as np

import jax
import jax.numpy as jnp

__all__ = [
    "ricker",
    "cfl_limit",
    "numerical_phase_speed",
    "laplacian",
    "pml_profile",
    "pml_step",
    "pml_reverse_step",
    "layered_model",
    "smooth_model",
    "WaveProblem",
    "measure_speed",
    "measure_phase_speed",
]


# --------------------------------------------------------------------------- building blocks
def ricker(t, f0: float, t0: float | None = None):
    r"""Ricker wavelet (second derivative of a Gaussian) of peak frequency ``f0`` (Hz):

    :math:`s(t) = [1 - 2\pi^2 f_0^2 (t - t_0)^2]\,e^{-\pi^2 f_0^2 (t - t_0)^2}`, delayed by
    ``t0`` (default :math:`1.5/f_0`, so that the wavelet starts near zero). Works on numpy or
    JAX arrays (and inside ``jit``).
    """
    if not f0 > 0:
        raise ValueError(f"ricker: the peak frequency f0 must be > 0 Hz, got {f0!r}")
    t0 = 1.5 / f0 if t0 is None else t0
    a = (np.pi * f0 * (t - t0)) ** 2
    xp = jnp if isinstance(t, jax.Array) else np
    return (1.0 - 2.0 * a) * xp.exp(-a)


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


def laplacian(u, dx: float):
    r"""Five-point Laplacian :math:`\nabla_h^2 u` with :math:`u = 0` outside the grid."""
    up = jnp.pad(u, 1)
    return (up[2:, 1:-1] + up[:-2, 1:-1] + up[1:-1, 2:] + up[1:-1, :-2] - 4.0 * u) / dx**2


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


def _ddx(u, dx):
    up = jnp.pad(u, ((0, 0), (1, 1)))
    return (up[:, 2:] - up[:, :-2]) / (2 * dx)


def _ddz(u, dx):
    up = jnp.pad(u, ((1, 1), (0, 0)))
    return (up[2:] - up[:-2]) / (2 * dx)


def pml_step(u_prev, u, px, pz, c, f, sx, sz, dt: float, dx: float):
    r"""One leapfrog step with the PML of Grote & Sim (as used in ADSeismic):

    .. math::

        (1 + a)\,u^{n+1} = (2 - \sigma_x\sigma_z\Delta t^2)\,u^n - (1 - a)\,u^{n-1}
            + \Delta t^2\,[c^2\nabla_h^2 u^n + \partial_x\psi_x^n + \partial_z\psi_z^n + f^n],

        \psi_x^{n+1} = (1 - \Delta t\,\sigma_x)\,\psi_x^n
            + \Delta t\,c^2(\sigma_z - \sigma_x)\,\partial_x u^{n+1},
        \qquad (x \leftrightarrow z),

    with :math:`a = (\sigma_x + \sigma_z)\Delta t/2` and centred first differences. With
    :math:`\sigma = 0` it is plain leapfrog. Returns :math:`(u^n, u^{n+1}, \psi_x^{n+1},
    \psi_z^{n+1})`."""
    a = 0.5 * (sx + sz) * dt
    c2 = c**2
    rhs = c2 * laplacian(u, dx) + _ddx(px, dx) + _ddz(pz, dx) + f
    u_next = ((2.0 - sx * sz * dt**2) * u - (1.0 - a) * u_prev + dt**2 * rhs) / (1.0 + a)
    px_next = (1.0 - dt * sx) * px + dt * c2 * (sz - sx) * _ddx(u_next, dx)
    pz_next = (1.0 - dt * sz) * pz + dt * c2 * (sx - sz) * _ddz(u_next, dx)
    return u, u_next, px_next, pz_next


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


# --------------------------------------------------------------------------- a full problem
@dataclass
class WaveProblem:
    r"""A 2D acoustic simulation with a PML: grid, sources, receivers and wavelet.

    ``sources`` is a list of (iz, ix) cells (one shot each); ``receivers`` a list of (iz, ix).
    ``nt`` steps of length ``dt`` (s) on a grid of spacing ``dx`` (m). The wavelet is a Ricker
    of peak frequency ``f0`` (Hz); the source density is :math:`s(t_n)/h^2` at the source cell.
    ``n_pml`` cells on every edge form the absorbing layer (``n_pml=0``: rigid walls,
    :math:`u = 0`, a lossless closed box); ``sigma_max`` (1/s) defaults to
    :math:`3 c_{\rm ref}\ln(1/R)/(2L)` for a layer of thickness :math:`L` and a target
    reflection :math:`R = 10^{-3}`.

    Methods: :meth:`traces` (all shots, ``lax.scan``, differentiable), :meth:`misfit`,
    :meth:`snapshots`, and per-step functions on a flat state for schedules
    (:meth:`initial_state`, :meth:`step`, :meth:`reverse_step`, :meth:`record`).
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
    sigma_x: np.ndarray = field(init=False, repr=False)
    sigma_z: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("nz", "nx", "nt"):
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"WaveProblem: {name} must be a positive integer, got {v!r}")
        if self.dx <= 0 or self.dt <= 0 or self.f0 <= 0:
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
        self._rec = (np.array([r[0] for r in self.receivers]), np.array([r[1] for r in self.receivers]))
        self.wavelet = ricker(self.dt * np.arange(self.nt + 1), self.f0)

    # ---- sizes and checks
    @property
    def state_size(self) -> int:
        r"""Length of the flat state vector :math:`(u^{n-1}, u^n, \psi_x^n, \psi_z^n, n)`."""
        return 4 * self.nz * self.nx + 1

    @property
    def state_bytes(self) -> int:
        """Bytes of one stored state (float64)."""
        return 8 * self.state_size

    def courant(self, c) -> float:
        r"""Courant number :math:`r = c_{\max}\Delta t/h` (stable for :math:`r \le 1/\sqrt2`)."""
        return float(np.max(np.asarray(c))) * self.dt / self.dx

    def _check_model(self, c) -> None:
        if tuple(np.shape(c)) != (self.nz, self.nx):
            raise ValueError(f"velocity model has shape {np.shape(c)}, expected {(self.nz, self.nx)}")

    def _source_field(self, shot: int, s):
        iz, ix = self.sources[shot]
        return jnp.zeros((self.nz, self.nx)).at[iz, ix].set(s / self.dx**2)

    # ---- the update of the fields
    def _fields_step(self, u_prev, u, px, pz, c, f):
        return pml_step(u_prev, u, px, pz, c, f, jnp.asarray(self.sigma_x), jnp.asarray(self.sigma_z),
                        self.dt, self.dx)

    def _run(self, c, shot: int | None, keep: str):
        """Scan all shots (a batch axis, or one shot) and return receiver data or snapshots."""
        shots = range(len(self.sources)) if shot is None else [shot]
        c = jnp.asarray(c)
        wav = jnp.asarray(self.wavelet)
        rz, rx = self._rec
        fs = jnp.stack([self._source_field(s, 1.0) for s in shots])
        step = jax.vmap(self._fields_step, in_axes=(0, 0, 0, 0, None, 0))

        def body(carry, n):
            u_prev, u, px, pz = carry
            u, u_next, px, pz = step(u_prev, u, px, pz, c, fs * wav[n])
            out = u_next[:, rz, rx] if keep == "traces" else u_next[0]
            return (u, u_next, px, pz), out

        z = jnp.zeros((len(shots), self.nz, self.nx))
        _, out = jax.lax.scan(body, (z, z, z, z), jnp.arange(self.nt))
        return out

    def traces(self, c):
        r"""Recorded data :math:`d_n = u^n[\text{rec}]`, :math:`n = 1..T`, of every shot, shape
        ``(n_shots, nt, n_receivers)``. Differentiable in ``c``: reverse mode through
        ``lax.scan`` stores every step's state (the store-all strategy)."""
        self._check_model(c)
        return jnp.transpose(self._run(c, None, "traces"), (1, 0, 2))

    def misfit(self, c, d_obs):
        r""":math:`\mathcal L = \tfrac12\sum_{\rm shots}\sum_n \lVert d_n(c) - d_n^{\rm obs}\rVert^2`."""
        d = self.traces(c)
        if d.shape != np.shape(d_obs):
            raise ValueError(f"misfit: observed data have shape {np.shape(d_obs)}, expected {d.shape}")
        return 0.5 * jnp.sum((d - d_obs) ** 2)

    def snapshots(self, c, shot: int = 0, every: int = 10) -> np.ndarray:
        """Wavefield :math:`u^n` of one shot for n = every, 2 every, ..., shape
        ``(nt // every, nz, nx)``."""
        self._check_model(c)
        if not 0 <= shot < len(self.sources):
            raise ValueError(f"snapshots: shot {shot} does not exist ({len(self.sources)} shots)")
        return np.asarray(self._run(c, shot, "fields"))[every - 1::every]

    # ---- one step on a flat state, for checkpointing and reversible schedules
    def initial_state(self) -> np.ndarray:
        """The flat state :math:`x_0` (all fields zero, step index 0)."""
        return np.zeros(self.state_size)

    def unpack(self, x):
        r"""Split a flat state into :math:`(u^{n-1}, u^n, \psi_x^n, \psi_z^n, n)`."""
        m = self.nz * self.nx
        f = [x[i * m:(i + 1) * m].reshape(self.nz, self.nx) for i in range(4)]
        return (*f, x[-1])

    @staticmethod
    def pack(u_prev, u, px, pz, n):
        """Inverse of :meth:`unpack`."""
        return jnp.concatenate([u_prev.ravel(), u.ravel(), px.ravel(), pz.ravel(), jnp.reshape(n, (1,))])

    def _source_at(self, n, shot: int):
        s = jnp.asarray(self.wavelet)[jnp.clip(jnp.round(n).astype(jnp.int32), 0, self.nt)]
        return self._source_field(shot, s)

    def step(self, x, c, shot: int = 0):
        r"""One time step on the flat state, :math:`x_n \mapsto x_{n+1}` (JAX-traceable; the
        wavelet value at step :math:`n` is looked up from the index stored in ``x``)."""
        u_prev, u, px, pz, n = self.unpack(x)
        u, u_next, px, pz = self._fields_step(u_prev, u, px, pz, c, self._source_at(n, shot))
        return self.pack(u, u_next, px, pz, n + 1.0)

    def reverse_step(self, x_next, c, shot: int = 0):
        r"""Invert :meth:`step` algebraically, :math:`x_{n+1} \mapsto x_n` (see
        :func:`pml_reverse_step`). Exact in exact arithmetic; in floating point it is stable
        only without absorption (``n_pml=0``)."""
        u, u_next, px, pz, n1 = self.unpack(x_next)
        u_prev, px, pz = pml_reverse_step(u, u_next, px, pz, c, self._source_at(n1 - 1.0, shot),
                                          jnp.asarray(self.sigma_x), jnp.asarray(self.sigma_z),
                                          self.dt, self.dx)
        return self.pack(u_prev, u, px, pz, n1 - 1.0)

    def record(self, x):
        r"""Receiver values :math:`u^n[\text{rec}]` of a flat state :math:`x_n`."""
        u = x[self.nz * self.nx:2 * self.nz * self.nx].reshape(self.nz, self.nx)
        return u[self._rec]


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
