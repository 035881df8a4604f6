"""The chapter 16 checkers accept the reference solutions and reject wrong answers usefully."""

import math

import numpy as np

from helpers.exercises import check
from helpers.exercises import ch16


def test_references_pass(capsys):
    assert check("ch16.cfl", ch16.dt_max)
    assert check("ch16.treeverse-budget", ch16.treeverse_budget())
    assert check("ch16.reverse-step", ch16.reverse_leapfrog)
    assert check("ch16.cycle-skip", ch16.cycle_skip_limits())
    assert capsys.readouterr().out.count("correct") == 4


def test_values():
    assert ch16.treeverse_budget().tolist() == [7, 0.32]
    assert math.comb(17, 10) >= 10**4 > math.comb(16, 10)
    tau = ch16.cycle_skip_limits()
    assert abs(tau[1] / tau[0] - 2) < 0.01  # halving the frequency doubles the basin
    assert 0.03 < tau[0] < 0.06


def test_wrong_answers_fail(capsys):
    v = check("ch16.cfl", lambda c, dx, nd: dx / (c * nd))
    assert not v and "sample point" not in v.message and "called with" in v.message
    v = check("ch16.treeverse-budget", np.array([6, 0.32]))
    assert not v
    v = check("ch16.reverse-step", lambda u, un, c, f, dt, dx: 2 * u - un)
    assert not v
    v = check("ch16.cycle-skip", np.array([0.1, 0.2]))
    assert not v and "Hint" in v.message
    assert not check("ch16.reverse-step", None)
    assert "not answered" in capsys.readouterr().out
