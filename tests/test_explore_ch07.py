"""Chapter 7's exploration: a larger budget never costs more steps, Treeverse is optimal."""

import pytest

from helpers.explorations.ch07 import budget_explorer
from helpers.pebble import min_steps_checkpoint, uniform_moves, uniform_peak


def test_more_memory_fewer_steps_down_to_store_all():
    ex = budget_explorer()
    steps = [ex.update(T=32, delta=d, schedule="treeverse")["forward steps"] for d in range(3, 34)]
    assert all(a >= b for a, b in zip(steps, steps[1:]))
    assert steps[0] == sum((k + 1) // 2 for k in range(1, 33))   # three pebbles: walk in pairs
    assert steps[-1] == 32                                       # store all: one sweep
    r = ex.update(T=32, delta=40)                                # a budget above T + 1 is capped
    assert r["budget δ"] == 33 and r["memory vs store-all"] == 1


def test_treeverse_is_optimal_and_beats_the_other_schedules():
    ex = budget_explorer()
    r = ex.update(T=16, delta=5, schedule="treeverse")
    assert r["forward steps"] == min_steps_checkpoint(16, 5) and r["peak pebbles"] <= 5
    for d in (8, 12, 17):
        tv = ex.update(T=16, delta=d, schedule="treeverse")["forward steps"]
        uni = ex.update(T=16, delta=d, schedule="uniform")["forward steps"]
        assert tv <= uni
    assert ex.update(T=64, delta=5, schedule="uniform")["forward steps"] == "does not fit"
    rec = ex.update(T=16, delta=10, schedule="recompute all")
    assert rec["forward steps"] == 16 * 17 // 2 and rec["peak pebbles"] == 3


def test_live_widget_is_driven_through_its_controls():
    ex = budget_explorer()
    ex.widget()
    ex.control_widgets["T"].value = 64
    ex.control_widgets["delta"].value = 10
    assert ex.values["T"] == 64 and ex.readouts["peak pebbles"] <= 10
    before = ex.readouts["forward steps"]
    ex.control_widgets["delta"].value = 20
    assert ex.readouts["forward steps"] < before
    with pytest.raises(ValueError, match="not one of"):
        ex.update(schedule="random")


def test_uniform_play_is_the_cheapest_segment_that_fits():
    """The uniform play shown is the one the uniform curve counts: the fewest steps of any segment
    length whose peak fits the budget (at T = 32 and 12 states, s = 4 or 8, 53 steps; the longest
    segment that fits, s = 10, would take 59)."""
    ex = budget_explorer()
    for T, delta in ((32, 10), (32, 12), (64, 20)):
        fits = [s for s in range(1, T + 1) if uniform_peak(T, s) <= delta]
        cheapest = min(sum(a == "place" for a, _ in uniform_moves(T, segment=s)) for s in fits)
        r = ex.update(T=T, delta=delta, schedule="uniform")
        assert r["forward steps"] == cheapest and r["peak pebbles"] <= delta
    assert ex.update(T=32, delta=12, schedule="uniform")["forward steps"] == 53
