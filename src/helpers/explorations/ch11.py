"""Chapter 11 exploration: move the temperature, watch live Ising samples and the network's verdict.

The samples are a batch of lattices kept between updates and moved to the new temperature by a
few Swendsen-Wang cluster updates (:func:`helpers.ising.swendsen_wang_sweeps`), which equilibrate
in a few updates even at the critical temperature. The classifier is passed in (the chapter
trains it); this module only wires the physics of :mod:`helpers.ising` to the controls.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

from helpers.explore import Choice, Explorer, Slider

__all__ = ["ising_explorer"]


def ising_explorer(predict: Callable[[np.ndarray], np.ndarray],
                   curves: Mapping[int, tuple[Sequence[float], Sequence[float]]] | None = None, *,
                   sizes: Sequence[int] = (16, 32), n_samples: int = 24, n_updates: int = 10,
                   blocks: int = 4, seed: int = 0) -> Explorer:
    """Temperature and lattice size against the network's output on live samples.

    ``predict(b)`` maps block magnetisations ``(n, blocks**2)`` to the network's probability of
    "ordered"; ``curves`` (size -> (temperatures, mean output)) are drawn for reference. Each
    update runs ``n_updates`` Swendsen-Wang updates on ``n_samples`` lattices at the chosen
    temperature, starting from the previous samples. Left panel: one sample (white = +1).
    Right panel: the reference curves, the live outputs (dots) and their mean (diamond).
    Readouts: the mean |m| of the samples, Yang's infinite-lattice magnetisation at T, the
    network's mean output and the fraction of samples it calls ordered.
    """
    from helpers import ising

    if not callable(predict):
        raise TypeError(f"ising_explorer: predict must be a function of block magnetisations, got {type(predict).__name__}")
    sizes = tuple(int(L) for L in sizes)
    rng = np.random.default_rng(seed)
    state: dict[int, np.ndarray] = {L: np.ones((n_samples, L, L), dtype=np.int8) for L in sizes}
    jitter = np.random.default_rng(seed + 1).uniform(-0.012, 0.012, n_samples)

    def draw(axes, T, L):
        ax_img, ax_p = axes[0, 0], axes[0, 1]
        state[L] = ising.swendsen_wang_sweeps(state[L], T, n_updates, rng)
        s = state[L]
        p = np.asarray(predict(ising.block_magnetizations(s, blocks)), dtype=float).reshape(-1)
        m = np.abs(ising.magnetization_per_site(s))
        ax_img.imshow(s[0], cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
        ax_img.set_xticks([])
        ax_img.set_yticks([])
        ax_img.grid(False)
        ax_img.set_xlabel(f"one of {n_samples} live samples, L = {L}")
        for i, (size, (Ts, ps)) in enumerate(sorted((curves or {}).items())):
            ax_p.plot(Ts, ps, "-", lw=1.2, color=f"C{i}", label=f"chapter, L = {size}")
        ax_p.plot(T + jitter, p, "o", ms=3, color="k", alpha=0.5, label="live samples")
        ax_p.plot([T], [p.mean()], "D", ms=8, color="C3", mec="k", label="their mean")
        ax_p.axvline(ising.T_C, color="0.5", ls=":", lw=1)
        ax_p.axhline(0.5, color="0.7", ls="--", lw=0.8)
        ax_p.set_xlim(1.5, 3.3)
        ax_p.set_ylim(-0.05, 1.05)
        ax_p.set_xlabel("temperature T ($J/k_B$)")
        ax_p.set_ylabel("output $p$")
        ax_p.legend(loc="lower left", fontsize="x-small")
        return {"<|m|> of the samples": float(m.mean()),
                "Yang m(T), L = inf": float(ising.onsager_magnetization(T)),
                "mean output": float(p.mean()), "fraction called ordered": float(np.mean(p > 0.5))}

    return Explorer({"T": Slider(1.5, 3.3, 2.0, step=0.01, label="temperature T"),
                     "L": Choice(list(sizes), sizes[-1], label="lattice size L")},
                    draw, layout=(1, 2), figsize=(7.0, 3.2),
                    title=lambda s: f"T = {s['T']:.2f}, L = {s['L']}")
