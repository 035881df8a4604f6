"""Chapter 10 checkers: what a learner would compute with the chapter's tools passes, the reference
data agrees with independent integrations (both drag-free angles land at 50 m)."""

import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from helpers import projectile as pr
from helpers.exercises import check, reference
from helpers.ode import adjoint_gradient, odeint_rk4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from instructor.solutions import ch10 as sol  # noqa: E402


def test_reference_data_against_formulas():
    flat = reference("ch10.vacuum-angle")
    # both the flat shot and the lob land at 50 m in vacuum (the instructor's range solver with k = 0)
    for angle in (flat, 90.0 - flat):
        assert abs(sol.drag_range(25.0, np.radians(angle), k=0.0) - 50.0) < 1e-6
    assert 0.0 < flat < 45.0
    assert 38.0 < reference("ch10.best-angle") < 45.0


def test_learner_routes_pass():
    # the best angle by a scan with the chapter's time-domain landing, refined to 0.1 degree
    angles = np.arange(39.0, 44.01, 0.1)
    ranges = [pr.time_domain_landing((20.0, np.radians(a)), pr.params()) for a in angles]
    assert check("ch10.best-angle", float(angles[int(np.argmax(ranges))]))
    # dL/dk by the adjoint, with k as the parameter of the vector field
    p = pr.params()
    s0 = pr.launch(jnp.array([20.0, 0.7]))
    s1 = odeint_rk4(pr.field, s0, 0.0, 30.0, 300, p)
    _, dp = adjoint_gradient(pr.field, s0, 0.0, 30.0, 300, p, jnp.array([2 * s1[0], 0.0, 0.0, 0.0]), y1=s1)
    assert check("ch10.drag-gradient", float(dp["k"]))
    # the flight time with 300 steps, as the chapter integrates
    assert check("ch10.flight-time", sol.flight_time(300))


def test_typed_rounded_values():
    assert check("ch10.vacuum-angle", 25.851)
    v = check("ch10.vacuum-angle", 25.8)
    assert v.status == "wrong" and "close" in v.message
    assert not check("ch10.vacuum-angle", 64.149)     # the lob
    assert not check("ch10.best-angle", 45.0)
    # a near miss of the best angle is "close" and names the tolerance, not a digit count
    v = check("ch10.best-angle", reference("ch10.best-angle") + 0.3)
    assert v.status == "wrong" and "0.2°" in v.message and "digits" not in v.message
    assert not check("ch10.drag-gradient", jax.numpy.float64(-reference("ch10.drag-gradient")))
