"""The chapter 6 checkers accept the reference solutions and reject wrong answers."""

import numpy as np

from helpers.check import taylor_test
from helpers.exercises import ch06, check


def test_solve_vjp():
    assert check("ch06.solve-vjp", ch06.solve_vjp_reference)
    wrong_sign = lambda A, b, x_bar: tuple(-t for t in ch06.solve_vjp_reference(A, b, x_bar))
    assert not check("ch06.solve-vjp", wrong_sign)
    no_transpose = lambda A, b, x_bar: (-np.outer(np.linalg.solve(A, x_bar), np.linalg.solve(A, b)),
                                        np.linalg.solve(A, x_bar))
    v = check("ch06.solve-vjp", no_transpose)
    assert not v and "b_bar" in v.message
    assert not check("ch06.solve-vjp", 3.0)
    assert check("ch06.solve-vjp", None).status == "unanswered"


def test_logdet_vjp():
    assert check("ch06.logdet-vjp", ch06.logdet_vjp_reference)
    assert not check("ch06.logdet-vjp", lambda A, y_bar: y_bar * A)


def test_fixed_point_vjp():
    assert check("ch06.fixed-point-vjp", ch06.fixed_point_vjp_reference)
    # unrolled-free but wrong: forgets the (I - DW)^{-T} factor
    assert not check("ch06.fixed-point-vjp", lambda th, x, x_bar: (1 - x**2) * x_bar)


def test_wirtinger():
    assert check("ch06.wirtinger", ch06.wirtinger_reference())
    assert not check("ch06.wirtinger", np.conj(ch06.wirtinger_reference()))


def test_taylor_detect_candidates():
    f, gs = ch06.taylor_candidates()
    x = np.random.default_rng(1).uniform(-1.5, 1.5, 5)
    passed = [taylor_test(f, g, x).passed for g in gs]
    assert passed == [True, False, True]
    assert check("ch06.taylor-detect", 1)
    assert not check("ch06.taylor-detect", 0)


def test_reference_rules_pass_taylor_and_dot_product_tests():
    from helpers.check import dot_product_test

    # fixed point: the forward (tangent) rule dx = (I - D W)^{-1} D dtheta vs the reference adjoint
    theta = ch06.FP_THETA
    x_star = ch06.fixed_point(theta)
    D = 1 - x_star**2
    M = np.eye(len(theta)) - D[:, None] * ch06.FP_W
    ok, mismatch = dot_product_test(lambda v: np.linalg.solve(M, D * v),
                                    lambda u: ch06.fixed_point_vjp_reference(theta, x_star, u),
                                    theta.shape, theta.shape)
    assert ok, mismatch
    c = np.random.default_rng(3).standard_normal(len(theta))
    res = taylor_test(lambda t: float(np.sum(np.sin(ch06.fixed_point(t)) * c)),
                      lambda t: ch06.fixed_point_vjp_reference(t, ch06.fixed_point(t), c * np.cos(ch06.fixed_point(t))),
                      theta, h=np.logspace(-1, -4, 8))
    assert res.passed, res.order
    # solve: Taylor test through b and through A
    A, b = ch06.SOLVE_A, ch06.SOLVE_B

    def loss(p):
        return float(np.sum(np.sin(np.linalg.solve(p[:16].reshape(4, 4), p[16:]))))

    def grad(p):
        x = np.linalg.solve(p[:16].reshape(4, 4), p[16:])
        A_bar, b_bar = ch06.solve_vjp_reference(p[:16].reshape(4, 4), p[16:], np.cos(x))
        return np.concatenate([A_bar.ravel(), b_bar])

    assert taylor_test(loss, grad, np.concatenate([A.ravel(), b]), h=np.logspace(-1, -4, 8)).passed
