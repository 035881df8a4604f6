"""Forward versus reverse mode for a full Jacobian of f: R^n -> R^m.

    python benchmarks/bench_jacobian.py [--quick]

Forward mode builds the Jacobian column by column (one JVP per input, cost ~ n), reverse mode
row by row (one VJP per output, cost ~ m). The test function is a small dense network,
f(x) = W2 tanh(W1 x), with W1 of shape (h, n) and W2 of shape (m, h). One run times
`jax.jacfwd` and `jax.jacrev` (jitted) for n varying at fixed m and for m varying at fixed n,
prints the ratio time(forward)/time(reverse), and saves benchmarks/results/bench_jacobian.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

from _common import best_time, save  # noqa: E402

import helpers  # noqa: E402

jax = helpers.jax_cpu()  # CPU and float64 unless JAX_PLATFORMS says otherwise
import jax.numpy as jnp  # noqa: E402

HIDDEN = 64


def make(n: int, m: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    W1 = jnp.asarray(rng.standard_normal((HIDDEN, n)) / np.sqrt(n))
    W2 = jnp.asarray(rng.standard_normal((m, HIDDEN)) / np.sqrt(HIDDEN))
    x = jnp.asarray(rng.standard_normal(n))

    def f(x):
        return W2 @ jnp.tanh(W1 @ x)

    return f, x


def time_pair(n: int, m: int, budget: float) -> dict:
    f, x = make(n, m)
    fwd, rev = jax.jit(jax.jacfwd(f)), jax.jit(jax.jacrev(f))
    Jf, Jr = fwd(x).block_until_ready(), rev(x).block_until_ready()
    assert Jf.shape == (m, n) and np.allclose(Jf, Jr, rtol=1e-10, atol=1e-12)
    t_fwd = best_time(lambda: fwd(x).block_until_ready(), budget)
    t_rev = best_time(lambda: rev(x).block_until_ready(), budget)
    return {"n": n, "m": m, "t_forward": t_fwd, "t_reverse": t_rev, "ratio_fwd_over_rev": t_fwd / t_rev}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer sizes (a smoke test)")
    ap.add_argument("--budget", type=float, default=0.3, help="seconds of repeats per timing")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    sizes = [4, 16, 64, 256] if args.quick else [1, 4, 16, 64, 256, 1024]
    fixed = 16
    vary_n = [time_pair(n, fixed, args.budget) for n in sizes]
    vary_m = [time_pair(fixed, m, args.budget) for m in sizes]
    print(f"{'n':>6} {'m':>6} {'forward (ms)':>13} {'reverse (ms)':>13} {'fwd/rev':>8}")
    for row in vary_n + vary_m:
        print(f"{row['n']:>6} {row['m']:>6} {1e3 * row['t_forward']:>13.3f} {1e3 * row['t_reverse']:>13.3f} "
              f"{row['ratio_fwd_over_rev']:>8.2f}")
    save("bench_jacobian" + ("_quick" if args.quick else ""),
         {"hidden": HIDDEN, "fixed": fixed, "vary_n": vary_n, "vary_m": vary_m}, __file__, args.out,
         quick=args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
