"""Tests of helpers.dual (forward mode with dual numbers)."""


import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from helpers import dual as D
from helpers.dual import Dual

import jax

import jax.numpy as jnp


def test_taylor_rule_for_products_and_quotients():
    a, b = Dual(2.0, [1.0, 0.0]), Dual(3.0, [0.0, 1.0])
    p = a * b / (a + b)
    assert p.value == pytest.approx(6 / 5)
    np.testing.assert_allclose(p.partials, [b.value ** 2 / 25, a.value ** 2 / 25])


def test_epsilon_squared_vanishes():
    e = Dual(0.0, [1.0])
    assert (e * e).value == 0.0 and (e * e).partials[0] == 0.0


def test_derivative_of_elementary_functions():
    x = 0.37
    cases = {D.sin: np.cos(x), D.cos: -np.sin(x), D.tan: 1 / np.cos(x) ** 2, D.exp: np.exp(x),
             D.log: 1 / x, D.sqrt: 0.5 / np.sqrt(x), D.tanh: 1 - np.tanh(x) ** 2,
             D.sinh: np.cosh(x), D.cosh: np.sinh(x), D.arctan: 1 / (1 + x * x), D.abs: 1.0}
    for f, d in cases.items():
        assert D.derivative(f, x) == pytest.approx(d, rel=1e-14), f.__name__
    assert D.derivative(D.abs, -x) == -1.0


def test_elementwise_derivative_on_arrays_and_numpy_dispatch():
    x = np.linspace(0.1, 2.0, 5)
    np.testing.assert_allclose(D.derivative(np.sin, x), np.cos(x), rtol=1e-15)
    np.testing.assert_allclose(D.derivative(lambda x: x ** 2.5 + 2.0 ** x, x),
                               2.5 * x ** 1.5 + np.log(2) * 2.0 ** x, rtol=1e-14)


def test_broadcasting_with_arrays():
    M = np.arange(6.0).reshape(2, 3)
    x = np.array([1.0, 2.0, 3.0])
    J = D.jacobian(lambda x: M * x + x / M.clip(1), x)       # (2, 3) output, (3,) input
    assert J.shape == (2, 3, 3)
    np.testing.assert_allclose(J[1], np.diag(M[1] + 1 / M[1].clip(1)))


def test_control_flow():
    def f(x):
        y = 1.0
        for _ in range(3):
            y = y * x if x > 0 else y - x
        return y
    assert D.derivative(f, 1.5) == pytest.approx(3 * 1.5 ** 2)
    assert D.derivative(f, -1.5) == -3.0


def test_jvp_and_jacobian_column_by_column():
    A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, -1.0]])
    f = lambda x: D.tanh(A @ x) * D.sum(x * x)            # noqa: E731
    x = np.array([0.2, -0.3])
    J = D.jacobian(f, x)
    np.testing.assert_allclose(J, D.jacobian(f, x, at_once=False), rtol=1e-15)
    ref = np.asarray(jax.jacfwd(lambda x: jnp.tanh(jnp.asarray(A) @ x) * jnp.sum(x * x))(x))
    np.testing.assert_allclose(J, ref, rtol=1e-13)
    v = np.array([0.5, 2.0])
    y, Jv = D.jvp(f, x, v)
    np.testing.assert_allclose(Jv, J @ v, rtol=1e-13)
    with pytest.raises(ValueError, match="shape"):
        D.jvp(f, x, np.ones(3))


def test_indexing_where_maximum_sum_dot():
    x = np.array([0.5, -1.0, 2.0])
    f = lambda x: D.sum(D.where(x > 0, x ** 2, -x)) + D.maximum(x, 0.0)[2] + D.dot(x, x[::-1])  # noqa
    g = D.jacobian(f, x)
    np.testing.assert_allclose(g, [2 * 0.5 + 2 * 2.0, -1 + 2 * -1.0, 2 * 2.0 + 1 + 2 * 0.5])


def test_hessian_by_nesting():
    A = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, -0.3], [0.0, -0.3, 4.0]])
    f = lambda x: 0.5 * D.dot(x, D.matmul(A, x)) + D.sum(D.sin(x)) * x[0]   # noqa: E731
    x = np.array([0.3, 0.2, -0.7])
    ref = np.asarray(jax.hessian(lambda x: 0.5 * x @ (A @ x) + jnp.sum(jnp.sin(x)) * x[0])(x))
    np.testing.assert_allclose(D.hessian(f, x), ref, rtol=1e-13)
    assert D.hessian(lambda x: 3.0, x).shape == (3, 3)


def test_dual_of_duals_second_derivative_by_hand():
    x = 0.8
    inner = Dual(x, [1.0])
    X = Dual(inner, Dual(np.array([1.0]), np.zeros((1, 1))))
    y = D.sin(X) * X
    assert y.partials.partials[0, 0] == pytest.approx(2 * np.cos(x) - x * np.sin(x), rel=1e-14)


def test_shape_manipulation_and_matmul():
    rng = np.random.default_rng(0)
    B = rng.standard_normal((3, 2))
    x = rng.standard_normal((2, 3))
    f = lambda x: D.sum((x @ B).T.reshape(4) * np.arange(4.0)) + D.sum(x.T @ x, axis=0)[1]  # noqa
    jf = lambda x: jnp.sum((x @ B).T.reshape(4) * jnp.arange(4.0)) + jnp.sum(x.T @ x, axis=0)[1]  # noqa
    np.testing.assert_allclose(D.jacobian(f, x), np.asarray(jax.grad(jf)(x)), rtol=1e-13)


def test_errors_name_the_operation():
    d = Dual(np.eye(2), np.zeros((2, 2, 1)))
    with pytest.raises(TypeError, match=r"numpy\.linalg\.svd.*supported numpy functions"):
        np.linalg.svd(d)
    with pytest.raises(TypeError, match=r"numpy\.arcsin"):
        np.arcsin(d)
    with pytest.raises(TypeError, match=r"sin: cannot take a str"):
        D.sin("x")
    with pytest.raises(TypeError, match=r"\*: cannot take a str"):
        Dual(1.0, [1.0]) * "a"
    with pytest.raises(ValueError, match="partials must have shape"):
        Dual(np.ones(3), np.ones(2))
    with pytest.raises(TypeError, match="perturbation confusion"):
        D.derivative(lambda x: D.derivative(lambda y: x * y, x), 1.0)


_FUNS = ["sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "arctan", "abs"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(_FUNS), min_size=1, max_size=4), st.floats(0.05, 1.2))
def test_compositions_match_jax(names, x):
    """Chains of elementary functions, squashed into (0.05, 1.2) between steps to stay in domain."""
    def make(M):
        def f(x):
            for n in names:
                x = 0.05 + 1.1 / (1 + M.exp(-getattr(M, n)(x)))   # squash into (0.05, 1.15)
            return x
        return f
    ref = float(jax.grad(make(jnp))(x))
    assert D.derivative(make(D), x) == pytest.approx(ref, rel=1e-10, abs=1e-14)
    ref2 = float(jax.grad(jax.grad(make(jnp)))(x))
    assert D.hessian(make(D), np.array([x]))[0, 0] == pytest.approx(ref2, rel=1e-9, abs=1e-12)
