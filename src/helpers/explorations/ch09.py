"""Chapter 9 exploration: shape the target density and watch the recovered potential follow.

The target is one or two bumps, :math:`\\phi(x) = e^{-(x+d)^2/4\\sigma^2} + w\\,e^{-(x-d)^2/4\\sigma^2}`,
:math:`\\rho^\\star = \\phi^2/\\sum\\phi^2`. The potential is recovered by the closed-form
inversion or by L-BFGS on the chapter's L1 loss (:mod:`helpers.schrodinger1d`); the readouts
report how well the recovered potential reproduces the target, and the gap to the first
excited state, which closes as the two bumps separate (the near-degeneracy of the chapter).
"""

from __future__ import annotations

import numpy as np

from helpers.explore import Choice, Explorer, Slider

__all__ = ["target_explorer", "two_bump_target"]

METHODS = ("closed form", "L-BFGS, 100 iterations")


def two_bump_target(x: np.ndarray, separation: float, width: float, weight: float) -> np.ndarray:
    """The exploration's target density: bumps of width ``width`` at ``-separation`` and
    ``+separation`` (amplitude ``weight`` for the right one), normalised to sum 1."""
    phi = np.exp(-((x + separation) ** 2) / (4 * width**2)) + weight * np.exp(-((x - separation) ** 2) / (4 * width**2))
    return phi**2 / np.sum(phi**2)


def target_explorer(n: int = 500) -> Explorer:
    """Sliders for the separation, width and asymmetry of the target, and a choice of method.

    Left panel: target and recovered density. Right panel: the recovered potential
    :math:`V(x) - E_0` where the density exceeds :math:`10^{-8}` of its peak (beyond, the
    potential is ill-determined and rises steeply) and away from the last three grid points
    before each wall, on a scale that leaves out the extreme 2 %. Readouts: the L1 distance between the
    target and the recovered potential's ground-state density, the gap :math:`E_1 - E_0`, and
    the height of the barrier between the bumps above the lower well.
    """
    from scipy.optimize import minimize

    from helpers import schrodinger1d as s1d

    x, h = s1d.grid(n)

    def draw(axes, separation, width, weight, method):
        ax_rho, ax_V = axes[0, 0], axes[0, 1]
        target = two_bump_target(x, separation, width, weight)
        if method == METHODS[0]:
            V = s1d.invert_density(target)
        else:
            res = minimize(s1d.l1_loss_and_grad, x**2, args=(target,), jac=True, method="L-BFGS-B",
                           options=dict(maxiter=100, gtol=1e-12, ftol=1e-15))
            V = res.x
        E0, psi = s1d.ground_state(V)
        E01 = s1d.lowest_energies(V, 2)
        l1 = float(np.sum(np.abs(psi**2 - target)))
        ax_rho.plot(x, target / h, color="k", lw=2.5, label="target")
        ax_rho.plot(x, psi**2 / h, color="C3", lw=1.2, ls="--", label="recovered")
        ax_rho.set_xlabel("position x")
        ax_rho.set_ylabel("density (per unit length)")
        ax_rho.legend(loc="center left", fontsize="x-small", frameon=False)
        # the potential where the density is not negligible, leaving out the last grid points before
        # the walls (a target that does not vanish there needs a deep well at the last point)
        shown = (target > 1e-8 * target.max()) & (np.abs(x) < 1 - 3 * h)
        ax_V.plot(x[shown], (V - E0)[shown], color="C0")
        core = (V - E0)[shown]
        lo, hi = np.percentile(core, [2, 98])
        ax_V.set_ylim(lo - 0.1 * (hi - lo + 1), hi + 0.1 * (hi - lo + 1))
        ax_V.set_xlim(-1, 1)
        ax_V.axhline(0, color="0.6", lw=0.8)
        ax_V.set_xlabel("position x")
        ax_V.set_ylabel(r"$V(x) - E_0$ ($\hbar^2/ma^2$)")
        # the barrier between the bumps, above the deeper well; the last grid points before the walls
        # are left out (a target that does not vanish there needs a deep well at the last point)
        between = np.abs(x) <= separation
        inner = shown
        barrier = 0.0
        if between.any() and (~between & inner).any():
            barrier = max(0.0, float(V[between & inner].max() - V[~between & inner].min()))
        return {"L1 distance": l1, "gap E1 - E0": float(E01[1] - E01[0]), "barrier": barrier}

    return Explorer(
        {"separation": Slider(0.0, 0.5, 0.25, step=0.01, label="bump separation d"),
         "width": Slider(0.08, 0.3, 0.12, step=0.01, label="bump width σ"),
         "weight": Slider(0.2, 1.0, 1.0, step=0.05, label="right bump weight w"),
         "method": Choice(METHODS, METHODS[0], label="inversion")},
        draw, layout=(1, 2), figsize=(7.0, 3.0),
        title=lambda s: f"d = {s['separation']:.2f}, σ = {s['width']:.2f}, w = {s['weight']:.2f}, {s['method']}",
    )
