"""Chapter 16's checkers: what is specific to them (the generic standard is tested centrally in
tests/test_checker_standard.py): the defects the referee found are gone, and the test data tell
the right answer from the plausible wrong ones."""

import sys
from pathlib import Path

import numpy as np

from helpers.exercises import check, ch16, hints_of, reference

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from instructor.solutions import ch16 as solutions  # noqa: E402


def _lap(u, dx):
    up = np.pad(u, 1)
    return (up[2:, 1:-1] + up[:-2, 1:-1] + up[1:-1, 2:] + up[1:-1, :-2] - 4 * u) / dx**2


def test_reverse_step_messages_name_the_case_and_dump_no_array(capsys):
    def periodic(u, un, c, f, dt, dx):
        lap = (np.roll(u, 1, 0) + np.roll(u, -1, 0) + np.roll(u, 1, 1) + np.roll(u, -1, 1) - 4 * u) / dx**2
        return 2 * u - un + dt**2 * (c**2 * lap + f)

    v = check("ch16.reverse-step", periodic)
    assert not v
    msg = v.message
    assert "5×7" in msg and "[" not in msg and len(msg) < 600   # the case in words, no array printed
    capsys.readouterr()


def test_missing_return_is_not_called_unanswered():
    def forgot(u, u_next, c, f, dt, dx):
        2 * u - u_next + dt**2 * (c**2 * _lap(u, dx) + f)   # noqa: B018 - the learner forgot `return`

    v = check("ch16.reverse-step", forgot)
    assert not v and v.status != "unanswered" and "return" in v.message


def test_adjoint_step_tells_the_transpose_from_the_forward_operator():
    forward_operator = solutions.WRONG["ch16.adjoint-step"][0]
    assert check("ch16.adjoint-step", solutions.adjoint)
    assert not check("ch16.adjoint-step", forward_operator)
    for case in ch16.ADJOINT_CASES:  # the velocity varies, so c^2 L and L c^2 differ everywhere
        lam1, _, c, _, dt, dx = case
        assert np.min(np.abs(_lap(c**2 * lam1, dx) - c**2 * _lap(lam1, dx))) > 0


def test_cycle_skip_hints_do_not_give_the_fraction_of_a_period():
    text = " ".join(hints_of("ch16.cycle-skip")).lower()
    for giveaway in ("half", "0.4", "0.5", "0.6", "period)", "43", "86"):
        assert giveaway not in text
    tau = np.asarray(reference("ch16.cycle-skip"))
    assert abs(tau[1] / tau[0] - 2) < 0.01 and 0.03 < tau[0] < 0.06   # the basin doubles at half the frequency


def test_treeverse_budget_is_an_integer_answer():
    assert check("ch16.treeverse-budget", 7)
    v = check("ch16.treeverse-budget", 7.5)
    assert not v
    for wrong in (6, 8):
        v = check("ch16.treeverse-budget", wrong)
        assert not v and "small" not in v.message and "large" not in v.message


def test_cfl_wrong_dimension_rules_fail():
    assert check("ch16.cfl", solutions.dt_max)
    assert not check("ch16.cfl", lambda c, dx, nd: dx / (c * nd))
    assert not check("ch16.cfl", lambda c, dx, nd: dx / (c * np.sqrt(2)))
