"""The programs of ``bench_checkpointing.py`` (a module, so that a fresh process can import the
step functions when it measures memory with ``helpers.memory.peak_memory``).

Each case is a time-stepping program :math:`x_{t+1} = f(x_t;\\theta)` with an objective
:math:`\\langle \\bar x^{\\rm seed}, x_T\\rangle + \\sum_{t=0}^{T} c(t, x_t;\\theta)`, differentiated
with respect to :math:`\\theta`:

* ``lorenz``: Lorenz-63 (sigma, rho, beta) with RK4, dt = 0.005, T = 2000 steps, a state of
  three numbers; c = z/(T+1) (the time average of z).
* ``wave64``: a 64 x 64 periodic grid, leapfrog u^{n+1} = 2u^n - u^{n-1} + (c dt)^2 lap(u^n)
  with a velocity field c (the parameters, 4096 numbers), T = 1000 steps, state (u^{n-1}, u^n);
  c = dt/2 * sum of u^2 along a line of receivers.
* ``seismic``: the chapter-16 simulation (``helpers.seismic.WaveProblem``, 48 x 48 cells with an
  8-cell PML, one shot, 10 receivers), T = 2000 steps, the velocity model as parameters, the
  misfit to data from the true model as the running cost.
* ``big``: a 16 MB state (2 million numbers), x + 0.01 sin(x), for memory against the budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

import jax
import jax.numpy as jnp

# --------------------------------------------------------------------------- Lorenz-63, RK4
LORENZ_DT = 0.005


def lorenz_rk4(x, theta):
    """One RK4 step of dx/dt = sigma (y - x), dy/dt = x (rho - z) - y, dz/dt = x y - beta z."""
    def rhs(z):
        return jnp.stack([theta[0] * (z[1] - z[0]), z[0] * (theta[1] - z[2]) - z[1],
                          z[0] * z[1] - theta[2] * z[2]])

    h = LORENZ_DT
    k1 = rhs(x)
    k2 = rhs(x + 0.5 * h * k1)
    k3 = rhs(x + 0.5 * h * k2)
    k4 = rhs(x + h * k3)
    return x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


# --------------------------------------------------------------------------- 64 x 64 leapfrog
WAVE_N, WAVE_DT = 64, 0.4


def laplacian(u):
    return jnp.roll(u, 1, 0) + jnp.roll(u, -1, 0) + jnp.roll(u, 1, 1) + jnp.roll(u, -1, 1) - 4 * u


def wave_step(x, c):
    """Leapfrog on a periodic grid (unit spacing): (u^{n-1}, u^n) -> (u^n, u^{n+1})."""
    u_prev, u = x
    return u, 2 * u - u_prev + (WAVE_DT * c) ** 2 * laplacian(u)


def wave_cost(t, x, c):
    return 0.5 * WAVE_DT * jnp.sum(x[1][WAVE_N // 2, ::6] ** 2)


# --------------------------------------------------------------------------- a big state
BIG_N = 2_000_000


def big_step(x):
    return x + 0.01 * jnp.sin(x)


@dataclass
class Case:
    """A program to differentiate (see the module docstring)."""

    name: str
    description: str
    step: Callable
    x0: Any
    params: Any
    seed: Any
    step_cost: Callable | None
    n_steps: int
    nested: tuple[int, int]
    state_bytes: int
    extra: dict = field(default_factory=dict)

    def objective(self, params, x0=None):
        """The objective as one ``lax.scan`` (for ``jax.grad`` baselines)."""
        x0 = self.x0 if x0 is None else x0
        return self._scan(params, x0, None)

    def nested_objective(self, params, unroll: int = 1):
        """The objective as a two-level scan with ``jax.checkpoint`` on each outer chunk (the
        inner scan's body unrolled ``unroll`` times)."""
        return self._scan(params, self.x0, self.nested, unroll)

    def _scan(self, params, x0, nested, unroll: int = 1):
        step, cost = self.step, self.step_cost

        def body(x, t):
            return step(x, params), (cost(t, x, params) if cost is not None else 0.0)

        ts = jnp.arange(self.n_steps)
        if nested is None:
            xT, cs = jax.lax.scan(body, x0, ts)
        else:
            outer, inner = nested

            @jax.checkpoint
            def chunk(x, ts_chunk):
                return jax.lax.scan(body, x, ts_chunk, unroll=unroll)

            xT, cs = jax.lax.scan(chunk, x0, ts.reshape(outer, inner))
        total = jnp.sum(cs) + (cost(self.n_steps, xT, params) if cost is not None else 0.0)
        inner_prod = sum(jnp.vdot(a, b) for a, b in zip(jax.tree_util.tree_leaves(self.seed),
                                                          jax.tree_util.tree_leaves(xT)))
        return inner_prod + total


def lorenz_case(n_steps: int = 2000, nested: tuple[int, int] = (40, 50)) -> Case:
    x0 = jnp.array([1.0, 1.0, 20.0])
    theta = jnp.array([10.0, 28.0, 8.0 / 3.0])

    def cost(t, x, th):
        return x[2] / (n_steps + 1)

    return Case("lorenz", f"Lorenz-63, RK4, {n_steps} steps, 3-number state", lorenz_rk4, x0, theta,
                jnp.zeros(3), _named(cost, "lorenz_cost"), n_steps, nested, x0.nbytes)


def wave_case(n_steps: int = 1000, nested: tuple[int, int] = (40, 25)) -> Case:
    rng = np.random.default_rng(0)
    n = WAVE_N
    c = jnp.asarray(1.0 + 0.2 * rng.random((n, n)))
    i = np.arange(n)
    u0 = jnp.asarray(np.exp(-((i[:, None] - 20.0) ** 2 + (i[None, :] - 30.0) ** 2) / 8.0))
    x0 = (u0, u0)
    seed = (jnp.zeros((n, n)), jnp.asarray(0.01 * rng.standard_normal((n, n))))
    return Case("wave64", f"{n} x {n} leapfrog, {n_steps} steps, state (u^(n-1), u^n)", wave_step, x0, c,
                seed, wave_cost, n_steps, nested, 2 * u0.nbytes)


def seismic_case(n_steps: int = 2000, nested: tuple[int, int] = (40, 50)) -> Case:
    from helpers import seismic

    N, n_pml, dx, dt, f0 = 48, 8, 10.0, 1.5e-3, 15.0
    c_true = seismic.layered_model(N, N, [18, 34], [1800.0, 2200.0, 2600.0], anomaly=(26, 24, 5, -300.0))
    c_start = seismic.smooth_model(seismic.layered_model(N, N, [18, 34], [1800.0, 2200.0, 2600.0]), sigma=5.0)
    source = (n_pml + 1, 19)
    receivers = [(n_pml + 1, x) for x in range(n_pml, N - n_pml, 3)]
    prob = seismic.WaveProblem(N, N, dx, dt, n_steps, f0, [source], receivers, n_pml=n_pml)
    d_obs = prob.traces(c_true)[0]
    data = jnp.concatenate([jnp.zeros((1, d_obs.shape[1])), d_obs])  # d_0 = 0

    def cost(n, x, c):
        return 0.5 * jnp.sum((prob.record(x) - data[n]) ** 2)

    x0 = jnp.asarray(prob.initial_state())
    return Case("seismic", f"chapter-16 wave (helpers.seismic), {N} x {N} + PML, {n_steps} steps",
                prob.step, x0, jnp.asarray(c_start), jnp.zeros_like(x0), _named(cost, "seismic_cost"),
                n_steps, nested, prob.state_bytes)


def big_case(n_steps: int = 32) -> Case:
    x0 = jnp.linspace(0.0, 1.0, BIG_N)
    return Case("big", f"x + 0.01 sin x on {BIG_N:,} numbers ({8 * BIG_N / 1e6:.0f} MB state)", big_step,
                x0, None, jnp.ones(BIG_N), None, n_steps, (4, 8), x0.nbytes)


def _named(fn, name):
    fn.__name__ = fn.__qualname__ = name
    return fn


CASES = {"lorenz": lorenz_case, "wave64": wave_case, "seismic": seismic_case}
