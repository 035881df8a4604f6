"""The chapter 10 checkers accept the reference solutions and reject wrong answers."""


import numpy as np

from helpers.exercises import check
from helpers.exercises.ch10 import G, best_angle_deg, drag_gradient, drag_range, flight_time, vacuum_range


def test_vacuum_range():
    assert abs(vacuum_range() - 625 * np.sqrt(3) / 2 / G) < 1e-12
    assert check("ch10.vacuum-range", vacuum_range())
    v = check("ch10.vacuum-range", 625 * np.sin(60.0) / G)  # degrees passed to sin
    assert not v
    assert check("ch10.vacuum-range", None).status == "unanswered"


def test_drag_range_tends_to_vacuum():
    assert abs(drag_range(25.0, np.radians(30.0), k=0.0) - vacuum_range()) < 1e-6


def test_best_angle():
    a = best_angle_deg()
    assert 30.0 < a < 45.0
    assert check("ch10.best-angle", a + 0.1)
    assert not check("ch10.best-angle", 45.0)


def test_drag_gradient():
    g = drag_gradient()
    assert abs(drag_gradient(600) - g) < 1e-6 * abs(g)
    assert check("ch10.drag-gradient", g)
    assert not check("ch10.drag-gradient", -g)
    assert not check("ch10.drag-gradient", "not a number")


def test_flight_time():
    t = flight_time()
    assert 1.0 < t < 5.0
    assert check("ch10.flight-time", flight_time(300))
    assert not check("ch10.flight-time", 30.0 / 20.0)
