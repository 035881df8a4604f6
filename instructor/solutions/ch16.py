"""Chapter 16: reference solutions, wrong answers, reference data."""

import numpy as np

from helpers.exercises.ch16 import ADJOINT_CASES, CFL_CASES, REVERSE_CASES
from helpers.pebble import eta
from helpers.seismic import ricker


def _lap(u, dx):
    """Five-point Laplacian, u = 0 outside the grid."""
    up = np.pad(np.asarray(u, float), 1)
    return (up[2:, 1:-1] + up[:-2, 1:-1] + up[1:-1, 2:] + up[1:-1, :-2] - 4 * up[1:-1, 1:-1]) / dx**2


def _lap_periodic(u, dx):
    u = np.asarray(u, float)
    return (np.roll(u, 1, 0) + np.roll(u, -1, 0) + np.roll(u, 1, 1) + np.roll(u, -1, 1) - 4 * u) / dx**2


def dt_max(c_max, dx, ndim):
    return dx / (c_max * np.sqrt(ndim))


def sweeps(T=10**4, d=10):
    t = 0
    while eta(t, d) < T:
        t += 1
    return t


def reverse(u, u_next, c, f, dt, dx):
    return 2 * u - u_next + dt**2 * (c**2 * _lap(u, dx) + f)


def adjoint(lam1, lam2, c, r, dt, dx):
    return 2 * lam1 - lam2 + dt**2 * _lap(c**2 * lam1, dx) + r


def cycle_skip(freqs=(10.0, 5.0)):
    out = []
    for f0 in freqs:
        t = np.arange(0.0, 12.0 / f0, 1e-4)
        r0 = ricker(t, f0, 6.0 / f0)
        taus = np.arange(0.0, 2.0 / f0, 1e-4)
        J = np.array([np.sum((ricker(t - tau, f0, 6.0 / f0) - r0) ** 2) for tau in taus])
        out.append(taus[np.argmax(np.diff(J) < 0)])
    return np.array(out)


SOLUTIONS = {
    "ch16.cfl": dt_max,
    "ch16.treeverse-budget": sweeps(),
    "ch16.reverse-step": reverse,
    "ch16.adjoint-step": adjoint,
    "ch16.cycle-skip": cycle_skip(),
}

WRONG = {
    "ch16.cfl": [
        lambda c, dx, nd: dx / (c * nd),                       # ndim instead of its square root
        lambda c, dx, nd: dx / (c * np.sqrt(2)),                # the 2D limit in every dimension
        lambda c, dx, nd: 2 * dx / (c * np.sqrt(nd)),           # |lambda + 1/lambda| <= 4 instead of 2
        lambda c, dx, nd: dx * np.sqrt(nd) / c,                 # inverted
    ],
    "ch16.treeverse-budget": [6, 8, 10, 5],
    "ch16.reverse-step": [
        lambda u, un, c, f, dt, dx: 2 * u - un - dt**2 * (c**2 * _lap(u, dx) + f),          # sign of the source terms
        lambda u, un, c, f, dt, dx: 2 * u - un + dt**2 * c**2 * _lap(u, dx),                # the source forgotten
        lambda u, un, c, f, dt, dx: 2 * u - un + dt**2 * (c**2 * _lap_periodic(u, dx) + f),  # periodic edges
        lambda u, un, c, f, dt, dx: 2 * u - un + dt**2 * (c * _lap(u, dx) + f),             # c instead of c^2
        lambda u, un, c, f, dt, dx: 2 * un - u + dt**2 * (c**2 * _lap(un, dx) + f),         # levels swapped
    ],
    "ch16.adjoint-step": [
        lambda l1, l2, c, r, dt, dx: 2 * l1 - l2 + dt**2 * c**2 * _lap(l1, dx) + r,         # the forward operator
        lambda l1, l2, c, r, dt, dx: 2 * l1 - l2 + dt**2 * _lap(c**2 * l1, dx),             # residual forgotten
        lambda l1, l2, c, r, dt, dx: 2 * l1 + l2 + dt**2 * _lap(c**2 * l1, dx) + r,         # sign of lambda^{n+2}
        lambda l1, l2, c, r, dt, dx: 2 * l1 - l2 + dt**2 * _lap_periodic(c**2 * l1, dx) + r,  # periodic edges
    ],
    "ch16.cycle-skip": [
        np.array([0.05, 0.1]),          # half a period
        np.array([0.1, 0.2]),           # a whole period
        cycle_skip()[::-1],             # the two frequencies swapped
        np.array([cycle_skip()[0]] * 2),  # the same basin for both
    ],
}

REFERENCES = {
    "ch16.cfl": lambda: [dt_max(*case) for case in CFL_CASES],
    "ch16.treeverse-budget": lambda: sweeps(),
    "ch16.reverse-step": lambda: [reverse(*case) for case in REVERSE_CASES],
    "ch16.adjoint-step": lambda: [adjoint(*case) for case in ADJOINT_CASES],
    "ch16.cycle-skip": lambda: cycle_skip(),
}
