r"""Chapter 6's exploration: an eigenvector's derivative blows up as a gap closes.

The model :func:`helpers.eigen.avoided_crossing` has two levels that would cross at ``s = 0``
but are coupled by ``g``, which opens the gap :math:`2g`. Sweeping ``s`` turns the ground state
from one level into the other; the smaller ``g``, the more abruptly. The derivative of the
ground-state eigenvector, computed by reverse mode through
:func:`helpers.eigen.lowest_eigenpair` (whose backward rule divides by :math:`E_0 - E_n`), peaks
at :math:`1/(2g)`: the product of the smallest gap and the largest derivative stays 1. The
reader moves ``g`` (how nearly degenerate) and ``s`` (where along the sweep) and reads the gap,
the derivative and their product.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from helpers.explore import LogSlider, Slider, Explorer
from helpers.plotting import COLORS

__all__ = ["S_GRID", "crossing_sweep", "avoided_crossing_explorer"]

#: The sweep of the parameter s.
S_GRID = np.linspace(-1.0, 1.0, 201)


@lru_cache(maxsize=1)
def _compiled():
    import jax
    import jax.numpy as jnp

    from helpers.eigen import avoided_crossing, lowest_eigenpair

    def one(s, g):
        E = jnp.linalg.eigvalsh(avoided_crossing(s, g))
        dpsi = jax.jacrev(lambda ss: lowest_eigenpair(avoided_crossing(ss, g))[1])(s)
        return E, jnp.linalg.norm(dpsi)

    return jax.jit(jax.vmap(one, in_axes=(0, None)))


def crossing_sweep(g: float, s=S_GRID) -> tuple[np.ndarray, np.ndarray]:
    """Levels ``E`` (shape ``(len(s), 4)``) and the norm of the ground state's derivative
    :math:`\\lVert d\\psi_0/ds\\rVert` along the sweep, by reverse mode (jitted, vectorised)."""
    if not (isinstance(g, (int, float, np.floating)) and np.isfinite(g) and g > 0):
        raise ValueError(f"crossing_sweep: the coupling g must be a positive number, got {g!r}")
    E, rate = _compiled()(np.asarray(s, dtype=float), float(g))
    return np.asarray(E), np.asarray(rate)


def _draw(axes, g: float, s: float):
    grid = np.sort(np.append(S_GRID, s))
    E, rate = crossing_sweep(g, grid)
    k = int(np.searchsorted(grid, s))
    ax1, ax2 = axes[0, 0], axes[0, 1]
    for j in range(2):
        ax1.plot(grid, E[:, j], color=(COLORS["blue"], COLORS["vermillion"])[j], lw=2,
                 label=("$E_0$", "$E_1$")[j])
    ax1.plot(grid, -np.abs(grid), ":", color="0.5", lw=1, label="uncoupled")
    ax1.plot(grid, np.abs(grid), ":", color="0.5", lw=1)
    ax1.axvline(s, color=COLORS["black"], lw=1)
    ax1.set_xlabel("sweep parameter $s$ (energy)")
    ax1.set_ylabel("energy")
    ax1.set_ylim(-1.7, 1.2)
    ax1.legend(loc="lower center", fontsize=9, ncol=3, handlelength=1.5, columnspacing=0.8)
    ax2.semilogy(grid, rate, color=COLORS["green"], label="reverse mode")
    ax2.semilogy(grid, 0.5 / g * np.ones_like(grid), "--", color="0.5", lw=1, label="$1/(2g)$")
    ax2.axvline(s, color=COLORS["black"], lw=1)
    ax2.set_xlabel("sweep parameter $s$ (energy)")
    ax2.set_ylabel(r"$\|d\psi_0/ds\|$ (1/energy)")
    ax2.set_ylim(0.3, 1e4)
    ax2.legend(loc="upper right", fontsize=9)
    gap = float(E[k, 1] - E[k, 0])
    return {"gap at s": gap, "|dpsi0/ds| at s": float(rate[k]),
            "smallest gap": float(np.min(E[:, 1] - E[:, 0])), "largest |dpsi0/ds|": float(np.max(rate)),
            "smallest gap x largest |dpsi0/ds|": float(np.min(E[:, 1] - E[:, 0]) * np.max(rate))}


def avoided_crossing_explorer(g: float = 0.1, s: float = 0.0) -> Explorer:
    """The avoided crossing with coupling ``g`` (log slider, 0.001 to 1) seen at ``s``."""
    return Explorer({"g": LogSlider(1e-3, 1.0, g, label="coupling g (half the smallest gap)"),
                     "s": Slider(-1.0, 1.0, s, step=0.01, label="sweep parameter s")},
                    _draw, layout=(1, 2), figsize=(7, 3.0),
                    title=lambda st: f"g = {st['g']:.3g}, s = {st['s']:.2f}")
