"""Tests of helpers.coils: Biot-Savart of polygons against closed forms; surfaces; curves."""


import jax
import jax.numpy as jnp
import numpy as np
import pytest

from helpers import coils as cl


@pytest.mark.parametrize("n", [3, 4, 6, 50])
def test_center_of_regular_polygon(n):
    B = np.asarray(cl.polygon_field(np.zeros((1, 3)), cl.regular_polygon(n, 0.7), 2.0e3))[0]
    assert abs(B[2] - cl.regular_polygon_center_field(n, 0.7, 2.0e3)) < 1e-12 * abs(B[2])
    assert np.allclose(B[:2], 0, atol=1e-18)


def test_fine_polygon_approaches_circular_loop_on_axis():
    R, I, z = 0.5, 1.0e3, 0.3
    B = np.asarray(cl.polygon_field(np.array([[0.0, 0.0, z]]), cl.regular_polygon(2000, R), I))[0, 2]
    exact = cl.MU0 * I * R**2 / (2 * (R**2 + z**2) ** 1.5)
    assert B == pytest.approx(exact, rel=1e-5)


def test_infinite_wire_limit_and_superposition():
    # a long thin rectangle: near one long side the field is mu0 I / (2 pi d)
    L, d = 2000.0, 0.1
    rect = np.array([[0, -L, 0], [0, L, 0], [-L, L, 0], [-L, -L, 0]], dtype=float)
    B = np.asarray(cl.polygon_field(np.array([[d, 0.0, 0.0]]), rect, 1.0))[0]
    assert abs(B[2]) == pytest.approx(cl.MU0 / (2 * np.pi * d), rel=1e-3)
    two = np.asarray(cl.coils_field(np.array([[0.1, 0.2, 0.3]]), np.stack([rect, rect]), [1.0, 2.0]))
    assert np.allclose(two, 3 * np.asarray(cl.polygon_field(np.array([[0.1, 0.2, 0.3]]), rect, 1.0)))


def test_fourier_circle_and_length():
    c = cl.circle_coefficients([1.0, 0, 0], 0.3, [0, 1, 0], [1, 0, 0], k_max=3)
    pts = np.asarray(cl.fourier_curve(c, 400))
    assert np.allclose(np.linalg.norm(pts - [1.0, 0, 0], axis=1), 0.3)
    assert np.allclose(pts[:, 1], 0.0)
    assert float(cl.curve_length(pts)) == pytest.approx(2 * np.pi * 0.3, rel=1e-4)


def test_torus_area_and_normals():
    pts, nrm, w = cl.rotating_ellipse_surface(1.0, 0.3, 0.0, 2, 32, 64)
    assert w.sum() == pytest.approx(4 * np.pi**2 * 1.0 * 0.3, rel=1e-10)
    assert np.allclose(np.linalg.norm(nrm, axis=1), 1.0)
    # for a circular torus the normal is radial in the poloidal plane
    rho = np.stack([np.hypot(pts[:, 0], pts[:, 1]) - 1.0, pts[:, 2]], axis=1) / 0.3
    n_rz = np.stack([(nrm[:, 0] * pts[:, 0] + nrm[:, 1] * pts[:, 1]) / np.hypot(pts[:, 0], pts[:, 1]),
                     nrm[:, 2]], axis=1)
    assert np.allclose(np.abs(np.sum(rho * n_rz, axis=1)), 1.0)


def test_curvature_and_derivatives_of_an_ellipse():
    # r(t) = (a cos t, b sin t, 0): kappa = a b / (a^2 sin^2 t + b^2 cos^2 t)^(3/2)
    a, b = 0.7, 0.3
    coeffs = np.zeros((5, 3))
    coeffs[1, 0], coeffs[2, 1] = a, b
    t = 2 * np.pi * np.arange(40) / 40
    r, d1, d2 = (np.asarray(v) for v in cl.fourier_curve_derivatives(coeffs, 40))
    assert np.allclose(r, np.stack([a * np.cos(t), b * np.sin(t), 0 * t], 1))
    assert np.allclose(d1, np.stack([-a * np.sin(t), b * np.cos(t), 0 * t], 1))
    assert np.allclose(d2, -r)
    kappa = np.asarray(cl.curvature(coeffs, 40))
    assert np.allclose(kappa, a * b / (a**2 * np.sin(t) ** 2 + b**2 * np.cos(t) ** 2) ** 1.5)
    # a circle of radius rho has kappa = 1/rho everywhere, whatever its orientation
    c = cl.circle_coefficients([0.2, -0.1, 0.4], 0.55, [1, 1, 0], [0, 0, 1], k_max=3)
    assert np.allclose(np.asarray(cl.curvature(c, 16)), 1 / 0.55)


