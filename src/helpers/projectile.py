r"""A projectile with quadratic air drag, for chapter 10 (Angry Birds): the equations, the aim,
and the gradients through the integrator.

Per unit mass, with the drag :math:`\tfrac12\rho C_d A|\mathbf v|^2` written as
:math:`k = \rho C_d A/(2m)`,

.. math::  \dot x = v_x,\quad \dot y = v_y,\quad \dot v_x = -k|\mathbf v|v_x,\quad
           \dot v_y = -g - k|\mathbf v|v_y .

Since :math:`v_x > 0` throughout a flight, the horizontal distance :math:`x` can replace time as
the independent variable; for the state :math:`s = (y, v_x, v_y, c)`

.. math::  \frac{dy}{dx} = \frac{v_y}{v_x},\quad \frac{dv_x}{dx} = -k|\mathbf v|,\quad
           \frac{dv_y}{dx} = -\frac{g + k|\mathbf v|v_y}{v_x},\quad
           \frac{dc}{dx} = \mathrm{relu}\Big(1 - \frac{(x - x_w)^2}{w^2}\Big)^2\,
                           \mathrm{relu}(h_w - y)^2 ,

where :math:`c` accumulates a penalty for passing below the top of a wall of height
:math:`h_w` at :math:`x_w` (half-width :math:`w`). The loss of a shot at a target on the ground
at :math:`x_T` is :math:`L = y(x_T)^2 + \lambda c(x_T)`. The trajectory is integrated by
:func:`helpers.ode.odeint_rk4` (fixed-step RK4); the gradient comes from reverse mode through
the steps (``method="backprop"``) or from the continuous adjoint
(``method="adjoint"``, :func:`helpers.ode.odeint_adjoint`).

Parameters are a dict ``p = {"k": k, "g": g, "wall": (x_w, h_w, w)}`` (see :func:`params`);
a wall far below the ground (the default) never costs anything.

Importing this module does not start JAX; the book's notebooks call ``helpers.jax_cpu()``.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["G", "K", "params", "field", "launch", "newton", "shot_state", "shot_loss",
           "trajectory", "time_domain_landing", "landing_from_trajectory", "reaches"]

#: Gravity (m/s^2).
G: float = 9.81
#: The chapter's drag per unit mass (1/m), about that of a tennis ball.
K: float = 0.02
#: A wall far below the ground: the penalty is zero for every shot.
NO_WALL: tuple[float, float, float] = (20.0, -1e3, 0.5)


def params(k: float = K, g: float = G, wall: tuple[float, float, float] | None = None) -> dict:
    """The parameter dict of :func:`field`: drag ``k`` (1/m), gravity ``g`` (m/s^2) and a wall
    ``(x_w, h_w, w)`` in metres (position, height, half-width), or none."""
    import jax.numpy as jnp

    for name, value in (("k", k), ("g", g)):
        if not isinstance(value, (int, float, np.floating, np.integer)) or isinstance(value, bool) \
                or not math.isfinite(value) or value < 0:
            raise ValueError(f"params: {name} must be a finite number >= 0, got {value!r}")
    w = NO_WALL if wall is None else tuple(float(v) for v in wall)
    if len(w) != 3 or w[2] <= 0:
        raise ValueError(f"params: wall must be (x_w, h_w, half-width > 0), got {wall!r}")
    return {"k": jnp.asarray(float(k)), "g": jnp.asarray(float(g)), "wall": jnp.asarray(w)}


def field(s: Any, x: Any, p: dict) -> Any:
    """d/dx of the state ``s = (y, vx, vy, c)``: the flight with x as the independent variable,
    plus the wall penalty rate (module docstring)."""
    import jax
    import jax.numpy as jnp

    y, vx, vy, _ = s
    v = jnp.sqrt(vx**2 + vy**2)
    x_wall, h_wall, w_wall = p["wall"]
    dc = jax.nn.relu(1.0 - ((x - x_wall) / w_wall) ** 2) ** 2 * jax.nn.relu(h_wall - y) ** 2
    return jnp.array([vy / vx, -p["k"] * v, -(p["g"] + p["k"] * v * vy) / vx, dc])


def launch(theta: Any) -> Any:
    """Initial state ``(y, vx, vy, c) = (0, v0 cos a, v0 sin a, 0)`` of the controls
    ``theta = (v0 in m/s, a in rad)``."""
    import jax.numpy as jnp

    v0, angle = theta[0], theta[1]
    return jnp.array([0.0, v0 * jnp.cos(angle), v0 * jnp.sin(angle), 0.0])


def newton(u: Any, t: Any, p: dict) -> Any:
    """d/dt of ``u = (x, y, vx, vy)``: Newton's equations of the module docstring in time."""
    import jax.numpy as jnp

    v = jnp.sqrt(u[2] ** 2 + u[3] ** 2)
    return jnp.array([u[2], u[3], -p["k"] * v * u[2], -p["g"] - p["k"] * v * u[3]])


