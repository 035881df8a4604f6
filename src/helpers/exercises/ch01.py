"""Checks for chapter 1, "What is differentiable programming?"."""

from __future__ import annotations

import numpy as np

from helpers.check import _emit, check_function, check_value
from helpers.exercises import exercise


@exercise("ch01.adjoints")
def _adjoints(answer):
    x1, th1, th2 = 0.2, 2.0, -1.0
    x2 = np.sin(th1 * x1)
    x3 = th2 * x2**2
    x3_bar = 2 * (x3 - x2)
    x2_bar = -2 * (x3 - x2) + x3_bar * 2 * th2 * x2
    ref = np.array([x2_bar * np.cos(th1 * x1) * th1, x2_bar * np.cos(th1 * x1) * x1, x3_bar * x2**2])
    return check_value(answer, ref, rtol=1e-8, name="Your adjoints (x1_bar, theta1_bar, theta2_bar)",
                       hint="x2 is used twice (by x3 and by L): its adjoint is the sum of two terms")


@exercise("ch01.stable-step")
def _stable_step(answer):
    return check_value(answer, 0.2, rtol=1e-6, name="The largest stable learning rate",
                       hint="require |1 - eta*a_i| < 1 for the stiffest direction a_i = 10")


@exercise("ch01.fd-count")
def _fd_count(answer):
    return check_function(answer, lambda n: 2 * n, [1, 10, 1000, 10**6], rtol=0, atol=0.5,
                          name="Your evaluation count",
                          hint="each of the n components needs f at theta + h e_i and theta - h e_i")


def _fly_numpy(v0, g=9.81, drag=0.05, t_flight=2.0, n_steps=400):
    """Where the chapter's bird is at time T (semi-implicit Euler, as in the chapter)."""
    dt = t_flight / n_steps
    r, v = np.zeros(2), np.asarray(v0, dtype=float).copy()
    for _ in range(n_steps):
        v = v + dt * (np.array([0.0, -g]) - drag * np.linalg.norm(v) * v)
        r = r + dt * v
    return r


@exercise("ch01.higher-target")
def _higher_target(answer):
    v0 = np.asarray(answer, dtype=float)
    if v0.shape != (2,):
        return _emit("wrong", f"Your launch velocity has shape {v0.shape}; give the two components "
                     "(vx, vy) in m/s as np.array([vx, vy]).", False)
    miss = _fly_numpy(v0) - np.array([15.0, 8.0])
    dist = float(np.linalg.norm(miss))
    if dist < 1e-2:
        return _emit("correct", f"Your shot lands {dist:.1e} m from the target: correct.", False)
    where = "short of" if miss[0] < 0 else "beyond"
    height = "below" if miss[1] < 0 else "above"
    return _emit("wrong", f"Your shot misses by {dist:.2f} m: it ends {where} the target horizontally "
                 f"and {height} it. Hint: optimize the loss |r(T) - (15, 8)|^2 with more steps or a "
                 "smaller learning rate until it falls below 1e-4.", False)
