"""helpers.explore: controls are validated, updates redraw and return readouts, the live widget
is driven through its sliders, and the static stand-ins are built from the same draw function."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.explore import Choice, Explorer, IntSlider, LogSlider, Slider, Toggle


def _forward_difference_explorer():
    def draw(ax, h, f="sin"):
        fn, dfn = (np.sin, np.cos) if f == "sin" else (np.exp, np.exp)
        err = abs((fn(1 + h) - fn(1)) / h - dfn(1))
        hs = np.logspace(-14, -1, 60)
        ax.loglog(hs, abs((fn(1 + hs) - fn(1)) / hs - dfn(1)), label="error")
        ax.axvline(h, color="k")
        ax.set_xlabel("step h")
        ax.set_ylabel("error")
        return {"error": err}

    return Explorer({"h": LogSlider(1e-14, 1e-1, 1e-6, label="step h"),
                     "f": Choice(["sin", "exp"], "sin")}, draw)


def test_update_returns_readouts_that_follow_the_error_model():
    ex = _forward_difference_explorer()
    mid = ex.update(h=1e-8)["error"]
    big = ex.update(h=1e-2)["error"]
    tiny = ex.update(h=1e-13)["error"]
    assert mid < big and mid < tiny        # truncation on the right, round-off on the left
    assert ex.values["h"] == 1e-13 and len(ex.timings) == 3
    assert ex.png()[:8] == b"\x89PNG\r\n\x1a\n"


def test_controls_are_validated():
    ex = _forward_difference_explorer()
    with pytest.raises(ValueError, match="outside its range"):
        ex.update(h=10.0)
    with pytest.raises(ValueError, match="must be a number"):
        ex.update(h="1e-3")
    with pytest.raises(ValueError, match="not one of"):
        ex.update(f="cos")
    with pytest.raises(KeyError, match="unknown control"):
        ex.update(step=1e-3)
    with pytest.raises(ValueError, match="0 < min < max"):
        LogSlider(0.0, 1.0, 0.5)
    with pytest.raises(ValueError, match="whole number"):
        IntSlider(1, 10, 5).validate("n", 2.5)
    with pytest.raises(ValueError, match="True or False"):
        Toggle(True).validate("wall", 1)
    with pytest.raises(TypeError, match="draw must be a function"):
        Explorer({"x": Slider(0, 1, 0.5)}, draw=3)
    with pytest.raises(TypeError, match="must be a Slider"):
        Explorer({"x": (0, 1)}, draw=lambda ax, x: None)


def test_the_live_widget_is_driven_through_its_sliders():
    ex = _forward_difference_explorer()
    box = ex.widget()
    assert box.children and ex._image.value[:4] == b"\x89PNG"
    sliders = ex.control_widgets
    before = ex.readouts["error"]
    sliders["h"].value = 1e-2          # as if the reader dragged the slider
    assert ex.values["h"] == pytest.approx(1e-2) and ex.readouts["error"] > before
    sliders["f"].value = "exp"
    assert ex.values["f"] == "exp" and "error" in ex._readout.value


def test_stand_ins_small_multiples_and_multi_panel_layout():
    ex = _forward_difference_explorer()
    fig = ex.stand_in([{"h": 1e-12}, {"h": 1e-8}, {"h": 1e-3}])
    assert isinstance(fig, Figure) and fig.get_figwidth() <= 7.0
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("step h = ")

    def draw2(axes, n):
        axes[0, 0].plot(range(n))
        axes[0, 1].plot(np.arange(n) ** 2)
        return {"n": n}

    ex2 = Explorer({"n": IntSlider(1, 20, 5)}, draw2, layout=(1, 2))
    assert ex2.update(n=7) == {"n": 7}
    fig2 = ex2.stand_in([{"n": 3}, {"n": 9}])
    assert len(fig2.axes) == 4 and fig2.get_figwidth() <= 7.0


def test_animation_stand_in_is_offline_html():
    ex = _forward_difference_explorer()
    html = ex.animate([{"h": 1e-12}, {"h": 1e-6}], alt="the error as h grows").data
    assert "the error as h grows" in html and "http" not in html
