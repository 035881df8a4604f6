"""Tests of helpers.memory: the process's resident high-water mark sees XLA's buffers,
tracemalloc does not, and the peak memory of checkpointing is the budget times the state size
plus a small constant (issue 12: within 1.5x of budget x state size plus a stated constant)."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from helpers import memory
from helpers.checkpointing import checkpointed_vjp
from helpers.memory import MemoryReport, peak_memory, track

N = 2_000_000  # a 16 MB state
STATE = 8 * N
needs_rss = pytest.mark.skipif("rss" not in memory.available_methods(),
                               reason="needs /proc/self/clear_refs (Linux)")


def big_step(x):
    """A nonlinear step on a large state (importable, for the fresh process)."""
    return x + 0.01 * jnp.sin(x)


def allocate(n_arrays: int):
    """Hold n_arrays arrays of N float64 at once (importable, for the fresh process)."""
    xs = [jnp.full(N, float(i)) for i in range(n_arrays)]
    return float(sum(float(x[0]) for x in jax.block_until_ready(xs)))


@needs_rss
def test_rss_sees_xla_buffers_and_tracemalloc_does_not():
    x = jnp.ones(N)
    jax.block_until_ready(x + 1)
    with track("rss") as r:
        ys = jax.block_until_ready([x + i for i in range(3)])
    assert r.method == "rss" and 2.8 * STATE < r.peak_bytes < 3.6 * STATE, r
    del ys
    with track("tracemalloc") as t:
        ys = jax.block_until_ready([x + i for i in range(3)])
    assert t.peak_bytes < 0.1 * STATE and "XLA" in t.note
    del ys
    with track("tracemalloc") as t:
        h = np.ones(N)
    assert t.peak_bytes >= h.nbytes  # numpy host arrays, it does see


def test_track_rejects_unknown_method_and_reports_total():
    with pytest.raises(ValueError, match="method must be one of"):
        with track("psutil"):
            pass
    r = MemoryReport(peak_bytes=10, baseline_bytes=100)
    assert r.total_bytes == 110 and "result" not in r.as_dict()


@needs_rss
def test_peak_memory_runs_in_a_fresh_process():
    r = peak_memory(allocate, 4)
    assert r.result == 6.0 and r.method == "rss"
    assert 3.8 * STATE < r.peak_bytes < 4.6 * STATE, r
    assert r.startup_bytes < r.baseline_bytes  # JAX, the compiled program, the arguments
    with pytest.raises(TypeError, match="must pickle"):
        peak_memory(lambda: 1)


@needs_rss
@pytest.mark.parametrize("budget", [4, 10])
def test_checkpointing_peak_is_budget_times_state_plus_constant(budget):
    """Measured in a fresh process: peak - baseline = (budget + c) x state size with c <= 3.5
    (the adjoint, the working state and one temporary), i.e. within 1.5 x budget x state plus
    3.5 states for any budget, and far below store-all."""
    x0 = jnp.linspace(0.0, 1.0, N)
    fn = functools.partial(checkpointed_vjp, big_step, x0, 16, jnp.ones(N), budget,
                           measure_memory=False)
    r = peak_memory(fn)
    res = r.result
    assert res.peak_states <= budget and res.pool_slots <= budget
    states = r.peak_bytes / STATE
    assert budget <= states <= budget + 3.5, (budget, states)
    assert r.peak_bytes <= 1.5 * budget * STATE + 3.5 * STATE


@needs_rss
def test_in_process_measurement_of_checkpointed_vjp():
    x0 = jnp.linspace(0.0, 1.0, N // 4)
    small = checkpointed_vjp(big_step, x0, 30, jnp.ones_like(x0), 4, measure_memory="rss")
    big = checkpointed_vjp(big_step, x0, 30, jnp.ones_like(x0), 16, measure_memory="rss")
    assert small.memory_method == big.memory_method == "rss"
    extra = (big.peak_bytes - small.peak_bytes) / x0.nbytes
    assert 10 < extra < 14, extra  # 12 more stored states
