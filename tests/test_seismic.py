"""Tests of helpers.seismic: wavelets and filters, stability, dispersion, PML, the per-step state,
the four gradient routes (autodiff, hand-derived adjoint state, checkpointing, time reversal),
finer grids for honest data, and the inversion driver."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from helpers import pebble
from helpers import seismic as S


def small_problem(n=24, nt=80, n_pml=5, n_shots=1, **kw):
    sources = [(6, n // 2 - 3 * s) for s in range(n_shots)]
    return S.WaveProblem(n, n, 10.0, 1.5e-3, nt, 25.0, sources, [(6, x) for x in range(5, n - 5, 3)],
                         n_pml=n_pml, **kw)


def models(P, seed=0):
    """A true model with structure and a smoothed, different starting model (non-symmetric)."""
    c_true = S.layered_model(P.nz, P.nx, [P.nz // 2], [1800.0, 2400.0], anomaly=(P.nz // 2 + 2, P.nx // 2 - 1, 3, 250.0))
    rng = np.random.default_rng(seed)
    c0 = S.smooth_model(c_true, 2.0) + 30 * rng.standard_normal(c_true.shape)
    return c_true, c0


# --------------------------------------------------------------------------- building blocks
def test_ricker():
    f0 = 12.0
    t = np.linspace(0, 0.3, 3001)
    s = S.ricker(t, f0)
    assert abs(s.max() - 1.0) < 1e-6 and abs(t[np.argmax(s)] - 1.5 / f0) < 1e-4
    assert abs(np.trapezoid(s, t)) < 1e-6  # zero mean: no static displacement
    assert float(S.ricker(jnp.asarray(0.125), 8.0, 0.125)) == 1.0
    with pytest.raises(ValueError, match="f0"):
        S.ricker(t, 0.0)


def test_lowpass_is_zero_phase_linear_and_cuts():
    dt, n = 1e-3, 2000
    t = dt * np.arange(n)
    slow, fast = np.sin(2 * np.pi * 3.0 * t), np.sin(2 * np.pi * 40.0 * t)
    y = S.lowpass(slow + fast, dt, 10.0)
    mid = slice(500, 1500)  # away from the ends
    np.testing.assert_allclose(y[mid], slow[mid], atol=2e-3)  # passes 3 Hz in phase, removes 40 Hz
    impulse = np.zeros(n)
    impulse[1000] = 1.0
    h = S.lowpass(impulse, dt, 20.0)
    np.testing.assert_allclose(h[1000 - 300:1000], h[1001:1301][::-1], atol=1e-12)  # symmetric: zero phase
    a, b = np.random.default_rng(1).standard_normal((2, 3, n))
    np.testing.assert_allclose(S.lowpass(2 * a - b, dt, 15.0, axis=1),
                               2 * S.lowpass(a, dt, 15.0, axis=1) - S.lowpass(b, dt, 15.0, axis=1), atol=1e-12)
    with pytest.raises(ValueError, match="f_cut"):
        S.lowpass(a, dt, 0.0)


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


def test_pml_step_vjp_is_the_transpose():
    """The hand-derived VJP equals JAX's, on random non-symmetric fields with PML damping."""
    P = small_problem(n=18)
    k = P.constants()
    rng = np.random.default_rng(3)
    shape = (2, 18, 18)
    u_prev, u, px, pz, f = (jnp.asarray(rng.standard_normal(shape)) for _ in range(5))
    c = jnp.asarray(1800 + 600 * rng.random((18, 18)))
    cot = tuple(jnp.asarray(rng.standard_normal(shape)) for _ in range(4))
    out, pullback = jax.vjp(lambda a, b, x, z, c: S.pml_step(a, b, x, z, c, f, k["sx"], k["sz"], P.dt, P.dx),
                            u_prev, u, px, pz, c)
    ref = pullback(cot)
    mine = S.pml_step_vjp(u, out[1], c, k["sx"], k["sz"], P.dt, P.dx, *cot)
    for r, m in zip(ref, mine):
        np.testing.assert_allclose(np.asarray(m), np.asarray(r), rtol=1e-12, atol=1e-12 * float(jnp.max(jnp.abs(r))))


