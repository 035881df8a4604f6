"""Chapter 9 checkers: the learner's routes pass, the bounded-potential referee says what is wrong,
and the reference data obeys the physics (sum rules, a dense eigensolver for the box energy)."""

import jax
import jax.numpy as jnp
import numpy as np

from helpers import schrodinger1d as s1d
from helpers.eigen import lowest_eigenpair
from helpers.exercises import check, reference
from helpers.exercises.ch09 import inverse_cases


def test_box_energy_reference_by_a_dense_eigensolver():
    x, h = s1d.grid(100)
    H = (np.diag(x**2 + 1 / h**2) + np.diag(np.full(99, -0.5 / h**2), 1) + np.diag(np.full(99, -0.5 / h**2), -1))
    E0 = np.linalg.eigvalsh(H)[0]
    assert abs(reference("ch09.box-energy") - E0) < 1e-10
    assert check("ch09.box-energy", E0)
    # the walls raise the energy far above the oscillator's omega/2, and first-order perturbation
    # theory from the empty box, pi^2/8 + <x^2>, is within 0.3 %
    assert E0 > 1.9 * np.sqrt(2) / 2
    assert abs(np.pi**2 / 8 + 1 / 3 - 2 / np.pi**2 - E0) < 3e-3 * E0
    # the chapter's printed N = 500 value is only close
    v = check("ch09.box-energy", s1d.ground_state(s1d.grid(500)[0] ** 2)[0])
    assert v.status == "wrong" and "close" in v.message


def test_response_by_jax_and_sum_rules():
    x, h = s1d.grid(500)
    kinetic = (np.diag(np.full(500, 1 / h**2)) + np.diag(np.full(499, -0.5 / h**2), 1)
               + np.diag(np.full(499, -0.5 / h**2), -1))
    mean_x = lambda V: jnp.sum(jnp.asarray(x) * lowest_eigenpair(jnp.asarray(kinetic) + jnp.diag(V))[1] ** 2)  # noqa: E731
    answer = np.asarray(jax.grad(mean_x)(jnp.asarray(x**2 + 0.5 * x)))
    assert check("ch09.response", answer)
    ref = reference("ch09.response")
    assert abs(ref.sum()) < 1e-12 * np.abs(ref).sum()   # the gauge sum rule
    assert np.sum(x * ref) < 0                          # minus the polarizability


def test_inverse_general_cases_and_a_learner_route():
    cases = inverse_cases()
    assert len(cases) == 2 and all(np.all(c > 0) and abs(c.sum() - 1) < 1e-12 for c in cases)
    assert not np.allclose(cases[0], cases[0][::-1])    # not symmetric

    def invert(rho):  # written from the general Hamiltonian, matrix row by matrix row
        n = len(rho)
        hh = 3.0 / (n + 1)
        phi = np.sqrt(rho)
        T = (np.diag(np.full(n, 1.0)) - 0.5 * np.diag(np.ones(n - 1), 1) - 0.5 * np.diag(np.ones(n - 1), -1)) / (2 * hh**2)
        return -(T @ phi) / phi

    assert check("ch09.inverse-general", invert)
    v = check("ch09.inverse-general", lambda rho: 2 * invert(rho))   # the mass forgotten
    assert not v and "constant factor" in v.message


def test_bounded_referee():
    x, _ = s1d.grid(500)
    v = check("ch09.bounded", np.full(500, 60.0))
    assert not v and "allowed range" in v.message
    v = check("ch09.bounded", np.clip(x**2, 0, 50))
    assert not v and "L1 distance" in v.message
    v = check("ch09.bounded", np.zeros(499))
    assert not v and "vector of 500 numbers" in v.message
    assert check("ch09.bounded", None).status == "unanswered"
