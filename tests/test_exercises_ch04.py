"""The chapter 4 checkers accept the reference solutions and reject wrong answers helpfully."""

import numpy as np

from helpers.exercises import check
from helpers.exercises.ch04 import (normalize_vjp, reference_backward, stack_program_adjoints,
                                    unbroadcast)


def test_stack_program():
    assert check("ch04.stack-program", stack_program_adjoints)
    v = check("ch04.stack-program", lambda x, z: (np.exp(z * x), x * x * np.exp(z * x)))
    assert not v and "called with" in v.message


def test_topo_backward_accepts_reference_and_rejects_the_recursive_bug():
    assert check("ch04.topo-backward", reference_backward)

    def recursive(y):             # the classic bug: forwards a partial adjoint of a shared node
        y.grad = 1.0

        def go(node):
            for parent, d in node.parents:
                parent.grad += node.grad * d
                go(parent)
        go(y)

    v = check("ch04.topo-backward", recursive)
    assert not v and "topologically" in v.message
    assert check("ch04.topo-backward", None).status == "unanswered"


def test_backward_rule():
    assert check("ch04.backward-rule", normalize_vjp)
    v = check("ch04.backward-rule", lambda x, y_bar: y_bar / np.linalg.norm(x))
    assert not v


def test_unbroadcast():
    assert check("ch04.unbroadcast", unbroadcast)
    v = check("ch04.unbroadcast", lambda g, shape: np.broadcast_to(g.sum(axis=0), shape))
    assert not v
