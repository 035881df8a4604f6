"""Checks for chapter 1, "What is differentiable programming?".

The adjoints, the learning rate and the evaluation count are compared with reference data; the
launch velocity of the Angry Birds exercise is refereed by flying it (:func:`fly_numpy`, the
chapter's integrator), so the checker holds no answer.
"""

from __future__ import annotations

import numpy as np

from helpers.check import Verdict, as_numbers, check_function, check_value, describe_shape
from helpers.exercises import exercise, reference

#: Where the evaluation-count formula is tested.
FD_COUNT_POINTS = [1, 2, 3, 50021, 999983, 7654321]
#: The target of the Angry Birds exercise (m) and how close a shot must land (m).
HIGHER_TARGET, TOLERANCE = np.array([15.0, 8.0]), 1e-2


@exercise("ch01.adjoints", hints=(
    "Run the forward sweep first and keep x2 and x3; then go backward from L_bar = 1, one "
    "variable at a time, in the reverse order of the forward sweep.",
    "x2 is used twice, by x3 and by L: its adjoint is the sum of two terms, eq. (ch01-adjoint).",
))
def _adjoints(answer):
    return check_value(answer, reference("ch01.adjoints"), rtol=1e-8,
                       name="Your adjoints (x1_bar, theta1_bar, theta2_bar)")


@exercise("ch01.stable-step", hints=(     # the fastest of the stable learning rates
    "Write the factor of the slowest component, max over a in [1, 10] of |1 - eta a|, as a "
    "function of eta: which curvatures can be the slowest?",
    "Only the two ends, a = 1 and a = 10, matter. One factor falls with eta and the other rises; "
    "the maximum is smallest where they are equal.",
))
def _stable_step(answer):
    return check_value(answer, reference("ch01.stable-step"), rtol=1e-6, name="Your learning rate")


@exercise("ch01.fd-count", hints=(
    "Count the evaluations that one component of the gradient needs, then the components.",
))
def _fd_count(answer):
    return check_function(answer, reference("ch01.fd-count"), FD_COUNT_POINTS, rtol=0, atol=0.5,
                          integer=True, name="Your evaluation count")


def fly_numpy(v0, g: float = 9.81, drag: float = 0.05, t_flight: float = 2.0, n_steps: int = 400) -> np.ndarray:
    """Where the chapter's bird is at time T (semi-implicit Euler, as in the chapter)."""
    dt = t_flight / n_steps
    r, v = np.zeros(2), np.asarray(v0, dtype=float).copy()
    for _ in range(n_steps):
        v = v + dt * (np.array([0.0, -g]) - drag * np.linalg.norm(v) * v)
        r = r + dt * v
    return r


@exercise("ch01.higher-target", hints=(
    "Keep the program and the optimizer of the chapter; only the loss changes: the squared "
    "distance from where the bird is at T to the new target.",
    "If the shot still misses, run more optimizer steps (or a smaller learning rate) until the "
    "loss is below 1e-4 m².",
))
def _higher_target(answer):
    name = "Your launch velocity"
    v0, problem = as_numbers(answer)
    if v0 is None:
        return Verdict("wrong", f"{name} should be two numbers (vx, vy) in m/s, but it is {problem}.")
    if v0.shape != (2,):
        return Verdict("wrong", f"{name} is {describe_shape(v0.shape)}; give the two components "
                       "(vx, vy) in m/s as np.array([vx, vy]).")
    if not np.all(np.isfinite(v0)):
        return Verdict("wrong", f"{name} contains NaN or infinity.")
    with np.errstate(all="ignore"):
        dist = float(np.linalg.norm(fly_numpy(v0) - HIGHER_TARGET))
    if not np.isfinite(dist):
        return Verdict("wrong", f"{name} is not right: flown with the chapter's program, the shot's "
                       "speed overflows to infinity; check the units (m/s) and the optimizer's output.")
    if dist < TOLERANCE:
        return Verdict("correct", f"{name} is correct: the shot lands {dist:.1e} m from the target.")
    return Verdict("wrong", f"{name} is not right yet: flown with the chapter's program, the shot "
                   f"misses the target by {dist:.2g} m (it must land within 1 cm).")