def test_coil_distances():
    a = cl.fourier_curve(cl.circle_coefficients([0, 0, 0], 1.0, [0, 0, 1], [1, 0, 0], 1), 8)
    b = a + np.array([0.0, 0.0, 0.3])
    d = np.asarray(cl.coil_distances(np.stack([a, b, b + np.array([0.0, 0.0, 0.5])])))
    assert d.shape == (3, 8, 8)
    assert d[0].min() == pytest.approx(0.3) and d[1].min() == pytest.approx(0.8) and d[2].min() == pytest.approx(0.5)
    g = jax.grad(lambda c: jnp.min(cl.coil_distances(c)))(jnp.stack([a, b]))
    assert np.all(np.isfinite(np.asarray(g)))          # no self-distances: the gradient is defined


def test_field_lines_of_a_straight_current_are_circles():
    """A long straight wire on the z axis: B is toroidal, so field lines keep R and z (up to the
    1e-5 of the far return leg, which cancels over a full turn)."""
    wire = np.array([[0, 0, -1e4], [0, 0, 1e4], [1e4, 0, 1e4], [1e4, 0, -1e4]], dtype=float)  # closed far away
    starts = np.array([[0.5, 0.0], [1.0, 0.2]])
    pts = cl.trace_field_lines(wire[None], 1.0e3, starts, 2, 32)
    assert pts.shape == (65, 2, 3)
    R = np.hypot(pts[..., 0], pts[..., 1])
    assert np.allclose(R, starts[:, 0], atol=1e-3) and np.allclose(pts[..., 2], starts[:, 1], atol=1e-3)
    assert np.allclose(pts[32], pts[0], atol=1e-6)       # back after one turn (a Poincare point)


def test_field_line_stays_on_its_surface_in_a_tokamak_like_field():
    """Twelve planar circular coils and a current on the axis give a twisted field whose lines
    stay on circular tori (to the ripple of twelve coils)."""
    phi = 2 * np.pi * (np.arange(12) + 0.5) / 12
    coils = np.stack([np.asarray(cl.fourier_curve(cl.circle_coefficients(
        [np.cos(p), np.sin(p), 0.0], 0.6, [-np.sin(p), np.cos(p), 0.0], [np.cos(p), np.sin(p), 0.0], 1), 64))
        for p in phi])
    ring = np.asarray(cl.fourier_curve(cl.circle_coefficients([0, 0, 0], 1.0, [0, 0, 1], [1, 0, 0], 1), 64))
    pts = cl.trace_field_lines(np.concatenate([coils, ring[None]]), np.r_[np.full(12, 1e5), 2e5],
                               np.array([[1.15, 0.0]]), 10, 96)
    rho = np.hypot(np.hypot(pts[..., 0], pts[..., 1]) - 1.0, pts[..., 2])
    z_range = np.ptp(pts[..., 2])
    assert z_range > 0.1                                  # the line twists around the ring ...
    # ... but the vacuum surfaces are not circles about R = 1: only check it stays in the torus
    assert rho.max() < 0.45


def test_rotating_ellipse_label():
    pts, nrm, w = cl.rotating_ellipse_surface(1.0, 0.25, 0.3, 2, 8, 16)
    assert np.allclose(cl.rotating_ellipse_label(pts, 1.0, 0.25, 0.3, 2), 1.0)
    inner = np.array([[1.0 + 0.5 * 0.25 * 1.3, 0.0, 0.0]])     # at phi = 0 the major axis is along R
    assert cl.rotating_ellipse_label(inner, 1.0, 0.25, 0.3, 2)[0] == pytest.approx(0.5)
    rotated = np.array([[0.0, 1.0, 0.5 * 0.25 * 1.3]])         # at phi = pi/2 it has turned to z
    assert cl.rotating_ellipse_label(rotated, 1.0, 0.25, 0.3, 2)[0] == pytest.approx(0.5)


