"""Checks for chapter 7 (the memory wall and checkpointing).

The plays of ``ch07.beat-board`` are refereed by replaying them on a
:class:`helpers.pebble.CheckpointGame`; the other checks compare with reference data (the
instructor's solutions, evaluated at the public inputs below).

The whole-number answers (counts of steps and pebbles) are compared by digest
(:mod:`helpers.exercises.integers`).
"""

from __future__ import annotations

import numpy as np

from helpers.check import _emit, check_value
from helpers.exercises import exercise, reference
from helpers.exercises.integers import check_integer, check_integer_function, integer_digest
from helpers.pebble import CheckpointGame, IllegalMove, play, treeverse_steps

#: the board of exercise ch07.beat-board (cells, pebbles) and the step count the prompt asks for
BOARD = (10, 4)
TARGET_STEPS = treeverse_steps(*BOARD)
#: the simulation of exercise ch07.min-budget: time steps and allowed forward steps per time step
MIN_BUDGET = (10_000, 3)
#: test inputs (t, p) of ch07.reach
REACH_POINTS = [(t, p) for t in range(0, 7) for p in range(1, 8)]


def _uniform_points() -> list[tuple[int, int]]:
    """Test inputs (n, s) of ch07.uniform-cost: hand-picked edge cases (one cell, one segment,
    a segment longer than the board, a last segment of one cell) and random boards from two
    seeds."""
    points = [(1, 1), (7, 2), (30, 5), (100, 10), (101, 10), (10, 25), (57, 8)]
    for seed in (7, 8):
        rng = np.random.default_rng(seed)
        for _ in range(6):
            n = int(rng.integers(2, 400))
            points.append((n, int(rng.integers(1, n + 1))))
    return points


UNIFORM_POINTS = _uniform_points()


def _replay_checkpoint(moves, n: int, p: int, label: str):
    """Replay a learner's moves; return (game, None) or (None, verdict)."""
    if not isinstance(moves, (list, tuple)):
        return None, _emit("wrong", f"{label} should be a list of (action, cell) tuples, such as "
                           f"[(\"place\", 1), ...], but it is {type(moves).__name__}.", False)
    game = CheckpointGame(n, p)
    try:
        play(game, moves)
    except IllegalMove as exc:
        return None, _emit("wrong", f"{label} has an illegal move, {exc}. Replay your list on "
                           "CheckpointGame by hand and print render_text(game).", False)
    if not game.done:
        missing = sorted(set(range(n + 1)) - game.painted)
        return None, _emit("wrong", f"{label} is legal but does not finish the game: cells {missing} "
                           "are not painted.", False)
    return game, None


@exercise("ch07.beat-board", hints=(
    "Walking from cell 0 to each cell in turn is legal but slow. Leave one pebble behind somewhere "
    "in the middle, finish the part to its right with the pebbles that are left, then reuse the "
    "freed pebbles on the part to its left.",
    "Count sweeps: with 4 pebbles, three sweeps reach N(3, 4) cells, enough for 10. Put the first "
    "pebble where the part to its left can be finished with 4 pebbles in two sweeps and the part "
    "to its right with 3 pebbles in three.",
))
def _beat_board(answer):
    n, p = BOARD
    game, bad = _replay_checkpoint(answer, n, p, "Your play")
    if bad is not None:
        return bad
    if game.steps > TARGET_STEPS:
        return _emit("wrong", f"Your play is legal and finishes in {game.steps} steps, more than the "
                     f"{TARGET_STEPS} the exercise asks for.", False)
    return _emit("correct", f"Your play is correct: {game.steps} steps with at most {game.peak} "
                 "pebbles.", False)


@exercise("ch07.reach", hints=(
    "Think about the first pebble a play leaves behind: it splits the board into a part to its "
    "right, finished with one pebble fewer, and a part to its left, whose cells have already been "
    "placed once. The base cases are what one pebble, two pebbles and zero sweeps can do.",
    "N(t, p) = N(t, p-1) + 1 + N(t-1, p); memoize it (functools.lru_cache).",
))
def _reach(answer):
    return check_integer_function("ch07.reach", answer, REACH_POINTS, name="reach(t, p)")


@exercise("ch07.min-budget", hints=(
    "The fewest forward steps for a given number of pebbles is the optimal cost F(n, p) of this "
    "chapter, and it falls as p grows: look for the first p at which it fits the allowance.",
    "helpers.pebble.treeverse_steps(n, p) computes F(n, p) exactly. The reach N(3, p) only tells "
    "you when every cell can be done in three sweeps; early cells need fewer.",
))
def _min_budget(answer):
    return check_integer("ch07.min-budget", answer, name="The smallest number of stored states")


@exercise("ch07.uniform-cost", hints=(
    "Replay pebble.uniform_moves(n, segment=s) on a small board with render_text and count: the "
    "steps of the first sweep, of each re-walk, and the pebbles on the board when a segment is "
    "stored whole.",
    "With c = ceil(n / s) segments the first sweep stops at the last checkpoint; every segment but "
    "the last is walked again with s - 1 new placements. The peak is either during the last "
    "segment or during a full earlier one.",
))
def _uniform_cost(answer):
    return check_integer_function("ch07.uniform-cost", answer, UNIFORM_POINTS, name="uniform_cost(n, s)",
                                  shape=(2,))
