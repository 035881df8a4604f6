"""Checks for chapter 8 (reversible computing).

``ch08.inverse`` and ``ch08.clean-fibonacci`` are refereed by running the learner's program with
:mod:`helpers.reversible` on random inputs (two seeds); ``ch08.beat-bennett`` by replaying the
play on a :class:`helpers.pebble.ReversibleGame`; ``ch08.pebbles-needed`` compares with
reference data.
"""

from __future__ import annotations

import ast

import numpy as np

from helpers.check import _emit
from helpers.exercises import exercise
from helpers.exercises.integers import check_integer  # whole-number answers compared by digest
from helpers.pebble import IllegalMove, ReversibleGame, bennett_steps, play
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

#: the board of exercise ch08.beat-bennett, and the step count of Bennett's play on it
BOARD = (8, 4)
BENNETT_STEPS = bennett_steps(2, 3)
#: the cell of exercise ch08.pebbles-needed
FAR_CELL = 1000
#: the values of n at which ch08.clean-fibonacci is run
FIB_NS = list(range(0, 16)) + [23, 31]
#: seeds of the random starting registers of ch08.inverse
INVERSE_SEEDS = (1, 2)


def _parse(source, label):
    if not isinstance(source, str):
        return None, _emit("wrong", f"{label} should be a string of reversible source code, but it is "
                           f"{type(source).__name__}.", False)
    try:
        return parse(source), None
    except ReversibilityError as exc:
        return None, _emit("wrong", f"{label} is not a reversible program: {exc}", False)


#: statements a learner's program may execute in one check (the book's programs need a few
#: hundred): beyond it the run stops instead of hanging on a loop over a huge range
MAX_STEPS = 100_000


def _run(prog, label, **registers):
    try:
        return prog.run(max_steps=MAX_STEPS, **registers), None
    except Exception as exc:  # noqa: BLE001 - the learner's program may fail anywhere
        return None, _emit("wrong", f"{label} raised {type(exc).__name__}: {exc}.", False)


def _loop_variables(*sources: str) -> set[str]:
    """The loop variables of the programs ``sources`` that no statement writes otherwise: a finished
    loop leaves its variable at its last value, which is bookkeeping, not garbage. A name that is
    also the target of an update or a swap is a register like any other and must end clean."""
    loops, written = set(), set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.For) and isinstance(node.target, ast.Name):
                loops.add(node.target.id)
            elif isinstance(node, ast.AugAssign):
                for sub in ast.walk(node.target):
                    if isinstance(sub, ast.Name):
                        written.add(sub.id)
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "swap":
                for arg in node.args:
                    for sub in ast.walk(arg):
                        if isinstance(sub, ast.Name):
                            written.add(sub.id)
    return loops - written


def _starts():
    for seed in INVERSE_SEEDS:
        rng = np.random.default_rng(seed)
        for _ in range(8):
            yield {"x": int(rng.integers(-5, 6)), "n": int(rng.integers(0, 6)),
                   "y": int(rng.integers(-9, 10)), "z": int(rng.integers(-9, 10)),
                   "w": int(rng.integers(0, 16))}


@exercise("ch08.inverse", hints=(
    "Undo the statements in the opposite order: the last statement of the program is the first one "
    "to undo. A loop is undone by running its undone body with the loop running backwards.",
    "+= becomes -=; swap and ^= are their own inverses; for i in range(n) becomes "
    "for i in reversed(range(n)), with the body's statements reversed and inverted.",
))
def _inverse(answer):
    inv, bad = _parse(answer, "Your inverse")
    if bad is not None:
        return bad
    prog = parse(PROGRAM)
    loop_vars = _loop_variables(PROGRAM, answer)
    count = 0
    for start in _starts():
        forward = prog.run(**start)
        back, bad = _run(inv, "Your inverse", **forward)
        if bad is not None:
            return bad
        wrong = sorted(k for k in set(back) | set(start) if k not in loop_vars and
                       np.any(np.asarray(back.get(k, 0)) != np.asarray(start.get(k, 0))))
        if wrong:
            extra = [k for k in wrong if k not in start]
            what = (f"your inverse leaves the registers {extra} non-zero, which the program never "
                    "used" if extra else f"the registers {wrong} do not return to their start values")
            return _emit("wrong", f"Running the program and then your inverse from {start} does not "
                         f"return to the start: {what}.", False)
        count += 1
    return _emit("correct", f"Your inverse is correct: it undoes the program on {count} random inputs.",
                 False)


_FIB_STATEMENTS = "+=, -=, swap(a, b) and for i in range(...) loops"


