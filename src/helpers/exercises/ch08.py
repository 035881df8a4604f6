"""Checks for chapter 8 (reversible computing)."""

from __future__ import annotations

import numpy as np

from helpers.check import _emit, check_value
from helpers.exercises import exercise
from helpers.pebble import IllegalMove, ReversibleGame, min_steps_reversible, play
from helpers.reversible import ReversibilityError, parse

#: the program to invert in exercise ch08.inverse
PROGRAM = """
y += x * x
for i in range(n):
    z += y
    swap(y, z)
if x > 0:
    w ^= z
"""

#: the board of exercise ch08.beat-bennett
BOARD = (8, 4)
#: the cell of exercise ch08.pebbles-needed
FAR_CELL = 1000


def _parse(source, label):
    if not isinstance(source, str):
        return None, _emit("wrong", f"{label}: give the program as a string of source code, got "
                           f"{type(source).__name__}.", False)
    try:
        return parse(source), None
    except ReversibilityError as exc:
        return None, _emit("wrong", f"{label}: {exc}", False)


@exercise("ch08.inverse")
def _inverse(answer):
    inv, bad = _parse(answer, "Your inverse")
    if bad is not None:
        return bad
    prog = parse(PROGRAM)
    rng = np.random.default_rng(1)
    for _ in range(12):
        start = {"x": int(rng.integers(-5, 6)), "n": int(rng.integers(0, 6)), "y": int(rng.integers(-9, 10)),
                 "z": int(rng.integers(-9, 10)), "w": int(rng.integers(0, 16))}
        try:
            forward = prog.run(**start)
            back = inv.run(**forward)
        except Exception as exc:  # noqa: BLE001 - the learner's program may fail anywhere
            return _emit("wrong", f"Your inverse raised {type(exc).__name__}: {exc}.", False)
        got = {k: back.get(k) for k in start}
        if got != start:
            return _emit("wrong", f"Running the program and then your inverse from {start} ends at {got}, "
                         "not at the start. Hint: reverse the order of the statements, loops run "
                         "backwards (reversed(range(...))), and each statement is replaced by its inverse.",
                         False)
    return _emit("correct", "Your inverse is correct: it undoes the program on 12 random inputs.", False)


def _fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


@exercise("ch08.clean-fibonacci")
def _clean_fibonacci(answer):
    prog, bad = _parse(answer, "Your program")
    if bad is not None:
        return bad
    if "out" not in prog.registers:
        return _emit("wrong", "Your program never writes the register 'out'.", False)
    for n in range(0, 16):
        try:
            regs = prog.run(n=n)
        except Exception as exc:  # noqa: BLE001
            return _emit("wrong", f"Your program raised {type(exc).__name__}: {exc} for n = {n}.", False)
        if regs["out"] != _fib(n):
            return _emit("wrong", f"For n = {n} your program leaves out = {regs['out']}; the Fibonacci "
                         "number F(n) was expected (F(0) = 0, F(1) = 1).", False)
        dirty = {k: v for k, v in regs.items() if k not in ("n", "out") and np.any(np.asarray(v) != 0)}
        if dirty:
            return _emit("wrong", f"For n = {n} your program leaves garbage in {dirty}. Hint: copy the "
                         "result into out, then uncompute (run the inverse of the computation).", False)
    return _emit("correct", "Your program is correct: out = F(n) and every scratch register is clean.", False)


@exercise("ch08.pebbles-needed")
def _pebbles_needed(answer):
    p = 1
    while 2 ** p - 1 < FAR_CELL:
        p += 1
    return check_value(answer, p, rtol=0, atol=0.5, name="The number of pebbles",
                       hint="p pebbles reach at most cell 2**p - 1")


@exercise("ch08.beat-bennett")
def _beat_bennett(answer):
    n, p = BOARD
    try:
        moves = [tuple(m) for m in answer]
    except TypeError:
        return _emit("wrong", "Your play should be a list of (action, cell) tuples.", False)
    game = ReversibleGame(n, p)
    try:
        play(game, moves)
    except IllegalMove as exc:
        return _emit("wrong", f"Your play has an illegal move, {exc}.", False)
    if not game.clean:
        where = sorted(game.pebbles)
        return _emit("wrong", f"Your play ends with pebbles on {where}; it must end with a single "
                     f"pebble on cell {n}.", False)
    best = min_steps_reversible(n, p)
    if game.steps > best:
        return _emit("wrong", f"Your play is legal and clean in {game.steps} steps; Bennett takes 27 and "
                     f"{best} are possible. Hint: the two halves need not be equal.", False)
    return _emit("correct", f"Your play is correct: {game.steps} steps, fewer than Bennett's 27.", False)
