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

from helpers.arguments import real_array, real_number, whole_number

__all__ = [
    "admittance_coefficients", "reflectance", "transmittance", "quarter_wave_thickness",
    "quarter_wave_coating_R", "bragg_mirror_R", "bare_surface_R", "alternating_indices",
    "bloch_half_trace", "quarter_wave_gap", "quarter_wave_band_edges", "band_width",
]


def _index(value, name: str):
    """A refractive index: a real number > 0 (a tracer passes inside JAX)."""
    return real_number(value, name, positive=True, expected="a real refractive index")


def _validate(n_layers, d_layers, wavelengths):
    n = real_array(n_layers, "n_layers", ndim=(0, 1), positive=True,
                   expected="real refractive indices, one per layer")
    d = real_array(d_layers, "d_layers", ndim=(0, 1), nonnegative=True,
                   expected="layer thicknesses, in the unit of the wavelengths")
    lam = real_array(wavelengths, "wavelengths", ndim=(0, 1), positive=True,
                     expected="vacuum wavelengths, in the unit of the thicknesses")
    n, d, lam = jnp.atleast_1d(n), jnp.atleast_1d(d), jnp.atleast_1d(lam)
    if n.shape != d.shape:
        raise ValueError(f"n_layers and d_layers must be 1-D arrays of equal length (one entry per layer), "
                         f"got shapes {n.shape} and {d.shape}")
    return n, d, lam


def admittance_coefficients(n_layers, d_layers, wavelengths, n_substrate):
    r"""``(B, C)`` of :math:`(B, C)^T = M_1\cdots M_L (1, n_s)^T` for each wavelength.

    Returns two complex arrays of the shape of ``wavelengths`` (1-D). The product is taken from
    the substrate outwards, one matrix-vector product per layer. An empty stack gives
    :math:`B = 1, C = n_s` (a bare surface). Thicknesses must be >= 0, indices and wavelengths
    > 0 (a ``ValueError`` names the first offending entry).
    """
    n, d, lam = _validate(n_layers, d_layers, wavelengths)
    return _admittance(n, d, lam, jnp.asarray(_index(n_substrate, "n_substrate"), dtype=float))


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
    n_incident = _index(n_incident, "n_incident")
    r = (n_incident * b - c) / (n_incident * b + c)
    return jnp.abs(r) ** 2


def transmittance(n_layers, d_layers, wavelengths, n_substrate, n_incident=1.0):
    r"""Transmittance :math:`T = 4 n_0 n_s / |n_0 B + C|^2` into the substrate (lossless layers)."""
    b, c = admittance_coefficients(n_layers, d_layers, wavelengths, n_substrate)
    n_incident = _index(n_incident, "n_incident")
    return 4 * n_incident * n_substrate / jnp.abs(n_incident * b + c) ** 2


def quarter_wave_thickness(n, wavelength):
    r"""Physical thickness :math:`\lambda_0 / (4n)` of a quarter-wave layer at ``wavelength``
    (``n`` may be an array of indices)."""
    n = np.asarray(real_array(n, "n", positive=True, expected="refractive indices"))
    wavelength = real_number(wavelength, "wavelength", positive=True, expected="the design wavelength")
    return wavelength / (4 * n)


def bare_surface_R(n_substrate, n_incident=1.0) -> float:
    r"""Fresnel reflectance of a bare interface: :math:`((n_0 - n_s)/(n_0 + n_s))^2`."""
    n_s, n_0 = _index(n_substrate, "n_substrate"), _index(n_incident, "n_incident")
    return float(((n_0 - n_s) / (n_0 + n_s)) ** 2)


def quarter_wave_coating_R(n1, n_substrate, n_incident=1.0) -> float:
    r"""Reflectance at the design wavelength of one quarter-wave layer of index ``n1``:
    :math:`Y = n_1^2/n_s` and :math:`R = ((n_0 n_s - n_1^2)/(n_0 n_s + n_1^2))^2`; zero when
    :math:`n_1 = \sqrt{n_0 n_s}`."""
    n1, n_s, n_0 = _index(n1, "n1"), _index(n_substrate, "n_substrate"), _index(n_incident, "n_incident")
    return float(((n_0 * n_s - n1**2) / (n_0 * n_s + n1**2)) ** 2)


def bragg_mirror_R(n_high, n_low, pairs: int, n_substrate, n_incident=1.0) -> float:
    r"""Reflectance at the design wavelength of the quarter-wave stack
    :math:`n_0 \,|\, (HL)^N \,|\, n_s` (the high-index layer faces the incident medium, a low-index
    layer touches the substrate): :math:`Y = n_s (n_H/n_L)^{2N}` and
    :math:`R = ((n_0 - Y)/(n_0 + Y))^2`."""
    pairs = whole_number(pairs, "pairs", minimum=0, expected="the number of (HL) pairs")
    n_h, n_l = _index(n_high, "n_high"), _index(n_low, "n_low")
    n_s, n_0 = _index(n_substrate, "n_substrate"), _index(n_incident, "n_incident")
    y = n_s * (n_h / n_l) ** (2 * pairs)
    return float(((n_0 - y) / (n_0 + y)) ** 2)


