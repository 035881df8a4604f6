"""Chapter 7: reference solutions, wrong answers, reference data."""

from functools import lru_cache

from helpers.exercises.ch07 import MIN_BUDGET, REACH_POINTS, UNIFORM_POINTS
from helpers.exercises.integers import integer_digest
from helpers.pebble import (
    CheckpointGame,
    eta,
    play,
    recompute_all_moves,
    store_all_moves,
    treeverse_moves,
    treeverse_steps,
    uniform_moves,
)


def _walk(a, b):
    """Walk a working pebble from cell a (which keeps its pebble) to cell b."""
    out = [("place", a + 1)]
    for c in range(a + 2, b + 1):
        out += [("place", c), ("remove", c - 1)]
    return out


def _paint_down(b, a):
    return [mv for c in range(b, a - 1, -1) for mv in (("paint", c), ("remove", c))]


BEAT_BOARD = (_walk(0, 4)
              + _walk(4, 9) + [("place", 10)] + _paint_down(10, 9)
              + _walk(4, 7) + [("place", 8)] + _paint_down(8, 7)
              + [("place", 5), ("place", 6)] + _paint_down(6, 4)
              + [("place", 1), ("place", 2), ("place", 3)] + _paint_down(3, 0))


@lru_cache(maxsize=None)
def reach(t, p):
    if t == 0 or p <= 1:
        return 0
    if p == 2:
        return 1
    return reach(t, p - 1) + 1 + reach(t - 1, p)


def min_budget():
    n, c = MIN_BUDGET
    return next(p for p in range(3, 200) if treeverse_steps(n, p) <= c * n)


def uniform_cost(n, s):
    c = -(-n // s)
    last = n - (c - 1) * s
    return n + (c - 1) * (s - 1), max(c + last, c + s - 2 if c >= 2 else 0)


def _uniform_replayed(n, s):
    """The reference data is the replayed play, not the formula."""
    g = CheckpointGame(n, n + 1)
    return play(g, uniform_moves(n, segment=s))


def _n3_crossing():
    """The plausible wrong answer: the first p whose three sweeps reach every cell."""
    n, _ = MIN_BUDGET
    return next(p for p in range(3, 200) if eta(3, p - 2) + eta(2, p - 2) - 1 >= n)


SOLUTIONS = {
    "ch07.beat-board": BEAT_BOARD,
    "ch07.reach": reach,
    "ch07.min-budget": min_budget(),
    "ch07.uniform-cost": uniform_cost,
}

WRONG = {
    "ch07.beat-board": [
        recompute_all_moves(10),                 # legal and finished, but 55 steps
        store_all_moves(10),                     # needs 11 pebbles
        treeverse_moves(10, 4)[:-2],             # cell 0 never painted
        treeverse_moves(10, 5),                  # optimal with 5 pebbles, illegal with 4
        [("place", 1), ("paint", 10)],           # painting a cell without its pebble
    ],
    "ch07.reach": [
        lambda t, p: eta(t, p - 2) + eta(t - 1, p - 2) if p >= 2 and t >= 1 else 0,  # no -1
        lambda t, p: eta(t, p - 2) if p >= 2 and t >= 1 else 0,                      # Griewank's reach
        lambda t, p: 0 if t == 0 or p <= 1 else (t if p == 2 else reach(t, p - 1) + 1 + reach(t - 1, p)),
        lambda t, p: 0 if t == 0 else 2 ** t,
    ],
    "ch07.min-budget": [_n3_crossing(), min_budget() + 1, min_budget() - 1, min_budget() - 0.4,
                        float(min_budget()) + 0.3],
    "ch07.uniform-cost": [
        lambda n, s: (n, n // s + s),                                            # guess
        lambda n, s: (n + (-(-n // s)) * (s - 1), uniform_cost(n, s)[1]),         # last segment re-walked too
        lambda n, s: (uniform_cost(n, s)[0], -(-n // s) + s),                     # peak: checkpoints + s
        lambda n, s: (n + (n // s - 1) * (s - 1), uniform_cost(n, s)[1]),         # floor instead of ceil
    ],
}

# whole-number answers are stored as digests (see helpers.exercises.ch07)
REFERENCES = {
    "ch07.reach": lambda: [integer_digest("ch07.reach", reach(t, p)) for t, p in REACH_POINTS],
    "ch07.min-budget": lambda: integer_digest("ch07.min-budget", min_budget()),
    "ch07.uniform-cost": lambda: [integer_digest("ch07.uniform-cost", list(_uniform_replayed(n, s)))
                                  for n, s in UNIFORM_POINTS],
}
