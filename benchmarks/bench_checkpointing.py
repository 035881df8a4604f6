"""Checkpointed reverse mode against JAX's own rematerialisation, measured side by side.

    python benchmarks/bench_checkpointing.py [--quick] [--cases lorenz,wave64,seismic] [--repeats 7]

For each program of ``_checkpointing_cases.py`` (Lorenz-63 RK4, a 64 x 64 leapfrog wave, the
chapter-16 seismic wave) one run times the gradient with respect to the parameters by

* **store all**: ``jax.grad`` through one ``lax.scan`` (every step's residuals kept);
* **nested jax.checkpoint**: a two-level scan, ``jax.checkpoint`` on each outer chunk
  (outer x inner = T, about sqrt(T) each); it keeps outer + inner states, so "equal memory"
  below means a Treeverse budget of outer + inner stored states (a count of states, not of
  bytes: the measured peaks are reported beside it). The same with the inner scan unrolled
  twice (``unroll=2``) is measured as well: for the two waves, whose states are too large
  for XLA's small loops, the compiled Treeverse runs its forward loops two steps per trip
  (``helpers.executor._loop2``), and this row shows whether the nested scheme would gain from
  the same;
* **Treeverse, compiled** (``helpers.checkpointing.checkpointed_vjp`` with its defaults) at
  budgets 5 to 100 and at equal memory, and at two budgets with the other residual mode
  (``residuals="auto"`` keeps a block's VJP residuals when they fit in a state's slot: the two
  waves; Lorenz's RK4 residuals do not fit, so its blocks re-linearise each step);
* **Treeverse, move by move** (``executor="reference"``), at budget 20;
* **equinox's checkpointed while loop** (what diffrax's ``RecursiveCheckpointAdjoint`` runs),
  if ``equinox`` is installed (``benchmarks/requirements.txt``), at the same budgets.

Reported per method: the time per gradient after compilation (median of repeats, wall time and
CPU time of the process), forward steps (the schedule's step calls: T for store-all, 2T for
the nested scheme) and step evaluations (also those inside per-step VJPs), the peak number of
stored states, the peak memory measured with ``helpers.memory.track`` (the process's resident
high-water mark above the start, after a warm-up call; the device's statistics on a GPU),
XLA's temporary buffer size for the jitted baselines, and the largest relative difference from
the store-all gradient. The time model ``F t_fwd + T t_vjp`` uses the time of one step and of
one per-step VJP, each measured in a jitted loop of T of them (a step in the faster of a loop
of one step and one of two steps per trip, see :func:`time_model`). Every timed function is
first called for :data:`WARM_SECONDS` and then timed for at least as long.

**How time is measured.** The process is pinned to one core (``_common.pin_to_one_core``) and
the targets are judged on the median CPU time, because on a shared machine the wall time mostly
measures waiting for the core; the ratios come from one run. On a quiet machine wall and CPU
time agree. The equal-memory target is judged on a paired measurement: in each of five fresh
processes the nested scheme and Treeverse are called alternately (15 rounds), and the ratio of
their median CPU times is taken; the target uses the median of the five ratios, and all five
are recorded. The sweep's own ratio at equal memory (the two methods timed one after the
other in one process) is kept as well; between fresh processes the paired ratio moves by a few
per cent. On Lorenz both programs spend most of their time in XLA's cost per kernel call: the
pair is measured once more (three processes) with :data:`SMALL_LOOPS_FLAG`, under which the
CPU backend compiles nearly every loop into one native function, for both methods alike.

A last section measures memory against the budget on a 16 MB state, each budget in a fresh
process (``helpers.memory.peak_memory``): peak minus the process's baseline, in states.

Results go to ``benchmarks/results/bench_checkpointing.json`` (``..._quick.json`` for
``--quick``) with the code hash, the machine and its load average.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

from _common import median_times, pin_to_one_core, save  # noqa: E402

PINNED = pin_to_one_core()  # before JAX starts its threads

import helpers  # noqa: E402

jax = helpers.jax_cpu()  # CPU and float64 unless JAX_PLATFORMS is set (e.g. cuda)
import jax.numpy as jnp  # noqa: E402

import _checkpointing_cases as cases  # noqa: E402
from helpers.checkpointing import checkpointed_vjp  # noqa: E402
from helpers.memory import peak_memory, track  # noqa: E402
from helpers.pebble import treeverse_steps  # noqa: E402
from helpers.stepping import step_functions  # noqa: E402

BUDGETS = (5, 10, 20, 50, 100)


def _block(x):
    return jax.block_until_ready(x)


def rel_err(g, ref) -> float:
    a = np.concatenate([np.ravel(np.asarray(v)) for v in jax.tree_util.tree_leaves(g)])
    b = np.concatenate([np.ravel(np.asarray(v)) for v in jax.tree_util.tree_leaves(ref)])
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def measured_peak(fn) -> int | None:
    """Peak memory of one call (after a warm-up call), with helpers.memory.track."""
    _block(fn())
    with track() as rep:
        _block(fn())
    return rep.peak_bytes


WARM_SECONDS = 0.3
"""Each timed function is called for this long before it is timed, and timed for at least this
long (at least ``repeats`` calls): right after compilation the first calls of a 2 ms gradient
were up to 30 % slower, and one warm-up call with seven timed calls had put the sweep's nested
Lorenz time 30 % above its paired measurement."""


def warmed_times(fn, repeats: int) -> dict:
    """:func:`_common.median_times` after :data:`WARM_SECONDS` of untimed calls (at least 3)."""
    t0, n = time.perf_counter(), 0
    while n < 3 or time.perf_counter() - t0 < WARM_SECONDS:
        fn()
        n += 1
    return median_times(fn, repeats, budget=WARM_SECONDS)


def time_model(case) -> dict:
    """Time of one step and of one per-step VJP (with the running cost), each in a jitted loop.
    A step is timed in a loop of one step per trip and in one of two steps per trip (as the
    compiled executor runs large states, ``helpers.executor._loop2``), and the faster counts:
    for a leapfrog step the loop of one step per trip also times XLA's copies of the shifted
    fields."""
    fns = step_functions(case.step, case.params is not None, case.step_cost)
    T, p = case.n_steps, case.params

    @jax.jit
    def forward(x):
        return jax.lax.fori_loop(0, T, lambda i, x: fns.f(x, p), x)

    @jax.jit
    def forward2(x):
        x = jax.lax.fori_loop(0, T // 2, lambda i, x: fns.f(fns.f(x, p), p), x)
        return jax.lax.fori_loop(0, T % 2, lambda i, x: fns.f(x, p), x)

    @jax.jit
    def states(x):
        return jax.lax.scan(lambda x, _: (fns.f(x, p), x), x, None, length=T)[1]

    xs = _block(states(case.x0))

    @jax.jit
    def backward(xs, x_bar):
        def body(k, c):
            x_bar, p_bar, v = c
            t = T - 1 - k
            x = jax.tree_util.tree_map(lambda a: a[t], xs)
            x_bar, p_bar = fns.vjp(x, p, x_bar, p_bar)
            if fns.cost_add is not None:
                c_t, x_bar, p_bar = fns.cost_add(t, x, p, x_bar, p_bar)
                v = v + c_t
            return x_bar, p_bar, v
        zero_p = jax.tree_util.tree_map(jnp.zeros_like, p)
        return jax.lax.fori_loop(0, T, body, (x_bar, zero_p, 0.0))

    t_fwd = min((warmed_times(lambda f=f: _block(f(case.x0)), 9) for f in (forward, forward2)),
                key=lambda t: t["cpu"])
    t_vjp = warmed_times(lambda: _block(backward(xs, case.seed)), 9)
    return {"t_fwd": t_fwd["wall"] / T, "t_vjp": t_vjp["wall"] / T,
            "t_fwd_cpu": t_fwd["cpu"] / T, "t_vjp_cpu": t_vjp["cpu"] / T}


def jax_baseline(name, fn, case, repeats) -> dict:
    compiled = jax.jit(jax.grad(fn)).lower(case.params).compile()
    g = _block(compiled(case.params))
    t = warmed_times(lambda: _block(compiled(case.params)), repeats)
    mem = compiled.memory_analysis()
    return {"method": name, "grad": g, "time": t["wall"], "cpu": t["cpu"], "repeats": t["repeats"],
            "peak_bytes": measured_peak(lambda: compiled(case.params)),
            "xla_temp_bytes": int(mem.temp_size_in_bytes) if mem is not None else None,
            "dispatches": 1}


def treeverse(case, budget, repeats, **kw) -> dict:
    call = functools.partial(checkpointed_vjp, case.step, case.x0, case.n_steps, case.seed, budget,
                             params=case.params, step_cost=case.step_cost, measure_memory=False, **kw)
    r = call()  # compiles
    t = warmed_times(lambda: _block(call().params_bar), repeats)
    mem = call(measure_memory=True) if "measure_memory" not in kw else r
    return {"grad": r.params_bar, "time": t["wall"], "cpu": t["cpu"], "repeats": t["repeats"],
            "run_seconds": r.seconds, "compile_seconds": r.compile_seconds,
            "forward_steps": r.forward_steps, "evaluations": r.evaluations, "peak_states": r.peak_states,
            "peak_state_bytes": r.peak_state_bytes, "peak_bytes": mem.peak_bytes,
            "pool_slots": r.pool_slots, "pool_bytes": r.pool_bytes,
            "pool_capacity": r.extra.get("pool_capacity"), "dispatches": r.dispatches,
            "executor": r.executor, "n_ops": r.extra.get("n_ops"),
            "residual_blocks": r.extra.get("residual_blocks", 0)}


def equinox_checkpointed(case, budget, repeats) -> dict | None:
    """Gradient through equinox's checkpointed while loop (diffrax's RecursiveCheckpointAdjoint),
    or None if equinox is not installed."""
    try:
        import equinox.internal as eqxi
    except ImportError:
        return None
    T, step, cost = case.n_steps, case.step, case.step_cost

    def objective(params):
        def body(carry):
            t, x, acc = carry
            c = cost(t, x, params) if cost is not None else 0.0
            return t + 1, step(x, params), acc + c

        init = (jnp.asarray(0), case.x0, jnp.asarray(0.0))
        _, xT, acc = eqxi.while_loop(lambda c: c[0] < T, body, init, max_steps=T, kind="checkpointed",
                                     checkpoints=budget)
        total = acc + (cost(T, xT, params) if cost is not None else 0.0)
        return total + sum(jnp.vdot(a, b) for a, b in zip(jax.tree_util.tree_leaves(case.seed),
                                                            jax.tree_util.tree_leaves(xT)))

    try:
        out = jax_baseline(f"equinox checkpointed while loop, {budget} checkpoints", objective, case, repeats)
    except Exception as exc:  # noqa: BLE001 - an optional comparison; say why it is missing
        print(f"  equinox checkpointed while loop failed: {type(exc).__name__}: {exc}")
        return None
    return out


def _equinox_version():
    try:
        import equinox
    except ImportError:
        return None
    return equinox.__version__


def paired_in_process(name: str, budget: int, rounds: int, quick: bool) -> dict:
    """In this process: nested ``jax.checkpoint`` and the compiled Treeverse at ``budget``,
    called alternately (the order swapped every round) after one warm-up call each; the CPU
    time of every call."""
    case = cases.CASES[name](n_steps=400, nested=(20, 20)) if quick else cases.CASES[name]()
    g = jax.jit(jax.grad(case.nested_objective)).lower(case.params).compile()
    call = functools.partial(checkpointed_vjp, case.step, case.x0, case.n_steps, case.seed, budget,
                             params=case.params, step_cost=case.step_cost, measure_memory=False)
    fns = {"nested": lambda: _block(g(case.params)), "treeverse": lambda: _block(call().params_bar)}
    for f in fns.values():
        f()
    out = {k: [] for k in fns}
    for k in range(rounds):
        for key in (("nested", "treeverse") if k % 2 == 0 else ("treeverse", "nested")):
            c0 = time.process_time()
            fns[key]()
            out[key].append(time.process_time() - c0)
    return out


SMALL_LOOPS_FLAG = "--xla_backend_extra_options=xla_cpu_small_while_loop_byte_threshold=100000"
"""XLA flag under which the CPU backend compiles every loop whose body reads and writes less than
100 kB per trip into one native function (default: 1 KiB). With it the per-kernel cost of XLA's
runtime, which bounds both programs on Lorenz, mostly goes; the benchmark measures the
equal-memory ratio under it too, for both methods alike."""


def equal_memory_paired(name: str, budget: int, processes: int, rounds: int, quick: bool,
                        xla_flags: str | None = None) -> dict:
    """The equal-memory ratio measured ``processes`` times, each in a fresh Python process with
    calls of the two methods interleaved (:func:`paired_in_process`): per process the ratio of
    the median CPU times, and their median. Why: in one process, measured one method after the
    other, the ratio moved by up to 8 % between runs on the same machine (compiled programs and
    buffers land at different addresses in every process, and the machine's speed drifts);
    interleaving removes the drift and several processes show the spread."""
    import json
    import os
    import subprocess

    env = dict(os.environ)
    if xla_flags:
        env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " " + xla_flags).strip()
    ratios, medians = [], []
    for _ in range(processes):
        cmd = [sys.executable, __file__, "--paired", name, str(budget), str(rounds)] + (["--quick"] if quick else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
        t = json.loads(out.strip().splitlines()[-1])
        m = {k: float(np.median(v)) for k, v in t.items()}
        medians.append(m)
        ratios.append(m["treeverse"] / m["nested"])
    return {"budget": budget, "processes": processes, "rounds": rounds, "ratios": ratios,
            "median_cpu": medians, "ratio": float(np.median(ratios)), "xla_flags": xla_flags}


def run_case(case, budgets, repeats, reference_budget=20, quick=False) -> dict:
    T = case.n_steps
    outer, inner = case.nested
    equal = outer + inner
    print(f"\n== {case.name}: {case.description}; one state = {case.state_bytes:,} bytes")
    rows = []
    store = jax_baseline("store all: jax.grad over lax.scan", case.objective, case, repeats)
    g_ref = store["grad"]
    store.update(budget=None, forward_steps=T, evaluations=T, peak_states=T + 1)
    rows.append(store)
    nested = jax_baseline(f"nested jax.checkpoint, {outer} x {inner}", case.nested_objective, case, repeats)
    nested.update(budget=equal, forward_steps=2 * T, evaluations=2 * T, peak_states=equal)
    rows.append(nested)
    # the engine runs its forward loops two steps per trip (helpers.executor._loop2); the same
    # in the nested scheme (its inner scan unrolled twice) is measured too, as a check that the
    # baseline above is the nested scheme's better form
    unrolled = jax_baseline(f"nested jax.checkpoint, {outer} x {inner}, inner scan unroll=2",
                            functools.partial(case.nested_objective, unroll=2), case, repeats)
    unrolled.update(budget=equal, forward_steps=2 * T, evaluations=2 * T, peak_states=equal)
    rows.append(unrolled)
    model = time_model(case)
    for b in sorted(set(budgets) | {equal}):
        r = treeverse(case, b, repeats)
        r.update(method=f"Treeverse compiled, {b} states", budget=b,
                 model_time=r["forward_steps"] * model["t_fwd"] + T * model["t_vjp"],
                 model_cpu=r["forward_steps"] * model["t_fwd_cpu"] + T * model["t_vjp_cpu"])
        if not r["residual_blocks"]:
            r["evaluations"] += T  # each per-step VJP re-runs its step
        rows.append(r)
    other = not rows[-1]["residual_blocks"]  # the mode "auto" did not choose, for comparison
    for b in sorted({equal, reference_budget}):
        r = treeverse(case, b, repeats, residuals=other)
        r.update(method=f"Treeverse compiled, residuals={other}, {b} states", budget=b)
        if not other:
            r["evaluations"] += T
        rows.append(r)
    ref = treeverse(case, reference_budget, max(2, repeats // 3), executor="reference")
    ref.update(method=f"Treeverse move by move, {reference_budget} states", budget=reference_budget,
               model_time=ref["forward_steps"] * model["t_fwd"] + T * model["t_vjp"],
               evaluations=ref["evaluations"] + T)
    rows.append(ref)
    for b in sorted({equal, reference_budget}):
        eq = equinox_checkpointed(case, b, repeats)
        if eq is not None:
            eq.update(budget=b, forward_steps=None, evaluations=None, peak_states=b)
            rows.append(eq)
    for r in rows:
        r["rel_err"] = rel_err(r.pop("grad"), g_ref)
        r["ratio_to_nested"] = r["time"] / nested["time"]
        r["cpu_ratio_to_nested"] = r["cpu"] / nested["cpu"]
    paired = equal_memory_paired(case.name, equal, processes=1 if quick else 5, rounds=5 if quick else 15,
                                 quick=quick)
    # the same pair with XLA's small-loop threshold raised (SMALL_LOOPS_FLAG): how much of the
    # comparison is XLA's cost per kernel call (the two small cases; seismic's loops stay large)
    small_loops = (equal_memory_paired(case.name, equal, processes=1 if quick else 3, rounds=5 if quick else 15,
                                       quick=quick, xla_flags=SMALL_LOOPS_FLAG)
                   if case.name in ("lorenz", "wave64") else None)
    verdict = targets(rows, case, equal, reference_budget, paired=paired)
    verdict["equal_memory_time_ratio_small_loops"] = small_loops["ratio"] if small_loops else None
    print_table(rows, case)
    if small_loops:
        print(f"  with {SMALL_LOOPS_FLAG}: Treeverse / nested = {small_loops['ratio']:.3f} "
              f"({', '.join(f'{r:.3f}' for r in small_loops['ratios'])}); nested "
              f"{1e3 * float(np.median([m['nested'] for m in small_loops['median_cpu']])):.2f} ms")
    from helpers.executor import prepare

    residual = prepare(case.step, case.x0, case.params, case.seed, case.step_cost).res
    return {"description": case.description, "n_steps": T, "state_bytes": case.state_bytes,
            "residual_bytes": None if residual is None else residual.nbytes,  # of one step's VJP
            "nested": [outer, inner], "equal_memory_budget": equal, "time_model": model,
            "rows": rows, "equal_memory_paired": paired, "equal_memory_paired_small_loops": small_loops,
            "targets": verdict}


def targets(rows, case, equal, b_model, key="cpu", paired=None) -> dict:
    """The targets of issue 15, judged on ``key`` (median CPU time of the process, pinned to one
    core: not inflated by waiting for the core on a shared machine) and reported on wall time.
    The equal-memory time ratio is the paired one (:func:`equal_memory_paired`: median over
    fresh processes of interleaved calls) when given; the ratio of the sweep's two rows is kept
    as ``equal_memory_time_ratio_sweep``."""
    nested = next(r for r in rows if r["method"].startswith("nested"))
    tv = {r["budget"]: r for r in rows if r["method"].startswith("Treeverse compiled,")
          and "residuals=" not in r["method"]}
    other = {r["budget"]: r for r in rows if "residuals=" in r["method"]}
    at_equal = tv[equal]
    out = {
        "judged_on": key,
        "equal_memory_budget": equal,
        "equal_memory_time_ratio": paired["ratio"] if paired else at_equal[key] / nested[key],
        "equal_memory_time_ratios_paired": paired["ratios"] if paired else None,
        "equal_memory_time_ratio_sweep": at_equal[key] / nested[key],
        "equal_memory_wall_ratio": at_equal["time"] / nested["time"],
        "equal_memory_time_ratio_other_mode": other[equal][key] / nested[key] if equal in other else None,
        "equal_memory_residual_blocks": bool(at_equal["residual_blocks"]),
        "nested_unroll2_over_nested": next((r[key] / nested[key] for r in rows if "unroll=2" in r["method"]), None),
        "equal_memory_forward_steps": [at_equal["forward_steps"], nested["forward_steps"]],
        "equal_memory_evaluations": [at_equal["evaluations"], nested["evaluations"]],
        "model_budget": b_model,
        "model_ratio": tv[b_model][key] / tv[b_model]["model_" + key],
        # the target is about Treeverse's gradients; the baselines' own differences from store all
        # (a different order of the same arithmetic, amplified by Lorenz's chaos: up to 1e-12
        # for the unrolled nested scan) are kept apart
        "max_rel_err": max(r["rel_err"] for r in rows if r["method"].startswith("Treeverse")),
        "max_rel_err_baselines": max(r["rel_err"] for r in rows if not r["method"].startswith("Treeverse")),
        "max_peak_over_budget": max(r["peak_states"] / r["budget"] for r in rows
                                    if r["method"].startswith("Treeverse")),
    }
    out["met_equal_memory_time"] = bool(out["equal_memory_time_ratio"] <= 1.0)
    out["met_equal_memory_steps"] = bool(at_equal["forward_steps"] <= nested["forward_steps"])
    out["met_time_model"] = bool(out["model_ratio"] <= 1.3)
    out["met_gradients"] = bool(out["max_rel_err"] <= 1e-12)
    out["met_peak_states"] = bool(out["max_peak_over_budget"] <= 1.0)
    return out


def print_table(rows, case):
    print(f"{'method':48s} {'wall ms':>8s} {'cpu ms':>8s} {'cpu/nest':>8s} {'wall/nest':>9s} {'fwd steps':>9s} "
          f"{'evals':>7s} {'peak st':>7s} {'meas. MB':>8s} {'rel err':>8s}")
    for r in rows:
        def f(v, fmt):
            return format(v, fmt) if v is not None else "-"
        mem = None if r.get("peak_bytes") is None else r["peak_bytes"] / 1e6
        print(f"{r['method'][:48]:48s} {1e3 * r['time']:8.2f} {1e3 * r['cpu']:8.2f} {r['cpu_ratio_to_nested']:8.2f} "
              f"{r['ratio_to_nested']:9.2f} {f(r.get('forward_steps'), '9d')} {f(r.get('evaluations'), '7d')} "
              f"{f(r.get('peak_states'), '7d')} {f(mem, '8.2f')} {r['rel_err']:8.1e}")


def memory_series(budgets, n_steps) -> dict:
    """Peak memory of Treeverse on a 16 MB state, each budget in a fresh process."""
    case = cases.big_case(n_steps)
    out = []
    print(f"\n== memory: {case.description}, {n_steps} steps, each budget in a fresh process")
    print(f"{'budget':>6s} {'peak - baseline (MB)':>21s} {'in states':>9s} {'budget x state (MB)':>20s} "
          f"{'baseline (MB)':>13s}")
    for b in budgets:
        fn = functools.partial(checkpointed_vjp, case.step, case.x0, n_steps, case.seed, b, measure_memory=False)
        rep = peak_memory(fn)
        row = {"budget": b, "peak_bytes": rep.peak_bytes, "baseline_bytes": rep.baseline_bytes,
               "startup_bytes": rep.startup_bytes, "method": rep.method,
               "peak_states": rep.result.peak_states if rep.result is not None else None,
               "pool_slots": rep.result.pool_slots if rep.result is not None else None,
               "in_states": rep.peak_bytes / case.state_bytes}
        out.append(row)
        print(f"{b:6d} {rep.peak_bytes / 1e6:21.1f} {row['in_states']:9.2f} {b * case.state_bytes / 1e6:20.1f} "
              f"{rep.baseline_bytes / 1e6:13.1f}")
    x = np.array([r["budget"] for r in out], float)
    y = np.array([r["in_states"] for r in out])
    slope, intercept = np.polyfit(x, y, 1) if len(out) > 1 else (np.nan, np.nan)
    worst = max(r["peak_bytes"] / (r["budget"] * case.state_bytes) for r in out)
    print(f"peak - baseline = ({slope:.3f} x budget + {intercept:.2f}) states; worst peak / (budget x state) = {worst:.2f}")
    return {"description": case.description, "n_steps": n_steps, "state_bytes": case.state_bytes,
            "rows": out, "fit_slope_states_per_budget": float(slope),
            "fit_intercept_states": float(intercept), "worst_ratio_to_budget_times_state": float(worst)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="short programs and few repeats (a smoke test)")
    ap.add_argument("--cases", default="lorenz,wave64,seismic")
    ap.add_argument("--repeats", type=int, default=None, help="timed repeats per method (default 7, quick 3)")
    ap.add_argument("--no-memory", action="store_true", help="skip the fresh-process memory series")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--paired", nargs=3, metavar=("CASE", "BUDGET", "ROUNDS"), default=None,
                    help="internal: print the interleaved CPU times of one equal-memory pair as JSON")
    args = ap.parse_args(argv)
    if args.paired:
        import json

        name, budget, rounds = args.paired[0], int(args.paired[1]), int(args.paired[2])
        print(json.dumps(paired_in_process(name, budget, rounds, args.quick)))
        return 0
    repeats = args.repeats or (3 if args.quick else 7)
    t0 = time.perf_counter()
    results = {}
    for name in args.cases.split(","):
        if args.quick:
            case = cases.CASES[name](n_steps=400, nested=(20, 20))
            budgets = (5, 20)
        else:
            case = cases.CASES[name]()
            budgets = BUDGETS
        results[name] = run_case(case, budgets, repeats, quick=args.quick)
    if not args.no_memory:
        results["memory"] = memory_series((4, 8) if args.quick else (4, 8, 16), 16 if args.quick else 32)
    print("\ntargets (issue 15), on median CPU time (wall-time ratios in brackets):")
    for name, res in results.items():
        if "targets" in res:
            t = res["targets"]
            other = t["equal_memory_time_ratio_other_mode"]
            print(f"  {name}: equal memory ({t['equal_memory_budget']} states): Treeverse / nested = "
                  f"{t['equal_memory_time_ratio']:.3f} (fresh processes: "
                  f"{', '.join(f'{v:.3f}' for v in t['equal_memory_time_ratios_paired'])}; sweep "
                  f"{t['equal_memory_time_ratio_sweep']:.2f}) [{t['equal_memory_wall_ratio']:.2f}] "
                  f"(other residual mode {other:.2f}) -> {'met' if t['met_equal_memory_time'] else 'MISSED'}; "
                  f"forward steps {t['equal_memory_forward_steps'][0]} vs {t['equal_memory_forward_steps'][1]} -> "
                  f"{'met' if t['met_equal_memory_steps'] else 'MISSED'}; budget {t['model_budget']}: time / model "
                  f"{t['model_ratio']:.2f} -> {'met' if t['met_time_model'] else 'MISSED'}; max rel. error "
                  f"{t['max_rel_err']:.1e}; peak states / budget <= {t['max_peak_over_budget']:.2f}")
    print(f"total {time.perf_counter() - t0:.0f} s")
    save("bench_checkpointing" + ("_quick" if args.quick else ""), results, __file__, args.out,
         quick=args.quick, repeats=repeats, pinned_to_core=PINNED, equinox=_equinox_version())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
