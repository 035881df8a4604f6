"""Chapter 6: reference solutions, wrong answers, reference data."""

import numpy as np

from helpers.check import taylor_test
from helpers.exercises.ch06 import (FP_C, FP_W, WIRTINGER_Z, chain_hamiltonian, hf_cases, taylor_candidates,
                                    taylor_point)


# --------------------------------------------------------------------------- solutions
def inverse_vjp(A, Y_bar):
    Y = np.linalg.inv(A)
    return -Y.T @ Y_bar @ Y.T


def logdet_vjp(A, y_bar):
    return y_bar * np.linalg.inv(A).T


def energy_gradient(eps, t):
    E, V = np.linalg.eigh(chain_hamiltonian(eps, t))
    psi = V[:, 0]
    return psi**2, -2 * psi[:-1] * psi[1:]


def fixed_point_vjp(theta, x_star, x_bar):
    t = np.tanh(FP_W @ x_star + FP_C)
    D = theta * (1 - t**2)                          # d_x g = diag(D) W
    lam = np.linalg.solve((np.eye(len(theta)) - D[:, None] * FP_W).T, x_bar)
    return t * lam                                  # d_theta g = diag(t)


def _fp_parts(theta, x_star):
    t = np.tanh(FP_W @ x_star + FP_C)
    return t, theta * (1 - t**2)


def wirtinger(z=WIRTINGER_Z):
    return 2 * abs(z) ** 2 * z + 1.5 * np.conj(z) ** 2


def taylor_detect():
    f, gs = taylor_candidates()
    x = taylor_point()
    return [i for i, g in enumerate(gs) if not taylor_test(f, g, x).passed]


# --------------------------------------------------------------------------- wrong answers
def _hf(kind):
    def fn(eps, t):
        E, V = np.linalg.eigh(chain_hamiltonian(eps, t))
        psi = {"row": V[0], "top": V[:, -1]}.get(kind, V[:, 0])
        if kind == "no-two":
            return psi**2, -psi[:-1] * psi[1:]
        if kind == "sign":
            return psi**2, 2 * psi[:-1] * psi[1:]
        return psi**2, -2 * psi[:-1] * psi[1:]
    return fn


SOLUTIONS = {
    "ch06.inverse-vjp": inverse_vjp,
    "ch06.logdet-vjp": logdet_vjp,
    "ch06.hellmann-feynman": energy_gradient,
    "ch06.fixed-point-vjp": fixed_point_vjp,
    "ch06.wirtinger": wirtinger(),
    "ch06.taylor-detect": [1, 3],
}

WRONG = {
    "ch06.inverse-vjp": [
        lambda A, Y_bar: -np.linalg.inv(A) @ Y_bar @ np.linalg.inv(A),                   # no transposes
        lambda A, Y_bar: np.linalg.inv(A).T @ Y_bar @ np.linalg.inv(A).T,                # sign
        lambda A, Y_bar: -np.linalg.inv(A).T @ Y_bar.T @ np.linalg.inv(A).T,              # Y_bar transposed
        lambda A, Y_bar: -Y_bar @ np.linalg.inv(A).T @ np.linalg.inv(A).T,                # order of factors
    ],
    "ch06.logdet-vjp": [
        lambda A, y_bar: y_bar * np.linalg.inv(A),                                       # forgotten transpose
        lambda A, y_bar: y_bar * A,
        lambda A, y_bar: y_bar * np.linalg.det(A) * np.linalg.inv(A).T,                  # d det, not d log det
        lambda A, y_bar: np.linalg.inv(A).T,                                             # forgets y_bar
    ],
    "ch06.hellmann-feynman": [_hf("row"), _hf("top"), _hf("no-two"), _hf("sign")],
    "ch06.fixed-point-vjp": [
        lambda th, x, x_bar: _fp_parts(th, x)[0] * x_bar,                                 # drops the solve
        lambda th, x, x_bar: _fp_parts(th, x)[0] * np.linalg.solve(
            np.eye(len(th)) - _fp_parts(th, x)[1][:, None] * FP_W, x_bar),               # no transpose
        lambda th, x, x_bar: _fp_parts(th, x)[0] * np.linalg.solve(
            (np.eye(len(th)) - (1 - _fp_parts(th, x)[0] ** 2)[:, None] * FP_W).T, x_bar),  # forgets theta in d_x g
        lambda th, x, x_bar: (1 - x**2) * np.linalg.solve((np.eye(len(th)) - (1 - x**2)[:, None] * FP_W).T,
                                                          x_bar),                         # the chapter's map instead
        lambda th, x, x_bar: fixed_point_vjp(th, x, x_bar) + 1e-3j,                     # complex, not real
    ],
    "ch06.wirtinger": [
        np.conj(wirtinger()),                                                            # df/dz
        2 * np.conj(wirtinger()),                                                        # JAX's f_x - i f_y
        2 * wirtinger(),                                                                 # the ascent direction
        2 * abs(WIRTINGER_Z) ** 2 * WIRTINGER_Z,                                          # forgets Re z^3
    ],
    "ch06.taylor-detect": [[1], [3], [0, 2], [1, 2, 3], [True, 3]],
}

REFERENCES = {
    "ch06.hellmann-feynman": lambda: [energy_gradient(e, t) for e, t in hf_cases()],
    "ch06.wirtinger": wirtinger,
    "ch06.taylor-detect": lambda: np.array(taylor_detect()),
}
