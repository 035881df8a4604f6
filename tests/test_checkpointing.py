"""Tests of helpers.checkpointing: gradients equal store-all JAX, budgets are respected, and the
compiled executor does exactly what the move-by-move reference executor does."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from helpers.checkpointing import checkpointed_vjp, referee, schedule_moves
from helpers import executor
from helpers.executor import COLUMNS, compile_plan, plan_shape
from helpers.pebble import IllegalMove, treeverse_steps


DT = 0.02
T = 150


def vdp_step(x, mu):
    """One RK4 step of the Van der Pol oscillator x'' = mu (1 - x^2) x' - x."""
    def rhs(z):
        return jnp.stack([z[1], mu[0] * (1 - z[0] ** 2) * z[1] - mu[1] * z[0]])

    k1 = rhs(x)
    k2 = rhs(x + 0.5 * DT * k1)
    k3 = rhs(x + 0.5 * DT * k2)
    k4 = rhs(x + DT * k3)
    return x + DT / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


X0 = jnp.array([1.3, -0.4])
MU = jnp.array([1.7, 1.1])
SEED = jnp.array([0.6, -1.2])


def cost(t, x, mu):
    return 0.01 * jnp.sin(0.1 * t) * x[0] ** 2 + 0.001 * mu[0] * x[1]


@functools.lru_cache(maxsize=None)
def reference(with_cost):
    """Store-all JAX: value_and_grad through lax.scan over the T steps."""
    def objective(x0, mu):
        def body(x, t):
            c = cost(t, x, mu) if with_cost else 0.0
            return vdp_step(x, mu), c

        xT, cs = jax.lax.scan(body, x0, jnp.arange(T))
        total = jnp.sum(cs) + (cost(T, xT, mu) if with_cost else 0.0)
        return jnp.vdot(SEED, xT) + total

    value, (gx, gm) = jax.jit(jax.value_and_grad(objective, argnums=(0, 1)))(X0, MU)
    return float(value), np.asarray(gx), np.asarray(gm)


def rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - b)) / np.max(np.abs(b)))


@pytest.mark.parametrize("executor", ["compiled", "reference"])
@pytest.mark.parametrize("schedule, budget", [("store_all", T + 1), ("recompute_all", 3),
                                              ("uniform", 30), ("treeverse", 4), ("treeverse", 9)])
def test_gradients_equal_store_all_jax(schedule, budget, executor):
    value, gx, gm = reference(with_cost=True)
    r = checkpointed_vjp(vdp_step, X0, T, SEED, budget, schedule=schedule, params=MU, step_cost=cost,
                         executor=executor)
    assert r.executor == executor
    assert rel(r.x0_bar, gx) < 1e-12 and rel(r.params_bar, gm) < 1e-12
    assert abs(r.value - value) < 1e-12 * abs(value)
    assert r.peak_states <= budget
    _, moves = schedule_moves(schedule, T, budget)
    assert r.forward_steps == sum(a == "place" for a, _ in moves) and r.moves == len(moves)
    assert r.vjp_calls == T and r.schedule == schedule
    assert r.peak_bytes is not None and r.peak_bytes >= 0 and r.memory_method in ("rss", "device", "tracemalloc")
    if schedule == "treeverse":
        assert r.forward_steps == treeverse_steps(T, budget)


def test_without_params_or_cost_and_state_bytes():
    _, gx, _ = reference(with_cost=False)
    for executor in ("compiled", "reference"):
        r = checkpointed_vjp(lambda x: vdp_step(x, MU), X0, T, SEED, 5, executor=executor)
        assert r.params_bar is None and rel(r.x0_bar, gx) < 1e-12
        assert r.peak_states <= 5 and r.peak_state_bytes == r.peak_states * X0.nbytes


# --------------------------------------------------------------------------- the two executors agree
def pytree_step(s, p):
    """A pytree state {'q', 'v'} and a pytree of parameters (a, (b, c))."""
    a, (b, c) = p
    return {"q": s["q"] + DT * s["v"], "v": s["v"] + DT * (-a * jnp.sin(s["q"]) - b * s["v"] + c * s["q"] ** 2)}


def pytree_cost(t, s, p):
    return 0.02 * jnp.cos(0.3 * t) * jnp.sum(s["q"] ** 2) + 0.01 * p[0] * jnp.sum(s["v"])


