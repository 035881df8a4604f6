"""Chapter 10 exploration: the launcher. Launch speed and angle against the trajectory, the loss
landscape and the gradient that the optimizer follows.

The physics (the drag field, the loss, its gradient) is :mod:`helpers.projectile`; this module
only wires it to controls. The loss landscape is computed once per wall setting (a jitted,
vmapped grid of shots) and cached, so an update costs one trajectory and one gradient.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from helpers.explore import Explorer, Slider, Toggle

__all__ = ["launcher"]


def launcher(reference_shots: Mapping[str, Sequence[float]] | None = None, *, x_target: float = 30.0,
             wall: tuple[float, float, float] = (20.0, 10.0, 0.5), k: float | None = None,
             n_steps: int = 300, lam: float = 10.0, grid: int = 41) -> Explorer:
    """The launcher: sliders for the launch speed (m/s) and angle (degrees), a wall switch.

    Left panel: the shot, with ``reference_shots`` (name -> (v0, angle in rad), e.g. the
    optimizer's answers) dashed, the target and the wall. Right panel: the loss
    :math:`\\log_{10} L` over (angle, speed) with the current shot and the direction of steepest
    descent :math:`-\\nabla L` (drawn in the plotted units), blank where the shot never reaches
    the target's distance even when continued below the ground (:func:`helpers.projectile.reaches`).
    Readouts: the height at the target (below ground when negative: the flight continued
    underground), the loss, its gradient and where the shot lands.
    """
    import jax
    import jax.numpy as jnp

    from helpers import projectile as pr

    k = pr.K if k is None else float(k)
    refs = {name: np.asarray(t, dtype=float) for name, t in (reference_shots or {}).items()}
    for name, t in refs.items():
        if t.shape != (2,):
            raise ValueError(f"launcher: reference shot {name!r} must be (v0 in m/s, angle in rad)")
    p_open = pr.params(k=k)
    p_wall = pr.params(k=k, wall=wall)
    x_max = 1.15 * x_target

    def loss(theta, p):
        return pr.shot_loss(theta, p, x_target, n_steps, lam)

    value_and_grad = jax.jit(jax.value_and_grad(loss))
    state_at_target = jax.jit(lambda th, p: pr.shot_state(th, p, x_target, n_steps))
    v0_axis = np.linspace(5.0, 30.0, grid)
    angle_axis = np.linspace(5.0, 80.0, grid)
    landscapes: dict[bool, np.ndarray] = {}
    colorbar_axes: dict[int, Any] = {}  # one colour-bar axis per loss panel, redrawn in place

    def landscape(with_wall: bool) -> np.ndarray:
        if with_wall not in landscapes:
            V, A = np.meshgrid(v0_axis, np.radians(angle_axis), indexing="ij")
            thetas = jnp.asarray(np.stack([V.ravel(), A.ravel()], axis=1))
            p = p_wall if with_wall else p_open
            states = np.asarray(jax.jit(jax.vmap(lambda th: pr.shot_state(th, p, x_target, n_steps)))(thetas))
            values = states[:, 0] ** 2 + lam * states[:, 3]
            unreachable = ~(np.isfinite(states).all(axis=1) & (states[:, 1] > 0))
            landscapes[with_wall] = np.where(unreachable, np.nan, values).reshape(V.shape)
        return landscapes[with_wall]

    def draw(axes, v0, angle, wall_on):
        ax_shot, ax_loss = axes[0, 0], axes[0, 1]
        p = p_wall if wall_on else p_open
        theta = jnp.array([v0, np.radians(angle)])
        value, grad = value_and_grad(theta, p)
        value, grad = float(value), np.asarray(grad)
        state = state_at_target(theta, p)
        reached = pr.reaches(state)
        height = float(state[0])
        styles = ["--", ":", "-."]
        for i, (name, t) in enumerate(refs.items()):
            x, y = pr.trajectory(t, p_open, x_max)
            ax_shot.plot(x, np.where(y >= 0, y, np.nan), styles[i % 3], color="0.45", lw=1.2, label=name)
        x, y = pr.trajectory(theta, p_open, x_max)
        x_land = pr.landing_from_trajectory(x, y)
        ax_shot.plot(x, np.where(y >= 0, y, np.nan), "-", color="C0", lw=2, label="your shot")
        if wall_on:
            ax_shot.add_patch(_rectangle(wall))
        ax_shot.plot([x_target], [0.0], "*", color="C3", ms=13, label="target")
        ax_shot.set_xlim(0, x_max)
        ax_shot.set_ylim(0, 18)
        ax_shot.set_xlabel("x (m)")
        ax_shot.set_ylabel("height y (m)")
        ax_shot.legend(loc="upper left", fontsize="x-small", ncol=2, frameon=False)

        Z = np.log10(np.maximum(landscape(wall_on), 1e-6))  # nan (blank) where x_T is never reached
        cs = ax_loss.contourf(angle_axis, v0_axis, Z, levels=np.arange(-2, 6.5, 0.5), cmap="viridis", extend="both")
        for name, t in refs.items():
            ax_loss.plot(np.degrees(t[1]), t[0], "w^", ms=6, mec="k")
        ax_loss.plot(angle, v0, "o", color="C3", mec="w", ms=8)
        # steepest descent in the plotted units (degrees, m/s): d/d(deg) = d/d(rad) * pi/180
        d = -np.array([grad[1] * np.pi / 180, grad[0]])
        span = np.array([angle_axis[-1] - angle_axis[0], v0_axis[-1] - v0_axis[0]])
        norm = np.linalg.norm(d / span)
        if norm > 0:
            step = 0.12 * d / norm
            ax_loss.annotate("", xy=(angle + step[0], v0 + step[1]), xytext=(angle, v0),
                             arrowprops=dict(arrowstyle="->", color="C3", lw=2))
        ax_loss.set_xlabel("launch angle (degrees)")
        ax_loss.set_ylabel("launch speed $v_0$ (m/s)")
        bar = dict(label=r"$\log_{10} L$ (L in m$^2$)", ticks=[-2, 0, 2, 4, 6])
        cax = colorbar_axes.get(id(ax_loss))
        if cax is None:
            colorbar_axes[id(ax_loss)] = ax_loss.figure.colorbar(cs, ax=ax_loss, **bar).ax
        else:
            cax.clear()
            ax_loss.figure.colorbar(cs, cax=cax, **bar)
        lands = x_land if np.isfinite(x_land) else f"beyond {x_max:.1f}"
        if not reached:
            return {"height at target (m)": f"never reaches {x_target:g} m", "loss (m^2)": "undefined",
                    "lands at (m)": lands}
        return {"height at target (m)": height, "loss (m^2)": value, "dL/dv0 (m s)": float(grad[0]),
                "dL/dangle (m^2/rad)": float(grad[1]), "lands at (m)": lands}

    return Explorer(
        {"v0": Slider(5.0, 30.0, 15.0, step=0.1, label="launch speed v0 (m/s)"),
         "angle": Slider(5.0, 80.0, 30.0, step=0.5, label="angle (degrees)"),
         "wall_on": Toggle(False, label="wall at 20 m")},
        draw, layout=(1, 2), figsize=(7.0, 3.2),
        title=lambda s: f"$v_0$ = {s['v0']:.1f} m/s, angle = {s['angle']:.1f}°" + (", wall" if s["wall_on"] else ""),
    )


def _rectangle(wall):
    from matplotlib.patches import Rectangle

    x_w, h_w, w = wall
    return Rectangle((x_w - w, 0.0), 2 * w, h_w, color="0.4")
