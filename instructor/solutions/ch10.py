"""Chapter 10: reference solutions, wrong answers, reference data."""

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import minimize_scalar

G, K, X_TARGET, N_STEPS = 9.81, 0.02, 30.0, 300
SHOT = (20.0, 0.7)


def vacuum_angle(v0=25.0, distance=50.0, g=G):
    """The flatter of the two drag-free launch angles (degrees) that land at ``distance``."""
    return float(np.degrees(np.arcsin(g * distance / v0**2)) / 2)


def drag_range(v0, angle, k=K):
    """Range (m) of a shot with quadratic drag by a tight adaptive time integration."""
    def rhs(t, u):
        _, _, vx, vy = u
        v = np.hypot(vx, vy)
        return [vx, vy, -k * v * vx, -G - k * v * vy]

    def ground(t, u):
        return u[1]
    ground.terminal, ground.direction = True, -1
    sol = solve_ivp(rhs, (0.0, 100.0), [0.0, 0.0, v0 * np.cos(angle), v0 * np.sin(angle)], events=ground,
                    rtol=1e-11, atol=1e-11, first_step=1e-3)
    return float(sol.y_events[0][0][0])


def best_angle_deg(v0=20.0):
    res = minimize_scalar(lambda a: -drag_range(v0, np.radians(a)), bounds=(20.0, 50.0), method="bounded",
                          options={"xatol": 1e-5})
    return float(res.x)


def _loss_of_k(power=2, n=N_STEPS):
    import jax.numpy as jnp

    from helpers import projectile as pr
    from helpers.ode import odeint_rk4

    def loss(k):
        p = {"k": k, "g": jnp.asarray(G), "wall": jnp.asarray(pr.NO_WALL)}
        return odeint_rk4(pr.field, pr.launch(jnp.asarray(SHOT)), 0.0, X_TARGET, n, p)[0] ** power
    return loss


def drag_gradient(power=2):
    import jax

    return float(jax.grad(_loss_of_k(power))(K))


def flight_time(n=2000, rate="vx"):
    """Time to reach x = 30 m: the integral of dx / v_x (or, wrongly, dx / |v|)."""
    import jax.numpy as jnp

    from helpers import projectile as pr
    from helpers.ode import odeint_rk4

    def field_t(s, x, p):
        v = jnp.sqrt(s[1] ** 2 + s[2] ** 2)
        return jnp.concatenate([pr.field(s[:4], x, p), jnp.array([1.0 / (s[1] if rate == "vx" else v)])])

    s0 = jnp.concatenate([pr.launch(jnp.asarray(SHOT)), jnp.zeros(1)])
    return float(odeint_rk4(field_t, s0, 0.0, X_TARGET, n, pr.params(k=K, g=G))[4])


def _landing_time_vacuum():
    v0, a = SHOT
    return 2 * v0 * np.sin(a) / G


SOLUTIONS = {
    "ch10.vacuum-angle": vacuum_angle(),
    "ch10.best-angle": best_angle_deg() + 0.1,
    "ch10.drag-gradient": drag_gradient(),
    "ch10.flight-time": flight_time(N_STEPS),
}

WRONG = {
    "ch10.vacuum-angle": [
        90.0 - vacuum_angle(),                          # the lob, not the flat shot
        2 * vacuum_angle(),                             # arcsin(g R / v0^2) without the 1/2
        np.radians(vacuum_angle()),                     # radians
        float(np.arcsin(G * 50.0 / 25.0**2) / 2),       # radians from arcsin, not converted
        vacuum_angle(g=10.0),                           # g = 10
        float(np.degrees(np.arcsin(G * 50.0 / (2 * 25.0**2)))),   # sin(theta) instead of sin(2 theta)
    ],
    "ch10.best-angle": [45.0, np.radians(best_angle_deg()), 35.0, best_angle_deg() + 1.5],
    "ch10.drag-gradient": [
        -drag_gradient(),          # sign
        drag_gradient(power=1),    # dy/dk instead of d(y^2)/dk
        K * drag_gradient(),       # dL/d(ln k)
        drag_gradient() / 2,       # a stray factor 1/2
    ],
    "ch10.flight-time": [
        X_TARGET / (SHOT[0] * np.cos(SHOT[1])),  # drag-free: x / (v0 cos a)
        flight_time(N_STEPS, rate="speed"),      # dt/dx = 1/|v| instead of 1/v_x
        _landing_time_vacuum(),                  # the drag-free time of flight to the ground
    ],
}

REFERENCES = {
    "ch10.vacuum-angle": vacuum_angle,
    "ch10.best-angle": best_angle_deg,
    "ch10.drag-gradient": drag_gradient,
    "ch10.flight-time": flight_time,
}
