"""Chapter 4's checkers: behaviour specific to these exercises (the generic standard is tested
for every exercise in test_checker_standard.py)."""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers import tape as T  # noqa: E402
from helpers.exercises import check  # noqa: E402
from helpers.exercises.ch04 import heat_cases, heat_step, random_graph  # noqa: E402
from instructor.solutions import ch04 as S  # noqa: E402


def test_topo_backward_names_the_recursive_bug_and_the_graph():
    v = check("ch04.topo-backward", S._recursive)
    assert not v and "random graph 0" in v.message


def test_heat_step_reference_matches_the_tape_and_the_transpose_matters():
    for u, r, ub in heat_cases():
        _, pb = T.vjp(lambda p: T.concatenate([p[0][:1], p[0][1:-1] + p[1] * (p[0][2:] - 2 * p[0][1:-1] + p[0][:-2]),
                                                p[0][-1:]]), (u, r))
        ref = S.heat_step_vjp(u, r, ub)
        for a, b in zip(pb(ub), ref):
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-14)
        np.testing.assert_allclose(heat_step(u, r)[1:-1], u[1:-1] + r * (u[2:] - 2 * u[1:-1] + u[:-2]))
        # S is not symmetric: applying the step to u_bar is a different vector
        assert np.max(np.abs(S._heat_not_transposed(u, r, ub)[0] - ref[0])) > 1e-2


def test_heat_step_messages_say_which_adjoint_is_wrong():
    v = check("ch04.heat-step-vjp", S._heat_r_from_new_state)
    assert not v and "r_bar" in v.message
    v = check("ch04.heat-step-vjp", lambda u, r, ub: ub)
    assert v.status == "wrong" and "pair (u_bar, r_bar)" in v.message
    v = check("ch04.heat-step-vjp", lambda u, r, ub: None)
    assert v.status == "wrong" and "return statement" in v.message
    v = check("ch04.heat-step-vjp", lambda u, r, ub: (S.heat_step_vjp(u, r, ub)[0] + 1e-3j,
                                                      S.heat_step_vjp(u, r, ub)[1]))
    assert v.status == "wrong" and "real array" in v.message          # complex is refused, not cast


def test_random_graphs_have_fan_out():
    nodes = random_graph(0)
    uses = {}
    for n in nodes:
        for p, _ in n.parents:
            uses[id(p)] = uses.get(id(p), 0) + 1
    assert max(uses.values()) >= 3
