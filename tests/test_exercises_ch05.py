"""Chapter 5's checkers: behaviour specific to these exercises (the generic standard is tested
for every exercise in test_checker_standard.py)."""

import sys
from pathlib import Path

import numpy as np

import helpers

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
jax = helpers.jax_cpu()
import jax.numpy as jnp  # noqa: E402

from helpers.exercises import ch05, check  # noqa: E402
from instructor.solutions import ch05 as S  # noqa: E402


def test_normal_modes_reference_is_the_hessian_of_the_chain():
    for m in ch05.MASS_CASES:
        np.testing.assert_allclose(S.frequencies(m), S._frequencies_by_hand(m), rtol=1e-12)
    # equal unit masses: omega_k = 2 sin(k pi / (2 (N + 1)))
    k = np.arange(1, 9)
    np.testing.assert_allclose(S.frequencies(np.ones(8)), 2 * np.sin(k * np.pi / 18), rtol=1e-12)


def test_per_example_reference_matches_vmap_of_grad():
    def loss(w, x, y):
        return (jnp.tanh(x @ w) - y) ** 2

    G = jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))(jnp.asarray(ch05.PER_EXAMPLE_W),
                                                        jnp.asarray(ch05.PER_EXAMPLE_X),
                                                        jnp.asarray(ch05.PER_EXAMPLE_Y))
    assert check("ch05.per-example-grads", np.asarray(G))
    v = check("ch05.per-example-grads", np.asarray(G).T)
    assert not v and "transpose" in v.message


def test_logsumexp_overflow_is_named():
    v = check("ch05.logsumexp-vjp", lambda x, y_bar: y_bar * np.exp(x) / np.exp(x).sum())
    assert not v and "800" in v.message


def test_jit_safe_names_the_python_if_without_giving_the_solution():
    v = check("ch05.jit-safe", ch05.branchy)
    assert not v and "Python if" in v.message and "jnp.where" not in v.message.split("Hint 1")[0]


def test_linear_response_matches_automatic_differentiation_and_catches_rows():
    n = 7
    x = np.linspace(-2, 2, n)
    T = (np.eye(n) - 0.5 * np.eye(n, k=1) - 0.5 * np.eye(n, k=-1)) / (x[1] - x[0]) ** 2
    V = 0.5 * x**2 + 0.3 * x

    def density(V):
        return jnp.linalg.eigh(jnp.asarray(T) + jnp.diag(V))[1][:, 0] ** 2

    chi = np.asarray(jax.jacfwd(density)(jnp.asarray(V)))
    E, psi = np.linalg.eigh(T + np.diag(V))
    np.testing.assert_allclose(S.response(E, psi), chi, rtol=1e-9, atol=1e-12)
    E, psi = ch05.response_cases()[0]
    assert np.max(np.abs(S._response_rows(E, psi) - S.response(E, psi))) > 1e-2


def test_jit_safe_names_a_wrong_branch_without_a_misleading_diagnosis():
    import jax.numpy as jnp

    for wrong in (lambda x: jnp.where(x > 1.0, x**2, 2.0 * x + 1.0),      # wrong branch formula
                  lambda x: jnp.where(x > 0.5, x**2, 2.0 * x - 1.0)):     # wrong threshold
        v = check("ch05.jit-safe", wrong)
        assert v.status == "wrong" and "ch05.branchy" in v.message
        assert "constant factor" not in v.message and "accurate" not in v.message
    v = check("ch05.jit-safe", lambda x: np.where(x > 1.0, x**2, 2.0 * x - 1.0))
    assert v.status == "wrong" and "jax.numpy" in v.message
