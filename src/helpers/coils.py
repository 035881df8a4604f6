r"""Magnetic field of polygonal coils (Biot-Savart) and a toy stellarator coil design (chapter 15).

A coil is a closed polygon with vertices :math:`\mathbf r_0, \dots, \mathbf r_{M-1}` carrying a
current :math:`I`. The field of one straight segment from :math:`\mathbf r_i` to
:math:`\mathbf r_f` at a point :math:`\mathbf x` is exact (Hanson and Hirshman's form): with
:math:`\mathbf a = \mathbf r_i - \mathbf x`, :math:`\mathbf b = \mathbf r_f - \mathbf x`,

.. math::  \mathbf B = \frac{\mu_0 I}{4\pi}\,
           \frac{(|\mathbf a| + |\mathbf b|)\,(\mathbf a\times\mathbf b)}
                {|\mathbf a|\,|\mathbf b|\,\big(|\mathbf a|\,|\mathbf b| + \mathbf a\cdot\mathbf b\big)} ,

and a coil's field is the sum over its segments. At the centre of a regular :math:`n`-gon of
circumradius :math:`R` the field is :math:`B = \mu_0 I\, n \tan(\pi/n) / (2\pi R)`, which tends to
the circular loop's :math:`\mu_0 I/(2R)`.

Coil shapes are smooth closed curves given by Fourier coefficients,
:math:`\mathbf r(t) = \mathbf c_0 + \sum_{k=1}^{K} [\mathbf c_k \cos kt + \mathbf s_k \sin kt]`,
sampled at :math:`M` points. Target surfaces are tori with a rotating elliptical cross-section,
the textbook stellarator shape. Units: lengths in metres, currents in amperes, fields in tesla.
"""

from __future__ import annotations

from functools import partial


import numpy as np

import jax
import jax.numpy as jnp

from helpers.arguments import is_traced, real_array, real_number, whole_number

__all__ = [
    "MU0", "polygon_field", "coils_field", "regular_polygon", "regular_polygon_center_field",
    "fourier_curve", "fourier_curve_derivatives", "curvature", "coil_distances",
    "circle_coefficients", "rotating_ellipse_surface", "rotating_ellipse_label", "curve_length",
    "trace_field_lines",
]

#: Vacuum permeability (T m / A).
MU0 = 4e-7 * np.pi


def _as_points(x, name: str) -> jnp.ndarray:
    x = real_array(x, name, expected="points in 3D, in metres")
    if x.ndim != 2 or x.shape[1] != 3:
        raise ValueError(f"{name} must have shape (n, 3) (points in 3D), got shape {x.shape}")
    return x


def polygon_field(points, vertices, current: float = 1.0) -> jnp.ndarray:
    r"""Field (shape ``(n, 3)``, tesla) at ``points`` (``(n, 3)``) of the closed polygon with
    ``vertices`` (``(M, 3)``; the last vertex connects back to the first) carrying ``current``.
    The field is singular on the wire itself; evaluate away from it."""
    x = _as_points(points, "points")
    v = _as_points(vertices, "vertices")
    if v.shape[0] < 3:
        raise ValueError(f"a closed polygon needs at least 3 vertices, got {v.shape[0]}")
    return _polygon_field(x, v, jnp.asarray(real_number(current, "current", expected="a current in amperes"),
                                            dtype=float))


@jax.jit
def _polygon_field(x, v, current):
    a = v[None, :, :] - x[:, None, :]                  # (n, M, 3): vertex - point
    b = jnp.roll(v, -1, axis=0)[None, :, :] - x[:, None, :]
    na = jnp.linalg.norm(a, axis=-1)
    nb = jnp.linalg.norm(b, axis=-1)
    factor = (na + nb) / (na * nb * (na * nb + jnp.sum(a * b, axis=-1)))
    return MU0 * current / (4 * jnp.pi) * jnp.sum(factor[..., None] * jnp.cross(a, b), axis=1)


