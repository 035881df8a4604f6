"""Tests of helpers.pebble: the rules of both games, the schedules and the exhaustive searches."""

import math

import numpy as np
import pytest

from helpers.pebble import (
    CheckpointGame,
    IllegalMove,
    ReversibleGame,
    bennett_moves,
    bennett_peak,
    bennett_steps,
    eta,
    history,
    max_reach_reversible,
    min_steps_checkpoint,
    min_steps_reversible,
    play,
    plot_history,
    reach_checkpoint,
    recompute_all_moves,
    render_text,
    store_all_moves,
    treeverse_moves,
    treeverse_steps,
    uniform_moves,
    uniform_peak,
)


# ------------------------------------------------------------------ rules of the checkpoint game
def test_checkpoint_game_start_and_store_all():
    g = CheckpointGame(3, 4)
    assert g.pebbles == {0} and g.steps == 0 and g.peak == 1 and not g.done
    steps, peak = play(g, store_all_moves(3))
    assert (steps, peak) == (3, 4) and g.done


@pytest.mark.parametrize("moves, rule", [
    ([("place", 2)], "needs a pebble on cell i-1"),
    ([("place", 1), ("place", 1)], "needs cell i empty"),
    ([("place", 1), ("place", 2), ("place", 3)], "at most n_pebbles"),
    ([("remove", 2)], "remove only a pebbled cell"),
    ([("paint", 2)], "paint(i) needs a pebble on cell i"),
    ([("place", 1), ("paint", 1)], "i == n_cells or cell i+1 painted"),
    ([("place", 1), ("place", 2), ("remove", 1), ("place", 3), ("paint", 3), ("paint", 3)],
     "painted once"),
    ([("place", 9)], "out of range"),
    ([("remove", 0), ("place", 0)], "cell 0 has no predecessor"),
    ([("jump", 1)], "unknown action"),
    ([("place",)], "(action, cell) tuple"),
])
def test_checkpoint_illegal_moves_name_the_rule(moves, rule):
    g = CheckpointGame(3, 3)
    with pytest.raises(IllegalMove, match=__import__("re").escape(rule)):
        play(g, moves)
    assert issubclass(IllegalMove, ValueError)


def test_illegal_move_reports_its_index():
    with pytest.raises(IllegalMove, match=r"move 1: place\(3\)"):
        play(CheckpointGame(4, 5), [("place", 1), ("place", 3)])


# ------------------------------------------------------------------ rules of the reversible game
def test_reversible_game_rules():
    g = ReversibleGame(2, 2)
    assert not g.reached and g.peak == 0
    play(g, [("place", 1), ("place", 2)])
    assert g.reached and not g.clean and g.steps == 2
    play(g, [("remove", 1)])
    assert g.clean and g.done and g.steps == 3 and g.peak == 2


@pytest.mark.parametrize("moves, rule", [
    ([("place", 2)], "needs a pebble on cell i-1"),
    ([("place", 1), ("place", 2), ("remove", 1), ("remove", 2)], "remove(i) needs a pebble on cell i-1"),
    ([("place", 1), ("place", 1)], "needs cell i empty"),
    ([("place", 1), ("place", 2), ("place", 3)], "at most n_pebbles"),
    ([("remove", 1)], "remove only a pebbled cell"),
    ([("remove", 0)], "cell 0 is never placed or removed"),
    ([("place", 0)], "cell 0 is never placed or removed"),
    ([("paint", 1)], "only place and remove"),
    ([("place", 7)], "out of range"),
])
def test_reversible_illegal_moves_name_the_rule(moves, rule):
    g = ReversibleGame(3, 2)
    with pytest.raises(IllegalMove, match=__import__("re").escape(rule)):
        play(g, moves)


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_cells"):
        CheckpointGame(-1, 3)
    with pytest.raises(TypeError, match="integer"):
        CheckpointGame(2.5, 3)
    with pytest.raises(ValueError, match="at least 3 pebbles"):
        treeverse_moves(5, 2)
    with pytest.raises(ValueError, match="needs at least"):
        uniform_moves(100, 5)
    with pytest.raises(TypeError):
        play("not a game", [])


