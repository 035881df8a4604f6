"""Checks for chapter 7 (the memory wall and checkpointing)."""

from __future__ import annotations

from helpers.check import _emit, check_function, check_value
from helpers.exercises import exercise
from helpers.pebble import (
    CheckpointGame,
    IllegalMove,
    play,
    reach_checkpoint,
    treeverse_steps,
    uniform_moves,
)

#: the board of exercise ch07.beat-board
BOARD = (10, 4)
#: the simulation of exercise ch07.min-budget: steps and allowed forward steps per time step
MIN_BUDGET = (10_000, 3)


def _replay_checkpoint(moves, n, p, label):
    """Replay a learner's moves; return (game, verdict-or-None)."""
    try:
        moves = [tuple(m) for m in moves]
    except TypeError:
        return None, _emit("wrong", f"{label}: the answer should be a list of (action, cell) tuples, "
                           f"got {type(moves).__name__}.", False)
    game = CheckpointGame(n, p)
    try:
        play(game, moves)
    except IllegalMove as exc:
        return None, _emit("wrong", f"{label}: an illegal move, {exc}. Hint: replay your list on "
                           "CheckpointGame by hand and print render_text(game).", False)
    if not game.done:
        missing = sorted(set(range(n + 1)) - game.painted)
        return None, _emit("wrong", f"{label}: the game is not finished, cells {missing} are not "
                           "painted. Hint: paint from the last cell down to cell 0.", False)
    return game, None


@exercise("ch07.beat-board")
def _beat_board(answer):
    n, p = BOARD
    game, bad = _replay_checkpoint(answer, n, p, "Your play")
    if bad is not None:
        return bad
    best = treeverse_steps(n, p)
    if game.steps > best:
        return _emit("wrong", f"Your play is legal and finishes in {game.steps} steps, but {best} "
                     "steps are possible. Hint: leave the first pebble further right, so that the "
                     "left part can reuse the freed pebble.", False)
    return _emit("correct", f"Your play is correct: {game.steps} steps with at most {game.peak} "
                 "pebbles, the optimum.", False)


@exercise("ch07.reach")
def _reach(answer):
    points = [(t, p) for t in range(0, 7) for p in range(1, 8)]
    return check_function(answer, reach_checkpoint, points, unpack=True, rtol=0, atol=0.5,
                          name="reach(t, p)",
                          hint="N(t,p) = N(t,p-1) + 1 + N(t-1,p) with N(t,2) = 1 for t >= 1, "
                          "N(0,p) = 0 and N(t,1) = 0")


def _min_budget_reference() -> int:
    n, c = MIN_BUDGET
    p = 3
    while treeverse_steps(n, p) > c * n:
        p += 1
    return p


@exercise("ch07.min-budget")
def _min_budget(answer):
    return check_value(answer, _min_budget_reference(), rtol=0, atol=0.5,
                       name="The smallest number of stored states",
                       hint="search n_pebbles upwards with helpers.pebble.treeverse_steps")


def _uniform_reference(n, s):
    g = CheckpointGame(n, n + 1)
    steps, peak = play(g, uniform_moves(n, segment=s))
    return [steps, peak]


@exercise("ch07.uniform-cost")
def _uniform_cost(answer):
    points = [(n, s) for n in (1, 7, 30, 100, 101) for s in (1, 2, 5, 10) if s <= n]
    return check_function(lambda n, s: list(answer(n, s)), _uniform_reference, points, unpack=True,
                          rtol=0, atol=0.5, name="uniform_cost(n, s)",
                          hint="count the first sweep, then one re-walk of s - 1 steps per segment "
                          "except the last; the peak is the checkpoints plus the last segment")