def _coils_and_currents(coils, currents, name: str = "coils") -> tuple[jnp.ndarray, jnp.ndarray]:
    c = real_array(coils, name, expected="polygon vertices in metres, shape (C, M, 3)")
    if c.ndim != 3 or c.shape[2] != 3 or c.shape[1] < 3:
        raise ValueError(f"{name} must have shape (C, M, 3) with M >= 3 vertices per coil, got shape {c.shape}")
    cur = real_array(currents, "currents", ndim=(0, 1), expected="currents in amperes, one per coil or one for all")
    if cur.ndim == 1 and cur.shape[0] != c.shape[0]:
        raise ValueError(f"currents must be one number or one per coil ({c.shape[0]}), got {cur.shape[0]}")
    return c, jnp.broadcast_to(cur, (c.shape[0],))


def _sum_of_polygons(x, coils, currents):
    return jnp.sum(jax.vmap(_polygon_field, in_axes=(None, 0, 0))(x, coils, currents), axis=0)


def coils_field(points, coils, currents) -> jnp.ndarray:
    """Total field at ``points`` of several polygonal coils: ``coils`` has shape ``(C, M, 3)``,
    ``currents`` shape ``(C,)`` (or a scalar for equal currents)."""
    c, cur = _coils_and_currents(coils, currents)
    return _sum_of_polygons(_as_points(points, "points"), c, cur)


def regular_polygon(n_sides: int, radius: float, center=(0.0, 0.0, 0.0)) -> np.ndarray:
    """Vertices of a regular polygon in the plane z = center_z, counter-clockwise seen from +z."""
    n_sides = whole_number(n_sides, "n_sides", minimum=3, expected="the number of sides")
    radius = real_number(radius, "radius", positive=True, expected="the circumradius in metres")
    center = np.asarray(real_array(center, "center", ndim=1, expected="a point (x, y, z) in metres"))
    if center.shape != (3,):
        raise ValueError(f"center must be a point (x, y, z), got shape {center.shape}")
    t = 2 * np.pi * np.arange(n_sides) / n_sides
    return center + radius * np.stack([np.cos(t), np.sin(t), np.zeros_like(t)], axis=1)


def regular_polygon_center_field(n_sides: int, radius: float, current: float = 1.0) -> float:
    r""":math:`B_z = \mu_0 I\, n\tan(\pi/n) / (2\pi R)` at the centre of a regular ``n``-gon."""
    n_sides = whole_number(n_sides, "n_sides", minimum=3, expected="the number of sides")
    radius = real_number(radius, "radius", positive=True, expected="the circumradius in metres")
    current = real_number(current, "current", expected="a current in amperes")
    return float(MU0 * current * n_sides * np.tan(np.pi / n_sides) / (2 * np.pi * radius))


def _coefficients(coefficients) -> jnp.ndarray:
    c = real_array(coefficients, "coefficients", expected="Fourier coefficients of a curve, shape (2K+1, 3)")
    if c.ndim != 2 or c.shape[1] != 3 or c.shape[0] % 2 != 1:
        raise ValueError(f"coefficients must have shape (2K+1, 3), got shape {c.shape}")
    return c


def _fourier_basis(k_max: int, n_points: int, derivative: int) -> jnp.ndarray:
    """Rows t_j, columns [1, cos t, sin t, cos 2t, ...] differentiated ``derivative`` times in t."""
    t = 2 * jnp.pi * jnp.arange(n_points) / n_points
    k = jnp.arange(1, k_max + 1)
    phase = k[None] * t[:, None] + derivative * jnp.pi / 2          # d/dt cos = cos(. + pi/2) * k
    scale = k[None] ** derivative
    cs = jnp.stack([scale * jnp.cos(phase), scale * jnp.sin(phase)], axis=-1).reshape(n_points, 2 * k_max)
    const = jnp.ones((n_points, 1)) if derivative == 0 else jnp.zeros((n_points, 1))
    return jnp.concatenate([const, cs], axis=1)


