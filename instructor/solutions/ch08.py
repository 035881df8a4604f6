"""Chapter 8: reference solutions, wrong answers, reference data."""

from helpers.exercises.integers import integer_digest
from helpers.exercises.ch08 import FAR_CELL
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


# park cell 4 with all four pebbles (7 steps), Bennett on cells 5-8 with three (9), then a
# three-pebble play of cells 1-4 run backwards, which uncomputes cell 4 (9): 25 steps
_PARK = [("place", i) for i in range(1, 5)] + [("remove", i) for i in (3, 2, 1)]
BEAT_BENNETT = (_PARK + [(a, c + 4) for a, c in bennett_moves(2, 2)]
                + [("remove" if a == "place" else "place", c) for a, c in reversed(bennett_moves(2, 2))])


def pebbles_needed():
    return next(p for p in range(1, 64) if 2**p - 1 >= FAR_CELL)


SOLUTIONS = {
    "ch08.inverse": INVERSE,
    "ch08.clean-fibonacci": FIB,
    "ch08.pebbles-needed": pebbles_needed(),
    "ch08.beat-bennett": BEAT_BENNETT,
}

WRONG = {
    "ch08.inverse": [
        INVERSE.replace("    swap(y, z)\n    z -= y", "    z -= y\n    swap(y, z)"),  # body not reversed
        INVERSE.replace("z -= y", "z += y"),                                           # not inverted
        "y -= x * x\n" + INVERSE.replace("y -= x * x\n", ""),                          # order kept
        INVERSE + "q += 1\n",                                                          # a dirty extra register
        INVERSE.replace("if x > 0:\n    w ^= z\n", ""),                                # the if forgotten
        INVERSE + "i += 1\n",                                                          # the loop variable made dirty
    ],
    "ch08.clean-fibonacci": [
        "out += floor(((1 + sqrt(5)) / 2) ** n / sqrt(5) + 0.5)",                     # Binet: no uncomputation
        FIB.split("out += a")[0] + "out += a\n",                                      # garbage left
        FIB.replace("out += a", "out += b"),                                           # F(n+1)
        FIB.replace("    swap(a, b)\n    a -= b", "    a -= b\n    swap(a, b)"),        # uncompute in the wrong order
        FIB + "n += 1\n",                                                              # changes n
        "for i in range(floor(((1 + sqrt(5)) / 2) ** n / sqrt(5) + 0.5)):\n    out += 1\n",  # Binet in the loop bound
        # no uncomputation: the garbage F(n+1) hidden in a register named like a loop variable
        "b += 1\nfor k in range(n):\n    a += b\n    swap(a, b)\nout += a\na -= out\nswap(b, i)\n",
        FIB.split("out += a")[0] + "out += a\nswap(a, j)\nswap(b, i)\n",            # garbage moved, not cleared
    ],
    "ch08.pebbles-needed": [pebbles_needed() - 1, pebbles_needed() + 1, 9.97, pebbles_needed() + 0.3],
    "ch08.beat-bennett": [
        bennett_moves(2, 3),                                                 # Bennett itself: 27 steps
        [("place", i) for i in range(1, 9)],                                 # 8 pebbles: illegal with 4
        min_steps_reversible(8, 4, clean=False, return_moves=True)[1],      # reaches 8, not clean
        [("place", 1), ("place", 2), ("remove", 1)],                        # never reaches cell 8
    ],
}

REFERENCES = {  # a whole-number answer, stored as its digest (see helpers.exercises.ch07)
    "ch08.pebbles-needed": lambda: integer_digest("ch08.pebbles-needed", pebbles_needed()),
}
