"""Chapter 11 checkers: learners' routes pass, and the reference data obeys independent physics."""

import numpy as np

from helpers import ising
from helpers.exercises import check, reference
from helpers.exercises.ch11 import M_POINTS, contact_order_cases, rotation_cases


def test_heat_capacity_is_the_derivative_of_the_energy():
    # C = d<E>/dT, by a central difference of exact enumeration
    T, dT = 2.0, 1e-4
    c = (ising.exact_enumeration(4, T + dT)["energy"] - ising.exact_enumeration(4, T - dT)["energy"]) / (2 * dT)
    assert abs(reference("ch11.heat-capacity") - c) < 1e-6
    assert check("ch11.heat-capacity", c)


def test_threshold_temperature_inverts_yang():
    ref = reference("ch11.threshold-temperature")
    assert np.allclose(ising.onsager_magnetization(np.array(ref)), M_POINTS, rtol=1e-9)
    assert all(t < ising.T_C for t in ref)

    def by_bisection(m):
        lo, hi = 0.5, ising.T_C
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if ising.onsager_magnetization(mid) > m else (lo, mid)
        return 0.5 * (lo + hi)
    assert check("ch11.threshold-temperature", by_bisection)


def test_rotation_cases_and_a_brute_force_learner():
    cases = rotation_cases()
    assert len(cases) == 6

    def brute(x, y):
        xc, yc = x - x.mean(0), y - y.mean(0)
        angles = np.linspace(-np.pi, np.pi, 200001)
        cost = [np.sum((xc @ np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]).T - yc) ** 2) for a in angles[::100]]
        a0 = angles[::100][int(np.argmin(cost))]
        from scipy.optimize import minimize_scalar
        return minimize_scalar(lambda a: np.sum((xc @ np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]).T - yc) ** 2),
                               bracket=(a0 - 0.01, a0 + 0.01), tol=1e-14).x
    assert check("ch11.rotation-angle", brute)


def test_contact_order_cases_have_contacts():
    cases = contact_order_cases()
    ref = reference("ch11.contact-order")
    assert all(r > 0 for r in ref[:-1]) and ref[-1] == 0.0
    assert len({round(r, 6) for r in ref[:-1]}) == 3   # the cases tell different answers apart