PT_X0 = {"q": jnp.array([0.5, -0.2, 0.9]), "v": jnp.array([0.1, 0.3, -0.4])}
PT_P = (jnp.float64(1.3), (jnp.array(0.2), jnp.array([0.05, -0.1, 0.2])))
PT_SEED = {"q": jnp.array([1.0, -0.5, 0.25]), "v": jnp.array([0.3, 0.2, -0.7])}


def odd_play(n):
    """A legal but unusual play: a dead placement, a cell kept and reused out of order, a
    re-placement of a painted cell, removals out of stack order."""
    assert n == 6
    return [("place", 1), ("place", 2), ("place", 3), ("remove", 2), ("place", 4), ("remove", 3),
            ("place", 5), ("place", 6), ("paint", 6), ("remove", 6), ("paint", 5), ("remove", 5),
            ("remove", 4), ("place", 2), ("place", 3), ("place", 4), ("paint", 4), ("remove", 3),
            ("place", 3), ("paint", 3), ("remove", 4), ("paint", 2), ("remove", 3),
            ("paint", 1), ("paint", 0), ("remove", 2), ("place", 2), ("remove", 2)]


def broken_chain_play(n):
    """A legal play whose advances do not form chains: cell 1 is placed again from x0 while
    cell 2 (reached through the first cell 1) is held, and the block starts from cell 2, not
    from the state the last advance wrote (Plan.groups splits the rows into three groups, two
    of them without a block)."""
    assert n == 4
    return [("place", 1), ("place", 2), ("remove", 1), ("place", 1), ("place", 3), ("place", 4),
            ("paint", 4), ("remove", 4), ("paint", 3), ("remove", 3), ("paint", 2), ("remove", 2),
            ("paint", 1), ("remove", 1), ("paint", 0)]


PLAYS = {"custom": odd_play, "broken chain": broken_chain_play}
EQUIV_CASES = [("treeverse", 3, 23), ("treeverse", 5, 23), ("treeverse", 11, 23), ("uniform", 9, 23),
               ("store_all", 24, 23), ("recompute_all", 3, 23), ("treeverse", 4, 40),
               ("custom", 5, 6), ("broken chain", 5, 4), ("treeverse", 2, 1), ("treeverse", 1, 0)]


@pytest.mark.parametrize("schedule, budget, n", EQUIV_CASES)
def test_compiled_executor_equals_reference(schedule, budget, n):
    """Identical gradients, values, forward steps, VJPs and peak states, with pytrees,
    parameters and a running cost, for every kind of schedule, with and without residual
    blocks."""
    sched = PLAYS[schedule](n) if schedule in PLAYS else schedule
    kw = dict(schedule=sched, params=PT_P, step_cost=pytree_cost, measure_memory=False)
    ref = checkpointed_vjp(pytree_step, PT_X0, n, PT_SEED, budget, executor="reference", **kw)
    for residuals in (False, True):
        r = checkpointed_vjp(pytree_step, PT_X0, n, PT_SEED, budget, executor="compiled",
                             residuals=residuals, **kw)
        assert r.executor == "compiled" and r.dispatches == 1
        for a, b in zip(jax.tree_util.tree_leaves((r.x0_bar, r.params_bar)),
                        jax.tree_util.tree_leaves((ref.x0_bar, ref.params_bar))):
            assert a.shape == b.shape and a.dtype == b.dtype
            assert np.max(np.abs(np.asarray(a) - np.asarray(b))) <= 1e-12 * max(1.0, np.max(np.abs(b)))
        assert abs(r.value - ref.value) <= 1e-12 * max(1.0, abs(ref.value))
        assert (r.forward_steps, r.vjp_calls, r.peak_states, r.peak_state_bytes, r.moves) == \
               (ref.forward_steps, ref.vjp_calls, ref.peak_states, ref.peak_state_bytes, ref.moves)
        assert r.pool_slots <= r.peak_states <= budget
        assert r.evaluations >= r.forward_steps
        if not residuals:
            assert r.evaluations == r.forward_steps
    assert ref.dispatches >= ref.forward_steps + n


