r"""Checks for chapter 10, Angry Birds (book/part4/ch10_angry_birds.ipynb).

The model: a point projectile with gravity and quadratic air drag,

.. math::  \dot{\mathbf v} = -g\,\hat{\mathbf y} - k\,|\mathbf v|\,\mathbf v,

launched from the origin with speed :math:`v_0` at angle :math:`\theta` above the horizontal.
Because the horizontal velocity stays positive, the horizontal distance :math:`x` serves as
the independent variable: with the state :math:`s = (y, v_x, v_y)`,

.. math::  \frac{dy}{dx} = \frac{v_y}{v_x},\quad \frac{dv_x}{dx} = -k|\mathbf v|,\quad
           \frac{dv_y}{dx} = -\frac{g + k|\mathbf v| v_y}{v_x}.

Constants: :math:`g = 9.81` m/s², :math:`k = 0.02` 1/m, target at :math:`x_T = 30` m,
300 fixed RK4 steps (helpers.ode.odeint_rk4).
"""

from __future__ import annotations


import numpy as np
from scipy.integrate import solve_ivp

from helpers.check import check_value
from helpers.exercises import exercise

G = 9.81
K = 0.02
X_TARGET = 30.0
N_STEPS = 300
SHOT = (20.0, 0.7)  # launch speed (m/s) and angle (rad) used by the exercises


def _field(s, x, k):
    import jax.numpy as jnp

    y, vx, vy = s[0], s[1], s[2]
    v = jnp.sqrt(vx**2 + vy**2)
    return jnp.array([vy / vx, -k * v, -(G + k * v * vy) / vx])


def _launch(v0, angle):
    import jax.numpy as jnp

    return jnp.array([0.0, v0 * jnp.cos(angle), v0 * jnp.sin(angle)])


# --------------------------------------------------------------------------- 1. vacuum range
def vacuum_range(v0: float = 25.0, angle_deg: float = 30.0) -> float:
    """Range of a drag-free shot, v0^2 sin(2 theta)/g."""
    return v0**2 * np.sin(2 * np.radians(angle_deg)) / G


@exercise("ch10.vacuum-range")
def _vacuum_range(answer):
    return check_value(answer, vacuum_range(), rtol=1e-6, name="The drag-free range (m)",
                       hint="v0 = 25 m/s, theta = 30 degrees, g = 9.81 m/s^2; the range is v0^2 sin(2 theta)/g "
                       "(remember that numpy's sin takes radians)")


# --------------------------------------------------------------------------- 2. best angle with drag
def drag_range(v0: float, angle: float, k: float = K) -> float:
    """Range (m) of a shot with quadratic drag, by a tight adaptive time integration (scipy)."""
    def rhs(t, u):
        x, y, vx, vy = u
        v = np.hypot(vx, vy)
        return [vx, vy, -k * v * vx, -G - k * v * vy]

    def ground(t, u):
        return u[1]
    ground.terminal, ground.direction = True, -1
    sol = solve_ivp(rhs, (0.0, 100.0), [0.0, 0.0, v0 * np.cos(angle), v0 * np.sin(angle)], events=ground,
                    rtol=1e-11, atol=1e-11, first_step=1e-3)
    return float(sol.y_events[0][0][0])


def best_angle_deg(v0: float = 20.0) -> float:
    """Launch angle (degrees) of the longest shot at speed v0 with drag k = 0.02 1/m."""
    from scipy.optimize import minimize_scalar

    res = minimize_scalar(lambda a: -drag_range(v0, np.radians(a)), bounds=(20.0, 50.0), method="bounded",
                          options={"xatol": 1e-5})
    return float(res.x)


@exercise("ch10.best-angle")
def _best_angle(answer):
    return check_value(answer, best_angle_deg(), atol=0.2, rtol=0.0, name="The angle of the longest shot (degrees)",
                       hint="with drag the best angle is below 45 degrees; scan the angle at v0 = 20 m/s, k = 0.02 1/m, "
                       "find where each shot lands (y = 0 on the way down) and take the angle of the longest one")


# --------------------------------------------------------------------------- 3. gradient w.r.t. drag
def drag_gradient(n_steps: int = N_STEPS) -> float:
    """dL/dk for L = y(x_T)^2 at the chapter's shot (20 m/s, 0.7 rad), by the adjoint method."""
    import jax.numpy as jnp

    from helpers.ode import adjoint_gradient, odeint_rk4

    s0 = _launch(*SHOT)
    k = jnp.asarray(K)
    s1 = odeint_rk4(_field, s0, 0.0, X_TARGET, n_steps, k)
    dLds1 = jnp.array([2 * s1[0], 0.0, 0.0])
    _, dk = adjoint_gradient(_field, s0, 0.0, X_TARGET, n_steps, k, dLds1, y1=s1)
    return float(dk)


@exercise("ch10.drag-gradient")
def _drag_gradient(answer):
    return check_value(answer, drag_gradient(), rtol=1e-5, name="dL/dk",
                       hint="make k the params of the vector field, integrate the shot (20 m/s, 0.7 rad) to "
                       "x = 30 m, and differentiate L = y(30 m)^2 with respect to k (units m^3)")


# --------------------------------------------------------------------------- 4. flight time
def flight_time(n_steps: int = 2000) -> float:
    """Time (s) the chapter's shot takes to reach x = 30 m: the integral of dx / v_x."""
    import jax.numpy as jnp

    from helpers.ode import odeint_rk4

    def field_t(s, x, k):
        return jnp.concatenate([_field(s[:3], x, k), jnp.array([1.0 / s[1]])])

    s0 = jnp.concatenate([_launch(*SHOT), jnp.zeros(1)])
    return float(odeint_rk4(field_t, s0, 0.0, X_TARGET, n_steps, K)[3])


@exercise("ch10.flight-time")
def _flight_time(answer):
    return check_value(answer, flight_time(), rtol=1e-6, name="The time to reach x = 30 m (s)",
                       hint="add a fourth state component t with dt/dx = 1/v_x (starting at 0) and integrate "
                       "the shot (20 m/s, 0.7 rad) with drag to x = 30 m")
