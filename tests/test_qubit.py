"""Tests of helpers.qubit: closed-form propagators, fidelity, composite pulses, gradients."""


import numpy as np
import pytest
import scipy.linalg

import jax

from helpers import qubit as q


def test_segment_propagator_matches_expm():
    rng = np.random.default_rng(0)
    controls = rng.standard_normal((5, 2))
    dts = rng.uniform(0.1, 0.7, 5)
    us = np.asarray(q.segment_propagators(controls, dts, amp_error=0.03, detuning=0.4))
    sx, sy, sz = (np.asarray(m) for m in (q.SX, q.SY, q.SZ))
    for (ox, oy), tau, u in zip(controls, dts, us):
        h = 0.5 * (1.03 * (ox * sx + oy * sy) + 0.4 * sz)
        assert np.allclose(u, scipy.linalg.expm(-1j * tau * h), atol=1e-13)


def test_zero_drive_is_identity_and_differentiable():
    c = np.zeros((3, 2))
    assert np.allclose(np.asarray(q.propagator(c, 0.5)), np.eye(2), atol=1e-15)
    g = jax.grad(lambda x: q.infidelity(x, 0.5))(c)
    assert np.all(np.isfinite(np.asarray(g)))


def test_pi_pulse_infidelity_closed_form():
    c, d = q.rotations_to_controls([(np.pi, 0.0)])
    for eps in (0.0, 0.02, -0.1):
        assert float(q.infidelity(c, d, amp_error=eps)) == pytest.approx(np.sin(np.pi * eps / 2) ** 2,
                                                                       rel=1e-12, abs=1e-30)


def test_infidelity_agrees_with_one_minus_fidelity():
    rng = np.random.default_rng(1)
    c = rng.standard_normal((4, 2))
    u = q.propagator(c, 0.3)
    assert float(q.infidelity(c, 0.3)) == pytest.approx(1 - float(q.gate_fidelity(u)), abs=1e-14)


def test_bb1_and_corpse_scaling():
    eps = np.array([0.01, 0.02, 0.04])
    c, d = q.rotations_to_controls(q.bb1())
    inf_bb1 = [float(q.infidelity(c, d, amp_error=e)) for e in eps]
    assert q.power_law_exponent(eps, inf_bb1) == pytest.approx(6.0, abs=0.05)
    c, d = q.rotations_to_controls(q.corpse(), rabi=1.0)
    inf_c = [float(q.infidelity(c, d, detuning=e)) for e in eps / 10]
    assert q.power_law_exponent(eps, inf_c) == pytest.approx(4.0, abs=0.1)
    assert float(q.infidelity(c, d)) < 1e-28


def test_gradient_matches_finite_differences():
    from helpers.check import check_grad
    rng = np.random.default_rng(2)
    x0 = rng.standard_normal(8)
    f = lambda x: float(q.infidelity(np.reshape(x, (4, 2)), 0.4, amp_error=0.05))
    g = lambda x: np.asarray(jax.grad(lambda y: q.infidelity(y.reshape(4, 2), 0.4, amp_error=0.05))(x))
    assert check_grad(f, g, x0, quiet=True)


def test_bloch_trajectory_of_pi_pulse():
    c, d = q.rotations_to_controls([(np.pi, 0.0)])
    traj = q.bloch_trajectory(c, d, substeps=4)
    assert traj.shape == (5, 3)
    assert np.allclose(traj[0], [0, 0, 1]) and np.allclose(traj[-1], [0, 0, -1], atol=1e-12)
    assert np.allclose(np.linalg.norm(traj, axis=1), 1.0)
    # rotation about +x takes +z towards -y
    assert traj[2, 1] == pytest.approx(-1.0)


def test_bad_input_messages():
    with pytest.raises(ValueError, match="shape"):
        q.propagator(np.zeros(3), 0.1)
    with pytest.raises(ValueError, match="positive"):
        q.power_law_exponent([1, 2], [0, 1])
    with pytest.raises(ValueError, match="rabi"):
        q.rotations_to_controls([(1.0, 0.0)], rabi=0)
    with pytest.raises(ValueError, match="2x2"):
        q.gate_fidelity(np.eye(3), q.X_GATE)
