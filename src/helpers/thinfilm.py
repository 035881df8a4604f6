r"""Multilayer thin films at normal incidence by the transfer-matrix method, in JAX (chapter 15).

Convention (Macleod, *Thin-Film Optical Filters*, ch. 2): light arrives from an incident
medium of index :math:`n_0` (air, :math:`n_0 = 1`) onto layers :math:`j = 1..L`, listed from the
incident side, with real (lossless) indices :math:`n_j` and thicknesses :math:`d_j`, on a
semi-infinite substrate :math:`n_s`. Each layer has the phase thickness
:math:`\delta_j = 2\pi n_j d_j/\lambda` and the characteristic matrix

.. math::  M_j = \begin{pmatrix} \cos\delta_j & i\sin\delta_j/n_j \\ i n_j\sin\delta_j & \cos\delta_j \end{pmatrix},
           \qquad \begin{pmatrix} B \\ C \end{pmatrix} = M_1 M_2\cdots M_L \begin{pmatrix} 1 \\ n_s \end{pmatrix}.

The stack behaves as a single surface of (optical) admittance :math:`Y = C/B`, so

.. math::  r = \frac{n_0 - Y}{n_0 + Y}, \qquad R = |r|^2, \qquad
           T = \frac{4 n_0 n_s}{|n_0 B + C|^2}, \qquad R + T = 1 .

A quarter-wave layer (:math:`\delta = \pi/2`) turns an admittance :math:`Y` below it into
:math:`n_j^2/Y`: this gives the closed forms :func:`quarter_wave_coating_R` and
:func:`bragg_mirror_R` that test the code. Indices are wavelength independent here (no
dispersion), which is enough to teach inverse design; thicknesses are in nanometres.
"""

from __future__ import annotations


import numpy as np

import jax
import jax.numpy as jnp

__all__ = [
    "admittance_coefficients", "reflectance", "transmittance", "quarter_wave_thickness",
    "quarter_wave_coating_R", "bragg_mirror_R", "bare_surface_R", "alternating_indices",
]


def _validate(n_layers, d_layers, wavelengths):
    n = jnp.atleast_1d(jnp.asarray(n_layers, dtype=float))
    d = jnp.atleast_1d(jnp.asarray(d_layers, dtype=float))
    lam = jnp.atleast_1d(jnp.asarray(wavelengths, dtype=float))
    if n.ndim != 1 or d.ndim != 1 or n.shape != d.shape:
        raise ValueError(f"n_layers and d_layers must be 1-D arrays of equal length (one entry per layer), "
                         f"got shapes {n.shape} and {d.shape}")
    if lam.ndim != 1:
        raise ValueError(f"wavelengths must be a number or a 1-D array, got shape {lam.shape}")
    if not isinstance(lam, jax.core.Tracer) and np.any(np.asarray(lam) <= 0):
        raise ValueError("wavelengths must be positive (in the same unit as the thicknesses, e.g. nm)")
    return n, d, lam


def admittance_coefficients(n_layers, d_layers, wavelengths, n_substrate):
    r"""``(B, C)`` of :math:`(B, C)^T = M_1\cdots M_L (1, n_s)^T` for each wavelength.

    Returns two complex arrays of the shape of ``wavelengths`` (1-D). The product is taken from
    the substrate outwards, one matrix-vector product per layer. An empty stack gives
    :math:`B = 1, C = n_s` (a bare surface).
    """
    n, d, lam = _validate(n_layers, d_layers, wavelengths)
    return _admittance(n, d, lam, jnp.asarray(n_substrate, dtype=float))


