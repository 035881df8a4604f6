r"""Checks for chapter 10, Angry Birds (book/part4/ch10_angry_birds.ipynb).

The model (:mod:`helpers.projectile`): a point projectile with gravity :math:`g = 9.81` m/s² and
quadratic air drag :math:`k = 0.02` 1/m, launched from the origin; the target at
:math:`x_T = 30` m, 300 fixed RK4 steps. The answers are compared with reference data
(:func:`helpers.exercises.reference`) computed by the instructor's solutions.
"""

from __future__ import annotations

from helpers.check import _emit, check_value
from helpers.exercises import exercise, reference

#: How close the best angle must be, in degrees.
ANGLE_TOLERANCE = 0.2


@exercise("ch10.vacuum-angle", hints=(
    "Without drag the range is a known function of the launch angle: set it equal to the distance "
    "and solve for the angle. How many angles in (0°, 90°) give the same value of that function?",
    "The range depends on the angle only through sin(2 theta); arcsin returns radians and the "
    "smaller of the two solutions.",
))
def _vacuum_angle(answer):
    return check_value(answer, reference("ch10.vacuum-angle"), rtol=1e-4, name="The flatter launch angle (degrees)")


@exercise("ch10.best-angle", hints=(
    "With drag, long high flights lose more speed, so the best angle is no longer the vacuum one. "
    "Compute where each shot lands for a range of angles and keep the longest.",
    "A landing point is where y returns to zero on the way down (the chapter's "
    "time_domain_landing does it); scan coarsely, then refine around the best angle to well below 0.2°.",
))
def _best_angle(answer):
    name = "The angle of the longest shot (degrees)"
    verdict = check_value(answer, reference("ch10.best-angle"), atol=ANGLE_TOLERANCE, rtol=0.0, name=name, quiet=True)
    if verdict.status == "wrong" and "close" in verdict.message:
        # check_value would say "needs about 16 digits" for an absolute tolerance; say what is asked
        return _emit("wrong", f"{name} is close, but not within {ANGLE_TOLERANCE}°: refine the scan around "
                     "your best angle, and check that each landing point is found accurately.", False)
    return check_value(answer, reference("ch10.best-angle"), atol=ANGLE_TOLERANCE, rtol=0.0, name=name)


@exercise("ch10.drag-gradient", hints=(
    "The drag coefficient is a parameter of the vector field, like the controls are parameters "
    "of the launch: reverse mode (or the adjoint) gives its gradient in the same pass.",
    "The field reads k from its parameter dictionary: differentiate a function that builds that "
    "dictionary from k (or read the parameter gradient the adjoint returns). Before you trust the "
    "number, ask whether more drag should raise or lower y(x_T) for this shot.",
))
def _drag_gradient(answer):
    return check_value(answer, reference("ch10.drag-gradient"), rtol=1e-5, name="dL/dk (m^3)")


@exercise("ch10.flight-time", hints=(
    "Time is not lost when x is the independent variable: it accumulates like any other "
    "quantity along the flight. Which equation tells how t grows with x?",
    "dt/dx = 1/v_x; integrate it as a fifth state component, starting from t = 0 at x = 0.",
))
def _flight_time(answer):
    return check_value(answer, reference("ch10.flight-time"), rtol=1e-5, name="The time to reach x = 30 m (s)")