# ------------------------------------------------------------------ schedules replay legally
@pytest.mark.parametrize("n", [0, 1, 2, 5, 17, 64])
def test_simple_schedules_replay(n):
    g = CheckpointGame(n, n + 1)
    assert play(g, store_all_moves(n)) == (n, n + 1) and g.done
    g = CheckpointGame(n, 3)
    steps, peak = play(g, recompute_all_moves(n))
    assert g.done and steps == n * (n + 1) // 2 and peak <= 3
    for s in range(1, n + 1):
        g = CheckpointGame(n, uniform_peak(n, s))
        steps, peak = play(g, uniform_moves(n, segment=s))
        c = -(-n // s)
        assert g.done and peak == uniform_peak(n, s) and steps == n + (c - 1) * (s - 1)


def test_uniform_chooses_a_segment_within_budget():
    g = CheckpointGame(100, 21)
    steps, peak = play(g, uniform_moves(100, 21))
    assert g.done and peak <= 21 and steps < 2 * 100


# ------------------------------------------------------------------ treeverse is optimal
def test_binomial_reach():
    assert eta(3, 2) == 10 and eta(0, 5) == 1 and eta(-1, 2) == 0
    # N(t,p) = N(t,p-1) + 1 + N(t-1,p)
    for t in range(1, 8):
        for p in range(3, 9):
            assert reach_checkpoint(t, p) == reach_checkpoint(t, p - 1) + 1 + reach_checkpoint(t - 1, p)
    assert [reach_checkpoint(t, 3) for t in range(5)] == [0, 2, 4, 6, 8]


def test_treeverse_equals_exhaustive_optimum_on_small_boards():
    for p in range(1, 6):
        for n in range(0, 16):
            best = min_steps_checkpoint(n, p)
            if best is None:
                with pytest.raises(ValueError):
                    treeverse_moves(n, p)
                continue
            g = CheckpointGame(n, p)
            steps, peak = play(g, treeverse_moves(n, p))
            assert g.done and peak <= p
            assert steps == best == treeverse_steps(n, p), (n, p)


def test_exhaustive_search_returns_a_legal_optimal_play():
    steps, moves = min_steps_checkpoint(9, 4, return_moves=True)
    g = CheckpointGame(9, 4)
    assert play(g, moves).steps == steps and g.done


def _dp_min_steps(n_max, p_max):
    F = {}
    for p in range(1, p_max + 1):
        for n in range(0, n_max + 1):
            if n == 0:
                F[n, p] = 0
            elif p <= 1:
                F[n, p] = math.inf
            else:
                F[n, p] = min(m + F[n - m, p - 1] + F[m - 1, p]
                              for m in range(1, n + 1) if m == 1 or p >= 3)
    return F


def test_treeverse_follows_the_binomial_recursion_on_large_boards():
    F = _dp_min_steps(120, 7)
    for p in range(3, 8):
        for n in range(1, 121, 7):
            assert treeverse_steps(n, p) == F[n, p]
    for n, p in [(1000, 6), (5000, 12)]:
        g = CheckpointGame(n, p)
        steps, peak = play(g, treeverse_moves(n, p))
        assert g.done and peak <= p and steps == treeverse_steps(n, p)
    # at a full binomial board each cell is placed at most t times
    for t, p in [(3, 5), (4, 6), (6, 4)]:
        n = reach_checkpoint(t, p)
        assert treeverse_steps(n, p) <= t * n and treeverse_steps(n + 1, p) - treeverse_steps(n, p) == t + 1


def test_treeverse_large_board_is_fast():
    import time

    t0 = time.perf_counter()
    moves = treeverse_moves(10_000, 10)
    assert time.perf_counter() - t0 < 1.0
    assert sum(a == "place" for a, _ in moves) == treeverse_steps(10_000, 10)


# ------------------------------------------------------------------ reversible game
@pytest.mark.parametrize("k", [2, 3, 4])
@pytest.mark.parametrize("levels", [1, 2, 3, 4])
def test_bennett_formulas(k, levels):
    g = ReversibleGame(k ** levels, bennett_peak(k, levels))
    steps, peak = play(g, bennett_moves(k, levels))
    assert g.clean
    assert steps == (2 * k - 1) ** levels == bennett_steps(k, levels)
    assert peak == levels * (k - 1) + 1


def test_reversible_exhaustive_search():
    assert [max_reach_reversible(p) for p in range(1, 6)] == [1, 3, 7, 15, 31]
    # reaching cell 2**p - 1 is possible, cell 2**p is not
    for p in range(1, 4):
        assert min_steps_reversible(2 ** p - 1, p, clean=False) is not None
        assert min_steps_reversible(2 ** p, p, clean=False) is None
    # Bennett with k = 2 is optimal for 2 levels, and exhaustive search beats it at 3 levels
    assert min_steps_reversible(4, 3) == 9 == bennett_steps(2, 2)
    assert min_steps_reversible(8, 4) == 25 < bennett_steps(2, 3)
    steps, moves = min_steps_reversible(6, 4, return_moves=True)
    g = ReversibleGame(6, 4)
    assert play(g, moves).steps == steps and g.clean


# ------------------------------------------------------------------ rendering
def test_history_and_text():
    g = CheckpointGame(4, 3)
    play(g, treeverse_moves(4, 3))
    h = history(g)
    assert h.shape == (len(g.moves) + 1, 5)
    assert (h[-1] & 2).all() and h[0].tolist() == [1, 0, 0, 0, 0]
    text = render_text(g)
    assert "place(1)" in text and "◉" in text and text.count("\n") == len(g.moves) + 1
    r = ReversibleGame(4, 3)
    play(r, bennett_moves(2, 2))
    assert history(r)[-1].tolist() == [1, 0, 0, 0, 1]


@pytest.mark.filterwarnings("ignore:Animation was deleted")
def test_plot_and_animation():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.pebble import animate_history

    g = CheckpointGame(6, 4)
    play(g, treeverse_moves(6, 4))
    ax = plot_history(g)
    assert ax.get_xlabel().startswith("cell")
    anim = animate_history(g, max_frames=10)
    assert len(list(anim.new_frame_seq())) <= 10
    plt.close("all")
    import gc

    del anim
    gc.collect()  # collect the unrendered animation here, where its warning is filtered


@pytest.mark.parametrize("ks", [[2, 3], [3, 2], [4, 2, 3], [2, 2, 2, 5]])
def test_bennett_with_mixed_branching(ks):
    g = ReversibleGame(math.prod(ks), bennett_peak(ks))
    steps, peak = play(g, bennett_moves(ks))
    assert g.clean and steps == math.prod(2 * k - 1 for k in ks) and peak == sum(k - 1 for k in ks) + 1
    with pytest.raises(ValueError, match="does not match"):
        bennett_moves(ks, levels=len(ks) + 1)


def test_board_widget_plays_and_reports_illegal_moves():
    from helpers.pebble import board_widget

    box = board_widget(CheckpointGame(4, 3), reference=treeverse_moves(4, 3))
    cells, actions, status = box.children
    place, remove, paint, reset = actions.children
    assert "reference play: 6 steps" in status.value
    cells.children[1].click()
    place.click()
    assert "steps <b>1</b>" in status.value
    cells.children[3].click()
    place.click()
    assert "illegal" in status.value and "cell i-1" in status.value
    reset.click()
    assert "steps <b>0</b>" in status.value
    rbox = board_widget(ReversibleGame(2, 2))
    assert len(rbox.children[1].children) == 3  # place, remove, reset: no paint


# ------------------------------------------------------------------ Revolve's convention
def test_revolve_formula_matches_its_exhaustive_search():
    from helpers.pebble import min_steps_revolve, revolve_steps

    for s in range(1, 4):
        for n in range(0, 13):
            assert revolve_steps(n, s) == min_steps_revolve(n, s), (n, s)
    assert revolve_steps(20, 3) == 45               # Revolve / Treeverse.jl: 20 steps, 3 snapshots
    assert (treeverse_steps(20, 4), treeverse_steps(20, 5)) == (54, 43)   # the book's game
    assert min_steps_revolve(3, 0) is None and revolve_steps(1, 0) == 0
    with pytest.raises(ValueError, match="snapshot slot"):
        revolve_steps(5, 0)


def test_revolve_reach_is_between_the_books_with_one_pebble_less_and_more():
    # with t sweeps Revolve reverses eta(t, s) steps; the book's game with p = s + 1 and p = s + 2
    # pebbles finishes N(t, s + 1) <= eta(t, s) <= N(t, s + 2) cells
    from helpers.pebble import revolve_steps

    for s in range(1, 6):
        for t in range(1, 6):
            assert reach_checkpoint(t, s + 1) <= eta(t, s) <= reach_checkpoint(t, s + 2)
            assert revolve_steps(eta(t, s), s) <= t * eta(t, s)
