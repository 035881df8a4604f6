"""Chapter 11: reference solutions, wrong answers, reference data."""

import numpy as np

from helpers.exercises.ch11 import M_POINTS, T_POINTS, contact_order_cases, rotation_cases

_DE = np.array([-8.0, -4.0, 0.0, 4.0, 8.0])
T_C = 2.0 / np.log(1.0 + np.sqrt(2.0))


def _energies_4x4():
    codes = np.arange(2**16)
    s = (2 * ((codes[:, None] >> np.arange(16)) & 1) - 1).reshape(-1, 4, 4)
    return -(s * (np.roll(s, 1, axis=1) + np.roll(s, 1, axis=2))).sum(axis=(1, 2)).astype(float)


def heat_capacity(T=2.0, per=16, power=2, energy_scale=1.0):
    E = energy_scale * _energies_4x4()
    w = np.exp(-(E - E.min()) / T)
    w /= w.sum()
    return float((w @ E**2 - (w @ E) ** 2) / (per * T**power))


def acceptance(T):
    return np.minimum(1.0, np.exp(-_DE / T))


def threshold_temperature(m, exponent=-0.25, factor=2.0):
    return factor / np.arcsinh((1.0 - np.asarray(m, dtype=float) ** 8) ** exponent)


def best_rotation(x, y, centre=True, swap=False):
    x, y = np.array(x, np.float64), np.array(y, np.float64)
    if centre:
        x, y = x - x.mean(0), y - y.mean(0)
    s_c = np.sum(x * y)
    s_s = np.sum(x[:, 0] * y[:, 1] - x[:, 1] * y[:, 0])
    return float(np.arctan2(s_c, s_s) if swap else np.arctan2(s_s, s_c))


def contact_order(x, cutoff=1.5, min_sep=3, normalise=True):
    x = np.array(x, dtype=np.float64)
    n = len(x)
    i, j = np.triu_indices(n, min_sep)
    close = np.linalg.norm(x[i] - x[j], axis=1) < cutoff
    if not close.any():
        return 0.0
    co = float(np.mean(j[close] - i[close]))
    return co / n if normalise else co


SOLUTIONS = {
    "ch11.heat-capacity": heat_capacity(),
    "ch11.acceptance": acceptance,
    "ch11.threshold-temperature": threshold_temperature,
    "ch11.rotation-angle": best_rotation,
    "ch11.contact-order": contact_order,
}

WRONG = {
    "ch11.heat-capacity": [
        heat_capacity(power=0),              # the 1/T^2 forgotten
        heat_capacity(per=1),                # per lattice, not per site
        heat_capacity(energy_scale=2.0),     # every bond counted twice
        -1.7553802887774352,                 # the energy per site instead
    ],
    "ch11.acceptance": [
        lambda T: np.exp(-_DE / T),                     # no min(1, .)
        lambda T: np.minimum(1.0, np.exp(_DE / T)),     # sign of dE
        lambda T: np.minimum(1.0, np.exp(-_DE / (2 * T))),
        lambda T: acceptance(T)[::-1],                  # reversed order
    ],
    "ch11.threshold-temperature": [
        lambda m: T_C + 0 * np.asarray(m, dtype=float),          # always T_c
        lambda m: threshold_temperature(m, exponent=-0.5),       # a wrong root
        lambda m: threshold_temperature(m, factor=1.0),          # 1/T instead of 2/T in sinh
        lambda m: threshold_temperature(m, exponent=0.25),       # sign of the exponent
        lambda m: 2.0 / np.arcsinh((1.0 - np.asarray(m, dtype=float) ** 4) ** -0.25),   # m^4 for m^8
    ],
    "ch11.rotation-angle": [
        lambda x, y: best_rotation(x, y, swap=True),             # atan2 arguments swapped
        lambda x, y: -best_rotation(x, y),                       # y rotated onto x
        lambda x, y: best_rotation(x, y, centre=False),          # not centred
        lambda x, y: np.degrees(best_rotation(x, y)),            # degrees
    ],
    "ch11.contact-order": [
        lambda x: contact_order(x, normalise=False),             # absolute, not relative
        lambda x: contact_order(x, min_sep=2),                   # neighbours-but-one counted
        lambda x: contact_order(x, cutoff=1.2),                  # the well's centre as cutoff
        lambda x: contact_order(x) * len(x) / (len(x) - 1),      # divided by N - 1
    ],
}

REFERENCES = {
    "ch11.heat-capacity": heat_capacity,
    "ch11.acceptance": lambda: [acceptance(T) for T in T_POINTS],
    "ch11.threshold-temperature": lambda: [float(threshold_temperature(m)) for m in M_POINTS],
    "ch11.rotation-angle": lambda: [best_rotation(x, y) for x, y in rotation_cases()],
    "ch11.contact-order": lambda: [contact_order(x) for x in contact_order_cases()],
}
