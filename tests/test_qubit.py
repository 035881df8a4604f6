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


def _error_vector(c, d, eps):
    import jax.numpy as jnp

    w = q.X_GATE.conj().T @ q.propagator(c, d, amp_error=eps)
    t = w - 0.5 * jnp.trace(w) * q.I2
    return jnp.concatenate([t.real.ravel(), t.imag.ravel()]) / jnp.sqrt(2.0)


def _bb1_family(phi):
    return q.rotations_to_controls([(np.pi, 0.0), (np.pi, phi), (2 * np.pi, 3 * phi), (np.pi, phi)])


def test_toggling_frame_curve_gives_the_first_derivative():
    """|dw/d eps| = |r(T)|/2 for pulses whose ideal gate is the target X."""
    cases = [q.rotations_to_controls([(np.pi, 0.0)]), q.rotations_to_controls(q.corpse()),
             _bb1_family(1.0), _bb1_family(np.arccos(-0.25))]
    for c, d in cases:
        assert float(q.infidelity(c, d)) < 1e-28
        w1 = np.linalg.norm(np.asarray(jax.jacfwd(lambda e: _error_vector(c, d, e))(0.0)))
        r = q.toggling_frame_error(c, d)
        assert r.shape == (len(c) + 1, 3) and np.allclose(r[0], 0)
        assert np.linalg.norm(r[-1]) / 2 == pytest.approx(w1, abs=1e-12)
    # the plain pulse: a straight line of length pi along x; CORPSE (rotations about +-x) the same
    for c, d in cases[:2]:
        assert np.allclose(q.toggling_frame_error(c, d)[-1], [np.pi, 0, 0])
    assert np.linalg.norm(q.toggling_frame_error(*cases[2])[-1]) > 0.1      # a wrong phase: open


def test_bb1_closes_its_curve_with_zero_area():
    c, d = _bb1_family(np.arccos(-0.25))
    assert np.linalg.norm(q.toggling_frame_error(c, d)[-1]) < 1e-12
    assert np.linalg.norm(q.toggling_frame_area(c, d)) < 1e-12
    w2 = np.linalg.norm(np.asarray(jax.jacfwd(jax.jacfwd(lambda e: _error_vector(c, d, e)))(0.0)))
    assert w2 < 1e-10


def test_area_matches_second_derivative_for_a_first_order_pulse():
    # pi_{0} then the CORPSE-like 2 pi loops: a first-order robust X gate found by least squares
    from scipy.optimize import least_squares
    import jax.numpy as jnp

    n, tau = 12, 4.0 / 12

    def res(p):
        c = p.reshape(n, 2)
        w = lambda e: _error_vector(c, tau, e)
        return jnp.concatenate([w(0.0), 0.3 * jax.jacfwd(w)(0.0)])

    p = least_squares(jax.jit(res), np.random.default_rng(0).normal(size=2 * n) * 3,
                      jac=jax.jit(jax.jacfwd(res)), xtol=1e-15, ftol=1e-15, gtol=1e-15).x
    c = p.reshape(n, 2)
    assert np.linalg.norm(q.toggling_frame_error(c, tau)[-1]) < 1e-10
    w2 = np.linalg.norm(np.asarray(jax.jacfwd(jax.jacfwd(lambda e: _error_vector(c, tau, e)))(0.0)))
    area = np.linalg.norm(q.toggling_frame_area(c, tau))
    assert area > 0.1 and w2 == pytest.approx(area, rel=1e-8)


def test_bad_input_messages():
    with pytest.raises(ValueError, match="shape"):
        q.propagator(np.zeros(3), 0.1)
    with pytest.raises(ValueError, match="positive"):
        q.power_law_exponent([1, 2], [0, 1])
    with pytest.raises(ValueError, match="rabi"):
        q.rotations_to_controls([(1.0, 0.0)], rabi=0)
    with pytest.raises(ValueError, match="2x2"):
        q.gate_fidelity(np.eye(3), q.X_GATE)


@pytest.mark.parametrize("call, match", [
    (lambda: q.infidelity(np.ones((3, 2)), -0.1), r"dt must be positive.*-0\.1"),
    (lambda: q.infidelity(np.ones((3, 2)), [0.1, 0.2]), "one duration per segment"),
    (lambda: q.infidelity(np.ones((3, 2)), [0.1, 0.0, 0.2]), r"dt must be positive.*index 1"),
    (lambda: q.infidelity(np.ones((3, 2)), np.nan), "dt must be finite"),
    (lambda: q.infidelity(np.ones((3, 2)) + 1j, 0.1), "controls must be real"),
    (lambda: q.infidelity(np.full((3, 2), np.inf), 0.1), "controls must be finite"),
    (lambda: q.infidelity(np.ones((3, 2)), 0.1, amp_error="0.1"), "amp_error must be real numbers"),
    (lambda: q.infidelity(np.ones((3, 2)), 0.1, detuning=[0.1, 0.2]), "detuning must be a single number"),
    (lambda: q.infidelity(np.ones((3, 2)), 0.1, target=2 * np.eye(2)), "unitary"),
    (lambda: q.infidelity(np.ones((0, 2)), 0.1), "at least one segment"),
    (lambda: q.segment_propagators(np.ones((2, 2)), -1.0), "dt must be positive"),
    (lambda: q.propagator(np.ones((2, 2)), True), "dt must be real numbers"),
    (lambda: q.gate_fidelity(np.eye(2) * np.nan), "NaN"),
    (lambda: q.toggling_frame_error(np.ones((2, 2)), -0.5), "dt must be positive"),
    (lambda: q.bloch_vector([1.0, 1.0]), "normalised"),
    (lambda: q.bloch_vector("up"), "psi"),
    (lambda: q.bloch_trajectory(np.ones((2, 2)), 0.1, psi0=(0, 0)), "non-zero"),
    (lambda: q.bloch_trajectory(np.ones((2, 2)), 0.1, substeps=2.5), "substeps must be a whole number"),
    (lambda: q.bloch_trajectory(np.ones((2, 2)), 0.1, substeps=0), "substeps must be at least 1"),
    (lambda: q.rotations_to_controls([(1.0, np.nan)]), "rotations must be finite"),
    (lambda: q.rotations_to_controls([(-1.0, 0.0)]), ">= 0"),
    (lambda: q.rotations_to_controls([(0.0, 0.0)]), "non-zero angle"),
    (lambda: q.bb1(5 * np.pi), "between 0 and 4 pi"),
    (lambda: q.bb1(-1.0), "theta must be >= 0"),
    (lambda: q.corpse(3 * np.pi), "between 0 and 2 pi"),
    (lambda: q.power_law_exponent([1, 1], [1, 2]), "two different x"),
    (lambda: q.power_law_exponent([1, np.inf], [1, 2]), "x must be finite"),
])
def test_nonsense_is_refused_with_a_clear_message(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_checks_leave_traced_arguments_alone():
    """Inside jit/grad/vmap the values are unknown: the checks must not get in the way."""
    c = np.random.default_rng(3).normal(size=(4, 2))
    f = jax.jit(lambda c, dt, e: q.infidelity(c, dt, amp_error=e))
    assert np.isfinite(float(f(c, 0.2, 0.01)))
    g = jax.grad(lambda dt: q.infidelity(c, dt))(0.2)
    assert np.isfinite(float(g))
    v = jax.vmap(lambda e: q.infidelity(c, 0.2, amp_error=e))(np.linspace(0, 0.1, 3))
    assert v.shape == (3,)