def _restricted(source: str) -> str | None:
    """Why a clean-Fibonacci program uses more than the exercise allows (None if it does not):
    statements +=, -=, swap and for over range or reversed(range); expressions only registers,
    whole-number constants, + and -."""
    def sums_only(expr: ast.AST, where: str) -> str | None:
        for sub in ast.walk(expr):
            if isinstance(sub, ast.Constant) and not (isinstance(sub.value, int)
                                                      and not isinstance(sub.value, bool)):
                return f"'{where}' uses the constant {sub.value!r}"
            if not isinstance(sub, (ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.Add,
                                    ast.Sub, ast.USub, ast.Load)):
                return f"'{where}' computes more than sums and differences"
        return None

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.AugAssign):
            if not isinstance(node.op, (ast.Add, ast.Sub)):
                return f"'{ast.unparse(node)}' uses {type(node.op).__name__.lower()}"
            why = sums_only(node.value, ast.unparse(node))
            if why:
                return why
        elif isinstance(node, ast.For):
            call = node.iter
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "reversed":
                call = call.args[0] if call.args else call
            header = f"for {ast.unparse(node.target)} in {ast.unparse(node.iter)}"
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "range"):
                return f"'{header}' does not loop over range(...)"
            for arg in call.args:
                why = sums_only(arg, header)
                if why:
                    return why
        elif isinstance(node, (ast.If, ast.IfExp)):
            return "it uses 'if'"
    return None


@exercise("ch08.clean-fibonacci", hints=(
    "First compute F(n) in two scratch registers (swap-and-add, as in the chapter's example), "
    "then copy it into out, then undo the computation so that the scratch registers return to "
    "zero. The copy is the only thing the undoing does not touch.",
    "The last part is the inverse of the first: the same statements in reverse order, each "
    "inverted, with the loop running over reversed(range(n)).",
))
def _clean_fibonacci(answer):
    prog, bad = _parse(answer, "Your program")
    if bad is not None:
        return bad
    why = _restricted(answer)
    if why is not None:
        return _emit("wrong", f"This exercise allows only {_FIB_STATEMENTS}, adding or subtracting "
                     f"registers and whole numbers; {why}. The point is to compute step by step "
                     "and then uncompute.", False)
    if "out" not in prog.registers:
        return _emit("wrong", "Your program never writes the register 'out'.", False)
    loop_vars = _loop_variables(answer)
    a, b = 0, 1
    fib = {}
    for k in range(max(FIB_NS) + 1):
        fib[k] = a
        a, b = b, a + b
    for n in FIB_NS:
        regs, bad = _run(prog, f"For n = {n} your program", n=n)
        if bad is not None:
            return bad
        if regs["n"] != n:
            return _emit("wrong", f"For n = {n} your program changes n; it must leave its input as it "
                         "found it.", False)
        if regs["out"] != fib[n]:
            return _emit("wrong", f"For n = {n} your program does not leave F(n) in out "
                         "(with F(0) = 0, F(1) = 1).", False)
        dirty = sorted(k for k, v in regs.items() if k not in {"n", "out"} | loop_vars and np.any(np.asarray(v) != 0))
        if dirty:
            return _emit("wrong", f"For n = {n} your program leaves garbage in {dirty}: copy the result "
                         "into out, then uncompute.", False)
    return _emit("correct", f"Your program is correct: out = F(n) for {len(FIB_NS)} values of n, n is "
                 "untouched and every scratch register is clean.", False)


@exercise("ch08.pebbles-needed", hints=(
    "Find how far p pebbles can ever reach, for p = 1, 2, 3, and the pattern: the section on how "
    "far p pebbles can go derives it.",
    "p pebbles reach at most cell 2**p - 1; find the smallest p for which that is at least the cell "
    "you need.",
))
def _pebbles_needed(answer):
    return check_integer("ch08.pebbles-needed", answer, name="The number of pebbles")


@exercise("ch08.beat-bennett", hints=(
    "Bennett splits the 8 cells into two equal halves. Try splitting the board unequally: park a "
    "pebble earlier or later, and count the steps of each part.",
    "Park a pebble on cell 4 using all four pebbles, reach cell 8 from there with the three that "
    "are left, then undo the parking with what remains; count the steps of each part "
    "(pebble.render_text shows a play move by move).",
))
def _beat_bennett(answer):
    n, p = BOARD
    if not isinstance(answer, (list, tuple)):
        return _emit("wrong", "Your play should be a list of (action, cell) tuples, such as "
                     f"[(\"place\", 1), ...], but it is {type(answer).__name__}.", False)
    game = ReversibleGame(n, p)
    try:
        play(game, answer)
    except IllegalMove as exc:
        return _emit("wrong", f"Your play has an illegal move, {exc}.", False)
    if not game.reached:
        return _emit("wrong", f"Your play never puts a pebble on cell {n}.", False)
    if not game.clean:
        where = sorted(c for c in game.pebbles if c != n)
        return _emit("wrong", f"Your play ends with pebbles on {where} besides cell {n}; the board must "
                     "end clean.", False)
    if game.steps >= BENNETT_STEPS:
        return _emit("wrong", f"Your play is legal and clean in {game.steps} steps, not fewer than "
                     f"Bennett's {BENNETT_STEPS}.", False)
    return _emit("correct", f"Your play is correct: {game.steps} steps, fewer than Bennett's "
                 f"{BENNETT_STEPS}.", False)
