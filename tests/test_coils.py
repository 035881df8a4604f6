"""Tests of helpers.coils: Biot-Savart of polygons against closed forms; surfaces; curves."""


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


def test_bad_input_messages():
    with pytest.raises(ValueError, match="at least 3"):
        cl.polygon_field(np.zeros((1, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="shape"):
        cl.polygon_field(np.zeros(3), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="2K\\+1"):
        cl.fourier_curve(np.zeros((4, 3)), 10)
    with pytest.raises(ValueError, match="elongation"):
        cl.rotating_ellipse_surface(1.0, 0.3, 1.2, 2, 4, 4)
