"""Chapter 6's checkers: behaviour specific to these exercises (the generic standard is tested
for every exercise in test_checker_standard.py), in particular that the test data tells a
forgotten transpose from the right answer."""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers.check import dot_product_test, taylor_test  # noqa: E402
from helpers.exercises import ch06, check  # noqa: E402
from instructor.solutions import ch06 as S  # noqa: E402


def test_test_matrices_are_not_symmetric():
    for A in (*ch06.INVERSE_CASES, *ch06.LOGDET_CASES):
        assert np.max(np.abs(A - A.T)) > 0.5
        assert np.max(np.abs(np.linalg.inv(A) - np.linalg.inv(A).T)) > 0.05
    assert np.max(np.abs(ch06.FP_W - ch06.FP_W.T)) > 0.3


def test_forgotten_transposes_are_rejected():
    v = check("ch06.logdet-vjp", lambda A, y_bar: y_bar * np.linalg.inv(A))
    assert not v and "non-symmetric matrix 1" in v.message
    assert not check("ch06.inverse-vjp", lambda A, Y_bar: -np.linalg.inv(A) @ Y_bar @ np.linalg.inv(A))
    assert not check("ch06.fixed-point-vjp", S.WRONG["ch06.fixed-point-vjp"][1])
    v = check("ch06.hellmann-feynman", S.WRONG["ch06.hellmann-feynman"][0])     # rows instead of columns
    assert not v


def test_wirtinger_message_is_plain_and_refuses_text():
    v = check("ch06.wirtinger", np.conj(S.wirtinger()))
    assert not v and "d(conj z)" in v.message and "\u0304" not in v.message   # no combining overline
    assert not check("ch06.wirtinger", str(S.wirtinger()))
    assert check("ch06.wirtinger", S.wirtinger())


def test_taylor_detect_is_discrete_and_order_free():
    assert check("ch06.taylor-detect", [3, 1])
    for wrong in ([1], [0, 1], 1.5, [1.0, 3.5]):
        v = check("ch06.taylor-detect", wrong)
        assert not v and "times" not in v.message
    f, gs = ch06.taylor_candidates()
    passed = [taylor_test(f, g, ch06.taylor_point()).passed for g in gs]
    assert passed == [True, False, True, False, True]


def test_reference_rules_are_consistent_with_their_forward_rules():
    # inverse: dY = -Y dA Y against the reference backward rule, by the dot-product test
    for A in ch06.INVERSE_CASES:
        n = A.shape[0]
        Y = np.linalg.inv(A)
        ok, mismatch = dot_product_test(lambda v: (-Y @ v.reshape(n, n) @ Y).ravel(),
                                        lambda u: S.inverse_vjp(A, u.reshape(n, n)).ravel(), (n * n,), (n * n,))
        assert ok, mismatch
    # fixed point: the tangent rule dx = (I - D W)^-1 diag(t) dtheta against the reference adjoint
    for theta in ch06.FP_THETAS:
        x = ch06.fixed_point(theta)
        assert np.allclose(x, theta * np.tanh(ch06.FP_W @ x + ch06.FP_C), atol=1e-14)
        t = np.tanh(ch06.FP_W @ x + ch06.FP_C)
        M = np.eye(5) - (theta * (1 - t**2))[:, None] * ch06.FP_W
        ok, mismatch = dot_product_test(lambda v: np.linalg.solve(M, t * v),
                                        lambda u: S.fixed_point_vjp(theta, x, u), (5,), (5,))
        assert ok, mismatch
    # Hellmann-Feynman against finite differences of the lowest eigenvalue
    eps, t = ch06.hf_cases()[0]
    h = 1e-6
    d_eps, d_t = S.energy_gradient(eps, t)
    e1 = np.zeros_like(eps)
    e1[2] = h
    fd = (np.linalg.eigvalsh(ch06.chain_hamiltonian(eps + e1, t))[0]
          - np.linalg.eigvalsh(ch06.chain_hamiltonian(eps - e1, t))[0]) / (2 * h)
    assert abs(fd - d_eps[2]) < 1e-8


def test_fixed_point_and_taylor_checkers_refuse_complex_and_booleans():
    from instructor.solutions import ch06 as S6

    v = check("ch06.fixed-point-vjp", lambda th, x, xb: S6.fixed_point_vjp(th, x, xb) + 1e-3j)
    assert v.status == "wrong" and "complex" in v.message            # not cast to its real part
    v = check("ch06.taylor-detect", [True, 3])
    assert v.status == "wrong" and "boolean" in v.message
    assert check("ch06.taylor-detect", [3, 1]).correct                # the order does not matter
