"""Tests of helpers.ode: RK4 accuracy, adjoint gradient vs backprop and exact values, memory, errors."""


import jax
import jax.numpy as jnp
import numpy as np
import pytest

from helpers import ode


def decay(y, t, k):
    return -k * y


def oscillator(y, t, p):
    """Damped, driven pendulum with a dict of parameters (a pytree); nonlinear on purpose, since
    for linear ODEs the RK4 adjoint happens to equal the discrete gradient to round-off."""
    return jnp.stack([y[1], -p["w2"] * jnp.sin(y[0]) - p["c"] * y[1] * jnp.abs(y[1]) + 0.2 * jnp.cos(t)])


P = {"w2": jnp.array(2.0), "c": jnp.array(0.3)}
Y0 = jnp.array([1.0, 0.0])


def test_rk4_fourth_order_on_decay():
    errs = [abs(float(ode.odeint_rk4(decay, 1.0, 0.0, 1.0, n, 1.0)) - np.exp(-1)) for n in (10, 20)]
    assert errs[0] < 1e-6
    assert 14 < errs[0] / errs[1] < 18  # O(h^4): halving h divides the error by 16


def test_trajectory_shape_and_endpoints():
    ts, ys = ode.odeint_rk4(oscillator, Y0, 0.0, 2.0, 50, P, trajectory=True)
    assert ts.shape == (51,) and ys.shape == (51, 2)
    np.testing.assert_allclose(ts[jnp.array([0, -1])], [0.0, 2.0], atol=1e-14)
    np.testing.assert_allclose(ys[0], Y0)
    np.testing.assert_allclose(ys[-1], ode.odeint_rk4(oscillator, Y0, 0.0, 2.0, 50, P), rtol=1e-14)


def test_backward_in_time_returns_to_start():
    y1 = ode.odeint_rk4(oscillator, Y0, 0.0, 1.0, 400, P)
    y0_back = ode.odeint_rk4(oscillator, y1, 1.0, 0.0, 400, P)
    np.testing.assert_allclose(y0_back, Y0, atol=1e-9)


def test_adjoint_exact_for_decay():
    # y(1) = y0 exp(-k); L = y(1)^2 / 2: dL/dy0 = y0 exp(-2k), dL/dk = -y0^2 exp(-2k)
    y0, k = 1.5, 0.7
    y1 = ode.odeint_rk4(decay, y0, 0.0, 1.0, 200, k)
    g_y0, g_k = ode.adjoint_gradient(decay, y0, 0.0, 1.0, 200, k, y1)
    np.testing.assert_allclose(g_y0, y0 * np.exp(-2 * k), rtol=1e-9)
    np.testing.assert_allclose(g_k, -y0**2 * np.exp(-2 * k), rtol=1e-9)


def test_adjoint_matches_backprop_pytree_params():
    def loss(y0, p):
        y1 = ode.odeint_rk4(oscillator, y0, 0.0, 3.0, 300, p)
        return jnp.sum(y1**2) + y1[0]

    g_y0, g_p = jax.grad(loss, (0, 1))(Y0, P)
    y1 = ode.odeint_rk4(oscillator, Y0, 0.0, 3.0, 300, P)
    a_y0, a_p = ode.adjoint_gradient(oscillator, Y0, 0.0, 3.0, 300, P, 2 * y1 + jnp.array([1.0, 0.0]))
    np.testing.assert_allclose(a_y0, g_y0, rtol=1e-8)
    for key in P:
        np.testing.assert_allclose(a_p[key], g_p[key], rtol=1e-8)
    # a wrong adjoint (sign of the a-equation flipped) would not pass: the gap is integration error only
    a_y0_coarse, _ = ode.adjoint_gradient(oscillator, Y0, 0.0, 3.0, 20, P, 2 * y1 + jnp.array([1.0, 0.0]))
    assert np.max(np.abs(a_y0_coarse - g_y0)) > 1e-8


def test_adjoint_error_falls_as_h4():
    def gap(n):
        loss = lambda y0: jnp.sum(ode.odeint_rk4(oscillator, y0, 0.0, 3.0, n, P) ** 2)  # noqa: E731
        y1 = ode.odeint_rk4(oscillator, Y0, 0.0, 3.0, n, P)
        return float(jnp.max(jnp.abs(ode.adjoint_gradient(oscillator, Y0, 0.0, 3.0, n, P, 2 * y1)[0]
                                     - jax.grad(loss)(Y0))))

    ratio = gap(20) / gap(40)
    assert 10 < ratio < 24


def test_odeint_adjoint_custom_vjp_and_memory():
    def loss(integ, n):
        return lambda y0, p: jnp.sum(integ(oscillator, y0, 0.0, 3.0, n, p) ** 2)

    g_bp = jax.grad(loss(ode.odeint_rk4, 300), (0, 1))(Y0, P)
    g_adj = jax.grad(loss(ode.odeint_adjoint, 300), (0, 1))(Y0, P)
    np.testing.assert_allclose(g_adj[0], g_bp[0], rtol=1e-8)
    np.testing.assert_allclose(g_adj[1]["c"], g_bp[1]["c"], rtol=1e-8)
    np.testing.assert_allclose(ode.odeint_adjoint(oscillator, Y0, 0.0, 3.0, 300, P),
                               ode.odeint_rk4(oscillator, Y0, 0.0, 3.0, 300, P), rtol=1e-15)
    mem_bp = [ode.residual_bytes(lambda y: ode.odeint_rk4(oscillator, y, 0.0, 3.0, n, P), Y0) for n in (100, 1000)]
    mem_adj = [ode.residual_bytes(lambda y: ode.odeint_adjoint(oscillator, y, 0.0, 3.0, n, P), Y0) for n in (100, 1000)]
    assert mem_bp[1] > 8 * mem_bp[0]  # linear in the number of steps
    assert mem_adj[0] == mem_adj[1] and mem_adj[0] < 200  # constant