# --------------------------------------------------------------------------- the per-step state
def test_step_matches_scan_and_reverse_step_inverts():
    P = small_problem(n_shots=2)
    c = jnp.asarray(S.layered_model(P.nz, P.nx, [12], [1800.0, 2400.0]))
    d = np.asarray(P.traces(c))  # (shots, nt, receivers)
    step = jax.jit(P.step)
    x = jnp.asarray(P.initial_state())
    rec, xs = [], [x]
    for _ in range(P.nt):
        x = step(x, c)
        xs.append(x)
        rec.append(np.asarray(P.record(x)))
    np.testing.assert_allclose(np.transpose(np.array(rec), (1, 0, 2)), d, rtol=1e-12, atol=1e-12 * np.abs(d).max())
    assert P.state_size == 4 * 2 * P.nz * P.nx + 1 and P.state_bytes == 8 * P.state_size
    x_back = P.reverse_step(xs[40], c)  # one step back, even inside the PML
    np.testing.assert_allclose(np.asarray(x_back), np.asarray(xs[39]), atol=1e-9 * np.abs(xs[39]).max())
    w = P.wavefield(c)
    assert w.shape == (P.nt + 1, 2, P.nz, P.nx) and not w[0].any()
    np.testing.assert_allclose(w[40], np.asarray(P.unpack(xs[40])[1]), atol=1e-12 * np.abs(w).max())


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


# --------------------------------------------------------------------------- gradients, four ways
def test_gradient_matches_finite_difference():
    P = small_problem(nt=60)
    c_true, c0 = models(P)
    d_obs = P.traces(c_true)
    f = jax.jit(lambda c: P.misfit(c, d_obs))
    g = jax.grad(f)(jnp.asarray(c0))
    v = np.random.default_rng(0).standard_normal(c0.shape)
    h = 1e-2
    fd = (float(f(c0 + h * v)) - float(f(c0 - h * v))) / (2 * h)
    assert float(jnp.sum(g * v)) == pytest.approx(fd, rel=1e-6)


@pytest.mark.parametrize("seed", [0, 1])
def test_adjoint_state_equals_autodiff(seed):
    P = small_problem(nt=70, n_shots=2)
    c_true, c0 = models(P, seed)
    d_obs = np.asarray(P.traces(c_true))
    v_a, g_a = P.value_and_grad(c0, d_obs)
    v_b, g_b = P.value_and_grad(c0, d_obs, "adjoint-state")
    assert float(v_a) == pytest.approx(float(v_b), rel=1e-13)
    scale = float(jnp.max(jnp.abs(g_a)))
    assert scale > 0 and float(jnp.max(jnp.abs(g_a - g_b))) < 1e-12 * scale
    g_c = jax.grad(lambda c: P.misfit(c, d_obs, method="adjoint-state"))(jnp.asarray(c0))
    np.testing.assert_allclose(np.asarray(g_c), np.asarray(g_b), atol=1e-13 * scale)
    # the per-step rule: its VJP equals JAX's VJP of the plain step
    x = jnp.asarray(np.random.default_rng(seed).standard_normal(P.state_size))
    xb = jnp.asarray(np.random.default_rng(seed + 7).standard_normal(P.state_size))
    ref = jax.vjp(P.step, x, jnp.asarray(c0))[1](xb)
    mine = jax.vjp(P.step_adjoint_state, x, jnp.asarray(c0))[1](xb)
    for r, m in zip(ref, mine):
        np.testing.assert_allclose(np.asarray(m)[:-1] if m.ndim == 1 else np.asarray(m),
                                   np.asarray(r)[:-1] if r.ndim == 1 else np.asarray(r),
                                   atol=1e-12 * float(jnp.max(jnp.abs(r))))
    with pytest.raises(ValueError, match="method"):
        P.value_and_grad(c0, d_obs, "finite-differences")


def test_adjoint_state_keeps_one_field_per_step():
    P = small_problem(n=30, nt=120, n_shots=2)
    c_true, c0 = models(P)
    d_obs = np.asarray(P.traces(c_true))
    field = 8 * P.n_shots * P.nz * P.nx
    per_step = {m: P.compiled_value_and_grad(c0, d_obs, m).memory_analysis().temp_size_in_bytes / (P.nt * field)
                for m in ("autodiff", "adjoint-state")}
    assert 0.9 < per_step["adjoint-state"] < 1.5
    assert per_step["autodiff"] > 1.8 * per_step["adjoint-state"]


@pytest.mark.parametrize("budget", [4, 9])
def test_gradient_checkpointed_matches_store_all(budget):
    P = small_problem(nt=50, n_shots=2)
    c_true, c0 = models(P, 2)
    d_obs = np.asarray(P.traces(c_true))
    v_ref, g_ref = P.value_and_grad(c0, d_obs)
    for adjoint in ("hand", "autodiff"):
        r = P.gradient_checkpointed(c0, d_obs, budget, adjoint=adjoint, measure_memory=False)
        assert r.peak_states <= budget and r.forward_steps == pebble.treeverse_steps(P.nt, budget)
        assert r.value == pytest.approx(float(v_ref), rel=1e-12)
        assert float(jnp.max(jnp.abs(r.params_bar - g_ref))) < 1e-10 * float(jnp.max(jnp.abs(g_ref)))
    with pytest.raises(ValueError, match="adjoint"):
        P.gradient_checkpointed(c0, d_obs, budget, adjoint="tape")


