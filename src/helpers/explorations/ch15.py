r"""Chapter 15 exploration: the thicknesses of a four-layer anti-reflection coating, by hand.

Four layers on glass (:math:`n_s = 1.52`), from the air side MgF\ :sub:`2`, TiO\ :sub:`2`,
MgF\ :sub:`2`, TiO\ :sub:`2`; each slider sets one thickness. The figure shows the reflectance
spectrum (:func:`helpers.thinfilm.reflectance`) against bare glass and a single quarter-wave
MgF\ :sub:`2` layer; the readouts give the mean reflectance over 400-700 nm, the loss of the
chapter's anti-reflection design, and its gradient with respect to each thickness (reverse
mode, one call): the sign says which way to move each slider, the size how much it matters.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from helpers import thinfilm as tf
from helpers.explore import Explorer, Slider

__all__ = ["N_GLASS", "N_LAYERS", "LAYER_NAMES", "ar_coating_explorer", "mean_reflectance_and_gradient"]

N_GLASS, N_HIGH, N_LOW = 1.52, 2.35, 1.38
#: Indices of the four layers, from the air side.
N_LAYERS = tf.alternating_indices(N_LOW, N_HIGH, 4)
LAYER_NAMES = ("d1 (MgF2)", "d2 (TiO2)", "d3 (MgF2)", "d4 (TiO2)")
#: Wavelengths drawn (nm): 380-720 every 5 nm; the loss is the mean over the 61 of them in 400-700.
_LAM_PLOT = np.linspace(380.0, 720.0, 69)
_IN_LOSS = (_LAM_PLOT >= 400.0) & (_LAM_PLOT <= 700.0)


@lru_cache(maxsize=1)
def _compiled():
    import jax
    import jax.numpy as jnp

    def loss(d):
        spectrum = tf.reflectance(N_LAYERS, d, _LAM_PLOT, N_GLASS)
        return jnp.sum(jnp.where(_IN_LOSS, spectrum, 0.0)) / np.sum(_IN_LOSS), spectrum

    return jax.jit(jax.value_and_grad(loss, has_aux=True))        # one program: loss, spectrum, gradient


def _evaluate(d):
    (v, spectrum), g = _compiled()(np.asarray(d, dtype=float))
    return float(v), np.asarray(g), np.asarray(spectrum)


def mean_reflectance_and_gradient(d) -> tuple[float, np.ndarray]:
    """Mean reflectance over 400-700 nm (61 wavelengths, every 5 nm) of the four-layer stack with
    thicknesses ``d`` (nm), and its gradient (per nm)."""
    v, g, _ = _evaluate(d)
    return v, g


def ar_coating_explorer(d1: float = 100.0, d2: float = 0.0, d3: float = 0.0, d4: float = 0.0) -> Explorer:
    """Sliders for the four thicknesses (nm); start: a quarter wave of MgF2 (d1 = 99.6 nm) alone
    is close to the default."""
    bare = np.asarray(tf.reflectance([], [], _LAM_PLOT, N_GLASS))
    single = np.asarray(tf.reflectance([N_LOW], [tf.quarter_wave_thickness(N_LOW, 550.0)], _LAM_PLOT, N_GLASS))

    def draw(ax, d1, d2, d3, d4):
        d = np.array([d1, d2, d3, d4])
        mean, grad, spectrum = _evaluate(d)
        ax.axvspan(400, 700, color="0.92", lw=0)
        ax.plot(_LAM_PLOT, 100 * bare, color="0.55", lw=1, ls=":", label="bare glass")
        ax.plot(_LAM_PLOT, 100 * single, color="#E69F00", lw=1.2, ls="--", label=r"one $\lambda/4$ MgF$_2$ layer")
        R = 100 * spectrum
        ax.plot(_LAM_PLOT, R, color="#0072B2", lw=2, label="your four layers")
        ax.set_ylim(0, max(6.0, min(25.0, 1.1 * float(R.max()))))
        ax.set_xlim(_LAM_PLOT[0], _LAM_PLOT[-1])
        ax.set_xlabel("wavelength (nm)")
        ax.set_ylabel("reflectance R (%)")
        ax.legend(loc="upper right", fontsize=7, frameon=False)
        ax.text(0.02, 0.97, f"mean R over 400-700 nm (shaded): {100 * mean:.3f} %\n"
                "gradient (%/nm): " + ", ".join(f"{100 * v:+.3f}" for v in grad),
                transform=ax.transAxes, ha="left", va="top", fontsize=8,
                bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=1.5))
        out = {"mean R (%)": 100 * mean}
        for name, g in zip(LAYER_NAMES, grad):
            out[f"dR/d{name.split()[0]} (%/nm)"] = 100 * float(g)
        return out

    controls = {f"d{i + 1}": Slider(0.0, 300.0, float(v), step=0.5, label=f"{LAYER_NAMES[i]}, nm")
                for i, v in enumerate((d1, d2, d3, d4))}
    title = lambda v: "d = (" + ", ".join(f"{v[k]:.0f}" for k in controls) + ") nm"  # noqa: E731
    ex = Explorer(controls, draw, figsize=(6.4, 3.4), title=title)
    mean_reflectance_and_gradient(np.array([d1, d2, d3, d4]))        # compile once, up front
    return ex
