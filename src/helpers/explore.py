"""Explorations: move a parameter, watch the mathematics and the physics answer.

An :class:`Explorer` joins a few *controls* (sliders, choices) to a *draw function* that draws
one state of the exploration on matplotlib axes and returns the numbers worth reading
(*readouts*)::

    def draw(ax, h):
        err = ...                     # compute for this value of the control
        ax.loglog(...)
        return {"error": err}         # shown under the figure, returned by update()

    ex = Explorer({"h": LogSlider(1e-14, 1e-1, 1e-6, label="step h")}, draw)
    ex.widget()                        # in Jupyter: sliders + figure + readouts, live
    ex.update(h=1e-8)                  # programmatic: redraw and return the readouts (tests)
    ex.stand_in([{"h": 1e-12}, {"h": 1e-8}, {"h": 1e-4}])   # small multiples for the book
    ex.animate([...])                  # or an animation (helpers.plotting.animation_html)

The rendered book runs no kernel, so every exploration also has a static stand-in: small
multiples (:meth:`Explorer.stand_in`) or an animation (:meth:`Explorer.animate`) of the same
draw function. The widget draws into an off-screen matplotlib figure and sends it as a PNG to
an ``ipywidgets.Image``, which works the same in JupyterLab, Binder and Colab (ipywidgets 8;
on Colab the custom widget manager is enabled automatically). Draw functions should be quick
(precompute, cache, ``jax.jit``): :attr:`Explorer.timings` records the seconds of each update,
figure rendering included, and the book asks for about 200 ms on 2 cores.
"""

from __future__ import annotations

import io
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

__all__ = ["Slider", "LogSlider", "IntSlider", "Choice", "Toggle", "Explorer"]


# --------------------------------------------------------------------------- controls
@dataclass
class Slider:
    """A real parameter on a linear scale between ``min`` and ``max``."""

    min: float
    max: float
    value: float
    step: float | None = None
    label: str = ""
    unit: str = ""

    def validate(self, name: str, value: Any) -> float:
        v = _number(name, value)
        if not self.min <= v <= self.max:
            raise ValueError(f"{name} = {v!r} is outside its range [{self.min}, {self.max}]")
        return v

    def widget(self, name: str):
        import ipywidgets as w

        step = self.step if self.step is not None else (self.max - self.min) / 200
        return w.FloatSlider(value=self.value, min=self.min, max=self.max, step=step,
                             description=self.label or name, continuous_update=False,
                             readout_format=".3g", style={"description_width": "initial"},
                             layout=w.Layout(width="95%", max_width="520px"))


@dataclass
class LogSlider(Slider):
    """A positive real parameter on a logarithmic scale (step sizes, tolerances, couplings)."""

    def __post_init__(self):
        if not 0 < self.min < self.max:
            raise ValueError(f"LogSlider needs 0 < min < max, got min={self.min}, max={self.max}")

    def widget(self, name: str):
        import ipywidgets as w

        lo, hi = math.log10(self.min), math.log10(self.max)
        return w.FloatLogSlider(value=self.value, base=10, min=lo, max=hi,
                                step=self.step if self.step is not None else (hi - lo) / 100,
                                description=self.label or name, continuous_update=False,
                                readout_format=".2e", style={"description_width": "initial"},
                                layout=w.Layout(width="95%", max_width="520px"))


@dataclass
class IntSlider:
    """A whole-number parameter (a count, a size, a number of iterations)."""

    min: int
    max: int
    value: int
    step: int = 1
    label: str = ""

    def validate(self, name: str, value: Any) -> int:
        v = _number(name, value)
        if v != int(v):
            raise ValueError(f"{name} must be a whole number, got {value!r}")
        if not self.min <= v <= self.max:
            raise ValueError(f"{name} = {value!r} is outside its range [{self.min}, {self.max}]")
        return int(v)

    def widget(self, name: str):
        import ipywidgets as w

        return w.IntSlider(value=self.value, min=self.min, max=self.max, step=self.step,
                           description=self.label or name, continuous_update=False,
                           style={"description_width": "initial"},
                           layout=w.Layout(width="95%", max_width="520px"))


