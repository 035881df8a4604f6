r"""Chapter 14 exploration: the phases of a composite pulse, on the Bloch sphere and in the toggling frame.

The BB1 family is a :math:`\pi` rotation about :math:`x` followed by
:math:`\pi_\phi\,(2\pi)_{3\phi}\,\pi_\phi` (rotations about :math:`(\cos\phi, \sin\phi, 0)` at the Rabi
frequency :math:`\Omega_0 = \pi`). Every :math:`\phi` makes the X gate when the amplitude is right,
but only :math:`\phi = \arccos(-1/4)` (Wimperis' BB1) closes the toggling-frame curve with zero
vector area, so that the infidelity grows as :math:`\epsilon^6` instead of :math:`\epsilon^2`
(:func:`helpers.qubit.toggling_frame_error`, :func:`helpers.qubit.toggling_frame_area`).

The explorer draws the Bloch-sphere path of :math:`|0\rangle` (an orthographic view, drawn in 2D
so that an update stays fast) with and without the amplitude error, and the infidelity against
the error on log-log axes; the readouts are the infidelity at the chosen error, the first-order
error :math:`|\mathbf r(T)|/2` and the area :math:`|\mathbf A|`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from matplotlib.ticker import NullLocator

from helpers import qubit as q
from helpers.explore import Choice, Explorer, LogSlider, Slider

__all__ = ["bb1_family", "project", "composite_pulse_explorer", "BB1_PHI_DEG"]

#: Wimperis' phase for a pi rotation, arccos(-1/4), in degrees.
BB1_PHI_DEG = float(np.degrees(np.arccos(-0.25)))
_ELEV, _AZIM = np.radians(20.0), np.radians(-60.0)
_EPS_GRID = np.geomspace(1e-3, 0.3, 40)


def bb1_family(phi_deg: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Controls and durations of :math:`\pi_0\,\pi_\phi\,(2\pi)_{3\phi}\,\pi_\phi` at :math:`\Omega_0 = \pi`."""
    phi = np.radians(float(phi_deg))
    return q.rotations_to_controls([(np.pi, 0.0), (np.pi, phi), (2 * np.pi, 3 * phi), (np.pi, phi)], rabi=np.pi)


def project(points: np.ndarray) -> np.ndarray:
    """Orthographic view of 3D points (shape (..., 3)) from elevation 20 deg, azimuth -60 deg:
    returns (..., 3) = (right, up, depth), depth > 0 facing the viewer."""
    p = np.asarray(points, dtype=float)
    view = np.array([np.cos(_ELEV) * np.cos(_AZIM), np.cos(_ELEV) * np.sin(_AZIM), np.sin(_ELEV)])
    right = np.array([-np.sin(_AZIM), np.cos(_AZIM), 0.0])
    up = np.cross(view, right)
    return np.stack([p @ right, p @ up, p @ view], axis=-1)


@lru_cache(maxsize=1)
def _infidelity_curve():
    import jax

    return jax.jit(jax.vmap(q.infidelity, in_axes=(None, None, None, 0)))


def _draw_sphere(ax) -> None:
    t = np.linspace(0, 2 * np.pi, 200)
    ax.plot(np.cos(t), np.sin(t), color="0.6", lw=0.8)                  # outline
    for circle in (np.stack([np.cos(t), np.sin(t), 0 * t], 1),          # equator
                   np.stack([0 * t, np.cos(t), np.sin(t)], 1),          # y-z meridian
                   np.stack([np.cos(t), 0 * t, np.sin(t)], 1)):         # x-z meridian
        v = project(circle)
        front = np.where(v[:, 2] >= 0, v[:, 1], np.nan)
        back = np.where(v[:, 2] < 0, v[:, 1], np.nan)
        ax.plot(v[:, 0], front, color="0.75", lw=0.6)
        ax.plot(v[:, 0], back, color="0.85", lw=0.6, ls=":")
    for vec, name in ((np.eye(3)[0], "x"), (np.eye(3)[1], "y"), (np.eye(3)[2], "z")):
        v = project(1.15 * vec)
        ax.annotate(name, (v[0], v[1]), color="0.4", fontsize=9, ha="center", va="center")
    ax.set_xlim(-1.2, 1.2)
    ax.set_ylim(-1.45, 1.2)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)


