"""Chapter 7 checkers: the defects the referee found stay fixed, and plays are refereed."""

from helpers.exercises import check
from helpers.pebble import recompute_all_moves, store_all_moves, treeverse_moves


def test_beat_board_referees_the_play():
    assert check("ch07.beat-board", treeverse_moves(10, 4))
    v = check("ch07.beat-board", treeverse_moves(10, 4)[:-2])
    assert not v and "not painted" in v.message
    assert "illegal" in check("ch07.beat-board", store_all_moves(10)).message
    slow = check("ch07.beat-board", recompute_all_moves(10))
    assert not slow and "55 steps" in slow.message
    assert "list of (action, cell) tuples" in check("ch07.beat-board", "place 1").message
    assert check("ch07.beat-board", None).status == "unanswered"


def test_min_budget_refuses_near_misses_and_wrong_types_without_ratios():
    for bad in (37.6, "38", 38 + 0.3j, True, 39, 37):
        v = check("ch07.min-budget", bad)
        assert v.status == "wrong" and "times" not in v.message and "38" not in v.message.split(":", 1)[1]
    assert check("ch07.min-budget", 38)
    assert check("ch07.min-budget", 38.0)


def test_uniform_cost_gives_no_size_ratio_for_a_wrong_formula():
    v = check("ch07.uniform-cost", lambda n, s: (n, n // s + s))
    assert not v and "times" not in v.message
    assert check("ch07.uniform-cost", lambda n, s: (0, 0), hint=2).message.count("Hint") == 2


def test_whole_number_answers_are_stored_as_digests_not_numbers():
    from helpers.exercises import reference
    from helpers.exercises.ch07 import integer_digest

    for label in ("ch07.reach", "ch07.min-budget", "ch07.uniform-cost", "ch08.pebbles-needed"):
        data = reference(label)
        for item in (data if isinstance(data, list) else [data]):
            assert isinstance(item, str) and len(item) == 16
    assert integer_digest("ch07.min-budget", 38) == integer_digest("ch07.min-budget", 38.0)
    assert integer_digest("ch07.min-budget", 38) != integer_digest("ch08.pebbles-needed", 38)  # salted
    assert integer_digest("ch07.min-budget", 37.5) is None and integer_digest("x", "38") is None
    v = check("ch07.uniform-cost", lambda n, s: n)     # a single number where a pair is due
    assert not v and "a vector of 2 numbers was expected" in v.message
