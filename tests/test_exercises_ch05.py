"""The chapter 5 checkers accept the reference solutions and reject wrong answers."""


import numpy as np

import helpers
from helpers.exercises import ch05, check

jax = helpers.jax_cpu()
import jax.numpy as jnp


def test_hessian():
    H = jax.hessian(lambda x: ch05.hessian_f(x, jnp))(jnp.asarray(ch05.HESSIAN_X))
    assert check("ch05.hessian", np.asarray(H))
    assert not check("ch05.hessian", 2 * np.asarray(H))
    assert not check("ch05.hessian", np.zeros(3))


def test_per_example():
    def loss(w, x, y):
        return (jnp.tanh(x @ w) - y) ** 2

    G = jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))(jnp.asarray(ch05.PER_EXAMPLE_W),
                                                        jnp.asarray(ch05.PER_EXAMPLE_X),
                                                        jnp.asarray(ch05.PER_EXAMPLE_Y))
    assert check("ch05.per-example-grads", np.asarray(G))
    assert not check("ch05.per-example-grads", np.asarray(G).sum(axis=0))


def test_logsumexp_vjp():
    assert check("ch05.logsumexp-vjp", ch05.logsumexp_vjp_reference)
    assert not check("ch05.logsumexp-vjp", lambda x, y_bar: y_bar * np.exp(x))
    assert not check("ch05.logsumexp-vjp", "softmax")


def test_jit_safe():
    assert check("ch05.jit-safe", lambda x: jnp.where(x > 1.0, x**2, 2.0 * x - 1.0))
    v = check("ch05.jit-safe", ch05.branchy)
    assert not v and "jnp.where" in v.message
    assert not check("ch05.jit-safe", lambda x: jnp.where(x >= 0.0, x**2, 2.0 * x - 1.0))

    def todo(x):
        raise NotImplementedError

    assert check("ch05.jit-safe", todo).status == "unanswered"
