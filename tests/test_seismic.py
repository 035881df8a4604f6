"""Tests of helpers.seismic: wavelet, stability limit, dispersion, PML, per-step state, gradients."""


import jax
import jax.numpy as jnp
import numpy as np
import pytest

from helpers import seismic as S


def small_problem(n=24, nt=80, n_pml=5, **kw):
    return S.WaveProblem(n, n, 10.0, 1.5e-3, nt, 25.0, [(6, n // 2)], [(6, x) for x in range(5, n - 5, 3)],
                         n_pml=n_pml, **kw)


def test_ricker():
    f0 = 12.0
    t = np.linspace(0, 0.3, 3001)
    s = S.ricker(t, f0)
    assert abs(s.max() - 1.0) < 1e-6 and abs(t[np.argmax(s)] - 1.5 / f0) < 1e-4
    assert abs(np.trapezoid(s, t)) < 1e-6  # zero mean: no static displacement
    assert float(S.ricker(jnp.asarray(0.125), 8.0, 0.125)) == 1.0
    with pytest.raises(ValueError, match="f0"):
        S.ricker(t, 0.0)


def test_cfl_limit_and_instability():
    assert S.cfl_limit(2000.0, 10.0) == pytest.approx(10.0 / (2000.0 * np.sqrt(2)))
    assert S.cfl_limit(1.0, 1.0, ndim=3) == pytest.approx(1 / np.sqrt(3))
    with pytest.raises(ValueError):
        S.cfl_limit(-1.0, 1.0)
    n, c0, dx = 20, 2000.0, 10.0
    dt_max = S.cfl_limit(c0, dx)
    peaks = []
    for factor in (0.98, 1.02):
        P = S.WaveProblem(n, n, dx, factor * dt_max, 400, 20.0, [(10, 10)], [(5, 5)], n_pml=0)
        peaks.append(float(np.max(np.abs(P.snapshots(np.full((n, n), c0), every=400)))))
    assert peaks[0] < 1e-3 and not peaks[1] < 1e3  # bounded below the limit, blows up above


def test_numerical_phase_speed():
    c, dx, dt = 2000.0, 10.0, 1e-3
    f = np.array([1.0, 10.0, 20.0])
    v = S.numerical_phase_speed(f, c, dx, dt)
    kh = 2 * np.pi * f * dx / c
    r = c * dt / dx
    np.testing.assert_allclose(v / c - 1, -(kh**2) * (1 - r**2) / 24, rtol=0.05, atol=1e-9)
    assert np.all(v < c)
    with pytest.raises(ValueError, match="cut-off"):
        S.numerical_phase_speed(500.0, c, dx, dt)


def test_measure_speed_on_shifted_pulse():
    dt = 1e-3
    t = dt * np.arange(600)
    a = S.ricker(t, 15.0, 0.1)
    b = S.ricker(t, 15.0, 0.1 + 0.1234)
    assert S.measure_speed(a, b, 246.8, dt) == pytest.approx(2000.0, rel=1e-4)
    with pytest.raises(ValueError, match="same length"):
        S.measure_speed(a, b[:-1], 1.0, dt)


def test_step_matches_scan_and_reverse_step_inverts():
    P = small_problem()
    c = jnp.asarray(S.layered_model(P.nz, P.nx, [12], [1800.0, 2400.0]))
    d = np.asarray(P.traces(c))[0]
    step = jax.jit(P.step)
    x = jnp.asarray(P.initial_state())
    rec = []
    xs = [x]
    for _ in range(P.nt):
        x = step(x, c)
        xs.append(x)
        rec.append(np.asarray(P.record(x)))
    np.testing.assert_allclose(np.array(rec), d, rtol=1e-12, atol=1e-12 * np.abs(d).max())
    assert P.state_size == 4 * P.nz * P.nx + 1 and P.state_bytes == 8 * P.state_size
    # one step back, exactly (up to round-off), even inside the PML
    x_back = P.reverse_step(xs[40], c)
    np.testing.assert_allclose(np.asarray(x_back), np.asarray(xs[39]), atol=1e-9 * np.abs(xs[39]).max())


def test_time_reversal_without_pml():
    P = small_problem(n_pml=0, nt=120)
    c = jnp.full((P.nz, P.nx), 2000.0)
    step, back = jax.jit(P.step), jax.jit(P.reverse_step)
    x = jnp.asarray(P.initial_state())
    for _ in range(60):
        x = step(x, c)
    x60 = x
    for _ in range(60):
        x = step(x, c)
    for _ in range(60):
        x = back(x, c)
    assert float(jnp.max(jnp.abs(x - x60))) < 1e-9 * float(jnp.max(jnp.abs(x60)))


def test_pml_absorbs():
    n, pad, nt, c0 = 31, 50, 150, 2000.0

    def run(n_pml, nn, off):
        P = S.WaveProblem(nn, nn, 10.0, 2e-3, nt, 15.0, [(off + n // 2, off + n // 2)], [(0, 0)], n_pml=n_pml)
        return P.snapshots(np.full((nn, nn), c0), every=1)[:, off:off + n, off:off + n]

    ref = run(0, n + 2 * pad, pad)
    inner = (slice(None), slice(8, n - 8), slice(8, n - 8))
    energy = {k: np.sum((run(k, n, 0) - ref)[inner] ** 2) / np.sum(ref[inner] ** 2) for k in (0, 8)}
    assert energy[8] < 5e-3 and energy[0] > 0.3


def test_gradient_matches_finite_difference():
    P = small_problem(nt=60)
    c_true = S.layered_model(P.nz, P.nx, [12], [1800.0, 2400.0], anomaly=(14, 12, 3, 200.0))
    d_obs = P.traces(c_true)
    c = jnp.asarray(S.smooth_model(c_true, 3.0))
    f = jax.jit(lambda c: P.misfit(c, d_obs))
    g = jax.grad(f)(c)
    v = np.random.default_rng(0).standard_normal(c.shape)
    h = 1e-2
    fd = (float(f(c + h * v)) - float(f(c - h * v))) / (2 * h)
    assert float(jnp.sum(g * v)) == pytest.approx(fd, rel=1e-6)


def test_layered_model_and_errors():
    c = S.layered_model(10, 8, [3, 6], [1.0, 2.0, 3.0], anomaly=(7, 4, 1.5, 0.5))
    assert c[0, 0] == 1.0 and c[4, 0] == 2.0 and c[9, 0] == 3.0 and c[7, 4] == 3.5
    with pytest.raises(ValueError, match="need 3 velocities"):
        S.layered_model(10, 8, [3, 6], [1.0, 2.0])
    with pytest.raises(ValueError, match="increase"):
        S.layered_model(10, 8, [6, 3], [1.0, 2.0, 3.0])
    assert S.smooth_model(c, 0).shape == c.shape
    with pytest.raises(ValueError, match="outside"):
        small_problem().__class__(10, 10, 1.0, 1e-4, 5, 10.0, [(20, 1)], [(1, 1)], n_pml=2)
    with pytest.raises(ValueError, match="n_pml"):
        S.pml_profile(10, 5, 1.0)
    P = small_problem()
    with pytest.raises(ValueError, match="shape"):
        P.traces(np.ones((3, 3)))