@pytest.mark.parametrize("n_pml", [0, 5])
def test_gradient_time_reversal(n_pml):
    P = small_problem(nt=90, n_pml=n_pml, n_shots=2)
    c_true, c0 = models(P, 4)
    d_obs = np.asarray(P.traces(c_true))
    v_ref, g_ref = P.value_and_grad(c0, d_obs)
    value, g, info = P.gradient_time_reversal(c0, d_obs, return_fields=True)
    inner = P.interior
    assert value == pytest.approx(float(v_ref), rel=1e-12)
    g_ref = np.asarray(g_ref)
    assert np.max(np.abs(g - g_ref)[inner]) < 1e-10 * np.max(np.abs(g_ref[inner]))
    assert not g[~inner].any()
    u = P.wavefield(c0)
    assert np.max(np.abs(info["u_rebuilt"] - np.where(inner, u, 0.0))) < 1e-12 * np.abs(u).max()
    frame = P.boundary_frame()
    assert info["frame_cells"] == frame.sum() == (0 if n_pml == 0 else (frame & inner).sum() + (frame & ~inner).sum())
    if n_pml:  # two rings: the interior's edge and the PML's first cells
        m = P.nz - 2 * n_pml
        assert (frame & inner).sum() == 4 * (m - 1) and (frame & ~inner).sum() == 4 * m
    assert info["saved_bytes"] == 8 * P.n_shots * (info["frame_cells"] * (P.nt + 1) + 2 * inner.sum())


# --------------------------------------------------------------------------- honest data
def test_refined_grid_matches_and_differs():
    P = small_problem(n=26, nt=100, n_pml=4)
    F = P.refined(2)
    assert (F.nz, F.dx, F.dt, F.nt, F.n_pml) == (51, 5.0, P.dt / 2, 200, 8)
    assert F.sources == [(12, 26)] and F.receivers[0] == (12, 10)
    np.testing.assert_allclose(F.sigma_x[0, ::2], P.sigma_x[0])  # the same layer, in metres

    def velocity(z, x):
        return 2000.0 + 0.5 * z + 0 * x

    c, cf = (S.sample_model(velocity, p.nz, p.nx, p.dx, p.n_pml) for p in (P, F))
    d, df = np.asarray(P.traces(c)), P.coarsen_traces(F.traces(cf), 2)
    assert d.shape == df.shape
    rel = np.linalg.norm(d - df) / np.linalg.norm(df)
    assert 1e-3 < rel < 0.3  # close, but not the same numbers: no inverse crime
    with pytest.raises(ValueError, match="factor"):
        P.refined(0)


def test_sample_model_and_noise():
    c = S.sample_model(lambda z, x: 1000.0 + z + 2 * x, 10, 12, 5.0, 2)
    assert c[2, 2] == 1000.0 and c[3, 4] == 1000.0 + 5.0 + 2 * 10.0
    assert c[0, 0] == c[2, 2] and c[-1, -1] == c[-3, -3]  # clamped into the layer
    smooth = S.sample_model(lambda z, x: 1000.0 + z + 0 * x, 10, 12, 5.0, 2, average=3)
    np.testing.assert_allclose(smooth[4], 1010.0)  # a linear model averages to its node value
    rng = np.random.default_rng(0)
    d = rng.standard_normal((2, 50, 3))
    noisy, noise = S.add_noise(d, 12.0, rng)
    assert 10 * np.log10(np.sum(d**2) / np.sum(noise**2)) == pytest.approx(12.0)
    np.testing.assert_allclose(noisy - noise, d)


def test_pseudo_hessian_is_largest_at_the_source():
    P = small_problem(n=30, nt=80)
    H = P.pseudo_hessian(np.full((P.nz, P.nx), 2000.0))
    assert np.all(H >= 0) and np.unravel_index(np.argmax(H), H.shape) == P.sources[0]


# --------------------------------------------------------------------------- inversion
def test_invert_reduces_misfit_and_respects_mask():
    P = small_problem(n=26, nt=90, n_shots=2)
    c_true, _ = models(P)
    c0 = np.full_like(c_true, 2000.0)
    d_obs = np.asarray(P.traces(c_true))
    mask = P.interior.copy()
    mask[:, :10] = False
    res = S.invert(P, d_obs, c0, mask, 4, gradient="treeverse", n_checkpoints=6)
    assert res.misfits[-1] < 0.7 * res.misfits[0] and res.peak_states <= 6
    assert np.all(res.c[~mask] == c0[~mask]) and np.any(res.c[mask] != c0[mask])
    ref = S.invert(P, d_obs, c0, mask, 4, gradient="store-all")
    assert ref.peak_states is None
    assert np.max(np.abs(res.first_gradient - ref.first_gradient)) < 1e-10 * np.max(np.abs(ref.first_gradient))
    assert np.max(np.abs(res.c - ref.c)) < 1e-6
    for bad, match in [(dict(gradient="newton"), "gradient"), (dict(iterations=0), "iterations")]:
        kw = dict(iterations=2)
        kw.update(bad)
        with pytest.raises(ValueError, match=match):
            S.invert(P, d_obs, c0, mask, **kw)
    with pytest.raises(ValueError, match="mask"):
        S.invert(P, d_obs, c0, np.zeros_like(mask), 2)