def test_states_mode_is_bit_identical_to_reference():
    """Without residual blocks the compiled executor runs the very same per-step functions."""
    a = checkpointed_vjp(vdp_step, X0, T, SEED, 7, params=MU, step_cost=cost, executor="reference",
                         measure_memory=False)
    b = checkpointed_vjp(vdp_step, X0, T, SEED, 7, params=MU, step_cost=cost, residuals=False,
                         measure_memory=False)
    assert np.array_equal(a.x0_bar, b.x0_bar) and np.array_equal(a.params_bar, b.params_bar)


def test_plan_counts_and_blocks():
    """The plan's counts are the game's, and store-all stretches become blocks."""
    for budget in (3, 6, 20):
        moves = schedule_moves("treeverse", 50, budget)[1]
        for res in (False, True):
            plan = compile_plan(moves, 50, residuals=res)
            assert plan.forward_steps == treeverse_steps(50, budget)
            assert plan.peak_states == referee(moves, 50, budget)
            assert plan.paints == 51 and plan.pool_slots <= budget
            assert plan.n_ops < plan.forward_steps  # far fewer operations than steps
            if res:
                assert plan.residual_blocks > 0 and plan.evaluations == plan.forward_steps + sum(
                    1 for row in plan.table
                    if row[COLUMNS.index("n_res")] > 0 and row[COLUMNS.index("seed")] == 0)
    store_all = compile_plan(schedule_moves("store_all", 50, 51)[1], 50)
    assert store_all.n_ops == 1 and store_all.state_blocks == 1 and "store 50 states" in store_all.describe()


def test_rows_with_parts_the_interpreter_does_not_run_are_refused():
    """The interpreter traces only the parts a row of each kind can have (a state block has no
    plain steps, no final slot, no top cell): a table made otherwise is refused, not run."""
    import dataclasses

    C = {c: i for i, c in enumerate(COLUMNS)}
    for res in (False, True):
        plan = compile_plan(schedule_moves("treeverse", 40, 5)[1], 40, residuals=res)
        plan.check_rows()  # the plans compile_plan makes pass
        block = int(np.flatnonzero(plan.table[:, C["kind"]] != 0)[0])
        adv = int(np.flatnonzero(plan.table[:, C["kind"]] == 0)[0])
        for row, col, value, what in ((block, "dst", 3, "a block row with a final slot"),
                                      (adv, "dst", -1, "an advance row without a final slot"),
                                      (adv, "n_rev", 2, "an advance row with stores"),
                                      (block, "kind", 7, "an unknown kind")):
            table = plan.table.copy()
            table[row, C[col]] = value
            bad = dataclasses.replace(plan, table=table)
            with pytest.raises(ValueError, match=f"row {row} is {what}"):
                bad.device_arrays()
    plan = compile_plan(schedule_moves("treeverse", 40, 5)[1], 40, residuals=False)
    table = plan.table.copy()
    table[int(np.flatnonzero(table[:, C["kind"]] == 1)[0]), C["n_plain"]] = 2
    with pytest.raises(ValueError, match="a state block with plain steps"):
        dataclasses.replace(plan, table=table).device_arrays()
    plan = compile_plan(schedule_moves("treeverse", 40, 5)[1], 40, residuals=True)
    table = plan.table.copy()
    row = int(np.flatnonzero(table[:, C["kind"]] == 2)[0])
    table[row, C["n_store"]] = 2
    with pytest.raises(ValueError, match=f"row {row} is a residual block with stored states"):
        dataclasses.replace(plan, table=table).device_arrays()


def test_memory_measurement_does_not_copy_states():
    """States stay JAX arrays on the device (no numpy host copies) whatever measure_memory says."""
    seen = []

    def step(x):
        seen.append(type(x))
        return x + 0.01 * jnp.sin(x)

    x0 = jnp.linspace(0.0, 1.0, 1000)
    for executor in ("reference", "compiled"):
        seen.clear()
        r = checkpointed_vjp(step, x0, 30, jnp.ones_like(x0), 6, executor=executor, measure_memory=True)
        assert r.peak_bytes is not None
        assert all(issubclass(t, jax.Array) or "Tracer" in t.__name__ for t in seen)


