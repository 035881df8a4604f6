"""Chapter 13 exploration: the bond dimension chi and the coupling K against the TRG error.

The reader moves K and chooses chi; the figure shows the error of the TRG free energy against
Onsager's exact value for every chi (precomputed on a grid of couplings) with the current point
computed live, and the weight the truncation throws away at each RG step. Near K_c the singular
values fall slowly, more weight is discarded, and the error grows; a larger chi discards less.
The physics is in :mod:`helpers.trg`; this module only wires it to :mod:`helpers.explore`.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from helpers import trg
from helpers.explore import Choice, Explorer, Slider

__all__ = ["tensor_network_explorer"]

_COLOURS = {2: "tab:red", 4: "tab:orange", 8: "tab:blue", 16: "tab:purple"}


def tensor_network_explorer(K_grid: Sequence[float] | None = None,
                            lnz_table: Mapping[int, Sequence[float]] | None = None,
                            chis: Sequence[int] = (2, 4, 8), n_steps: int = 20) -> Explorer:
    """An :class:`~helpers.explore.Explorer` with a coupling slider ``K`` and a choice of ``chi``.

    ``K_grid`` and ``lnz_table`` (chi -> TRG ln Z/N on ``K_grid``, as the chapter computes them)
    give the background curves; without them the curves are computed here for ``chis``. The
    live point is computed for the chosen ``chi`` (one TRG per chi, compiled the first time that
    chi is chosen; later updates are quick).
    Readouts: ln Z/N by TRG and by Onsager, their difference, the largest weight discarded
    in one step, and the number of steps that discard more than 1e-16 of the weight.
    """
    import jax
    import jax.numpy as jnp

    chis = [int(c) for c in chis]
    if not chis or any(c < 2 for c in chis):
        raise ValueError(f"chis must be bond dimensions >= 2, got {chis}")
    flows = {c: jax.jit(lambda K, c=c: trg.trg_flow(K, c, n_steps)) for c in chis}  # compiled on first use
    if K_grid is None or lnz_table is None:
        K_grid = np.linspace(0.38, 0.50, 13)
        lnz_table = {c: np.asarray(jax.vmap(flows[c])(jnp.asarray(K_grid))[0]) for c in chis}
    K_grid = np.asarray(K_grid, dtype=float)
    exact_grid = trg.onsager_lnz(K_grid)
    curves = {int(c): np.abs(np.asarray(v, dtype=float) - exact_grid) for c, v in lnz_table.items()}

    def draw(axes, K, chi):
        ax_err, ax_disc = axes[0, 0], axes[0, 1]
        lnz, discarded = flows[chi](K)
        lnz, discarded = float(lnz), np.asarray(discarded)
        exact = trg.onsager_lnz(K)
        err = abs(lnz - exact)
        for c, e in sorted(curves.items()):
            ax_err.semilogy(K_grid, np.maximum(e, 1e-16), "-", color=_COLOURS.get(c, "0.5"),
                            lw=2.2 if c == chi else 1.0, alpha=1.0 if c == chi else 0.45, label=f"χ = {c}")
        ax_err.semilogy([K], [max(err, 1e-16)], "o", color="k", ms=7, zorder=3)
        ax_err.axvline(trg.K_C, color="0.5", ls=":", lw=1)
        ax_err.set_xlabel("coupling K")
        ax_err.set_ylabel("error of ln Z/N")
        ax_err.set_ylim(1e-11, 1e-1)
        ax_err.legend(loc="lower left", fontsize="x-small", ncol=2)
        steps = np.arange(1, discarded.size + 1)
        ax_disc.semilogy(steps, np.maximum(discarded, 1e-18), "o-", ms=3, color=_COLOURS.get(chi, "k"))
        ax_disc.set_ylim(1e-18, 1)
        ax_disc.set_xlabel("TRG step")
        ax_disc.set_ylabel("discarded weight")
        return {"ln Z/N (TRG)": lnz, "ln Z/N (exact)": exact, "error": err,
                "largest discarded weight": float(discarded.max()),
                "steps that discard weight": int(np.sum(discarded > 1e-16))}

    controls = {
        "K": Slider(float(K_grid.min()), float(K_grid.max()), 0.42, step=0.0025, label="coupling K"),
        "chi": Choice(chis, chis[len(chis) // 2], label="bond dimension χ"),
    }
    return Explorer(controls, draw, layout=(1, 2), figsize=(7.0, 3.0),
                    title=lambda v: f"K = {v['K']:.3f}, χ = {v['chi']}")
