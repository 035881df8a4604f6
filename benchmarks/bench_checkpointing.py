"""The time-memory trade-off of checkpointing, measured on a real simulation.

    python benchmarks/bench_checkpointing.py [--quick]

The program integrates the Lorenz-96 model (N = 2000 coupled variables, chaotic at forcing
F = 8) with RK4 for T steps, so that a state is 16 KB and the stored states dominate the memory;
the objective is a function of the final state. `helpers.checkpointing.checkpointed_vjp` reverses it with the Treeverse
schedule for memory budgets from a few states to all of them, and with uniform checkpoints;
each run records the forward step calls, the peak number of stored states, the peak bytes
(tracemalloc) and the wall time, and the gradient is compared with store-all JAX. Results go to
benchmarks/results/bench_checkpointing.json.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from _common import save  # noqa: E402
from helpers.checkpointing import checkpointed_vjp  # noqa: E402

jax.config.update("jax_enable_x64", True)
N_VARS, FORCING, DT = 2000, 8.0, 0.005


def lorenz(x):
    """Lorenz-96: dx_i/dt = (x_{i+1} - x_{i-2}) x_{i-1} - x_i + F, periodic in i."""
    return (jnp.roll(x, -1) - jnp.roll(x, 2)) * jnp.roll(x, 1) - x + FORCING


def rk4_step(x):
    k1 = lorenz(x)
    k2 = lorenz(x + 0.5 * DT * k1)
    k3 = lorenz(x + 0.5 * DT * k2)
    k4 = lorenz(x + DT * k3)
    return x + DT / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def store_all_gradient(x0, n_steps, seed):
    def run(x):
        return jax.lax.fori_loop(0, n_steps, lambda _, y: rk4_step(y), x)

    _, pullback = jax.vjp(run, x0)
    return pullback(seed)[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a shorter simulation (a smoke test)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    n_steps = 300 if args.quick else 2000
    rng = np.random.default_rng(0)
    x0 = jnp.asarray(FORCING + 0.01 * rng.standard_normal(N_VARS))
    seed = jnp.asarray(rng.standard_normal(N_VARS))
    reference = np.asarray(store_all_gradient(x0, n_steps, seed))
    budgets = [b for b in (5, 6, 8, 10, 15, 20, 30, 50, 100, 200, 400) if b <= n_steps]
    checkpointed_vjp(rk4_step, x0, 20, seed, 5)          # compile the step and its VJP once
    rows = []
    for schedule in ("treeverse", "uniform"):
        for budget in budgets:
            t0 = time.perf_counter()
            try:
                res = checkpointed_vjp(rk4_step, x0, n_steps, seed, budget, schedule=schedule)
            except ValueError:
                continue  # this schedule cannot run on so few states
            wall = time.perf_counter() - t0
            err = float(np.max(np.abs(np.asarray(res.x0_bar) - reference)) / np.max(np.abs(reference)))
            rows.append({"schedule": schedule, "budget": budget, "forward_steps": res.forward_steps,
                         "recompute_factor": res.forward_steps / n_steps, "peak_states": res.peak_states,
                         "peak_bytes": res.peak_bytes, "wall_s": wall, "rel_error": err})
            print(f"{schedule:>9} budget {budget:>4}: {res.forward_steps:>7} steps "
                  f"({res.forward_steps / n_steps:5.2f} T), peak {res.peak_states:>4} states, "
                  f"{res.peak_bytes / 1024:8.1f} KiB, {wall:6.2f} s, error {err:.1e}")
    save("bench_checkpointing" + ("_quick" if args.quick else ""),
         {"n_steps": n_steps, "state_bytes": int(np.asarray(x0).nbytes), "rows": rows}, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
