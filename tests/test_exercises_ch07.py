"""The chapter 7 checkers accept the reference solutions and reject wrong answers."""

from helpers.exercises import check
from helpers.pebble import reach_checkpoint, recompute_all_moves, store_all_moves, treeverse_moves, uniform_moves


def test_beat_board():
    assert check("ch07.beat-board", treeverse_moves(10, 4))
    v = check("ch07.beat-board", recompute_all_moves(10)[:-2])
    assert not v and "not finished" in v.message
    assert "illegal" in check("ch07.beat-board", store_all_moves(10)).message
    slow = check("ch07.beat-board", recompute_all_moves(10))
    assert not slow and "steps are possible" in slow.message
    assert check("ch07.beat-board", None).status == "unanswered"


def test_reach():
    assert check("ch07.reach", reach_checkpoint)
    assert not check("ch07.reach", lambda t, p: 0 if t == 0 else 2 ** t)


def test_min_budget():
    from helpers.exercises.ch07 import _min_budget_reference

    p = _min_budget_reference()
    assert check("ch07.min-budget", p)
    assert not check("ch07.min-budget", p + 1)


def test_uniform_cost():
    def ref(n, s):
        c = -(-n // s)
        last = n - (c - 1) * s
        return n + (c - 1) * (s - 1), max(c + last, c + s - 2 if c >= 2 else 0)

    assert check("ch07.uniform-cost", ref)
    assert not check("ch07.uniform-cost", lambda n, s: (n, n // s + s))
