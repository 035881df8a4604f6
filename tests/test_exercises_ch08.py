"""The chapter 8 checkers accept the reference solutions and reject wrong answers."""

from helpers.exercises import check
from helpers.pebble import bennett_moves, min_steps_reversible

INVERSE = """
if x > 0:
    w ^= z
for i in reversed(range(n)):
    swap(y, z)
    z -= y
y -= x * x
"""

FIB = """
b += 1
for i in range(n):
    a += b
    swap(a, b)
out += a
for i in reversed(range(n)):
    swap(a, b)
    a -= b
b -= 1
"""


def test_inverse():
    assert check("ch08.inverse", INVERSE)
    body_not_reversed = INVERSE.replace("    swap(y, z)\n    z -= y", "    z -= y\n    swap(y, z)")
    v = check("ch08.inverse", body_not_reversed)
    assert not v and "not at the start" in v.message
    assert check("ch08.inverse", "x = 0").status == "wrong"
    assert check("ch08.inverse", 3).status == "wrong"


def test_clean_fibonacci():
    assert check("ch08.clean-fibonacci", FIB)
    v = check("ch08.clean-fibonacci", FIB.split("out += a")[0] + "out += a")
    assert not v and "garbage" in v.message
    assert not check("ch08.clean-fibonacci", "out += n")


def test_pebbles_needed():
    assert check("ch08.pebbles-needed", 10)
    assert not check("ch08.pebbles-needed", 11)


def test_beat_bennett():
    _, moves = min_steps_reversible(8, 4, return_moves=True)
    assert check("ch08.beat-bennett", moves)
    v = check("ch08.beat-bennett", bennett_moves(2, 3))
    assert not v and "27" in v.message
    assert "illegal" in check("ch08.beat-bennett", [("place", 2)]).message
    assert "single pebble" in check("ch08.beat-bennett", [("place", 1)]).message
