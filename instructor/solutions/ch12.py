"""Chapter 12: reference solutions, wrong answers, reference data."""

import math

import numpy as np

from helpers.exercises.ch12 import DEDZ_BASIS, H2PLUS_NUCLEI, VIRIAL_BASIS


def _jax():
    import helpers

    return helpers.jax_cpu()


def _lbfgs(value_and_grad, x0, gtol=1e-10):
    import jax.numpy as jnp
    from scipy.optimize import minimize

    res = minimize(lambda x: [np.asarray(v, dtype=float) for v in value_and_grad(jnp.asarray(x))],
                   np.asarray(x0, dtype=float), jac=True, method="L-BFGS-B", options=dict(gtol=gtol, maxiter=2000))
    return res.x, float(res.fun)


def ion_energy(alpha, Z=2.0):
    """One normalised s Gaussian in the field of a nucleus of charge Z."""
    return 1.5 * alpha - 2 * Z * math.sqrt(2 * alpha / math.pi)


def ion_optimum(Z=2.0):
    from scipy.optimize import minimize_scalar

    res = minimize_scalar(lambda la: ion_energy(math.exp(la), Z), bracket=(-2.0, 2.0), tol=1e-12)
    return float(res.fun)


def _expectations(alpha):
    """(lowest eigenvalue, <T>, <V>) of hydrogen in s Gaussians at the origin."""
    _jax()
    import jax.numpy as jnp

    from helpers import gaussians as gs

    a = jnp.asarray(alpha)
    c0 = jnp.zeros((a.shape[0], 3))
    S = gs.overlap_matrix(a, c0)
    T = gs.kinetic_matrix(a, c0)
    V = gs.nuclear_matrix(a, c0, np.zeros((1, 3)), [1.0])
    eps, C = gs.generalized_eigh(T + V, S)
    c = C[:, 0]
    return float(eps[0]), float(c @ T @ c), float(c @ V @ c)


def virial_scale_fixed_coefficients(basis=VIRIAL_BASIS):
    """The first estimate -<V>/(2<T>) (coefficients held fixed)."""
    from helpers.gaussians import even_tempered

    _, T, V = _expectations(even_tempered(*basis))
    return -V / (2 * T)


def virial_scale(basis=VIRIAL_BASIS):
    """The scale factor lambda that minimises the lowest eigenvalue of the basis with exponents
    alpha_k * lambda^2 (coefficients re-optimised)."""
    from scipy.optimize import minimize_scalar

    from helpers.gaussians import even_tempered

    alpha = even_tempered(*basis)
    res = minimize_scalar(lambda ll: _expectations(alpha * np.exp(2 * ll))[0], bracket=(-0.3, 0.3),
                          tol=1e-12)
    return float(np.exp(res.x))


def de_dz(Z=2.0, basis=DEDZ_BASIS):
    jax = _jax()
    import jax.numpy as jnp

    from helpers.gaussians import even_tempered, scf_energy_implicit

    a = jnp.asarray(even_tempered(*basis))
    f = lambda z: scf_energy_implicit(a, jnp.zeros((a.shape[0], 3)), np.zeros((1, 3)), jnp.reshape(z, (1,)))  # noqa: E731
    return float(jax.grad(f)(Z)), float(f(Z))


def h2plus_solution(free_centres=True):
    jax = _jax()
    import jax.numpy as jnp

    from helpers.gaussians import one_electron_energy

    def energy(p):
        z = p[4:] if free_centres else jnp.array([-1.0, -1.0, 1.0, 1.0])
        centres = jnp.zeros((4, 3)).at[:, 2].set(z)
        return one_electron_energy(jnp.exp(p[:4]), centres, H2PLUS_NUCLEI, [1.0, 1.0])

    x0 = np.r_[np.log([0.2, 1.3, 0.2, 1.3]), -1.0, -1.0, 1.0, 1.0]
    x, e = _lbfgs(jax.jit(jax.value_and_grad(energy)), x0)
    if not free_centres:
        x[4:] = [-1.0, -1.0, 1.0, 1.0]
    return x, e


_DEDZ, _E_HE = de_dz()
_H2PLUS, _E_H2PLUS = h2plus_solution()
_H2PLUS_PINNED, _ = h2plus_solution(free_centres=False)
_SCALE = virial_scale()

SOLUTIONS = {
    "ch12.ion-single-gaussian": ion_optimum(),
    "ch12.virial-scale": _SCALE,
    "ch12.de-dz": _DEDZ,
    "ch12.h2plus-centres": _H2PLUS,
}

WRONG = {
    "ch12.ion-single-gaussian": [
        -4 / (3 * math.pi),                                  # the hydrogen value (Z = 1)
        -8 / (3 * math.pi),                                  # energies taken linear in Z
        ion_energy(8 / (9 * math.pi), Z=2.0),                # hydrogen's exponent, not re-optimised
        -2.0,                                                # the exact He+ energy, not the one-Gaussian one
    ],
    "ch12.virial-scale": [
        2.0,                                                 # the virial ratio of an optimal basis, typed
        1.0,                                                 # "the basis is already optimal"
        virial_scale_fixed_coefficients(),                   # the first estimate, coefficients frozen
        _SCALE**2,                                           # the factor on the exponents, not on lengths
        2 * virial_scale_fixed_coefficients(),               # -<V>/<T> instead of -<V>/(2<T>)
    ],
    "ch12.de-dz": [
        -_DEDZ,                                              # sign
        _E_HE,                                               # the energy instead of its derivative
        2 * _DEDZ,                                           # <V_ne> = Z dE/dZ instead of dE/dZ
        de_dz(Z=1.0)[0],                                     # at the wrong charge
    ],
    "ch12.h2plus-centres": [
        np.r_[np.log([0.2, 1.3, 0.2, 1.3]), -1.0, -1.0, 1.0, 1.0],   # the starting point, not optimised
        _H2PLUS_PINNED,                                              # exponents optimised, centres pinned
        np.r_[np.exp(_H2PLUS[:4]), _H2PLUS[4:]],                     # exponents stored instead of their logs
        np.r_[_H2PLUS[:4], 0.529177 * _H2PLUS[4:]],                  # centres converted to angstrom
    ],
}

REFERENCES = {
    "ch12.ion-single-gaussian": ion_optimum,
    "ch12.virial-scale": virial_scale,
    "ch12.de-dz": lambda: de_dz()[0],
    "ch12.h2plus-centres": lambda: h2plus_solution()[1],
}
