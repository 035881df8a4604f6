r"""Chapter 16's exploration: the checkpoint budget against recomputation, time and memory.

Move the budget :math:`\delta` (the most states Treeverse may store) and watch the three costs of
a gradient of a wave simulation with :math:`T` steps: the forward steps :math:`F(\delta)` of the
optimal schedule (:func:`helpers.pebble.treeverse_steps`), the time model
:math:`F\,t_{\rm fwd} + T\,t_{\rm vjp}` relative to store-all's :math:`T(t_{\rm fwd} + t_{\rm vjp})`,
and the memory :math:`\delta` states against what store-all keeps (XLA's fields per step, or the
adjoint-state method's one field per step).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from helpers.explore import Choice, Explorer, IntSlider, Slider
from helpers.pebble import treeverse_steps

__all__ = ["SURVEYS", "budget_costs", "budget_explorer"]

#: Two surveys: (steps T, bytes of one field of all shots, fields per state).
SURVEYS = {
    "this chapter (T = 290)": (290, 8 * 4 * 60 * 60, 4),
    "the seed's 2D survey (T = 10^4)": (10**4, 8 * 1000 * 1000, 4),
}


@lru_cache(maxsize=8)
def _steps_curve(T: int, max_budget: int) -> tuple[np.ndarray, np.ndarray]:
    budgets = np.arange(3, min(max_budget, T + 1) + 1)
    return budgets, np.array([treeverse_steps(T, int(d)) for d in budgets], dtype=float)


def budget_costs(T: int, delta: int, vjp_cost: float, field_bytes: int, fields_per_state: int = 4,
                 xla_fields: float = 3.0) -> dict:
    """The costs of a Treeverse gradient with budget ``delta`` (clipped to ``T + 1``, store-all):
    forward steps per step, time relative to store-all from the time model with
    :math:`t_{\\rm vjp} = ` ``vjp_cost`` :math:`\\times t_{\\rm fwd}`, and memory in bytes, also
    relative to store-all as XLA does it (``xla_fields`` fields per step)."""
    if T < 1 or delta < 3 or vjp_cost <= 0:
        raise ValueError(f"budget_costs: need T >= 1, delta >= 3 and vjp_cost > 0; got {T}, {delta}, {vjp_cost}")
    d = min(int(delta), T + 1)
    F = treeverse_steps(T, d)
    memory = d * fields_per_state * field_bytes
    store_all = xla_fields * T * field_bytes
    return {"forward steps / T": F / T,
            "time / store-all": (F + vjp_cost * T) / (T * (1 + vjp_cost)),
            "memory (MB)": memory / 1e6,
            "memory / store-all": memory / store_all}


def budget_explorer(vjp_cost: float = 3.0, xla_fields: float = 3.0, figsize=(7.0, 3.0)) -> Explorer:
    """An :class:`helpers.explore.Explorer` with controls ``delta`` (budget), ``survey`` (one of
    :data:`SURVEYS`) and ``vjp_cost`` (:math:`t_{\\rm vjp}/t_{\\rm fwd}`, measured in the chapter);
    left panel: forward steps and modelled time per store-all against the budget; right panel:
    memory against the budget, with store-all (XLA) and the adjoint-state method's one field
    per step."""

    def draw(axes, delta, survey, vjp_cost):
        T, field_bytes, per_state = SURVEYS[survey]
        budgets, F = _steps_curve(T, 300)
        costs = budget_costs(T, delta, vjp_cost, field_bytes, per_state, xla_fields)
        d = min(int(delta), T + 1)
        ax = axes[0, 0]
        ax.loglog(budgets, F / T, label="forward steps / T")
        ax.loglog(budgets, (F + vjp_cost * T) / (T * (1 + vjp_cost)), ls="--", label="time / store-all")
        ax.plot([d], [costs["forward steps / T"]], "o", color="k", ms=6)
        ax.plot([d], [costs["time / store-all"]], "s", color="k", ms=6)
        ax.axhline(1.0, color="grey", lw=0.8)
        ax.set_xlabel("budget δ (stored states)")
        ax.set_ylabel("cost / store-all")
        ax.set_ylim(0.8, 2.0 * float(F[0] / T))
        ax.legend(fontsize=9, loc="upper right")
        ax = axes[0, 1]
        ax.loglog(budgets, budgets * per_state * field_bytes / 1e6, label="Treeverse")
        ax.axhline(xla_fields * T * field_bytes / 1e6, color="C1", ls="--", label="store-all (XLA)")
        ax.axhline(T * field_bytes / 1e6, color="C2", ls=":", label="adjoint state, $u^n$ only")
        ax.plot([d], [costs["memory (MB)"]], "o", color="k", ms=6)
        ax.set_xlabel("budget δ (stored states)")
        ax.set_ylabel("memory (MB)")
        ax.set_ylim(0.02 * 3 * per_state * field_bytes / 1e6, 3 * xla_fields * T * field_bytes / 1e6)
        ax.legend(fontsize=8, loc="lower right")
        return costs

    return Explorer({"delta": IntSlider(3, 300, 25, label="budget δ"),
                     "survey": Choice(list(SURVEYS), "this chapter (T = 290)", label="survey"),
                     "vjp_cost": Slider(1.0, 8.0, float(np.clip(vjp_cost, 1.0, 8.0)), step=0.1,
                                        label="t_vjp / t_fwd")},
                    draw, layout=(1, 2), figsize=figsize)
