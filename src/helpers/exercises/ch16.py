"""Checks for chapter 16 (seismic wave simulation and full-waveform inversion)."""

from __future__ import annotations

import numpy as np

from helpers.check import check_function, check_value
from helpers.exercises import exercise
from helpers.pebble import eta


# --------------------------------------------------------------------------- reference solutions
def dt_max(c_max: float, dx: float, ndim: int) -> float:
    """Largest stable leapfrog time step with the (2 ndim + 1)-point Laplacian."""
    return dx / (c_max * np.sqrt(ndim))


def treeverse_budget(T: int = 10_000, delta: int = 10, state_mb: float = 32.0) -> np.ndarray:
    """[smallest t with eta(t, delta) >= T, memory of delta states in GB]."""
    t = 0
    while eta(t, delta) < T:
        t += 1
    return np.array([t, delta * state_mb / 1000.0])


def reverse_leapfrog(u, u_next, c, f, dt, dx):
    """u^{n-1} = 2 u^n - u^{n+1} + dt^2 (c^2 lap(u^n) + f^n), five-point Laplacian, u = 0 outside."""
    u = np.asarray(u, float)
    up = np.pad(u, 1)
    lap = (up[2:, 1:-1] + up[:-2, 1:-1] + up[1:-1, 2:] + up[1:-1, :-2] - 4 * u) / dx**2
    return 2 * u - np.asarray(u_next) + dt**2 * (np.asarray(c) ** 2 * lap + np.asarray(f))


def cycle_skip_limits(freqs=(10.0, 5.0)) -> np.ndarray:
    r"""For each peak frequency, the smallest time shift tau > 0 at which the misfit
    J(tau) = sum_t [r(t - tau) - r(t)]^2 of a Ricker wavelet stops increasing (the edge of the
    basin of attraction of tau = 0), in seconds."""
    from helpers.seismic import ricker

    out = []
    for f0 in freqs:
        dt = 1e-4
        t = np.arange(0.0, 12.0 / f0, dt)
        r = ricker(t, f0, 6.0 / f0)
        taus = np.arange(0.0, 2.0 / f0, dt)
        J = np.array([np.sum((ricker(t - tau, f0, 6.0 / f0) - r) ** 2) for tau in taus])
        i = int(np.argmax(np.diff(J) < 0))
        out.append(taus[i])
    return np.array(out)


# --------------------------------------------------------------------------- checkers
@exercise("ch16.cfl")
def _cfl(answer):
    return check_function(answer, dt_max, [(3000.0, 5.0, 2), (2000.0, 10.0, 1), (1500.0, 2.0, 3)],
                          unpack=True, rtol=1e-9, name="Your dt_max(c_max, dx, ndim)",
                          hint="the highest grid mode has lap -> -4 ndim / dx^2; leapfrog is stable "
                               "while c^2 dt^2 * 4 ndim / dx^2 <= 4")


@exercise("ch16.treeverse-budget")
def _budget(answer):
    return check_value(answer, treeverse_budget(), rtol=1e-9, atol=1e-9,
                       name="[t, memory in GB]",
                       hint="increase t from 0 until math.comb(t + 10, 10) >= 10**4; "
                            "ten states of 32 MB each")


@exercise("ch16.reverse-step")
def _reverse(answer):
    rng = np.random.default_rng(16)
    pts = []
    for shape in [(5, 6), (8, 4)]:
        u, un, f = (rng.standard_normal(shape) for _ in range(3))
        c = 1500 + 1000 * rng.random(shape)
        pts.append((u, un, c, f, 1e-3, 10.0))
    return check_function(answer, reverse_leapfrog, pts, unpack=True, rtol=1e-10, atol=1e-12,
                          name="Your reverse step",
                          hint="solve u^{n+1} = 2u^n - u^{n-1} + dt^2 (c^2 lap u^n + f^n) for u^{n-1}; "
                               "the Laplacian treats cells outside the grid as zero")


@exercise("ch16.cycle-skip")
def _cycle(answer):
    return check_value(answer, cycle_skip_limits(), rtol=2e-2, name="[tau_c at 10 Hz, tau_c at 5 Hz] (s)",
                       hint="J(tau) rises from 0 and then falls again after about half a period; "
                            "find the first tau where np.diff(J) < 0")
