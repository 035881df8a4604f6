"""Checks for the chapter template (templates/chapter_template.ipynb)."""

from helpers.check import check_value
from helpers.exercises import exercise, reference


@exercise("ch00.max-sin", hints=(
    "Evaluate sin on many points of one period and look at the largest value you get.",
    "np.linspace(0, 2 * np.pi, 10001) gives a fine grid; np.max does the rest.",
))
def _max_sin(answer):
    return check_value(answer, reference("ch00.max-sin"), rtol=1e-6, name="The maximum of sin x")
