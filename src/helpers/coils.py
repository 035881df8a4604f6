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


import numpy as np

import jax
import jax.numpy as jnp

__all__ = [
    "MU0", "polygon_field", "coils_field", "regular_polygon", "regular_polygon_center_field",
    "fourier_curve", "circle_coefficients", "rotating_ellipse_surface", "curve_length",
]

#: Vacuum permeability (T m / A).
MU0 = 4e-7 * np.pi


def _as_points(x, name: str) -> jnp.ndarray:
    x = jnp.asarray(x, dtype=float)
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
    return _polygon_field(x, v, jnp.asarray(current, dtype=float))


@jax.jit
def _polygon_field(x, v, current):
    a = v[None, :, :] - x[:, None, :]                  # (n, M, 3): vertex - point
    b = jnp.roll(v, -1, axis=0)[None, :, :] - x[:, None, :]
    na = jnp.linalg.norm(a, axis=-1)
    nb = jnp.linalg.norm(b, axis=-1)
    factor = (na + nb) / (na * nb * (na * nb + jnp.sum(a * b, axis=-1)))
    return MU0 * current / (4 * jnp.pi) * jnp.sum(factor[..., None] * jnp.cross(a, b), axis=1)


def coils_field(points, coils, currents) -> jnp.ndarray:
    """Total field at ``points`` of several polygonal coils: ``coils`` has shape ``(C, M, 3)``,
    ``currents`` shape ``(C,)`` (or a scalar for equal currents)."""
    c = jnp.asarray(coils, dtype=float)
    if c.ndim != 3 or c.shape[2] != 3:
        raise ValueError(f"coils must have shape (C, M, 3), got shape {c.shape}")
    cur = jnp.broadcast_to(jnp.asarray(currents, dtype=float), (c.shape[0],))
    x = _as_points(points, "points")
    return jnp.sum(jax.vmap(_polygon_field, in_axes=(None, 0, 0))(x, c, cur), axis=0)


def regular_polygon(n_sides: int, radius: float, center=(0.0, 0.0, 0.0)) -> np.ndarray:
    """Vertices of a regular polygon in the plane z = center_z, counter-clockwise seen from +z."""
    if int(n_sides) != n_sides or n_sides < 3:
        raise ValueError(f"n_sides must be an integer >= 3, got {n_sides}")
    if radius <= 0:
        raise ValueError(f"radius must be positive, got {radius}")
    t = 2 * np.pi * np.arange(int(n_sides)) / n_sides
    return np.asarray(center, float) + radius * np.stack([np.cos(t), np.sin(t), np.zeros_like(t)], axis=1)


def regular_polygon_center_field(n_sides: int, radius: float, current: float = 1.0) -> float:
    r""":math:`B_z = \mu_0 I\, n\tan(\pi/n) / (2\pi R)` at the centre of a regular ``n``-gon."""
    return float(MU0 * current * n_sides * np.tan(np.pi / n_sides) / (2 * np.pi * radius))


def fourier_curve(coefficients, n_points: int) -> jnp.ndarray:
    r"""Points :math:`\mathbf r(t_j)`, :math:`t_j = 2\pi j/M`, of the closed curve with
    ``coefficients`` of shape ``(2K+1, 3)``: rows :math:`\mathbf c_0, \mathbf c_1, \mathbf s_1,
    \mathbf c_2, \mathbf s_2, \dots`. Returns shape ``(n_points, 3)``."""
    c = jnp.asarray(coefficients, dtype=float)
    if c.ndim != 2 or c.shape[1] != 3 or c.shape[0] % 2 != 1:
        raise ValueError(f"coefficients must have shape (2K+1, 3), got shape {c.shape}")
    k_max = (c.shape[0] - 1) // 2
    t = 2 * jnp.pi * jnp.arange(n_points) / n_points
    k = jnp.arange(1, k_max + 1)
    basis = jnp.concatenate([jnp.ones((n_points, 1)),
                             jnp.stack([jnp.cos(k[None] * t[:, None]), jnp.sin(k[None] * t[:, None])],
                                       axis=-1).reshape(n_points, 2 * k_max)], axis=1)
    return basis @ c


def circle_coefficients(center, radius: float, normal_axis, in_plane_axis, k_max: int) -> np.ndarray:
    r"""Fourier coefficients (shape ``(2K+1, 3)``) of the circle
    :math:`\mathbf c + \rho(\cos t\,\mathbf u + \sin t\,\mathbf w)` with :math:`\mathbf u` =
    ``in_plane_axis`` and :math:`\mathbf w = \mathbf n\times\mathbf u` (both normalised)."""
    n = np.asarray(normal_axis, float)
    n = n / np.linalg.norm(n)
    u = np.asarray(in_plane_axis, float)
    u = u / np.linalg.norm(u)
    if abs(n @ u) > 1e-12:
        raise ValueError("in_plane_axis must be perpendicular to normal_axis")
    coeffs = np.zeros((2 * k_max + 1, 3))
    coeffs[0] = center
    coeffs[1] = radius * u
    coeffs[2] = radius * np.cross(n, u)
    return coeffs


def curve_length(points) -> jnp.ndarray:
    """Length of the closed polygon through ``points`` (shape ``(M, 3)``)."""
    p = jnp.asarray(points)
    return jnp.sum(jnp.linalg.norm(jnp.roll(p, -1, axis=0) - p, axis=-1))


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
    if not 0 <= elongation < 1:
        raise ValueError(f"elongation must be in [0, 1), got {elongation}")
    if minor_radius * (1 + elongation) >= major_radius:
        raise ValueError("the cross-section must fit inside the major radius")

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