def test_bad_input_messages():
    with pytest.raises(ValueError, match="at least 3"):
        cl.polygon_field(np.zeros((1, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="shape"):
        cl.polygon_field(np.zeros(3), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="2K\\+1"):
        cl.fourier_curve(np.zeros((4, 3)), 10)
    with pytest.raises(ValueError, match="elongation"):
        cl.rotating_ellipse_surface(1.0, 0.3, 1.2, 2, 4, 4)


_SQUARE = np.array([[1, 1, 0], [-1, 1, 0], [-1, -1, 0], [1, -1, 0]], dtype=float)


@pytest.mark.parametrize("call, match", [
    (lambda: cl.polygon_field(np.zeros((1, 3)), _SQUARE, current="1"), "current must be real numbers"),
    (lambda: cl.polygon_field(np.zeros((1, 3)), _SQUARE, current=np.nan), "current must be finite"),
    (lambda: cl.polygon_field(np.full((1, 3), np.inf), _SQUARE), "points must be finite"),
    (lambda: cl.polygon_field(np.zeros((1, 3)), _SQUARE + 1j), "vertices must be real"),
    (lambda: cl.coils_field(np.zeros((1, 3)), _SQUARE[None], [1.0, 2.0]), "one per coil"),
    (lambda: cl.coils_field(np.zeros((1, 3)), _SQUARE, 1.0), r"coils must have shape \(C, M, 3\)"),
    (lambda: cl.regular_polygon(2, 1.0), "n_sides must be at least 3"),
    (lambda: cl.regular_polygon(5, -1.0), "radius must be positive"),
    (lambda: cl.regular_polygon(5, 1.0, center=(0, 0)), "center must be a point"),
    (lambda: cl.regular_polygon_center_field(4.5, 1.0), "n_sides must be a whole number"),
    (lambda: cl.regular_polygon_center_field(4, 0.0), "radius must be positive"),
    (lambda: cl.fourier_curve(np.zeros((3, 3)), 2), "n_points must be at least 3"),
    (lambda: cl.fourier_curve(np.zeros((3, 3)), 10.5), "n_points must be a whole number"),
    (lambda: cl.curvature(np.full((3, 3), np.nan), 10), "coefficients must be finite"),
    (lambda: cl.coil_distances(np.zeros((1, 8, 3))), "C >= 2"),
    (lambda: cl.circle_coefficients([0, 0, 0], 0.0, [0, 0, 1], [1, 0, 0], 2), "radius must be positive"),
    (lambda: cl.circle_coefficients([0, 0, 0], 1.0, [0, 0, 0], [1, 0, 0], 2), "non-zero"),
    (lambda: cl.circle_coefficients([0, 0, 0], 1.0, [0, 0, 1], [1, 0, 0], 0), "k_max must be at least 1"),
    (lambda: cl.curve_length(np.zeros((1, 3))), "at least 2 points"),
    (lambda: cl.rotating_ellipse_surface(1.0, -0.3, 0.2, 2, 4, 4), "minor_radius must be positive"),
    (lambda: cl.rotating_ellipse_surface(1.0, 0.3, 0.2, 0, 4, 4), "n_field_periods must be at least 1"),
    (lambda: cl.rotating_ellipse_surface(1.0, 0.3, 0.2, 2, 0, 4), "n_theta must be at least 1"),
    (lambda: cl.rotating_ellipse_label(np.zeros((2, 2)), 1.0, 0.3, 0.2, 2), r"shape \(\.\.\., 3\)"),
    (lambda: cl.trace_field_lines(_SQUARE[None], 1.0, np.array([[-1.0, 0.0]]), 1), "R > 0"),
    (lambda: cl.trace_field_lines(_SQUARE[None], 1.0, np.array([1.0, 0.0]), 1), "starts must be a 2-D array"),
    (lambda: cl.trace_field_lines(_SQUARE[None], 1.0, np.array([[1.0, 0.0]]), 0), "n_turns must be at least 1"),
    (lambda: cl.trace_field_lines(_SQUARE[None], 1.0, np.array([[1.0, 0.0]]), 1, 2), "steps_per_turn must be at least 4"),
])
def test_nonsense_is_refused_with_a_clear_message(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
