"""Checks for chapter 16, "Capstone: seismic inversion under a memory budget"."""

from __future__ import annotations

import numpy as np

from helpers.check import check_function, check_value
from helpers.exercises import exercise, reference

#: Test inputs of ``ch16.cfl``: (c_max in m/s, dx in m, ndim).
CFL_CASES = [(3000.0, 5.0, 2), (2000.0, 10.0, 1), (1500.0, 2.0, 3), (4200.0, 7.5, 2)]


def _grid_fields(seed: int, shape: tuple[int, int]) -> tuple[np.ndarray, ...]:
    """Three random fields and a random velocity (m/s) on a grid, nonzero up to its edges."""
    rng = np.random.default_rng(seed)
    a, b, f = (rng.standard_normal(shape) for _ in range(3))
    return a, b, 1500.0 + 1000.0 * rng.random(shape), f


#: Test inputs of ``ch16.reverse-step``: (u^n, u^{n+1}, c, f^n, dt, dx) on two non-square grids,
#: random fields that are nonzero at the edges (so that "u = 0 outside the grid" matters) and a
#: velocity that varies from cell to cell.
REVERSE_CASES = [(*_grid_fields(16, (5, 7)), 1e-3, 10.0), (*_grid_fields(61, (8, 4)), 2e-3, 7.0)]

#: Test inputs of ``ch16.adjoint-step``: (lambda^{n+1}, lambda^{n+2}, c, r^n, dt, dx), the same
#: kind of data as above.
ADJOINT_CASES = [(*_grid_fields(23, (6, 5)), 1.5e-3, 10.0), (*_grid_fields(47, (4, 9)), 1e-3, 5.0)]


def _describe_case(case) -> str:
    shape = "×".join(str(n) for n in np.shape(case[0]))
    return f"random {shape} fields with a cell-by-cell velocity, dt = {case[4]:g} s and dx = {case[5]:g} m"


def _check_grid_step(answer, label: str, cases, name: str):
    """A learner's one-step update of grid fields, against the reference outputs at ``cases``."""
    return check_function(answer, reference(label), cases, unpack=True, rtol=1e-10, atol=1e-12, name=name,
                          describe=_describe_case)


@exercise("ch16.cfl", hints=(
    "Find the grid mode that the Laplacian amplifies most, then ask when leapfrog's amplification "
    "factor stays on the unit circle for that mode.",
    "For the checkerboard mode the (2d+1)-point Laplacian gives -4d/h^2; leapfrog's two roots "
    "satisfy lambda + 1/lambda = 2 - 4d (c dt / h)^2, and |lambda| = 1 needs the right side in [-2, 2].",
))
def _cfl(answer):
    return check_function(answer, reference("ch16.cfl"), CFL_CASES, unpack=True, rtol=1e-9,
                          name="Your dt_max(c_max, dx, ndim)")


@exercise("ch16.treeverse-budget", hints=(
    "With d checkpoints and t sweeps Treeverse reverses at most eta(t, d) steps (the seed's "
    "binomial relation); look for the first t that covers the whole program.",
    "Increase t from 0 and compare pebble.eta(t, 10) (or math.comb(t + 10, 10)) with the number "
    "of steps.",
))
def _budget(answer):
    return check_value(answer, reference("ch16.treeverse-budget"), integer=True, name="Your number of sweeps t")


@exercise("ch16.reverse-step", hints=(
    "Leapfrog treats the past and the future alike: solve its update for the oldest of the three "
    "time levels.",
    "Mind the edges: the scheme sets u = 0 outside the grid, so a Laplacian built with np.roll "
    "(periodic) differs in the outermost cells; seismic.laplacian does it right.",
))
def _reverse(answer):
    return _check_grid_step(answer, "ch16.reverse-step", REVERSE_CASES, "Your reverse step")


@exercise("ch16.adjoint-step", hints=(
    "The adjoint recursion is the transpose of one leapfrog step: write the step as a linear map of "
    "(u^{n-1}, u^n) and transpose it. Which operator then acts on lambda^{n+1}?",
    "The Laplacian is a symmetric matrix but the velocity is not a constant: the transpose of "
    "'multiply by c^2 after the Laplacian' is 'multiply by c^2 before it'.",
))
def _adjoint(answer):
    return _check_grid_step(answer, "ch16.adjoint-step", ADJOINT_CASES, "Your adjoint step")


@exercise("ch16.cycle-skip", hints=(
    "Evaluate J on a fine grid of shifts, from zero to beyond one period, and look for the first "
    "shift at which it stops increasing; do it for both frequencies.",
    "np.diff(J) < 0 marks where J decreases; the first such index gives the edge of the basin "
    "(sample the shifts finely, every 0.1 ms).",
))
def _cycle(answer):
    return check_value(answer, reference("ch16.cycle-skip"), rtol=2e-2,
                       name="Your [tau_c at 10 Hz, tau_c at 5 Hz] (s)")