def _check_theta(theta: Any, who: str) -> Any:
    import jax.numpy as jnp

    th = jnp.asarray(theta, dtype=float)
    if th.shape != (2,):
        raise ValueError(f"{who}: theta must be (launch speed in m/s, angle in rad), got shape {th.shape}")
    return th


def shot_state(theta: Any, p: dict, x_end: float, n_steps: int = 300, *, method: str = "backprop") -> Any:
    """The state ``(y, vx, vy, c)`` of the shot ``theta`` at horizontal distance ``x_end`` (m),
    by ``n_steps`` RK4 steps; ``method="adjoint"`` gives the same state with the continuous
    adjoint as its reverse-mode rule."""
    from helpers.ode import odeint_adjoint, odeint_rk4

    th = _check_theta(theta, "shot_state")
    if method == "backprop":
        return odeint_rk4(field, launch(th), 0.0, x_end, n_steps, p)
    if method == "adjoint":
        return odeint_adjoint(field, launch(th), 0.0, x_end, n_steps, p)
    raise ValueError(f"shot_state: method must be 'backprop' or 'adjoint', got {method!r}")


def shot_loss(theta: Any, p: dict, x_target: float = 30.0, n_steps: int = 300, lam: float = 10.0,
              *, method: str = "backprop") -> Any:
    """The loss :math:`y(x_T)^2 + \\lambda c(x_T)` of a shot (m^2). For a shot that falls short,
    :math:`y(x_T) < 0` is the flight continued below the ground: a smooth stand-in for the miss."""
    s = shot_state(theta, p, x_target, n_steps, method=method)
    return s[0] ** 2 + lam * s[3]


def trajectory(theta: Any, p: dict, x_max: float, n_steps: int = 150) -> tuple[np.ndarray, np.ndarray]:
    """Points ``(x, y)`` (m) of the shot ``theta`` from the slingshot out to ``x_max``; ``y`` is
    ``nan`` where the flight, continued below the ground, never gets (see :func:`reaches`)."""
    th = _check_theta(theta, "trajectory")
    xs, ys = _trajectory_fn(float(x_max), int(n_steps))(th, p)
    return np.asarray(xs), np.asarray(ys)


@lru_cache(maxsize=None)
def _trajectory_fn(x_max: float, n_steps: int):
    import jax

    from helpers.ode import odeint_rk4

    def run(th, p):
        xs, ss = odeint_rk4(field, launch(th), 0.0, x_max, n_steps, p, trajectory=True)
        ok = jax.lax.cummin(ss[:, 1]) > 0  # v_x > 0 so far: the x-parametrisation holds
        return xs, jax.numpy.where(ok, ss[:, 0], jax.numpy.nan)

    return jax.jit(run)


@lru_cache(maxsize=None)
def _flight_fn(t_max: float, n_steps: int):
    import jax

    from helpers.ode import odeint_rk4

    return jax.jit(lambda u0, p: odeint_rk4(newton, u0, 0.0, t_max, n_steps, p, trajectory=True)[1])


def reaches(state: Any) -> bool:
    r"""Whether an integration in x really got to its end: ``v_x > 0`` and finite there.

    In time, :math:`v_x` decays but never vanishes, yet the distance a shot covers,
    :math:`\int_0^\infty v_x\,dt`, is finite (falling at its terminal speed, the bird's
    :math:`v_x` decays exponentially). A target beyond that reach, even continuing the flight
    below the ground, is never passed; in the x-parametrised equations :math:`v_x` then reaches
    zero at a finite x and the integration past it is meaningless."""
    vx = float(np.asarray(state)[1])
    return bool(np.isfinite(np.asarray(state, dtype=float)).all() and vx > 0)


def landing_from_trajectory(x: np.ndarray, y: np.ndarray) -> float:
    """Where a sampled trajectory first comes down through ``y = 0`` (linear interpolation);
    ``nan`` if it never does within the samples."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    idx = np.nonzero((y[:-1] > 0) & (y[1:] <= 0))[0]
    if idx.size == 0:
        return float("nan")
    i = int(idx[0])
    w = y[i] / (y[i] - y[i + 1])
    return float(x[i] + w * (x[i + 1] - x[i]))


def time_domain_landing(theta: Any, p: dict, t_max: float = 6.0, n_steps: int = 3000) -> float:
    """Landing point (m) of a shot by an independent route: Newton's equations in *time*
    (``n_steps`` RK4 steps over ``t_max`` seconds) and the first downward crossing of
    ``y = 0``, interpolated linearly. Raises ``ValueError`` if the shot is still in the air
    at ``t_max``."""
    import jax.numpy as jnp

    th = np.asarray(_check_theta(theta, "time_domain_landing"))
    u0 = jnp.array([0.0, 0.0, th[0] * math.cos(th[1]), th[0] * math.sin(th[1])])
    us = np.asarray(_flight_fn(float(t_max), int(n_steps))(u0, p))
    x_land = landing_from_trajectory(us[:, 0], us[:, 1])
    if not math.isfinite(x_land):
        raise ValueError(f"time_domain_landing: the shot is still in the air after t_max = {t_max} s; "
                         "give a larger t_max")
    return x_land