@pytest.mark.parametrize("executor", ["compiled", "reference"])
def test_seconds_exclude_compilation(executor):
    step = lambda x: x * 1.0001 + 0.001  # noqa: E731
    r = checkpointed_vjp(step, jnp.ones(4), 30, jnp.ones(4), 5, executor=executor, measure_memory=False)
    if executor == "compiled":
        r2 = checkpointed_vjp(step, jnp.ones(4), 30, jnp.ones(4), 5, executor=executor, measure_memory=False)
        assert r2.compile_seconds == 0.0  # cached
        assert r.compile_seconds > r2.seconds
    assert r.seconds < 5


def test_repeated_calls_take_the_fast_path_with_their_own_values(monkeypatch):
    """A second call with arrays of the same kind skips the checks and the analysis (the fast
    path of ``checkpointed_vjp``) but computes with its own values; a call with other kinds of
    arguments, another step or another option goes the full way, and bad arguments are still
    named."""
    import helpers.checkpointing as ck

    def step(x, mu):  # a step of its own: no earlier test registered it
        return x + 0.02 * jnp.stack([x[1], -mu[0] * x[0] - mu[1] * x[1] ** 3])

    call = functools.partial(checkpointed_vjp, step, n_steps=40, n_checkpoints=6, measure_memory=False)
    a, b = jnp.array([1.0, 0.3]), jnp.array([-0.4, 0.9])
    mu, seed = jnp.array([1.5, 0.2]), jnp.array([0.7, -0.2])
    first = call(x0=a, adjoint_seed=seed, params=mu)
    slow_b = call(x0=np.asarray(b), adjoint_seed=np.asarray(seed), params=np.asarray(mu))  # converted: full way

    def refuse(*args, **kw):
        raise AssertionError("the full path ran")

    monkeypatch.setattr(ck, "check_arguments", refuse)
    fast_b = call(x0=b, adjoint_seed=seed, params=mu)
    assert fast_b.compile_seconds == 0.0 and fast_b.seconds > 0
    for got, want in ((fast_b.x0_bar, slow_b.x0_bar), (fast_b.params_bar, slow_b.params_bar)):
        assert np.array_equal(np.asarray(got), np.asarray(want))
    assert fast_b.value == slow_b.value != first.value
    assert not np.allclose(np.asarray(fast_b.x0_bar), np.asarray(first.x0_bar))
    assert (fast_b.forward_steps, fast_b.peak_states) == (first.forward_steps, first.peak_states)
    assert fast_b.extra is not first.extra
    # other kinds of arguments, another step, another budget or option: the full way
    for other in (dict(x0=a.astype(jnp.float32), adjoint_seed=seed, params=mu),
                  dict(x0=a, adjoint_seed=seed, params=mu, n_checkpoints=7),
                  dict(x0=a, adjoint_seed=seed, params=mu, residuals=False),
                  dict(x0=a, adjoint_seed=seed, params=mu, measure_memory="rss"),
                  dict(x0=a, adjoint_seed=seed, params=(mu, mu))):
        with pytest.raises(AssertionError, match="the full path ran"):
            call(**other)
    with pytest.raises(AssertionError, match="the full path ran"):
        checkpointed_vjp(lambda x, m: step(x, m), a, 40, seed, 6, params=mu, measure_memory=False)
    monkeypatch.undo()
    with pytest.raises(ValueError, match="adjoint_seed must have the shapes of x0"):
        call(x0=a, adjoint_seed=jnp.ones(3), params=mu)


