"""Chapter 5's exploration: forward mode wins for tall Jacobians, reverse mode for wide ones,
and the two modes compute the same Jacobian."""

import numpy as np
import pytest

from helpers.explorations.ch05 import (SIZES, jacobian_cost_explorer, jacobian_forward,
                                       jacobian_reverse, jacobian_times, make_layered)


def test_the_two_modes_agree_and_count_their_passes():
    f = make_layered(5, 3)
    x = np.random.default_rng(0).standard_normal(5)
    J = jacobian_forward(f, x)
    assert J.shape == (3, 5)
    np.testing.assert_allclose(J, jacobian_reverse(f, x), rtol=1e-12)
    ex = jacobian_cost_explorer()
    out = ex.update(n=12, m=48)
    assert out["forward passes"] == 12 and out["reverse passes"] == 48


def test_the_winner_follows_the_shape():
    ex = jacobian_cost_explorer()
    assert ex.update(n=2, m=96)["faster"] == "forward"      # tall: 2 JVPs against 96 VJPs
    assert ex.update(n=96, m=2)["faster"] == "reverse"      # wide: 96 JVPs against 2 VJPs
    t_fwd, t_rev = zip(*(jacobian_times(n, 2) for n in (2, 96)))
    assert t_fwd[1] > 5 * t_fwd[0]                           # forward time grows with the inputs
    assert t_rev[1] < 5 * t_rev[0]                           # reverse time hardly does


def test_widget_and_bad_input():
    ex = jacobian_cost_explorer()
    ex.widget()
    ex.control_widgets["m"].value = SIZES[-1]
    assert ex.readouts["reverse passes"] == SIZES[-1]
    with pytest.raises(ValueError, match="not one of"):
        ex.update(n=5)
    with pytest.raises(ValueError, match="whole numbers"):
        make_layered(0, 3)
