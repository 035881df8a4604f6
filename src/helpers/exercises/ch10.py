r"""Checks for chapter 10, Angry Birds (book/part4/ch10_angry_birds.ipynb).

The model (:mod:`helpers.projectile`): a point projectile with gravity :math:`g = 9.81` m/s² and
quadratic air drag :math:`k = 0.02` 1/m, launched from the origin; the target at
:math:`x_T = 30` m, 300 fixed RK4 steps. The answers are compared with reference data
(:func:`helpers.exercises.reference`) computed by the instructor's solutions.
"""

from __future__ import annotations

from helpers.check import check_value
from helpers.exercises import exercise, reference


@exercise("ch10.vacuum-range", hints=(
    "Without drag the horizontal velocity is constant and the vertical motion is uniformly "
    "decelerated: find the time at which y returns to zero, then how far the bird got in that time.",
    "The range is v0^2 sin(2 theta)/g; numpy's trigonometric functions take radians.",
))
def _vacuum_range(answer):
    return check_value(answer, reference("ch10.vacuum-range"), rtol=1e-4, name="The drag-free range (m)")


@exercise("ch10.best-angle", hints=(
    "With drag, long high flights lose more speed, so the best angle is no longer the vacuum one. "
    "Compute where each shot lands for a range of angles and keep the longest.",
    "A landing point is where y returns to zero on the way down (the chapter's "
    "time_domain_landing does it); scan coarsely, then refine around the best angle to well below 0.2°.",
))
def _best_angle(answer):
    return check_value(answer, reference("ch10.best-angle"), atol=0.2, rtol=0.0,
                       name="The angle of the longest shot (degrees)")


@exercise("ch10.drag-gradient", hints=(
    "The drag coefficient is a parameter of the vector field, like the controls are parameters "
    "of the launch: reverse mode (or the adjoint) gives its gradient in the same pass.",
    "Write L as a function of k alone, L(k) = y(30 m; k)^2 for the shot (20 m/s, 0.7 rad) with "
    "300 RK4 steps, and apply jax.grad to it.",
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
