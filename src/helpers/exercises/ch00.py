"""Checks for the chapter template (templates/chapter_template.ipynb)."""

import numpy as np

from helpers.check import check_value
from helpers.exercises import exercise


@exercise("ch00.max-sin")
def _max_sin(answer):
    return check_value(answer, 1.0, rtol=1e-6, name="The maximum of sin x",
                       hint="sample sin on a fine grid of [0, 2π] and take the largest value")