def test_a_budget_sweep_compiles_once():
    """The plan is data: a second and third budget (and another named schedule) at the same T
    reuse the compiled program of the first, with capacity="auto" on a small state; counted by
    the executor's compilation counter, not timed."""
    def step(x, mu):  # a step function of its own, so that no earlier test compiled it
        return x + 0.01 * jnp.stack([x[1], -mu[0] * x[0]])

    x0, mu, n = jnp.array([1.0, 0.2]), jnp.array([2.0]), 60
    before = executor.compilations()
    runs = [checkpointed_vjp(step, x0, n, SEED, b, params=mu, measure_memory=False) for b in (4, 9, 25)]
    runs.append(checkpointed_vjp(step, x0, n, SEED, 16, schedule="uniform", params=mu, measure_memory=False))
    assert executor.compilations() - before == 1
    assert runs[0].compile_seconds > 0 and all(r.compile_seconds == 0.0 for r in runs[1:])
    assert [r.pool_slots for r in runs[:3]] == [4, 9, 25]  # the schedule's slots ...
    assert {r.extra["pool_capacity"] for r in runs} == {n + 1}  # ... in one shared buffer
    for r in runs[1:]:
        assert rel(r.params_bar, np.asarray(runs[0].params_bar)) < 1e-12
    # the other choices: "exact" compiles per buffer size, an int shares up to it
    before = executor.compilations()
    exact = [checkpointed_vjp(step, x0, n, SEED, b, params=mu, measure_memory=False, capacity="exact")
             for b in (5, 7)]
    assert executor.compilations() - before == 2 and [r.extra["pool_capacity"] for r in exact] == [5, 7]
    before = executor.compilations()
    shared = [checkpointed_vjp(step, x0, n, SEED, b, params=mu, measure_memory=False, capacity=12)
              for b in (5, 12)]
    assert executor.compilations() - before == 1
    assert shared[0].pool_bytes == shared[1].pool_bytes == 12 * x0.nbytes
    with pytest.raises(ValueError, match="capacity=5 slots is smaller than the 9 slots"):
        checkpointed_vjp(step, x0, n, SEED, 9, params=mu, measure_memory=False, capacity=5)
    with pytest.raises(ValueError, match="capacity must be"):
        checkpointed_vjp(step, x0, n, SEED, 9, params=mu, measure_memory=False, capacity="max")


@pytest.mark.parametrize("n", [1, 2, 7, 30, 120])
def test_named_plans_fit_the_shape_of_their_T(n):
    """Every budget of every named schedule fits plan_shape(T): one program shape per T."""
    rows, entries = plan_shape(n)
    for schedule, budgets in (("treeverse", range(3 if n > 1 else 2, n + 2)), ("store_all", [n + 1]),
                              ("recompute_all", [3]), ("uniform", range(3, n + 2, 7))):
        for budget in budgets:
            try:
                moves = schedule_moves(schedule, n, budget)[1]
            except ValueError:  # a budget too small for this schedule
                continue
            for res in (False, True):
                plan = compile_plan(moves, n, residuals=res)
                assert plan.n_ops <= 2 * (n + 1) and len(plan.slots) <= 2 * (n + 1), (schedule, budget, res)
                assert plan_shape(n, 1, plan.n_ops, len(plan.slots)) == (rows, entries)


def test_errors():
    with pytest.raises(ValueError, match="store_all"):
        checkpointed_vjp(lambda x: x, X0, 10, SEED, 5, schedule="store_all")
    with pytest.raises(ValueError, match="unknown schedule"):
        checkpointed_vjp(lambda x: x, X0, 10, SEED, 5, schedule="magic")
    with pytest.raises(ValueError, match="at least 3 pebbles"):
        checkpointed_vjp(lambda x: x, X0, 10, SEED, 2)
    with pytest.raises(ValueError, match="backend"):
        checkpointed_vjp(lambda x: x, X0, 10, SEED, 5, backend="torch")
    with pytest.raises(IllegalMove, match="ended before every cell was painted"):
        checkpointed_vjp(lambda x: x, X0, 2, SEED, 5, schedule=[("place", 1)])
    with pytest.raises(IllegalMove, match="move 0"):
        checkpointed_vjp(lambda x: x, X0, 2, SEED, 5, schedule=[("place", 2)])
    with pytest.raises(IllegalMove, match="move 1"):
        checkpointed_vjp(lambda x: x, X0, 2, SEED, 5, schedule=[("place", 1), "oops"])


