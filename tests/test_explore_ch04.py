"""Chapter 4's exploration: the reverse sweep replayed step by step agrees with the tape, and
the adjoints fill in from the output back to the inputs."""

import math

import numpy as np
import pytest

from helpers import tape as T
from helpers.explorations.ch04 import PROGRAMS, sweep_states, tape_sweep_explorer


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_final_state_is_the_gradient(name):
    prog = PROGRAMS[name]
    ex = tape_sweep_explorer(name)
    n = len(sweep_states(name)[1]) - 1
    out = ex.update(step=n)
    g = T.grad(prog.function)(prog.inputs)
    for nm, gi in zip(prog.names, g):
        assert out[f"{nm}_bar"] == pytest.approx(gi, rel=1e-14)
    assert out["entry"] == "done" and out["steps in the sweep"] == n


def test_adjoints_arrive_in_reverse_order_and_never_leave():
    name = "L = (θ2 x2 + x2² - 1)², x2 = tanh(θ1 x1)"
    ex = tape_sweep_explorer(name)
    assert ex.update(step=0)["entry"] == "seed"
    known = []
    for k in range(0, 9):
        r = ex.update(step=k)
        known.append(sum(not math.isnan(r[f"{nm}_bar"]) for nm in PROGRAMS[name].names))
    assert known == sorted(known) and known[0] == 0 and known[-1] == 3
    # theta2 is used by the product late in the program, so it hears of L before x1 does
    first = {nm: next(k for k in range(9) if not math.isnan(ex.update(step=k)[f"{nm}_bar"]))
             for nm in ("x1", "θ2")}
    assert first["θ2"] < first["x1"]
    _, states = sweep_states(name)
    processed = [s[0] for s in states[1:-1]]
    assert processed == sorted(processed, reverse=True)


def test_shared_node_collects_every_contribution():
    name = "y = s·s + s, s = sin x"
    _, states = sweep_states(name)
    s_adj = [st[1][1] for st in states]            # the adjoint of s = sin x (entry 1)
    x = PROGRAMS[name].inputs[0]
    assert s_adj[-1] == pytest.approx(2 * np.sin(x) + 1, rel=1e-14)
    assert s_adj[1] == pytest.approx(1.0)          # after the addition: only the "+ s" path


def test_widget_is_driven_through_its_controls():
    ex = tape_sweep_explorer()
    ex.widget()
    ex.control_widgets["step"].value = 8
    assert ex.readouts["entry"] == "done"
    ex.control_widgets["program"].value = "y = z sin x"
    assert ex.readouts["x_bar"] == pytest.approx(1.7 * np.cos(0.6), rel=1e-14)
    assert max(ex.timings) < 5.0
