"""Tests of helpers.checkpointing: gradients equal store-all JAX, budgets are respected."""

import functools


import jax
import jax.numpy as jnp
import numpy as np
import pytest

from helpers.checkpointing import checkpointed_vjp, schedule_moves
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


@pytest.mark.parametrize("schedule, budget", [("store_all", T + 1), ("recompute_all", 3),
                                              ("uniform", 30), ("treeverse", 4), ("treeverse", 9)])
def test_gradients_equal_store_all_jax(schedule, budget):
    value, gx, gm = reference(with_cost=True)
    r = checkpointed_vjp(vdp_step, X0, T, SEED, budget, schedule=schedule, params=MU, step_cost=cost)
    assert rel(r.x0_bar, gx) < 1e-12 and rel(r.params_bar, gm) < 1e-12
    assert abs(r.value - value) < 1e-12 * abs(value)
    assert r.peak_states <= budget
    _, moves = schedule_moves(schedule, T, budget)
    assert r.forward_steps == sum(a == "place" for a, _ in moves) and r.moves == len(moves)
    assert r.vjp_calls == T and r.schedule == schedule
    assert r.peak_bytes is not None and r.peak_bytes > 0
    if schedule == "treeverse":
        assert r.forward_steps == treeverse_steps(T, budget)


def test_without_params_or_cost_and_state_bytes():
    _, gx, _ = reference(with_cost=False)
    r = checkpointed_vjp(lambda x: vdp_step(x, MU), X0, T, SEED, 5)
    assert r.params_bar is None and rel(r.x0_bar, gx) < 1e-12
    assert r.peak_states <= 5 and r.peak_state_bytes == r.peak_states * X0.nbytes


def test_pytree_state():
    def step(s, mu):
        z = vdp_step(jnp.stack([s["q"], s["p"]]), mu)
        return {"q": z[0], "p": z[1]}

    _, gx, gm = reference(with_cost=False)
    r = checkpointed_vjp(step, {"q": X0[0], "p": X0[1]}, T, {"q": SEED[0], "p": SEED[1]}, 6, params=MU)
    assert rel(jnp.stack([r.x0_bar["q"], r.x0_bar["p"]]), gx) < 1e-12
    assert rel(r.params_bar, gm) < 1e-12


def test_memory_grows_with_budget():
    x0 = jnp.linspace(0.0, 1.0, 2000)
    step = lambda x: x + 0.01 * jnp.sin(x)  # noqa: E731
    small = checkpointed_vjp(step, x0, 60, jnp.ones_like(x0), 4)
    big = checkpointed_vjp(step, x0, 60, jnp.ones_like(x0), 61, schedule="store_all")
    assert small.peak_states <= 4 and big.peak_states == 61
    # exact bytes of the stored states (the traced totals also hold the interpreter's own
    # allocations, which vary with the load of the machine)
    assert small.peak_state_bytes <= 4 * x0.nbytes and big.peak_state_bytes == 61 * x0.nbytes
    assert big.peak_state_bytes > 5 * small.peak_state_bytes
    # and tracemalloc saw every stored state: the states are host copies
    assert big.peak_bytes >= big.peak_state_bytes and small.peak_bytes >= small.peak_state_bytes
    assert small.forward_steps > big.forward_steps == 60
    np.testing.assert_allclose(small.x0_bar, big.x0_bar, rtol=1e-14)


@pytest.mark.parametrize("schedule, budget", [("treeverse", 5), ("uniform", 30)])
def test_device_states_without_memory_measurement(schedule, budget):
    """measure_memory=False keeps the states on the device: same gradient, same counts."""
    kw = dict(schedule=schedule, params=MU, step_cost=cost)
    a = checkpointed_vjp(vdp_step, X0, T, SEED, budget, **kw)
    b = checkpointed_vjp(vdp_step, X0, T, SEED, budget, measure_memory=False, **kw)
    assert b.peak_bytes is None and a.peak_bytes is not None
    assert np.array_equal(a.x0_bar, b.x0_bar) and np.array_equal(a.params_bar, b.params_bar)
    assert a.value == b.value
    assert (a.forward_steps, a.peak_states, a.peak_state_bytes) == (b.forward_steps, b.peak_states,
                                                                     b.peak_state_bytes)


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
    assert rel(r.x0_bar, gx) < 1e-10 and rel(r.params_bar, gm) < 1e-10
    assert abs(r.value - value) < 1e-10 * abs(value) and r.peak_states <= 6
