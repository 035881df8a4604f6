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
])
def test_irreversible_statements_are_rejected(src, msg):
    with pytest.raises(ReversibilityError, match=re.escape(msg)):
        parse(src)


def test_run_time_checks():
    with pytest.raises(ReversibilityError, match="scaling by zero"):
        parse("x *= y").run(x=1, y=0)
    with pytest.raises(ReversibilityError, match="aliasing"):
        parse("a[i] += a[j]").run(a=np.ones(3), i=1, j=1)
    assert isinstance(parse("a += 1") + parse("b += a"), Program)
