"""Chapter 14 exploration: the phase of the BB1 family against the robustness of the pulse."""

import numpy as np
import pytest

from helpers import qubit as q
from helpers.explorations.ch14 import BB1_PHI_DEG, bb1_family, composite_pulse_explorer, project


def test_every_phase_makes_the_gate_but_only_bb1_is_robust():
    ex = composite_pulse_explorer()
    errors, infid = [], []
    phases = [60.0, 90.0, BB1_PHI_DEG, 120.0, 150.0]
    for phi in phases:
        out = ex.update(pulse="BB1 family", phi_deg=phi, eps=0.05)
        c, d = bb1_family(phi)
        assert float(q.infidelity(c, d)) < 1e-28                      # the X gate without error
        assert out["infidelity"] == pytest.approx(float(q.infidelity(c, d, amp_error=0.05)), rel=1e-12)
        errors.append(out["first-order error |r|/2"])
        infid.append(out["infidelity"])
    best = phases.index(BB1_PHI_DEG)
    assert errors[best] < 1e-12 and min(e for i, e in enumerate(errors) if i != best) > 0.1
    assert infid[best] < 1e-3 * min(v for i, v in enumerate(infid) if i != best)
    assert ex.readouts["area |A|"] > 0        # at 150 deg the curve is open; the area is not zero
    # near the BB1 phase the first-order error grows linearly with the distance from it
    e1 = ex.update(phi_deg=BB1_PHI_DEG + 1.0)["first-order error |r|/2"]
    e2 = ex.update(phi_deg=BB1_PHI_DEG + 2.0)["first-order error |r|/2"]
    assert e2 / e1 == pytest.approx(2.0, rel=0.02)


def test_infidelity_follows_the_orders_of_robustness():
    ex = composite_pulse_explorer()
    plain = [ex.update(pulse="plain pi pulse", eps=e)["infidelity"] for e in (0.01, 0.02)]
    assert plain[1] / plain[0] == pytest.approx(4.0, rel=0.01)            # eps^2
    bb1 = [ex.update(pulse="BB1 family", phi_deg=BB1_PHI_DEG, eps=e)["infidelity"] for e in (0.01, 0.02)]
    assert bb1[1] / bb1[0] == pytest.approx(64.0, rel=0.01)               # eps^6
    assert plain[1] == pytest.approx(np.sin(0.01 * np.pi) ** 2, rel=1e-12)


def test_driven_through_the_widget_and_extra_pulses():
    c, d = q.rotations_to_controls(q.corpse())
    ex = composite_pulse_explorer(extra_pulses={"CORPSE": (c, d)})
    ex.widget()
    ex.control_widgets["pulse"].value = "CORPSE"
    ex.control_widgets["eps"].value = 0.02
    assert ex.values["pulse"] == "CORPSE"
    # CORPSE is no help against amplitude errors: the plain pulse's infidelity and curve
    assert ex.readouts["infidelity"] == pytest.approx(np.sin(0.01 * np.pi) ** 2, rel=1e-10)
    assert ex.readouts["first-order error |r|/2"] == pytest.approx(np.pi / 2, rel=1e-12)
    assert max(ex.timings) < 5.0     # generous: the machine is shared; the median is reported in the chapter
    with pytest.raises(ValueError):
        ex.update(eps=0.0)            # outside the slider's range


def test_projection_is_orthographic():
    p = project(np.eye(3))
    assert np.allclose(np.linalg.norm(project(np.random.default_rng(0).normal(size=(5, 3))), axis=1),
                       np.linalg.norm(np.random.default_rng(0).normal(size=(5, 3)), axis=1))
    assert p[2, 2] > 0 and abs(p[2, 0]) < 1e-12     # z points up, toward the viewer a little
