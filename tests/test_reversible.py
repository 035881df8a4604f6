"""Tests of helpers.reversible: forward, inverse, uncomputation and the reversibility checks."""

import re

import numpy as np
import pytest

from helpers.reversible import Program, ReversibilityError, parse, uncompute

SRC = """
y += x * x
if x > 0:
    z += y
else:
    z -= y
for i in range(n):
    a += b
    swap(a, b)
w ^= k
c *= 3
c /= 2
"""


def test_forward_and_inverse_round_trip_on_integers():
    p = parse(SRC)
    for x in (-2, 0, 3):
        start = dict(x=x, n=6, a=1, b=0, k=5, w=9, c=4)
        out = p.run(**start)
        assert out["y"] == x * x and out["z"] == (x * x if x > 0 else -x * x)
        assert (out["a"], out["b"]) == (5, 8)  # Fibonacci numbers F(5), F(6)
        assert out["w"] == 9 ^ 5 and out["c"] == 6
        back = p.inverse().run(**out)
        assert {k: back[k] for k in start} == start
        assert back["y"] == 0 and back["z"] == 0


def test_inverse_source_is_the_mirror_image():
    inv = str(parse(SRC).inverse())
    lines = inv.splitlines()
    assert lines[0] == "c *= 2" and lines[1] == "c /= 3" and lines[2] == "w ^= k"
    assert "for i in reversed(range(n)):" in inv and lines[-1] == "y -= x * x"
    assert str(parse(SRC).inverse().inverse()) == str(parse(SRC))


def test_steps_are_counted():
    p = parse(SRC)
    p.run(x=1, n=4)
    assert p.steps == 1 + 1 + 2 * 4 + 3


def test_arrays_are_not_modified_in_place_and_float_round_trip():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(8)
    p = parse("""
for i in range(1, n):
    s[i] += s[i - 1] + x[i] * x[i]
""")
    out = p.run(x=x, n=8, s=np.zeros(8))
    assert np.allclose(out["s"], np.concatenate([[0], np.cumsum(x[1:] ** 2)]))
    back = p.inverse().run(**out)
    assert np.max(np.abs(back["s"])) < 1e-14  # floating point: equal up to rounding


def test_uncompute_cleans_scratch_registers():
    f = parse("""
t += x * x
t += 1
g += t * t
""")
    u = uncompute(f, {"g": "g_out"})
    out = u.run(x=3, clean=["t", "g"])
    assert out["g_out"] == 100 and out["t"] == 0 and out["g"] == 0
    with pytest.raises(ReversibilityError, match="should be clean"):
        f.run(x=3, clean=["t"])
    with pytest.raises(ReversibilityError, match="fresh name"):
        uncompute(f, {"g": "t"})


def test_trace_records_each_statement():
    p = parse("a += 1\nswap(a, b)")
    out, tr = p.run(trace=True)
    assert tr.lines == ["(start)", "a += 1", "swap(a, b)"]
    assert tr.states[-1]["b"] == 1 and out["a"] == 0


@pytest.mark.parametrize("src, msg", [
    ("x = 1", "overwrites its target"),
    ("x += x", "reads its own target"),
    ("x -= 2 * x + y", "reads its own target"),
    ("if a > 0:\n    a += 1", "which the condition reads"),
    ("for i in range(n):\n    n += 1", "could not be run backwards"),
    ("for i in range(n):\n    i += 1", "could not be run backwards"),
    ("for v in items:\n    a += v", "range(...)"),
    ("swap(a, a)", "two different registers"),
    ("x **= 2", "not reversible"),
    ("print(x)", "not a statement of the reversible language"),
    ("x +=", "syntax error"),
    ("a[a[0]] += 1", "reads the array 'a'"),
    ("b[a[b[0]]] -= 2", "reads the array 'b'"),
    ("swap(a[a[1]], c)", "reads the array 'a'"),
    ("x += foo(y)", "not a function of the reversible language"),
    ("x += y(2)", "not a function of the reversible language"),
    ("x += np.sin(y)", "not a function of the reversible language"),
    ("x += [v for v in y]", "not part of the reversible language"),
    ("if bar(y) > 0:\n    x += 1", "not a function of the reversible language"),
])
def test_irreversible_statements_are_rejected(src, msg):
    with pytest.raises(ReversibilityError, match=re.escape(msg)):
        parse(src)


def test_self_indexed_target_would_have_broken_the_round_trip():
    # what the static check prevents: run by hand, a[a[0]] += 1 moves its own target
    a = np.array([0, 5])
    a[a[0]] += 1          # a[0] becomes 1
    a[a[0]] -= 1          # the "inverse" now updates a[1]
    assert a.tolist() == [1, 4]


@pytest.mark.parametrize("src, regs, msg", [
    ("x *= y", dict(x=1.5, y=3), "not exactly invertible"),
    ("x *= y", dict(x=2, y=0.1), "not exactly invertible"),
    ("x /= y", dict(x=7, y=2), "not exact"),
    ("a[0] /= 2", dict(a=np.array([7, 1])), "not exact"),
    ("a[0] += 0.5", dict(a=np.array([7, 1])), "truncates"),
    ("x ^= y", dict(x=1.5, y=3), "integers only"),
])
def test_inexact_updates_are_refused(src, regs, msg):
    with pytest.raises(ReversibilityError, match=msg):
        parse(src).run(**regs)


def test_exact_integer_scaling_round_trips():
    p = parse("x *= 3\nx /= 2\na[1] *= -4")
    out = p.run(x=4, a=np.array([1, 3]))
    assert out["x"] == 6 and isinstance(out["x"], int) and out["a"].tolist() == [1, -12]
    back = p.inverse().run(**out)
    assert back["x"] == 4 and back["a"].tolist() == [1, 3] and back["a"].dtype.kind == "i"


def test_float_addition_is_inexact_but_allowed():
    p = parse("x += y")
    out = p.run(x=0.1, y=1e16)
    assert p.inverse().run(**out)["x"] != 0.1   # (0.1 + 1e16) - 1e16 loses the 0.1


def test_run_time_checks():
    with pytest.raises(ReversibilityError, match="scaling by zero"):
        parse("x *= y").run(x=1, y=0)
    with pytest.raises(ReversibilityError, match="aliasing"):
        parse("a[i] += a[j]").run(a=np.ones(3), i=1, j=1)
    assert isinstance(parse("a += 1") + parse("b += a"), Program)


def test_step_budget_stops_a_huge_loop_with_a_clear_error():
    """A program whose loop is far larger than intended stops at max_steps (no hang), with a
    message that says what happened; a bad budget is refused; no budget means no bound."""
    from helpers.reversible import StepBudgetExceeded, parse

    prog = parse("for i in range(10**12):\n    x += 1")
    with pytest.raises(StepBudgetExceeded, match="more than 1,000 elementary statements"):
        prog.run(max_steps=1000, x=0)
    with pytest.raises(ValueError, match="max_steps must be a positive integer"):
        prog.run(max_steps=0, x=0)
    assert parse("for i in range(50):\n    x += 1").run(x=0)["x"] == 50


def test_ch08_inverse_checker_does_not_hang_on_a_huge_loop():
    from helpers.exercises import check

    v = check("ch08.inverse", "for i in range(10**12):\n    x += 1")
    assert v.status == "wrong" and "StepBudgetExceeded" in v.message