def test_bad_arguments_are_named():
    """Each bad argument fails up front with its name and what is expected."""
    with pytest.raises(TypeError, match="step must be a callable.*got int 3"):
        checkpointed_vjp(3, X0, 10, SEED, 5)
    with pytest.raises(TypeError, match="step_cost must be None or a callable"):
        checkpointed_vjp(lambda x: x, X0, 10, SEED, 5, step_cost="cost")
    with pytest.raises(ValueError, match="n_steps must be an integer >= 0"):
        checkpointed_vjp(lambda x: x, X0, 2.5, SEED, 5)
    with pytest.raises(ValueError, match="n_checkpoints must be an integer >= 1"):
        checkpointed_vjp(lambda x: x, X0, 10, SEED, 0)
    with pytest.raises(ValueError, match="adjoint_seed must have the shapes of x0"):
        checkpointed_vjp(lambda x: x, X0, 10, jnp.ones(3), 5)
    with pytest.raises(ValueError, match="adjoint_seed must have the structure of x0"):
        checkpointed_vjp(lambda x: x, X0, 10, (SEED, SEED), 5)
    with pytest.raises(TypeError, match="x0 must be an array or a pytree of numeric arrays"):
        checkpointed_vjp(lambda x: x, "abc", 10, "abc", 5)
    with pytest.raises(TypeError, match="schedule must be one of"):
        checkpointed_vjp(lambda x: x, X0, 10, SEED, 5, schedule=7)
    with pytest.raises(ValueError, match="executor must be one of"):
        checkpointed_vjp(lambda x: x, X0, 10, SEED, 5, executor="fast")
    with pytest.raises(ValueError, match="residuals must be"):
        checkpointed_vjp(lambda x: x, X0, 10, SEED, 5, residuals="yes")
    with pytest.raises(ValueError, match="measure_memory must be"):
        checkpointed_vjp(lambda x: x, X0, 10, SEED, 5, measure_memory="psutil")
    with pytest.raises(ValueError, match="needs backend='jax'"):
        checkpointed_vjp(lambda x: x, np.ones(2), 10, np.ones(2), 5, backend="tape", executor="compiled")
    with pytest.raises(ValueError, match="step must return a state of the structure, shapes and dtypes"):
        checkpointed_vjp(lambda x: jnp.concatenate([x, x]), X0, 10, SEED, 5)
    with pytest.raises(TypeError, match="step.*failed"):
        checkpointed_vjp(lambda x, p: x + p, X0, 10, SEED, 5)  # params missing: step takes two


def test_tape_backend_matches_jax():
    from helpers import tape

    def step_np(x, mu):
        def rhs(z):
            return tape.concatenate([z[1:2], mu[0:1] * (1 - z[0:1] ** 2) * z[1:2] - mu[1:2] * z[0:1]])

        k1 = rhs(x)
        k2 = rhs(x + 0.5 * DT * k1)
        k3 = rhs(x + 0.5 * DT * k2)
        k4 = rhs(x + DT * k3)
        return x + DT / 6 * (k1 + 2 * k2 + 2 * k3 + k4)

    def cost_np(t, x, mu):
        return 0.01 * np.sin(0.1 * t) * x[0] ** 2 + 0.001 * mu[0] * x[1]

    value, gx, gm = reference(with_cost=True)
    r = checkpointed_vjp(step_np, np.asarray(X0), T, np.asarray(SEED), 6, params=np.asarray(MU),
                         step_cost=cost_np, backend="tape")
    assert r.executor == "reference"
    assert rel(r.x0_bar, gx) < 1e-10 and rel(r.params_bar, gm) < 1e-10
    assert abs(r.value - value) < 1e-10 * abs(value) and r.peak_states <= 6


def test_auto_keeps_residuals_only_when_they_fit():
    """A linear wave step keeps one field of residuals per step where its state has two: residual
    blocks; RK4 keeps its stages, larger than the state: blocks of states. Same gradients."""
    c = jnp.linspace(0.8, 1.2, 50)

    def wave(x, c):
        u_prev, u = x
        return u, 2 * u - u_prev + 0.1 * c**2 * (jnp.roll(u, 1) + jnp.roll(u, -1) - 2 * u)

    x0 = (jnp.sin(jnp.linspace(0, 3, 50)), jnp.sin(jnp.linspace(0.1, 3.1, 50)))
    seed = (jnp.zeros(50), jnp.cos(jnp.arange(50.0)))
    auto = checkpointed_vjp(wave, x0, 40, seed, 6, params=c, measure_memory=False)
    plain = checkpointed_vjp(wave, x0, 40, seed, 6, params=c, residuals=False, measure_memory=False)
    assert auto.extra["residual_blocks"] > 0 and plain.extra["residual_blocks"] == 0
    assert auto.evaluations > auto.forward_steps == plain.forward_steps == plain.evaluations
    assert auto.pool_bytes == plain.pool_bytes  # the residuals fit in the state slots
    assert rel(auto.params_bar, np.asarray(plain.params_bar)) < 1e-12
    rk4 = checkpointed_vjp(vdp_step, X0, T, SEED, 9, params=MU, step_cost=cost, measure_memory=False)
    assert rk4.extra["residual_blocks"] == 0


