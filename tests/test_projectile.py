"""helpers.projectile: the drag field against the drag-free parabola, the stand-in loss, the reach
of a shot, and the two gradients."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from helpers import projectile as pr


def test_drag_free_parabola_and_range():
    p = pr.params(k=0.0)
    v0, a = 20.0, 0.7
    R = v0**2 * np.sin(2 * a) / pr.G
    x, y = pr.trajectory((v0, a), p, R, 100)
    np.testing.assert_allclose(y, x * np.tan(a) - pr.G * x**2 / (2 * v0**2 * np.cos(a) ** 2), atol=1e-10)
    assert abs(pr.time_domain_landing((v0, a), p) - R) < 1e-6 * R


def test_drag_shortens_the_shot_and_the_two_routes_agree():
    p = pr.params()
    x_land = pr.time_domain_landing((20.0, 0.7), p)
    assert x_land < 20.0**2 * np.sin(1.4) / pr.G
    assert abs(float(pr.shot_state((20.0, 0.7), p, x_land)[0])) < 1e-5  # the x-route passes y = 0 there


def test_stand_in_loss_and_gradients():
    p = pr.params(wall=(20.0, 10.0, 0.5))
    th = jnp.array([22.0, 0.8])
    g_bp = jax.grad(lambda t: pr.shot_loss(t, p))(th)
    g_adj = jax.grad(lambda t: pr.shot_loss(t, p, method="adjoint"))(th)
    np.testing.assert_allclose(g_adj, g_bp, rtol=1e-8)
    short = float(pr.shot_state((15.0, np.radians(30.0)), pr.params(), 30.0)[0])
    assert abs(short - (-26.5375)) < 1e-3   # the flight continued below the ground
    # the wall penalty is zero for a shot that clears it and positive for one that does not
    assert float(pr.shot_state((23.0, 0.85), p, 30.0)[3]) == 0.0
    assert float(pr.shot_state((22.4, 0.744), p, 30.0)[3]) > 0.0


def test_reach():
    p = pr.params()
    assert pr.reaches(pr.shot_state((15.0, 0.5), p, 30.0))
    weak = pr.shot_state((6.0, 1.2), p, 30.0)   # falls at its terminal speed long before 30 m
    assert not pr.reaches(weak)
    x, y = pr.trajectory((6.0, 1.2), p, 30.0)
    assert np.isnan(y[-1]) and np.isfinite(y[0])
    assert np.isnan(pr.landing_from_trajectory(np.arange(3.0), np.array([0.0, 1.0, 2.0])))


def test_bad_input():
    with pytest.raises(ValueError, match="k must be"):
        pr.params(k=-1.0)
    with pytest.raises(ValueError, match="wall"):
        pr.params(wall=(1.0, 2.0))
    with pytest.raises(ValueError, match="theta"):
        pr.shot_state((1.0, 2.0, 3.0), pr.params(), 30.0)
    with pytest.raises(ValueError, match="method"):
        pr.shot_state((20.0, 0.7), pr.params(), 30.0, method="euler")
    with pytest.raises(ValueError, match="still in the air"):
        pr.time_domain_landing((20.0, 1.2), pr.params(), t_max=0.5)
