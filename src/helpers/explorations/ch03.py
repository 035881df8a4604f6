r"""Chapter 3 exploration: a dual number flowing through a small program.

The program is written as an evaluation trace (a Wengert list): one line per primitive, each
line a :class:`helpers.dual.Dual` carrying its value and its ε-part. Moving the input ``x``
(seeded as ``x + 1·ε``) updates every line; the ε-part of the last line is the derivative,
drawn as the slope of the tangent to the program's graph.

Programs (:data:`PROGRAMS`):

- ``"x sin(x²) + 3x"``: the chapter's first example, five primitives;
- ``"Babylonian √x"``: the loop :math:`s \leftarrow (s + x/s)/2` from :math:`s = 1`; its
  ε-part converges to :math:`1/(2\sqrt x)` along with the value.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from helpers import dual as D
from helpers.dual import Dual
from helpers.explore import Choice, Explorer, Slider

__all__ = ["PROGRAMS", "X_RANGE", "trace", "dual_trace_explorer"]


def _poly_trace(x: Any) -> list[tuple[str, Any]]:
    v0 = x
    v1 = v0 * v0
    v2 = D.sin(v1)
    v3 = v0 * v2
    v4 = 3 * v0
    v5 = v3 + v4
    return [("v0 = x", v0), ("v1 = v0·v0", v1), ("v2 = sin v1", v2), ("v3 = v0·v2", v3),
            ("v4 = 3·v0", v4), ("f = v3 + v4", v5)]


def _babylonian_trace(x: Any, steps: int = 5) -> list[tuple[str, Any]]:
    s = 1.0 + 0 * x
    lines = [("s0 = 1", s)]
    for k in range(1, steps + 1):
        s = (s + x / s) / 2
        lines.append((f"s{k} = (s{k - 1} + x/s{k - 1})/2", s))
    return lines


#: name -> (trace function, derivative of the function the program computes or approaches)
PROGRAMS: dict[str, tuple[Callable[[Any], list], Callable[[float], float]]] = {
    "x sin(x²) + 3x": (_poly_trace, lambda x: np.sin(x * x) + 2 * x * x * np.cos(x * x) + 3),
    "Babylonian √x": (_babylonian_trace, lambda x: 0.5 / np.sqrt(x)),
}
#: The input range of the exploration (both programs are defined on it).
X_RANGE = (0.2, 2.5)


def trace(program: str, x: float) -> list[tuple[str, float, float]]:
    """The trace of ``program`` at ``x``: (line, value, ε-part) for every line, from one run on
    the dual number x + 1·ε."""
    if program not in PROGRAMS:
        raise ValueError(f"unknown program {program!r}; choose one of {list(PROGRAMS)}")
    fn = PROGRAMS[program][0]
    out = []
    for text, v in fn(Dual(float(x), [1.0])):
        val, eps = (float(v.value), float(v.partials[0])) if isinstance(v, Dual) else (float(v), 0.0)
        out.append((text, val, eps))
    return out


def dual_trace_explorer(x: float = 1.0, program: str = "x sin(x²) + 3x") -> Explorer:
    """Left: the program's output over an input range, with the tangent at ``x`` whose slope is
    the ε-part of the output. Right: the evaluation trace, value and ε-part of every line.
    Readouts: f(x), the ε-part f'(x), and a central difference for comparison."""
    lo, hi = X_RANGE
    xs = np.linspace(lo, hi, 300)
    curves = {name: np.array([float(D.primal(fn(v)[-1][1])) for v in xs]) for name, (fn, _) in PROGRAMS.items()}

    def draw(axes, x, program):
        fn = PROGRAMS[program][0]
        lines = trace(program, x)
        f, df = lines[-1][1], lines[-1][2]
        ys = curves[program]
        ax, tab = axes[0, 0], axes[0, 1]
        ax.plot(xs, ys, color="0.2", lw=1.5, label="program output")
        w = 0.15 * (hi - lo)
        ax.plot([x - w, x + w], [f - w * df, f + w * df], color="#D55E00", lw=2.5,
                label="tangent, slope = ε-part")
        ax.plot([x], [f], "o", color="#D55E00")
        ax.set_xlabel("input x")
        ax.set_ylabel("output")
        ax.legend(loc="best", fontsize="small")
        tab.axis("off")
        tab.set_title("trace on x + 1·ε", fontsize="medium")
        rows = [["line", "value", "ε-part"]] + [[t, f"{v:.4f}", f"{e:.4f}"] for t, v, e in lines]
        table = tab.table(cellText=rows, loc="center", cellLoc="left", colWidths=[0.56, 0.22, 0.22])
        table.auto_set_font_size(False)
        table.set_fontsize(10)
        table.scale(1.0, 1.25)
        h = 1e-6 * max(1.0, abs(x))
        g = lambda z: float(D.primal(fn(z)[-1][1]))                        # noqa: E731
        return {"f(x)": f, "ε-part f'(x)": df, "central difference": (g(x + h) - g(x - h)) / (2 * h)}

    controls = {"x": Slider(lo, hi, x, step=0.01, label="input x"),
                "program": Choice(list(PROGRAMS), program, label="program")}
    return Explorer(controls, draw, layout=(1, 2), figsize=(7.0, 3.4))