def _wide_step(x, p):
    """A state of three leaves and two dtypes, two of them wide enough for panels of their own."""
    a, b, c = x["a"], x["b"], x["c"]
    a_new = a + 0.05 * jnp.tanh(p * jnp.roll(a, 1)) + 0.01 * jnp.sum(c)
    b_new = b + jnp.float32(0.05) * jnp.sin(b * jnp.roll(b, 3)) + 0.01 * a[:70].astype(jnp.float32)
    c_new = c * (1 - 0.02 * jnp.cos(a[:5]))
    return {"a": a_new, "b": b_new, "c": c_new}


def _wide_cost(t, x, p):
    return 0.01 * jnp.sum(x["a"][::7] ** 2) + 0.001 * t * jnp.sum(x["c"]) + jnp.sum(x["b"][:4]).astype(jnp.float64)


def test_slot_panels_cut_at_wide_leaves():
    """Panels are cut at the edges of every wide leaf of the state and of the residuals; small
    leaves share a panel; the panels of a dtype fill its slot; tiny chunked states keep one."""
    from helpers.executor import PANEL_MIN, StateLayout, slot_panels

    def spec(*shapes):
        return [jax.ShapeDtypeStruct(s, jnp.float64) for s in shapes]

    state = StateLayout.of(spec((4096,), (4096,)))
    res = StateLayout.of(spec((64, 64), (11,), ()))
    panels = dict(slot_panels(state, res, (("float64", 8192),)))
    assert panels["float64"] == (4096, 4096)  # the 11 + 1 small residuals share the second panel
    seismic_like = StateLayout.of(spec((9217,)))
    res2 = StateLayout.of(spec((), (2304,), (), (), (2304,), (11,)))
    p2 = dict(slot_panels(seismic_like, res2, (("float64", 9217),)))["float64"]
    assert sum(p2) == 9217 and p2 == (1, 2304, 2, 2304, 9217 - 4611)
    assert slot_panels(state, res, (("float64", 8192),), chunk=4) == (("float64", (8192,)),)
    assert PANEL_MIN > 11


@pytest.mark.parametrize("schedule, budget", [("treeverse", 4), ("uniform", 9), ("store_all", 21)])
def test_compiled_executor_with_panels_equals_reference(schedule, budget):
    """Wide leaves of two dtypes (states split across panels, residuals in panels of their own)
    give the reference executor's gradients, with and without residual blocks."""
    n = 20
    rng = np.random.default_rng(3)
    x0 = {"a": jnp.asarray(rng.standard_normal(80)), "b": jnp.asarray(rng.standard_normal(70), jnp.float32),
          "c": jnp.asarray(rng.standard_normal(5))}
    seed = {"a": jnp.asarray(rng.standard_normal(80)), "b": jnp.asarray(rng.standard_normal(70), jnp.float32),
            "c": jnp.asarray(rng.standard_normal(5))}
    p = jnp.asarray(1.0 + 0.3 * rng.standard_normal(80))
    kw = dict(schedule=schedule, params=p, step_cost=_wide_cost, measure_memory=False)
    ref = checkpointed_vjp(_wide_step, x0, n, seed, budget, executor="reference", **kw)
    for residuals in (False, True):
        r = checkpointed_vjp(_wide_step, x0, n, seed, budget, executor="compiled", residuals=residuals, **kw)
        if residuals:
            assert r.extra["residual_blocks"] > 0
        for a, b in zip(jax.tree_util.tree_leaves((r.x0_bar, r.params_bar)),
                        jax.tree_util.tree_leaves((ref.x0_bar, ref.params_bar))):
            assert a.shape == b.shape and a.dtype == b.dtype
            # float32 arithmetic reaches every leaf (b feeds the cost), and the two executors
            # fuse differently: float32 round-off, while a misplaced column would be O(1)
            assert np.max(np.abs(np.asarray(a) - np.asarray(b))) <= 1e-5 * max(1.0, np.max(np.abs(b)))
        assert abs(r.value - ref.value) <= 1e-6 * max(1.0, abs(ref.value))
