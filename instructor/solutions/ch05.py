"""Chapter 5: reference solutions, wrong answers, reference data."""

import numpy as np

import helpers
from helpers.exercises.ch05 import (MASS_CASES, PER_EXAMPLE_W, PER_EXAMPLE_X, PER_EXAMPLE_Y,
                                    response_cases)

N_CHAIN = 8
DIFF = np.eye(N_CHAIN + 1, N_CHAIN) - np.eye(N_CHAIN + 1, N_CHAIN, k=-1)


def fput_energy(u, m, alpha=0.25, beta=1.5):
    """The chapter's FPUT chain energy (fixed ends, unit springs)."""
    r = DIFF @ u
    return m.sum(r**2 / 2 + alpha * r**3 / 3 + beta * r**4 / 4)


def frequencies(masses):
    jax = helpers.jax_cpu()
    import jax.numpy as jnp

    H = np.asarray(jax.hessian(lambda u: fput_energy(u, jnp))(jnp.zeros(N_CHAIN)))
    s = 1 / np.sqrt(np.asarray(masses, dtype=float))
    return np.sqrt(np.linalg.eigvalsh(s[:, None] * H * s[None, :]))


def _stiffness():
    return DIFF.T @ DIFF                     # the Hessian at rest, by hand: springs only


def _frequencies_by_hand(masses):
    s = 1 / np.sqrt(np.asarray(masses, dtype=float))
    return np.sqrt(np.linalg.eigvalsh(s[:, None] * _stiffness() * s[None, :]))


def per_example_reference():
    t = np.tanh(PER_EXAMPLE_X @ PER_EXAMPLE_W)
    return (2 * (t - PER_EXAMPLE_Y) * (1 - t**2))[:, None] * PER_EXAMPLE_X


def logsumexp_vjp(x, y_bar):
    e = np.exp(x - np.max(x))
    return y_bar * e / e.sum()


def branch_free(x):
    helpers.jax_cpu()
    import jax.numpy as jnp

    return jnp.where(x > 1.0, x**2, 2.0 * x - 1.0)


def response(E, psi):
    psi0, E0 = psi[:, 0], E[0]
    chi = np.zeros((len(E), len(E)))
    for n in range(1, len(E)):
        a = psi0 * psi[:, n]                   # psi_0i psi_ni
        chi += 2 * np.outer(a, a) / (E0 - E[n])
    return chi


# --------------------------------------------------------------------------- wrong answers
def _jnp():
    helpers.jax_cpu()
    import jax.numpy as jnp
    return jnp


def _response_rows(E, psi):                      # eigenvectors taken as rows
    return response(E, psi.T)


def _response_no_two(E, psi):
    return response(E, psi) / 2


def _response_sign(E, psi):                      # denominators E_n - E_0
    return -response(E, psi)


def _response_diagonal_only(E, psi):             # forgets psi_0j: psi_0i^2 psi_ni psi_nj
    chi = np.zeros((len(E), len(E)))
    for n in range(1, len(E)):
        chi += 2 * np.outer(psi[:, 0] ** 2 * psi[:, n], psi[:, n]) / (E[0] - E[n])
    return chi


SOLUTIONS = {
    "ch05.normal-modes": frequencies,
    "ch05.per-example-grads": per_example_reference(),
    "ch05.logsumexp-vjp": logsumexp_vjp,
    "ch05.jit-safe": branch_free,
    "ch05.linear-response": response,
}

WRONG = {
    "ch05.normal-modes": [
        lambda m: np.sqrt(np.linalg.eigvalsh(_stiffness())),                     # masses ignored
        lambda m: np.linalg.eigvalsh(np.diag(1 / np.sqrt(m)) @ _stiffness() @ np.diag(1 / np.sqrt(m))),  # omega^2
        lambda m: np.sort(np.sqrt(np.linalg.eigvalsh(_stiffness()) / m)),       # divides eigenvalues by masses
        lambda m: np.sqrt(np.linalg.eigvalsh(np.diag(np.sqrt(m)) @ _stiffness() @ np.diag(np.sqrt(m)))),  # M^(1/2)
    ],
    "ch05.per-example-grads": [
        per_example_reference().sum(axis=0),                                     # summed over examples
        per_example_reference().T,                                               # transposed
        per_example_reference() / 2,                                             # factor 2 lost
        (2 * (np.tanh(PER_EXAMPLE_X @ PER_EXAMPLE_W) - PER_EXAMPLE_Y)
         * (1 - np.tanh(PER_EXAMPLE_X @ PER_EXAMPLE_W) ** 2))[:, None] * PER_EXAMPLE_W[None, :],  # w.r.t. x
    ],
    "ch05.logsumexp-vjp": [
        lambda x, y_bar: y_bar * np.exp(x),                                      # not normalised
        lambda x, y_bar: np.exp(x) / np.exp(x).sum(),                            # forgets y_bar; overflows
        lambda x, y_bar: y_bar * np.exp(x) / np.exp(x).sum(),                    # overflows near 800
        lambda x, y_bar: y_bar * np.exp(-x) / np.exp(-x).sum(),                  # softmax of -x
    ],
    "ch05.jit-safe": [
        lambda x: 2.0 * x - 1.0 if x > 1.0 else x**2,                            # Python if: not traceable
        lambda x: _jnp().where(x > 1.0, 2.0 * x - 1.0, x**2),                     # branches swapped
        lambda x: _jnp().maximum(x**2, 2.0 * x - 1.0),                            # always x^2
        lambda x: _jnp().where(x >= 0.0, x**2, 2.0 * x - 1.0),                    # wrong threshold
        lambda x: np.where(x > 1.0, x**2, 2.0 * x - 1.0),                         # numpy on a tracer
    ],
    "ch05.linear-response": [_response_rows, _response_no_two, _response_sign, _response_diagonal_only],
}

REFERENCES = {
    "ch05.normal-modes": lambda: [_frequencies_by_hand(m) for m in MASS_CASES],
    "ch05.linear-response": lambda: [response(E, psi) for E, psi in response_cases()],
}