def test_errors_are_clear():
    c = S.layered_model(10, 8, [3, 6], [1.0, 2.0, 3.0], anomaly=(7, 4, 1.5, 0.5))
    assert c[0, 0] == 1.0 and c[4, 0] == 2.0 and c[9, 0] == 3.0 and c[7, 4] == 3.5
    with pytest.raises(ValueError, match="need 3 velocities"):
        S.layered_model(10, 8, [3, 6], [1.0, 2.0])
    with pytest.raises(ValueError, match="increase"):
        S.layered_model(10, 8, [6, 3], [1.0, 2.0, 3.0])
    assert S.smooth_model(c, 0).shape == c.shape
    with pytest.raises(ValueError, match="outside"):
        S.WaveProblem(10, 10, 1.0, 1e-4, 5, 10.0, [(20, 1)], [(1, 1)], n_pml=2)
    with pytest.raises(ValueError, match="n_pml"):
        S.pml_profile(10, 5, 1.0)
    with pytest.raises(ValueError, match="wavelet"):
        S.WaveProblem(10, 10, 1.0, 1e-4, 5, 10.0, [(2, 2)], [(1, 1)], n_pml=2, wavelet=np.ones(5))
    with pytest.raises(ValueError, match="positive integer"):
        S.WaveProblem(10, 10, 1.0, 1e-4, True, 10.0, [(2, 2)], [(1, 1)], n_pml=2)
    P = small_problem()
    with pytest.raises(ValueError, match="shape"):
        P.traces(np.ones((3, 3)))
    with pytest.raises(ValueError, match="observed data"):
        P.misfit(np.full((P.nz, P.nx), 2000.0), np.zeros((1, 3, 3)))
    with pytest.raises(ValueError, match="method"):
        P.misfit(np.full((P.nz, P.nx), 2000.0), np.zeros((1, P.nt, len(P.receivers))), method="fd")


def test_schedule_functions_are_shared_across_wavelets():
    P = small_problem(nt=40, n_shots=2)
    Q = P.with_wavelet(S.lowpass(P.wavelet, P.dt, 15.0))
    assert P.schedule_functions() == Q.schedule_functions()          # one compile serves every band
    assert P.schedule_functions("autodiff")[0] is not P.schedule_functions("hand")[0]
    c_true, c0 = models(Q)
    d_obs = np.asarray(Q.traces(c_true))
    p = Q.schedule_params(c_true, d_obs)
    assert p["d"].shape == (2, Q.nt + 1, len(Q.receivers)) and not np.asarray(p["d"][:, 0]).any()
    step, cost = Q.schedule_functions()
    x = jnp.asarray(Q.initial_state())
    for n in range(Q.nt):  # the shared step with this problem's wavelet reproduces the traces
        x = step(x, p)
    np.testing.assert_allclose(np.asarray(Q.record(x)), d_obs[:, -1], atol=1e-12 * np.abs(d_obs).max())
    with pytest.raises(ValueError, match="adjoint"):
        Q.schedule_functions("tape")


def test_step_timings_are_positive_and_the_vjp_costs_more():
    P = small_problem(nt=30)
    c_true, c0 = models(P)
    t_fwd, t_vjp = P.step_timings(c0, np.asarray(P.traces(c_true)), repeat=2)
    assert 0 < t_fwd < t_vjp


def test_gradient_peak_memory_arguments_and_child():
    P = small_problem(nt=30)
    c_true, c0 = models(P)
    d_obs = np.asarray(P.traces(c_true))
    with pytest.raises(ValueError, match="method"):
        S.gradient_peak_memory(P, c0, d_obs, "bennett")
    with pytest.raises(ValueError, match="shape"):
        S.gradient_peak_memory(P, c0[:3], d_obs)
    import dataclasses
    spec = {f.name: getattr(P, f.name) for f in dataclasses.fields(P) if f.init}
    for method in ("treeverse", "store-all", "adjoint-state"):   # what the fresh process runs
        S._gradient_in_child(spec, c0, d_obs, method, 5)