def test_params_none():
    f = lambda y, t, p: -y  # noqa: E731
    y1 = ode.odeint_rk4(f, jnp.ones(3), 0.0, 1.0, 50)
    g_y0, g_p = ode.adjoint_gradient(f, jnp.ones(3), 0.0, 1.0, 50, None, jnp.ones(3))
    np.testing.assert_allclose(g_y0, np.exp(-1) * np.ones(3), rtol=1e-8)
    assert g_p is None
    np.testing.assert_allclose(y1, np.exp(-1), rtol=1e-8)


@pytest.mark.parametrize(
    "kwargs, exc, words",
    [
        (dict(n_steps=0), ValueError, "positive integer"),
        (dict(n_steps=2.5), TypeError, "positive integer"),
        (dict(n_steps=True), TypeError, "positive integer"),
        (dict(t1=float("nan")), ValueError, "finite"),
        (dict(t0="a"), TypeError, "real number"),
        (dict(f=3), TypeError, "must be a function"),
        (dict(f=lambda y, t, p: jnp.zeros(5)), ValueError, "shape of y0"),
        (dict(f=lambda y, t, p: y @ jnp.ones((7, 7))), TypeError, "failed"),
        (dict(y0="abc"), TypeError, "y0"),
    ],
)
def test_bad_input(kwargs, exc, words):
    args = dict(f=oscillator, y0=Y0, t0=0.0, t1=1.0, n_steps=10, params=P)
    args.update(kwargs)
    with pytest.raises(exc, match=words):
        ode.odeint_rk4(args["f"], args["y0"], args["t0"], args["t1"], args["n_steps"], args["params"])


def test_bad_adjoint_seed():
    with pytest.raises(ValueError, match="dLdy1"):
        ode.adjoint_gradient(oscillator, Y0, 0.0, 1.0, 10, P, jnp.ones(3))
    with pytest.raises(TypeError, match="residual_bytes"):
        ode.residual_bytes(3, Y0)


# --------------------------------------------------------------------------- checkpoints
def stiff(y, t, lam):
    """Strongly contracting and nonlinear (the adjoint needs the recomputed state)."""
    return -lam * y - y**3 + jnp.cos(t)


def test_segment_lengths():
    assert ode.segment_lengths(10, 3) == [4, 3, 3]
    assert ode.segment_lengths(7, 7) == [1] * 7 and ode.segment_lengths(5, 1) == [5]
    for bad, exc in ((0, ValueError), (11, ValueError), (2.5, TypeError), (True, TypeError)):
        with pytest.raises(exc, match="checkpoints"):
            ode.segment_lengths(10, bad)


def test_one_checkpoint_is_the_plain_adjoint():
    y1 = ode.odeint_rk4(oscillator, Y0, 0.0, 3.0, 90, P)
    seed = 2 * y1 + jnp.array([1.0, 0.0])
    plain = ode.adjoint_gradient(oscillator, Y0, 0.0, 3.0, 90, P, seed)
    one = ode.adjoint_gradient(oscillator, Y0, 0.0, 3.0, 90, P, seed, checkpoints=1)
    seven = ode.adjoint_gradient(oscillator, Y0, 0.0, 3.0, 90, P, seed, checkpoints=7)
    np.testing.assert_allclose(one[0], plain[0], rtol=1e-13)
    # a mild flow: checkpoints change the recomputed state only by the RK4 mismatch, O(h^4)
    np.testing.assert_allclose(seven[0], plain[0], rtol=1e-6)
    np.testing.assert_allclose(seven[1]["c"], plain[1]["c"], rtol=1e-6)


def test_checkpoints_rescue_a_strongly_contracting_flow():
    y0, lam, n = jnp.array([1.0, -0.5]), 40.0, 400

    def loss(method):
        def f(y):
            if method == "backprop":
                return jnp.sum(ode.odeint_rk4(stiff, y, 0.0, 1.0, n, lam))
            return jnp.sum(ode.odeint_adjoint(stiff, y, 0.0, 1.0, n, lam,
                                              checkpoints=20 if method == "checkpointed" else None))
        return f

    g_bp = np.asarray(jax.grad(loss("backprop"))(y0))
    g_plain = np.asarray(jax.grad(loss("plain"))(y0))
    g_check = np.asarray(jax.grad(loss("checkpointed"))(y0))
    # the exact gradient is tiny (about exp(-40)); the recomputed state has lost it completely
    assert np.all(np.abs(g_bp) < 1e-15)
    assert not np.all(np.isfinite(g_plain)) or np.max(np.abs(g_plain - g_bp)) > 1e3 * np.max(np.abs(g_bp))
    np.testing.assert_allclose(g_check, g_bp, rtol=1e-6)


def test_checkpointed_memory_is_m_states():
    mem = {m: ode.residual_bytes(lambda y: jnp.sum(ode.odeint_adjoint(oscillator, y, 0.0, 3.0, 300, P,
                                                                        checkpoints=m)), Y0) for m in (5, 10)}
    assert mem[10] - mem[5] == 5 * Y0.nbytes


def test_integer_parameters_are_taken_as_floats():
    g = jax.grad(lambda y: jnp.sum(ode.odeint_adjoint(decay, y, 0.0, 1.0, 50, 1)))(jnp.ones(2))
    np.testing.assert_allclose(g, np.exp(-1.0), rtol=1e-8)
    with pytest.raises(ValueError, match="checkpoints"):
        ode.odeint_adjoint(decay, jnp.ones(2), 0.0, 1.0, 50, 1.0, checkpoints=51)