def fourier_curve(coefficients, n_points: int) -> jnp.ndarray:
    r"""Points :math:`\mathbf r(t_j)`, :math:`t_j = 2\pi j/M`, of the closed curve with
    ``coefficients`` of shape ``(2K+1, 3)``: rows :math:`\mathbf c_0, \mathbf c_1, \mathbf s_1,
    \mathbf c_2, \mathbf s_2, \dots`. Returns shape ``(n_points, 3)``."""
    c = _coefficients(coefficients)
    n_points = whole_number(n_points, "n_points", minimum=3, expected="points on the curve")
    return _fourier_basis((c.shape[0] - 1) // 2, n_points, 0) @ c


def fourier_curve_derivatives(coefficients, n_points: int) -> tuple[jnp.ndarray, jnp.ndarray, jnp.ndarray]:
    r""":math:`\mathbf r`, :math:`\mathbf r'` and :math:`\mathbf r''` (derivatives in :math:`t`) at
    the points of :func:`fourier_curve`, each of shape ``(n_points, 3)``, from the series
    differentiated term by term (exact, no finite differences)."""
    c = _coefficients(coefficients)
    n_points = whole_number(n_points, "n_points", minimum=3, expected="points on the curve")
    k_max = (c.shape[0] - 1) // 2
    return tuple(_fourier_basis(k_max, n_points, m) @ c for m in (0, 1, 2))


def curvature(coefficients, n_points: int) -> jnp.ndarray:
    r"""Curvature :math:`\kappa = |\mathbf r'\times\mathbf r''|/|\mathbf r'|^3` (1/m) at the points of
    :func:`fourier_curve`; :math:`1/\kappa` is the local radius of the bend."""
    _, d1, d2 = fourier_curve_derivatives(coefficients, n_points)
    return jnp.linalg.norm(jnp.cross(d1, d2), axis=-1) / jnp.linalg.norm(d1, axis=-1) ** 3


def coil_distances(curves) -> jnp.ndarray:
    r"""Distances between the points of every pair of different coils: ``curves`` of shape
    ``(C, M, 3)`` gives shape ``(C(C-1)/2, M, M)``; entry ``[p, i, j]`` is
    :math:`|\mathbf r_a(t_i) - \mathbf r_b(t_j)|` for the ``p``-th pair ``a < b`` (the order of
    ``numpy.triu_indices(C, 1)``). Its minimum is the closest approach of two coils; the
    self-distances, whose gradient is undefined at zero, are left out."""
    c = real_array(curves, "curves", expected="points of the coils, shape (C, M, 3)")
    if c.ndim != 3 or c.shape[2] != 3 or c.shape[0] < 2:
        raise ValueError(f"curves must have shape (C, M, 3) with C >= 2 coils, got shape {c.shape}")
    a, b = np.triu_indices(c.shape[0], 1)
    return jnp.linalg.norm(c[a][:, :, None, :] - c[b][:, None, :, :], axis=-1)


def circle_coefficients(center, radius: float, normal_axis, in_plane_axis, k_max: int) -> np.ndarray:
    r"""Fourier coefficients (shape ``(2K+1, 3)``) of the circle
    :math:`\mathbf c + \rho(\cos t\,\mathbf u + \sin t\,\mathbf w)` with :math:`\mathbf u` =
    ``in_plane_axis`` and :math:`\mathbf w = \mathbf n\times\mathbf u` (both normalised)."""
    radius = real_number(radius, "radius", positive=True, expected="the radius in metres")
    k_max = whole_number(k_max, "k_max", minimum=1, expected="the highest Fourier harmonic")
    vectors = []
    for name, v in (("center", center), ("normal_axis", normal_axis), ("in_plane_axis", in_plane_axis)):
        v = np.asarray(real_array(v, name, ndim=1))
        if v.shape != (3,):
            raise ValueError(f"{name} must be a 3-vector, got shape {v.shape}")
        vectors.append(v)
    n, u = vectors[1], vectors[2]
    if np.linalg.norm(n) == 0 or np.linalg.norm(u) == 0:
        raise ValueError("normal_axis and in_plane_axis must be non-zero vectors")
    n = n / np.linalg.norm(n)
    u = u / np.linalg.norm(u)
    if abs(n @ u) > 1e-12:
        raise ValueError("in_plane_axis must be perpendicular to normal_axis")
    coeffs = np.zeros((2 * k_max + 1, 3))
    coeffs[0] = vectors[0]
    coeffs[1] = radius * u
    coeffs[2] = radius * np.cross(n, u)
    return coeffs


def curve_length(points) -> jnp.ndarray:
    """Length of the closed polygon through ``points`` (shape ``(M, 3)``)."""
    p = _as_points(points, "points")
    if p.shape[0] < 2:
        raise ValueError(f"a closed polygon needs at least 2 points, got {p.shape[0]}")
    return jnp.sum(jnp.linalg.norm(jnp.roll(p, -1, axis=0) - p, axis=-1))


def _check_torus(major_radius, minor_radius, elongation, n_field_periods) -> None:
    real_number(major_radius, "major_radius", positive=True, expected="R_0 in metres")
    real_number(minor_radius, "minor_radius", positive=True, expected="a in metres")
    elongation = real_number(elongation, "elongation", expected="e, between 0 and 1")
    whole_number(n_field_periods, "n_field_periods", minimum=1, expected="the number of field periods")
    if not 0 <= elongation < 1:
        raise ValueError(f"elongation must be in [0, 1), got {elongation}")
    if minor_radius * (1 + elongation) >= major_radius:
        raise ValueError("the cross-section must fit inside the major radius")


def rotating_ellipse_surface(major_radius: float, minor_radius: float, elongation: float,
                             n_field_periods: int, n_theta: int, n_phi: int
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Points, unit normals and area weights of a torus whose elliptical cross-section
    (semi-axes :math:`a(1\pm e)`) rotates by :math:`\pi` per field period, on an
    ``n_theta`` by ``n_phi`` grid. In the poloidal plane at toroidal angle :math:`\varphi`,
    :math:`(u, v) = (a(1+e)\cos\theta, a(1-e)\sin\theta)` is rotated by
    :math:`\alpha = N_{fp}\varphi/2` to :math:`(\rho, z)`, and :math:`R = R_0 + \rho`.
    Normals come from the cross product of the two tangent vectors, computed by ``jax.jacfwd``.
    Returns arrays of shapes ``(n, 3)``, ``(n, 3)``, ``(n,)`` with ``n = n_theta * n_phi``;
    the weights sum to the surface area."""
    _check_torus(major_radius, minor_radius, elongation, n_field_periods)
    n_theta = whole_number(n_theta, "n_theta", minimum=1, expected="grid points in the poloidal angle")
    n_phi = whole_number(n_phi, "n_phi", minimum=1, expected="grid points in the toroidal angle")

    def position(angles):
        theta, phi = angles[0], angles[1]
        u = minor_radius * (1 + elongation) * jnp.cos(theta)
        v = minor_radius * (1 - elongation) * jnp.sin(theta)
        alpha = n_field_periods * phi / 2
        rho = u * jnp.cos(alpha) - v * jnp.sin(alpha)
        z = u * jnp.sin(alpha) + v * jnp.cos(alpha)
        big_r = major_radius + rho
        return jnp.stack([big_r * jnp.cos(phi), big_r * jnp.sin(phi), z])

    th = 2 * np.pi * (np.arange(n_theta) + 0.5) / n_theta
    ph = 2 * np.pi * (np.arange(n_phi) + 0.5) / n_phi
    grid = np.stack(np.meshgrid(th, ph, indexing="ij"), axis=-1).reshape(-1, 2)

    @jax.jit
    def points_and_normals(grid):
        pts = jax.vmap(position)(grid)
        jac = jax.vmap(jax.jacfwd(position))(grid)            # (n, 3, 2): d/dtheta, d/dphi
        normal = jnp.cross(jac[:, :, 0], jac[:, :, 1])
        return pts, normal

    pts, normal = points_and_normals(grid)
    area = jnp.linalg.norm(normal, axis=-1)
    weights = area * (2 * np.pi / n_theta) * (2 * np.pi / n_phi)
    return np.asarray(pts), np.asarray(normal / area[:, None]), np.asarray(weights)


def rotating_ellipse_label(points, major_radius: float, minor_radius: float, elongation: float,
                           n_field_periods: int) -> np.ndarray:
    r"""The label :math:`s` of the nested surfaces of :func:`rotating_ellipse_surface` through
    ``points`` (shape ``(..., 3)``): the surface scaled by :math:`s` about its magnetic axis
    :math:`R = R_0, z = 0`, so :math:`s = 1` on the target surface, :math:`s < 1` inside.
    In the poloidal plane at :math:`\varphi`, rotating :math:`(\rho, z) = (R - R_0, z)` back by
    :math:`\alpha = N_{fp}\varphi/2` gives :math:`(u, v)` and
    :math:`s = \sqrt{(u/a(1+e))^2 + (v/a(1-e))^2}`."""
    _check_torus(major_radius, minor_radius, elongation, n_field_periods)
    x = np.asarray(real_array(points, "points", expected="points in 3D, in metres"))
    if x.ndim < 1 or x.shape[-1] != 3:
        raise ValueError(f"points must have shape (..., 3), got shape {x.shape}")
    phi = np.arctan2(x[..., 1], x[..., 0])
    rho, z = np.hypot(x[..., 0], x[..., 1]) - major_radius, x[..., 2]
    alpha = n_field_periods * phi / 2
    u = rho * np.cos(alpha) + z * np.sin(alpha)
    v = -rho * np.sin(alpha) + z * np.cos(alpha)
    return np.sqrt((u / (minor_radius * (1 + elongation))) ** 2 + (v / (minor_radius * (1 - elongation))) ** 2)


def trace_field_lines(curves, currents, starts, n_turns: int, steps_per_turn: int = 96) -> np.ndarray:
    r"""Follow magnetic field lines of the coils around the torus; the result of shape
    ``(n_turns * steps_per_turn + 1, n, 3)`` holds the Cartesian points of the ``n`` lines at
    toroidal angles :math:`\varphi_j = 2\pi j/\text{steps\_per\_turn}` (row 0: the starts).

    A field line :math:`\mathrm d\mathbf x/\mathrm ds = \mathbf B/|\mathbf B|`, written with the
    toroidal angle :math:`\varphi` as the time (valid where :math:`B_\varphi \ne 0`), is

    .. math::  \frac{\mathrm dR}{\mathrm d\varphi} = \frac{R B_R}{B_\varphi},\qquad
               \frac{\mathrm dz}{\mathrm d\varphi} = \frac{R B_z}{B_\varphi},

    integrated by the classical Runge-Kutta method with ``steps_per_turn`` steps per turn.
    ``starts`` (shape ``(n, 2)``) are the :math:`(R, z)` of the lines at :math:`\varphi = 0`.
    Every ``steps_per_turn``-th row is a return to the plane :math:`\varphi = 0`: the points of
    a Poincaré section. ``curves``, ``currents`` as in :func:`coils_field`."""
    c, cur = _coils_and_currents(curves, currents, "curves")
    y0 = real_array(starts, "starts", ndim=2, expected="(R, z) of each line at phi = 0, in metres")
    if y0.shape[1] != 2 or y0.shape[0] < 1:
        raise ValueError(f"starts must have shape (n, 2) = (lines, [R, z]), got shape {y0.shape}")
    if not is_traced(y0) and np.any(np.asarray(y0)[:, 0] <= 0):
        raise ValueError("starts must have R > 0 (the lines are followed around the z axis)")
    n_turns = whole_number(n_turns, "n_turns", minimum=1, expected="toroidal turns")
    steps_per_turn = whole_number(steps_per_turn, "steps_per_turn", minimum=4, expected="Runge-Kutta steps per turn")
    ys = _trace(c, cur, y0, n_turns * steps_per_turn, 2 * np.pi / steps_per_turn)
    phi = 2 * np.pi * np.arange(n_turns * steps_per_turn + 1) / steps_per_turn
    ys = np.asarray(ys)
    return np.stack([ys[..., 0] * np.cos(phi)[:, None], ys[..., 0] * np.sin(phi)[:, None], ys[..., 1]], axis=-1)


@partial(jax.jit, static_argnums=(3,))
def _trace(curves, currents, y0, n_steps, h):
    def rhs(phi, y):
        cos, sin = jnp.cos(phi), jnp.sin(phi)
        x = jnp.stack([y[:, 0] * cos, y[:, 0] * sin, y[:, 1]], axis=-1)
        b = _sum_of_polygons(x, curves, currents)
        b_r = b[:, 0] * cos + b[:, 1] * sin
        b_phi = -b[:, 0] * sin + b[:, 1] * cos
        return jnp.stack([y[:, 0] * b_r / b_phi, y[:, 0] * b[:, 2] / b_phi], axis=-1)

    def step(carry, _):
        phi, y = carry
        k1 = rhs(phi, y)
        k2 = rhs(phi + h / 2, y + h / 2 * k1)
        k3 = rhs(phi + h / 2, y + h / 2 * k2)
        k4 = rhs(phi + h, y + h * k3)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        return (phi + h, y), y

    _, ys = jax.lax.scan(step, (jnp.asarray(0.0), y0), None, length=n_steps)
    return jnp.concatenate([y0[None], ys], axis=0)
