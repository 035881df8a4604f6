"""Chapter 13: reference solutions, wrong answers, reference data."""

import itertools

import numpy as np

from helpers.exercises.ch13 import CHAIN_H, CHAIN_K, ENERGY_CHI, ENERGY_K, ENERGY_STEPS, MPS_CASES, TORUS_K


def torus_partition_function(K, bonds_per_pair=2):
    """Z of the 2x2 periodic Ising lattice by brute force: each neighbouring pair is joined by two
    bonds (directly and through the boundary)."""
    return float(sum(np.exp(K * bonds_per_pair * (a * b + c * d + a * c + b * d))
                     for a, b, c, d in itertools.product((-1, 1), repeat=4)))


def _jax():
    import helpers

    return helpers.jax_cpu()


def trg_energy(K=ENERGY_K, chi=ENERGY_CHI, n_steps=ENERGY_STEPS):
    jax = _jax()
    from helpers import trg

    return -float(jax.jvp(lambda k: trg.trg_lnz(k, chi, n_steps), (K,), (1.0,))[1])


def chain_magnetisation(h, K=CHAIN_K, freeze=False):
    jax = _jax()
    import jax.numpy as jnp

    from helpers.fixedpoint import fixed_point

    def step(v, h):
        T = jnp.array([[jnp.exp(K + h), jnp.exp(-K)], [jnp.exp(-K), jnp.exp(K - h)]])
        w = T @ v
        return w / jnp.linalg.norm(w)

    v = fixed_point(step, h, jnp.array([1.0, 1.0]) / np.sqrt(2))
    v = jax.lax.stop_gradient(v) if freeze else v
    return v[0] ** 2 - v[1] ** 2


def susceptibility(K=CHAIN_K, h=CHAIN_H):
    jax = _jax()
    return float(jax.grad(lambda hh: chain_magnetisation(hh, K))(h))


def susceptibility_exact(K=CHAIN_K, h=CHAIN_H):
    """d/dh of m = sinh h / sqrt(sinh^2 h + e^{-4K})."""
    q = np.exp(-4 * K)
    return float(np.cosh(h) * q / (np.sinh(h) ** 2 + q) ** 1.5)


def transfer_matrix(A):
    A = np.asarray(A, dtype=float)
    D = A.shape[0]
    return np.einsum("asb,csd->acbd", A, A).reshape(D * D, D * D)


def _energy_onsager():
    from helpers.trg import onsager_energy

    return onsager_energy(ENERGY_K)


_U = trg_energy()
_CHI = susceptibility()

SOLUTIONS = {
    "ch13.torus-2x2": torus_partition_function(TORUS_K),
    "ch13.energy-forward": _U,
    "ch13.susceptibility": _CHI,
    "ch13.transfer-matrix": transfer_matrix,
}

WRONG = {
    "ch13.torus-2x2": [
        torus_partition_function(TORUS_K, bonds_per_pair=1),        # each pair counted once
        np.log(torus_partition_function(TORUS_K)),                  # ln Z instead of Z
        torus_partition_function(TORUS_K) / 16,                     # divided by the number of configurations
        2 ** 4 * np.cosh(TORUS_K) ** 8,                              # high-temperature leading term only
    ],
    "ch13.energy-forward": [
        _energy_onsager(),                          # Onsager's energy, not the TRG's
        -_U,                                        # sign of u = -d(ln Z/N)/dK
        trg_energy(chi=4),                          # another bond dimension
        _U * (1 + 1e-5),                            # a finite difference with a large step
    ],
    "ch13.susceptibility": [
        0.0,                                        # stop_gradient on v*: no explicit dependence on h
        float(chain_magnetisation(CHAIN_H)),        # m instead of dm/dh
        susceptibility(K=1.0),                      # another coupling
        _CHI / 2,                                   # derivative with respect to 2h
    ],
    "ch13.transfer-matrix": [
        lambda A: transfer_matrix(A).T,                                                     # transposed
        lambda A: np.einsum("asb,csd->abcd", A, A).reshape(A.shape[0] ** 2, -1),           # (a b),(a' b') grouping
        lambda A: np.einsum("ab,cd->acbd", A[:, 0], A[:, 0]).reshape(A.shape[0] ** 2, -1),  # spin up only
        lambda A: np.kron(A.sum(axis=1), A.sum(axis=1)),                                    # sum before the product
    ],
}

REFERENCES = {
    "ch13.torus-2x2": lambda: torus_partition_function(TORUS_K),
    "ch13.energy-forward": trg_energy,
    "ch13.susceptibility": susceptibility,
    "ch13.transfer-matrix": lambda: [transfer_matrix(A) for A in MPS_CASES],
}