@dataclass
class Choice:
    """One of a few named options (a method, a model, a schedule)."""

    options: Sequence[Any]
    value: Any
    label: str = ""

    def __post_init__(self):
        if self.value not in list(self.options):
            raise ValueError(f"Choice value {self.value!r} is not one of {list(self.options)!r}")

    def validate(self, name: str, value: Any) -> Any:
        if value not in list(self.options):
            raise ValueError(f"{name} = {value!r} is not one of {list(self.options)!r}")
        return value

    def widget(self, name: str):
        import ipywidgets as w

        return w.Dropdown(options=list(self.options), value=self.value, description=self.label or name,
                          style={"description_width": "initial"})


@dataclass
class Toggle:
    """A yes/no switch (a wall on or off, a correction applied or not)."""

    value: bool
    label: str = ""

    def validate(self, name: str, value: Any) -> bool:
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{name} must be True or False, got {value!r}")
        return bool(value)

    def widget(self, name: str):
        import ipywidgets as w

        return w.Checkbox(value=self.value, description=self.label or name, indent=False)


Control = Slider | IntSlider | Choice | Toggle


def _number(name: str, value: Any) -> float:
    if isinstance(value, (bool, np.bool_, str)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


def _fmt(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if v == 0 or 1e-3 <= abs(v) < 1e5:
            return f"{v:.4g}"
        return f"{v:.3e}"
    return str(value)


# --------------------------------------------------------------------------- explorer
@dataclass
class Explorer:
    """Controls joined to a draw function; see the module docstring.

    ``draw(axes, **values)`` draws one state on ``axes`` (one Axes for ``layout=(1, 1)``, else
    an array of Axes of shape ``layout``) and returns a dict of readouts (name -> number or
    text), or None. ``title(values)`` may give each stand-in panel a title (default: the values
    of the controls that differ between the states).
    """

    controls: Mapping[str, Control]
    draw: Callable[..., Mapping[str, Any] | None]
    layout: tuple[int, int] = (1, 1)
    figsize: tuple[float, float] = (6.4, 3.8)
    title: Callable[[Mapping[str, Any]], str] | None = None
    readout_units: Mapping[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(init=False)
    readouts: dict[str, Any] = field(init=False, default_factory=dict)
    timings: list[float] = field(init=False, default_factory=list)

    def __post_init__(self):
        if not self.controls:
            raise ValueError("an Explorer needs at least one control")
        for name, c in self.controls.items():
            if not isinstance(c, (Slider, IntSlider, Choice, Toggle)):
                raise TypeError(f"control {name!r} must be a Slider, LogSlider, IntSlider, Choice or "
                                f"Toggle, got {type(c).__name__}")
        if not callable(self.draw):
            raise TypeError(f"draw must be a function draw(axes, **values), got {type(self.draw).__name__}")
        rows, cols = self.layout
        if rows < 1 or cols < 1:
            raise ValueError(f"layout must be (rows, cols) with both >= 1, got {self.layout}")
        self.values = {name: c.value for name, c in self.controls.items()}
        self._fig = Figure(figsize=self.figsize, layout="constrained")
        self._axes = self._fig.subplots(rows, cols, squeeze=False)
        self._widgets: dict[str, Any] = {}
        self._image = None
        self._readout = None

    # ---------------------------------------------------------------- core
    def _axes_arg(self, axes):
        return axes[0, 0] if self.layout == (1, 1) else axes

    def _check(self, values: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(values) - set(self.controls)
        if unknown:
            raise KeyError(f"unknown control(s) {sorted(unknown)}; this explorer has {sorted(self.controls)}")
        return {k: self.controls[k].validate(k, v) for k, v in values.items()}

    def update(self, **values: Any) -> dict[str, Any]:
        """Set some controls, redraw, and return the readouts (also kept in :attr:`readouts`)."""
        self.values.update(self._check(values))
        t0 = time.perf_counter()
        for ax in self._axes.flat:
            ax.clear()
        out = self.draw(self._axes_arg(self._axes), **self.values)
        self.readouts = dict(out or {})
        if self._image is not None:
            self._image.value = self.png()
            self._readout.value = self._readout_html()
        self.timings.append(time.perf_counter() - t0)
        return dict(self.readouts)

    def png(self, dpi: float = 100) -> bytes:
        """The current figure as PNG bytes."""
        buf = io.BytesIO()
        self._fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
        return buf.getvalue()

    def _readout_html(self) -> str:
        if not self.readouts:
            return ""
        parts = []
        for k, v in self.readouts.items():
            unit = self.readout_units.get(k, "")
            parts.append(f"<b>{k}</b> = {_fmt(v)}{(' ' + unit) if unit else ''}")
        return '<div style="font-family:monospace;line-height:1.5">' + " &nbsp;·&nbsp; ".join(parts) + "</div>"

    # ---------------------------------------------------------------- live widget
    def widget(self):
        """The live exploration: controls, the figure and the readouts (an ipywidgets box)."""
        import ipywidgets as w

        _enable_colab_widgets()
        self._widgets = {name: c.widget(name) for name, c in self.controls.items()}
        for name, wid in self._widgets.items():
            wid.value = self.values[name]
            wid.observe(lambda change, n=name: self.update(**{n: change["new"]}), names="value")
        self._image = w.Image(format="png", layout=w.Layout(max_width="100%", height="auto"))
        self._readout = w.HTML()
        self.update()
        return w.VBox([*self._widgets.values(), self._image, self._readout])

    @property
    def control_widgets(self) -> dict[str, Any]:
        """The ipywidgets of the controls, after :meth:`widget` (tests drive them)."""
        return dict(self._widgets)

    # ---------------------------------------------------------------- static stand-ins
    def _panel_title(self, state: Mapping[str, Any], varying: Sequence[str]) -> str:
        if self.title is not None:
            return self.title(state)
        return ", ".join(f"{(getattr(self.controls[k], 'label', '') or k)} = {_fmt(state[k])}" for k in varying)

    def stand_in(self, states: Sequence[Mapping[str, Any]], *, ncols: int | None = None,
                 panel_size: tuple[float, float] | None = None, max_width: float = 7.0) -> Figure:
        """Small multiples of the exploration: one panel (or one row of ``layout``) per state.

        Each state is a dict of control values (missing ones keep the current value). The figure
        is at most ``max_width`` inches wide, so that it stays legible on a phone. Returns a
        matplotlib ``Figure`` (displayed when it is the last expression of a cell)."""
        if not states:
            raise ValueError("stand_in needs at least one state")
        full = [{**self.values, **self._check(s)} for s in states]
        varying = [k for k in self.controls if len({repr(s[k]) for s in full}) > 1] or list(self.controls)[:1]
        rows, cols = self.layout
        if (rows, cols) == (1, 1):
            nc = ncols or min(len(full), 3)
            nr = math.ceil(len(full) / nc)
            pw, ph = panel_size or (max_width / nc, max_width / nc * 0.75)
            fig = Figure(figsize=(min(pw * nc, max_width), ph * nr), layout="constrained")
            grid = fig.subplots(nr, nc, squeeze=False)
            for ax, state in zip(grid.flat, full):
                self.draw(ax, **state)
                ax.set_title(self._panel_title(state, varying), fontsize="medium")
            for ax in list(grid.flat)[len(full):]:
                ax.set_visible(False)
            return fig
        pw, ph = panel_size or (max_width / cols, max_width / cols * 0.7)
        fig = Figure(figsize=(min(pw * cols, max_width), ph * rows * len(full)), layout="constrained")
        sub = fig.subfigures(len(full), 1, squeeze=False)
        for sf, state in zip(sub[:, 0], full):
            axes = sf.subplots(rows, cols, squeeze=False)
            self.draw(axes, **state)
            sf.suptitle(self._panel_title(state, varying), fontsize="medium")
        return fig

    def animate(self, states: Sequence[Mapping[str, Any]], *, interval: int = 400, alt: str = ""):
        """The exploration as an animation through ``states`` (HTML for the static book, via
        :func:`helpers.plotting.animation_html`; ``alt`` is its text alternative)."""
        from matplotlib.animation import FuncAnimation

        from helpers.plotting import animation_html

        if not states:
            raise ValueError("animate needs at least one state")
        checked = [self._check(s) for s in states]

        def frame(i):
            self.update(**checked[i])
            return []

        anim = FuncAnimation(self._fig, frame, frames=len(checked), interval=interval, blit=False)
        return animation_html(anim, alt=alt or None)


def _enable_colab_widgets() -> None:
    try:
        from google.colab import output  # type: ignore[import-not-found]
    except ImportError:
        return
    output.enable_custom_widget_manager()
