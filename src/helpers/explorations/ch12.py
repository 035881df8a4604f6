"""Chapter 12 exploration: two Gaussian exponents moved by hand against the optimiser's.

The reader drags the (decimal logarithms of the) two exponents of a two-Gaussian trial function
for the hydrogen atom. The left panel is the energy landscape over the two exponents with the
reader's point and the optimum; the right panel the radial probability density of the trial
function against the exact one. Readouts: the energy, its excess over the optimum, and the virial
ratio -<V>/<T>, which is 2 only where the energy is stationary under scaling. The physics is in
:mod:`helpers.gaussians`; this module only wires it to :mod:`helpers.explore`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from helpers import gaussians as gs
from helpers.explore import Explorer, Slider

__all__ = ["hydrogen_exponents_explorer"]

_NUCLEUS = np.zeros((1, 3))


def hydrogen_exponents_explorer(alpha_opt: Sequence[float] | None = None, grid: int = 61) -> Explorer:
    """An :class:`~helpers.explore.Explorer` with sliders ``log10_alpha1`` and ``log10_alpha2``.

    ``alpha_opt`` are the optimised exponents of the two-Gaussian hydrogen atom (the chapter
    computes them); without them they are found here. ``grid`` is the resolution of the energy
    landscape (computed once, vectorised).
    """
    import jax
    import jax.numpy as jnp

    if grid < 5:
        raise ValueError(f"grid must be at least 5 points per axis, got {grid}")
    centres = jnp.zeros((2, 3))

    def parts(log10_alpha):
        alpha = 10.0 ** log10_alpha
        S = gs.overlap_matrix(alpha, centres)
        T = gs.kinetic_matrix(alpha, centres)
        V = gs.nuclear_matrix(alpha, centres, _NUCLEUS, [1.0])
        eps, C = gs.generalized_eigh(T + V, S)
        c = C[:, 0]
        return eps[0], c @ T @ c, c @ V @ c, c

    parts_jit = jax.jit(parts)
    energy_grid = jax.jit(jax.vmap(jax.vmap(lambda a, b: parts(jnp.stack([a, b]))[0])))
    range1, range2 = (-2.0, 0.5), (-1.0, 2.0)
    a1 = np.linspace(*range1, grid)
    a2 = np.linspace(*range2, grid)
    A1, A2 = np.meshgrid(a1, a2, indexing="ij")
    # the two exponents are interchangeable; where they coincide S is singular: keep them apart
    E = np.asarray(energy_grid(jnp.asarray(A1), jnp.asarray(A2)))
    E = np.where(np.abs(A1 - A2) < 0.05, np.nan, E)
    if alpha_opt is None:
        from scipy.optimize import minimize

        f = jax.jit(jax.value_and_grad(lambda x: parts(x)[0]))
        i, j = np.unravel_index(np.nanargmin(E), E.shape)
        res = minimize(lambda x: [np.asarray(v, dtype=float) for v in f(jnp.asarray(x))],
                       np.array([a1[i], a2[j]]), jac=True, method="L-BFGS-B")
        best = np.sort(res.x)
    else:
        best = np.sort(np.log10(np.asarray(alpha_opt, dtype=float)))
        if best.shape != (2,) or not np.all(np.isfinite(best)):
            raise ValueError(f"alpha_opt must be two positive exponents, got {alpha_opt!r}")
    E_best = float(parts_jit(jnp.asarray(best))[0])
    r = np.linspace(0.0, 6.0, 241)

    def radial(log10_alpha, c):
        alpha = 10.0 ** np.asarray(log10_alpha)
        psi = np.sum(np.asarray(c)[:, None] * (2 * alpha[:, None] / np.pi) ** 0.75
                     * np.exp(-alpha[:, None] * r[None, :] ** 2), axis=0)
        return 4 * np.pi * r**2 * psi**2

    best_density = radial(best, parts_jit(jnp.asarray(best))[3])
    levels = E_best + np.array([1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3])

    def draw(axes, log10_alpha1, log10_alpha2):
        ax_map, ax_r = axes[0, 0], axes[0, 1]
        x = np.array([log10_alpha1, log10_alpha2])
        if abs(x[0] - x[1]) < 1e-3:      # identical exponents: the basis is one function
            x[1] += 1e-3
        e, t, v, c = (np.asarray(q) for q in parts_jit(jnp.asarray(x)))
        e = float(e)
        cs = ax_map.contour(a1, a2, E.T, levels=levels, colors="0.4", linewidths=0.8, linestyles="solid")
        ax_map.clabel(cs, fmt=lambda z: f"+{1e3 * (z - E_best):.0f} mHa", fontsize="x-small")
        ax_map.plot(*best, "*", color="tab:green", ms=12, label="optimum")
        ax_map.plot(best[1], best[0], "*", color="tab:green", ms=12)
        ax_map.plot(*x, "o", color="tab:red", ms=7, label="yours")
        ax_map.set_xlabel(r"$\log_{10}\alpha_1$")
        ax_map.set_ylabel(r"$\log_{10}\alpha_2$")
        # no legend on the map (it would cover contour labels): the right panel's legend uses the same colours
        ax_r.plot(r, 4 * r**2 * np.exp(-2 * r), color="k", lw=1.2, label="exact")
        ax_r.plot(r, best_density, color="tab:green", ls="--", label="optimum")
        yours = radial(x, c)
        ax_r.plot(r, yours, color="tab:red", label="yours")
        ax_r.set_xlabel("r (bohr)")
        ax_r.set_ylabel(r"$4\pi r^2|\psi|^2$ (1/bohr)")
        ax_r.set_ylim(0, max(0.75, 1.05 * float(yours.max())))
        ax_r.legend(loc="upper right", fontsize="x-small")
        return {"E": e, "E - E_opt": e - E_best, "E_opt": E_best, "-<V>/<T>": float(-v / t)}

    controls = {
        "log10_alpha1": Slider(*range1, -1.0, step=0.02, label="log10 α1"),
        "log10_alpha2": Slider(*range2, 0.5, step=0.02, label="log10 α2"),
    }
    return Explorer(controls, draw, layout=(1, 2), figsize=(7.0, 3.2),
                    readout_units={"E": "Ha", "E - E_opt": "Ha", "E_opt": "Ha"},
                    title=lambda v: f"log10 α = ({v['log10_alpha1']:.2f}, {v['log10_alpha2']:.2f})")