def composite_pulse_explorer(phi_deg: float = 120.0, eps: float = 0.1, pulse: str = "BB1 family",
                             extra_pulses: dict | None = None) -> Explorer:
    """Move the phase phi of the BB1 family and the amplitude error eps; choose the plain pi pulse
    or any of ``extra_pulses`` (name -> (controls, durations)) instead."""
    pulses = {"BB1 family": None, "plain pi pulse": q.rotations_to_controls([(np.pi, 0.0)], rabi=np.pi)}
    for name, (c, d) in (extra_pulses or {}).items():
        pulses[str(name)] = (np.asarray(c, dtype=float), np.asarray(d, dtype=float))
    curve = _infidelity_curve()
    plain = np.asarray(curve(*pulses["plain pi pulse"], q.X_GATE, _EPS_GRID))

    def controls_of(pulse, phi_deg):
        return bb1_family(phi_deg) if pulse == "BB1 family" else pulses[pulse]

    def draw(axes, pulse, phi_deg, eps):
        ax_b, ax_i = axes[0, 0], axes[0, 1]
        c, d = controls_of(pulse, phi_deg)
        _draw_sphere(ax_b)
        substeps = max(1, 80 // len(c))
        for e, style, colour, label in ((0.0, "-", "black", "no error"),
                                        (eps, "--", "#D55E00", f"error {eps:.3g}")):
            v = project(q.bloch_trajectory(c, d, amp_error=e, substeps=substeps))
            ax_b.plot(v[:, 0], v[:, 1], ls=style, color=colour, lw=1.4, label=label)
            ax_b.plot(v[-1, 0], v[-1, 1], "o", color=colour, ms=4)
        south = project(np.array([0.0, 0.0, -1.0]))
        ax_b.plot(south[0], south[1], "x", color="black", ms=8, label="target")
        ax_b.legend(loc="lower center", fontsize=7, frameon=False, ncol=3, handlelength=1.5,
                    borderaxespad=0, columnspacing=0.8)
        ax_b.set_title("Bloch-sphere path of |0⟩", fontsize=9)

        vals = np.asarray(curve(c, d, q.X_GATE, _EPS_GRID))
        at = float(q.infidelity(c, d, amp_error=eps))
        ax_i.loglog(_EPS_GRID, np.maximum(plain, 1e-30), color="0.6", lw=2, label="plain pi pulse")
        ax_i.loglog(_EPS_GRID, np.maximum(vals, 1e-30), color="#0072B2", lw=1.6, label=pulse)
        ax_i.plot(eps, max(at, 1e-30), "o", color="#D55E00", ms=6)
        ax_i.set_ylim(1e-20, 1)
        # few fixed ticks with plain-text labels (no mathtext to lay out): a quick redraw
        ax_i.set_yticks([1e-18, 1e-12, 1e-6, 1.0], ["1e-18", "1e-12", "1e-6", "1"])
        ax_i.set_xticks([1e-3, 1e-2, 1e-1], ["0.001", "0.01", "0.1"])
        ax_i.yaxis.set_minor_locator(NullLocator())
        ax_i.xaxis.set_minor_locator(NullLocator())
        ax_i.set_xlabel("amplitude error ε")
        ax_i.set_ylabel("infidelity 1 − F")
        ax_i.legend(loc="lower right", fontsize=7)
        ax_i.set_title("infidelity against the error", fontsize=9)
        r = q.toggling_frame_error(c, d)[-1]
        area = q.toggling_frame_area(c, d)
        return {"infidelity": at, "first-order error |r|/2": float(np.linalg.norm(r) / 2),
                "area |A|": float(np.linalg.norm(area))}

    controls = {"pulse": Choice(list(pulses), pulse, label="pulse"),
                "phi_deg": Slider(0.0, 180.0, float(phi_deg), step=0.5, label="phase phi (deg), BB1 family"),
                "eps": LogSlider(1e-3, 0.3, float(eps), label="amplitude error eps")}

    def title(v):
        extra = f", phi = {v['phi_deg']:.1f} deg" if v["pulse"] == "BB1 family" else ""
        return f"{v['pulse']}{extra}, eps = {v['eps']:.3g}"

    ex = Explorer(controls, draw, layout=(1, 2), figsize=(7.0, 3.3), title=title)
    for name in pulses:          # compile each pulse's shape once, so that every update is quick
        c, d = controls_of(name, phi_deg)
        curve(c, d, q.X_GATE, _EPS_GRID)
    return ex