def alternating_indices(n_first, n_second, layers: int) -> np.ndarray:
    """Indices ``[n_first, n_second, n_first, ...]`` of ``layers`` alternating layers."""
    layers = whole_number(layers, "layers", minimum=0, expected="the number of layers")
    n1, n2 = _index(n_first, "n_first"), _index(n_second, "n_second")
    return np.where(np.arange(layers) % 2 == 0, n1, n2)


# --------------------------------------------------------------------------- photonic crystal
def bloch_half_trace(n1, d1, n2, d2, wavelengths) -> np.ndarray:
    r"""Half the trace of the unit-cell matrix :math:`M_1 M_2` of the periodic stack
    :math:`\dots(12)(12)\dots` (a 1-D photonic crystal), at each wavelength:

    .. math::  \tfrac12\operatorname{Tr}(M_1M_2) = \cos\delta_1\cos\delta_2
               - \tfrac12\Big(\frac{n_1}{n_2} + \frac{n_2}{n_1}\Big)\sin\delta_1\sin\delta_2
               = \cos(K\Lambda),

    with :math:`\delta_j = 2\pi n_j d_j/\lambda`, the period :math:`\Lambda = d_1 + d_2` and the
    Bloch wavenumber :math:`K`. Where :math:`|\tfrac12\operatorname{Tr}| > 1`, :math:`K` is
    complex: no wave propagates through the infinite crystal (a photonic band gap), and a
    finite stack reflects strongly. Returns a 1-D array, one value per wavelength."""
    n1, n2 = _index(n1, "n1"), _index(n2, "n2")
    d1 = real_number(d1, "d1", nonnegative=True, expected="a thickness")
    d2 = real_number(d2, "d2", nonnegative=True, expected="a thickness")
    lam = np.atleast_1d(np.asarray(real_array(wavelengths, "wavelengths", ndim=(0, 1), positive=True,
                                              expected="vacuum wavelengths")))
    a, b = 2 * np.pi * n1 * d1 / lam, 2 * np.pi * n2 * d2 / lam
    return np.cos(a) * np.cos(b) - 0.5 * (n1 / n2 + n2 / n1) * np.sin(a) * np.sin(b)


def quarter_wave_gap(n_high, n_low) -> float:
    r"""Relative width :math:`\Delta\omega/\omega_0` of the first band gap of a quarter-wave stack,

    .. math::  \frac{\Delta\omega}{\omega_0} = \frac4\pi\arcsin\frac{n_H - n_L}{n_H + n_L}.

    From :func:`bloch_half_trace` with :math:`\delta_1 = \delta_2 = \delta = \tfrac\pi2\,\omega/\omega_0`:
    :math:`\tfrac12\operatorname{Tr} = -1` where :math:`\cos\delta = \pm(n_H - n_L)/(n_H + n_L)`."""
    n_h, n_l = _index(n_high, "n_high"), _index(n_low, "n_low")
    return float(4 / np.pi * np.arcsin(abs(n_h - n_l) / (n_h + n_l)))


def quarter_wave_band_edges(n_high, n_low, design_wavelength) -> tuple[float, float]:
    r"""Wavelengths :math:`\lambda_0/(1 + g/2)` and :math:`\lambda_0/(1 - g/2)` of the edges of the
    first band gap of a quarter-wave stack designed at :math:`\lambda_0` (:math:`g` from
    :func:`quarter_wave_gap`): the gap is symmetric in frequency, not in wavelength."""
    lam0 = real_number(design_wavelength, "design_wavelength", positive=True, expected="a wavelength")
    g = quarter_wave_gap(n_high, n_low)
    return lam0 / (1 + g / 2), lam0 / (1 - g / 2)


def band_width(wavelengths, values, threshold: float) -> tuple[float, float]:
    r"""The edges ``(lo, hi)`` of the contiguous band where ``values > threshold`` that contains
    the largest value, located by linear interpolation between samples (e.g. the wavelengths
    where a mirror's reflectance crosses 99 %). ``wavelengths`` must increase."""
    lam = np.asarray(real_array(wavelengths, "wavelengths", ndim=1))
    v = np.asarray(real_array(values, "values", ndim=1))
    threshold = real_number(threshold, "threshold")
    if lam.shape != v.shape or lam.size < 2 or np.any(np.diff(lam) <= 0):
        raise ValueError("wavelengths must increase and match values in length (at least 2 samples)")
    peak = int(np.argmax(v))
    if v[peak] <= threshold:
        raise ValueError(f"no sample exceeds the threshold {threshold}")
    lo, hi = peak, peak
    while lo > 0 and v[lo - 1] > threshold:
        lo -= 1
    while hi < len(v) - 1 and v[hi + 1] > threshold:
        hi += 1
    if lo == 0 or hi == len(v) - 1:
        raise ValueError("the band reaches the end of the sampled range; sample wider")

    def cross(i, j):  # v[i] <= threshold < v[j]
        return float(lam[i] + (threshold - v[i]) * (lam[j] - lam[i]) / (v[j] - v[i]))

    return cross(lo - 1, lo), cross(hi + 1, hi)
