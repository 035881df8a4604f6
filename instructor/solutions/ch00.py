"""The chapter template's exercise: reference solution, wrong answers, reference data."""

import numpy as np

SOLUTIONS = {"ch00.max-sin": float(np.max(np.sin(np.linspace(0, 2 * np.pi, 10001))))}
WRONG = {"ch00.max-sin": [0.0, -1.0, np.pi / 2]}
REFERENCES = {"ch00.max-sin": lambda: 1.0}
