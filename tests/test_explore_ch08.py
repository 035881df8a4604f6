"""Chapter 8's exploration: Bennett's k and n move time and space the way the formulas say."""

import math

import pytest

from helpers.explorations.ch08 import bennett_explorer
from helpers.pebble import ReversibleGame, bennett_moves, play


def test_readouts_follow_bennetts_formulas_and_the_replayed_play():
    ex = bennett_explorer()
    for k, n in [(2, 1), (2, 4), (3, 3), (5, 2)]:
        r = ex.update(k=k, n=n)
        steps, peak = play(ReversibleGame(k**n, r["pebbles n(k-1)+1"]), bennett_moves(k, n))
        assert r["steps to x_T (2k-1)^n"] == steps == (2 * k - 1) ** n
        assert r["pebbles n(k-1)+1"] == peak == n * (k - 1) + 1
        assert r["full reversal (2k-1)^n+1"] == steps + 1
        # checkpointing with the same memory never needs more steps than Bennett's reversal
        assert r["Treeverse, same states"] <= r["full reversal (2k-1)^n+1"]


def test_k_trades_space_for_time():
    ex = bennett_explorer()
    exps = [ex.update(k=k, n=2)["time exponent log_k(2k-1)"] for k in (2, 3, 4, 5)]
    assert all(a > b for a, b in zip(exps, exps[1:])) and exps[0] == pytest.approx(math.log2(3))
    pebbles = [ex.update(k=k, n=2)["pebbles n(k-1)+1"] for k in (2, 3, 4, 5)]
    assert pebbles == sorted(pebbles) and pebbles[0] < pebbles[-1]
    # more levels at fixed k: the overhead per step grows as ((2k-1)/k)^n
    over = [ex.update(k=2, n=n)["steps / T"] for n in (1, 2, 3, 4)]
    assert over == pytest.approx([1.5**n for n in (1, 2, 3, 4)])


def test_live_widget_is_driven_through_its_sliders():
    ex = bennett_explorer()
    ex.widget()
    ex.control_widgets["k"].value = 3
    ex.control_widgets["n"].value = 2
    assert ex.values == {"k": 3, "n": 2} and ex.readouts["T = k^n"] == 9
    with pytest.raises(ValueError, match="outside its range"):
        ex.update(n=7)


def test_stand_in_is_a_phone_sized_figure():
    fig = bennett_explorer().stand_in([{"k": 2, "n": 3}, {"k": 3, "n": 2}])
    assert fig.get_figwidth() <= 7.0