@jax.jit
def _admittance(n, d, lam, n_substrate):
    # compiled once per shape: eager JAX would dispatch (and compile) each operation separately
    b = jnp.ones_like(lam, dtype=complex)
    c = jnp.full(lam.shape, n_substrate, dtype=complex)
    if n.shape[0] == 0:
        return b, c

    def layer(carry, nd):
        b, c = carry
        nj, dj = nd
        delta = 2 * jnp.pi * nj * dj / lam
        cos, sin = jnp.cos(delta), jnp.sin(delta)
        return (cos * b + 1j * sin / nj * c, 1j * nj * sin * b + cos * c), None

    (b, c), _ = jax.lax.scan(layer, (b, c), (n[::-1], d[::-1]))  # substrate side first
    return b, c


def reflectance(n_layers, d_layers, wavelengths, n_substrate, n_incident=1.0):
    r"""Reflectance :math:`R(\lambda) = |(n_0 - Y)/(n_0 + Y)|^2`, :math:`Y = C/B` (see the module).

    ``n_layers`` and ``d_layers`` list the layers from the incident side to the substrate;
    ``d_layers`` and ``wavelengths`` share a length unit. Differentiable with ``jax.grad``
    with respect to the thicknesses (and the indices).
    """
    b, c = admittance_coefficients(n_layers, d_layers, wavelengths, n_substrate)
    r = (n_incident * b - c) / (n_incident * b + c)
    return jnp.abs(r) ** 2


def transmittance(n_layers, d_layers, wavelengths, n_substrate, n_incident=1.0):
    r"""Transmittance :math:`T = 4 n_0 n_s / |n_0 B + C|^2` into the substrate (lossless layers)."""
    b, c = admittance_coefficients(n_layers, d_layers, wavelengths, n_substrate)
    return 4 * n_incident * n_substrate / jnp.abs(n_incident * b + c) ** 2


def quarter_wave_thickness(n, wavelength):
    r"""Physical thickness :math:`\lambda_0 / (4n)` of a quarter-wave layer at ``wavelength``."""
    if np.any(np.asarray(n) <= 0) or np.any(np.asarray(wavelength) <= 0):
        raise ValueError("index and wavelength must be positive")
    return wavelength / (4 * np.asarray(n, dtype=float))


def bare_surface_R(n_substrate, n_incident=1.0) -> float:
    r"""Fresnel reflectance of a bare interface: :math:`((n_0 - n_s)/(n_0 + n_s))^2`."""
    return float(((n_incident - n_substrate) / (n_incident + n_substrate)) ** 2)


def quarter_wave_coating_R(n1, n_substrate, n_incident=1.0) -> float:
    r"""Reflectance at the design wavelength of one quarter-wave layer of index ``n1``:
    :math:`Y = n_1^2/n_s` and :math:`R = ((n_0 n_s - n_1^2)/(n_0 n_s + n_1^2))^2`; zero when
    :math:`n_1 = \sqrt{n_0 n_s}`."""
    return float(((n_incident * n_substrate - n1**2) / (n_incident * n_substrate + n1**2)) ** 2)


def bragg_mirror_R(n_high, n_low, pairs: int, n_substrate, n_incident=1.0) -> float:
    r"""Reflectance at the design wavelength of the quarter-wave stack
    :math:`n_0 \,|\, (HL)^N \,|\, n_s` (the high-index layer faces the incident medium, a low-index
    layer touches the substrate): :math:`Y = n_s (n_H/n_L)^{2N}` and
    :math:`R = ((n_0 - Y)/(n_0 + Y))^2`."""
    if int(pairs) != pairs or pairs < 0:
        raise ValueError(f"pairs must be a non-negative integer, got {pairs}")
    y = n_substrate * (n_high / n_low) ** (2 * int(pairs))
    return float(((n_incident - y) / (n_incident + y)) ** 2)


def alternating_indices(n_first, n_second, layers: int) -> np.ndarray:
    """Indices ``[n_first, n_second, n_first, ...]`` of ``layers`` alternating layers."""
    if int(layers) != layers or layers < 0:
        raise ValueError(f"layers must be a non-negative integer, got {layers}")
    return np.where(np.arange(int(layers)) % 2 == 0, float(n_first), float(n_second))
