"""Chapter 8 checkers: the defects the referee found stay fixed, and programs are refereed."""

import sys
from pathlib import Path

from helpers.exercises import check
from helpers.pebble import bennett_moves, min_steps_reversible

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from instructor.solutions.ch08 import FIB, INVERSE  # noqa: E402  (the reference programs)

def test_inverse_checks_every_register():
    assert check("ch08.inverse", INVERSE)
    v = check("ch08.inverse", INVERSE + "q += 1\n")       # an extra dirty register
    assert not v and "['q']" in v.message
    v = check("ch08.inverse", INVERSE.replace("    swap(y, z)\n    z -= y", "    z -= y\n    swap(y, z)"))
    assert not v and "do not return" in v.message
    v = check("ch08.inverse", "y -= foo(x)")              # unknown function: a clear message
    assert not v and "not callable" not in v.message and "not a function of the reversible language" in v.message
    assert check("ch08.inverse", "x = 0").status == "wrong"


def test_clean_fibonacci_tests_uncomputation():
    assert check("ch08.clean-fibonacci", FIB)
    binet = "out += floor(((1 + sqrt(5)) / 2) ** n / sqrt(5) + 0.5)"
    v = check("ch08.clean-fibonacci", binet)
    assert not v and "uncompute" in v.message
    v = check("ch08.clean-fibonacci", FIB + "n += 1\n")
    assert not v and "changes n" in v.message
    v = check("ch08.clean-fibonacci", FIB.split("out += a")[0] + "out += a")
    assert not v and "garbage" in v.message
    v = check("ch08.clean-fibonacci", "for i in range(n * n):\n    out += 1")
    assert not v and "sums and differences" in v.message


def test_pebbles_needed_refuses_fractions_and_text_without_ratio():
    for bad in (10.3, "10", 9, 11, 10 + 0.5j):
        v = check("ch08.pebbles-needed", bad)
        assert v.status == "wrong" and "times" not in v.message
    assert check("ch08.pebbles-needed", 10)


def test_beat_bennett_referees_the_play():
    _, moves = min_steps_reversible(8, 4, return_moves=True)
    assert check("ch08.beat-bennett", moves)
    v = check("ch08.beat-bennett", bennett_moves(2, 3))
    assert not v and "27" in v.message
    assert "illegal" in check("ch08.beat-bennett", [("place", 2)]).message
    assert "never puts a pebble" in check("ch08.beat-bennett", [("place", 1)]).message
