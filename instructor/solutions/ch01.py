"""Chapter 1: reference solutions, wrong answers, reference data."""

import numpy as np
from scipy.optimize import least_squares

from helpers.exercises.ch01 import FD_COUNT_POINTS, HIGHER_TARGET, fly_numpy


def adjoints(x1=0.2, th1=2.0, th2=-1.0, fan_out=True):
    """(x1_bar, theta1_bar, theta2_bar) by a backward sweep; fan_out=False forgets the path via L."""
    x2 = np.sin(th1 * x1)
    x3 = th2 * x2**2
    x3_bar = 2 * (x3 - x2)
    x2_bar = (-2 * (x3 - x2) if fan_out else 0.0) + x3_bar * 2 * th2 * x2
    return np.array([x2_bar * np.cos(th1 * x1) * th1, x2_bar * np.cos(th1 * x1) * x1, x3_bar * x2**2])


def higher_target_shot():
    """A launch velocity that hits (15, 8) m: least squares on the chapter's integrator."""
    return least_squares(lambda v: fly_numpy(v) - HIGHER_TARGET, x0=[8.0, 8.0], xtol=1e-14).x


_good = adjoints()

SOLUTIONS = {
    "ch01.adjoints": _good,
    "ch01.stable-step": 2 / 11,
    "ch01.fd-count": lambda n: 2 * n,
    "ch01.higher-target": higher_target_shot(),
}

WRONG = {
    "ch01.adjoints": [
        adjoints(fan_out=False),                    # x2 used twice: one path forgotten
        -_good,                                     # sign of L_bar
        _good[[1, 0, 2]],                           # theta1_bar and x1_bar swapped
        adjoints(0.7, 1.3, 0.8),                    # the chapter's worked point, not the exercise's
    ],
    "ch01.stable-step": [2 / 10, 1 / 10, 2.0, 1 / 11, 2 / 9],  # stability limit, 1/a_max, 2/a_min, ...
    "ch01.fd-count": [lambda n: n + 1, lambda n: n, lambda n: 2 * n + 1, lambda n: 4 * n],
    "ch01.higher-target": [
        np.array([8.0, 8.0]),                       # the chapter's first shot
        np.array([16.485, 16.999]),                 # the chapter's answer for the old target (18, 4)
        np.array([7.5, 11.81]),                     # no drag: 15 m in 2 s, 8 m up against gravity
        higher_target_shot()[::-1],                 # components swapped
    ],
}

REFERENCES = {
    "ch01.adjoints": adjoints,
    "ch01.stable-step": lambda: 2 / 11,
    "ch01.fd-count": lambda: [2 * n for n in FD_COUNT_POINTS],
}
