"""Tests of helpers.reversible_vjp: Bennett's reversible schedule gives the store-all gradient."""


import jax
import jax.numpy as jnp
import numpy as np
import pytest

from helpers.pebble import IllegalMove, bennett_moves, bennett_peak, bennett_steps
from helpers.reversible_vjp import adjoint_placements, bennett_vjp, reversible_vjp


A = jnp.array([[0.9, 0.2], [-0.3, 0.8]])
X0 = jnp.array([0.3, -0.5])
P = jnp.array([1.1, 0.3])
SEED = jnp.array([1.0, 2.0])


def step(x, p):
    return jnp.tanh(A @ x * p[0]) + p[1] * x


def cost(t, x, p):
    return 0.1 * jnp.sum(jnp.sin(x * (t + 1))) * p[0]


def objective(x0, p, T):
    def body(x, t):
        x1 = step(x, p)
        return x1, cost(t + 1, x1, p)

    xT, cs = jax.lax.scan(body, x0, jnp.arange(T))
    return jnp.vdot(SEED, xT) + jnp.sum(cs) + cost(0, x0, p)


@pytest.mark.parametrize("executor", ["compiled", "reference"])
@pytest.mark.parametrize("k,levels", [(2, 1), (2, 3), (3, 2), (4, 2), (5, 2)])
def test_bennett_gradient_equals_store_all(k, levels, executor):
    T = k**levels
    r = bennett_vjp(step, X0, k, levels, SEED, params=P, step_cost=cost, executor=executor)
    assert r.executor == executor
    v, (gx, gp) = jax.value_and_grad(objective, argnums=(0, 1))(X0, P, T)
    assert abs(r.value - float(v)) < 1e-12 * max(1, abs(float(v)))
    np.testing.assert_allclose(np.asarray(r.x0_bar), np.asarray(gx), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(np.asarray(r.params_bar), np.asarray(gp), rtol=1e-12, atol=1e-14)
    assert r.vjp_calls == T
    # forward sweep = the prefix of Bennett's play up to placing T: [(2k-1)^n + 1]/2 moves
    assert r.extra["forward_sweep_moves"] == (bennett_steps(k, levels) + 1) // 2
    assert r.extra["game_steps"] == bennett_steps(k, levels) + 1
    assert r.forward_steps == r.extra["uncompute_steps"] == r.extra["game_steps"] // 2
    assert r.peak_states == bennett_peak(k, levels) + 1  # x0 counted too


def test_adjoint_placements_are_decreasing_and_legal():
    k, levels = 3, 3
    T = k**levels
    moves = bennett_moves(k, levels)
    p = adjoint_placements(moves, T)
    order = [p[i] for i in range(T, 0, -1)]
    assert order == sorted(order, reverse=True)
    for i, j in p.items():
        assert moves[j] == ("place", i)


def test_without_params_and_cost():
    r = bennett_vjp(lambda x: jnp.sin(x) * 1.01, X0, 2, 2, SEED)
    g = jax.grad(lambda x: jnp.vdot(SEED, jax.lax.fori_loop(0, 4, lambda i, z: jnp.sin(z) * 1.01, x)))(X0)
    np.testing.assert_allclose(np.asarray(r.x0_bar), np.asarray(g), rtol=1e-13)
    assert r.params_bar is None


def test_executors_agree_and_memory_is_optional():
    """Both executors, with and without a memory measurement: the same gradient and counts."""
    ref = bennett_vjp(step, X0, 3, 2, SEED, params=P, step_cost=cost, executor="reference")
    assert ref.peak_bytes is not None and ref.peak_state_bytes > 0
    for kw in ({"measure_memory": False}, {"residuals": True}, {"residuals": False}):
        b = bennett_vjp(step, X0, 3, 2, SEED, params=P, step_cost=cost, **kw)
        assert b.executor == "compiled" and b.dispatches == 1
        np.testing.assert_allclose(np.asarray(b.x0_bar), np.asarray(ref.x0_bar), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(np.asarray(b.params_bar), np.asarray(ref.params_bar), rtol=1e-12, atol=1e-15)
        assert abs(b.value - ref.value) < 1e-12 * abs(ref.value)
        assert {k: b.extra[k] for k in ref.extra if k != "memory"} == \
               {k: v for k, v in ref.extra.items() if k != "memory"}
        assert (b.forward_steps, b.vjp_calls, b.peak_states, b.peak_state_bytes) == \
               (ref.forward_steps, ref.vjp_calls, ref.peak_states, ref.peak_state_bytes)
        assert b.pool_slots <= b.peak_states
    off = bennett_vjp(step, X0, 3, 2, SEED, params=P, step_cost=cost, measure_memory=False)
    assert off.peak_bytes is None and off.memory_method is None


def test_bad_inputs():
    with pytest.raises(IllegalMove, match="never place cell 4"):
        reversible_vjp(step, X0, 4, SEED, [("place", 1), ("place", 2)], params=P)
    with pytest.raises(IllegalMove, match="not a reversible-game move"):
        reversible_vjp(step, X0, 1, SEED, [("paint", 1)], params=P)
    with pytest.raises(IllegalMove, match="cell 1 is never placed"):
        reversible_vjp(step, X0, 2, SEED, [("place", 2)], params=P)
    with pytest.raises(IllegalMove, match=r"move 3: remove\(2\)"):  # uncomputing without the predecessor
        reversible_vjp(step, X0, 2, SEED, [("place", 1), ("place", 2), ("remove", 1),
                                           ("remove", 2), ("place", 1), ("place", 2)], params=P)
    with pytest.raises(ValueError, match="n_steps"):
        reversible_vjp(step, X0, 0, SEED, [], params=P)
    with pytest.raises(ValueError, match="backend"):
        bennett_vjp(step, X0, 2, 1, SEED, params=P, backend="torch")
    with pytest.raises(TypeError, match="step must be a callable"):
        reversible_vjp(None, X0, 2, SEED, [("place", 1), ("place", 2)])
    with pytest.raises(TypeError, match="moves must be a list"):
        reversible_vjp(step, X0, 2, SEED, 5, params=P)
