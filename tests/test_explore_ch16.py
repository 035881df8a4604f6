"""Chapter 16's exploration: the budget against recomputation, time and memory follows the
checkpoint game and the time model."""

import pytest

from helpers.explorations.ch16 import SURVEYS, budget_costs, budget_explorer
from helpers.pebble import treeverse_steps

SEED = "the seed's 2D survey (T = 10^4)"


def test_costs_move_the_right_way_with_the_budget():
    ex = budget_explorer(vjp_cost=3.0, xla_fields=3.0)
    small, mid, big = (ex.update(delta=d) for d in (5, 25, 100))
    assert small["forward steps / T"] > mid["forward steps / T"] > big["forward steps / T"] > 1
    assert small["time / store-all"] > mid["time / store-all"] > big["time / store-all"] > 1
    assert small["memory (MB)"] < mid["memory (MB)"] < big["memory (MB)"]
    T = SURVEYS["this chapter (T = 290)"][0]
    assert mid["forward steps / T"] == treeverse_steps(T, 25) / T
    assert ex.update(delta=300)["forward steps / T"] == 1.0   # the budget covers every state: store-all


def test_time_depends_on_the_cost_of_a_vjp_and_memory_on_the_survey():
    ex = budget_explorer(vjp_cost=2.0)
    cheap_vjp = ex.update(delta=10, vjp_cost=1.0)["time / store-all"]
    dear_vjp = ex.update(delta=10, vjp_cost=8.0)["time / store-all"]
    assert cheap_vjp > dear_vjp > 1   # the T VJPs every schedule pays dilute the extra forward steps
    seed = ex.update(survey=SEED, delta=25)
    assert seed["memory (MB)"] == pytest.approx(25 * 32.0)
    assert seed["memory / store-all"] < 0.01 and seed["forward steps / T"] == treeverse_steps(10**4, 25) / 10**4


def test_widget_is_driven_through_its_slider():
    ex = budget_explorer()
    ex.widget()
    ex.control_widgets["delta"].value = 10
    assert ex.values["delta"] == 10 and ex.readouts["forward steps / T"] == treeverse_steps(290, 10) / 290
    with pytest.raises(ValueError):
        ex.update(delta=2)
    with pytest.raises(ValueError):
        budget_costs(290, 25, 0.0, 8)
