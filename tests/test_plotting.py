"""Unit tests of helpers.plotting."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import plotting  # noqa: E402


def _luminance(hex_colour):
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_palette_is_okabe_ito_and_distinct():
    assert plotting.PALETTE[:3] == ("#0072B2", "#D55E00", "#009E73")
    assert len(set(plotting.PALETTE)) == len(plotting.PALETTE) == 8
    assert plotting.COLORS["vermillion"] == "#D55E00"


def test_use_book_style_sets_readable_fonts_and_palette():
    matplotlib.rcdefaults()
    plotting.use_book_style()
    rc = matplotlib.rcParams
    assert rc["font.size"] >= 11 and rc["axes.labelsize"] >= 11 and rc["legend.fontsize"] >= 10
    colours = [c["color"] for c in rc["axes.prop_cycle"]]
    assert [c.upper() for c in colours] == list(plotting.PALETTE)
    styles = [c["linestyle"] for c in rc["axes.prop_cycle"]]
    assert len(set(map(str, styles))) == len(styles)     # curves differ in grey-scale too
    assert rc["figure.facecolor"] == "white"              # legible under the dark theme


def test_style_is_idempotent_and_plots_render():
    plotting.use_book_style()
    first = dict(matplotlib.rcParams)
    plotting.use_book_style()
    assert dict(matplotlib.rcParams) == first
    fig, ax = plt.subplots()
    for k in range(3):
        ax.plot(np.arange(5), k * np.arange(5), label=str(k))
    plotting.label_axes(ax, "time t (s)", "position x (m)", "a title")
    fig.canvas.draw()
    assert ax.get_xlabel() == "time t (s)" and ax.get_lines()[1].get_color().upper() == plotting.PALETTE[1]
    plt.close(fig)


def test_label_axes_rejects_empty_labels():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="xlabel"):
        plotting.label_axes(ax, "", "y")
    with pytest.raises(ValueError, match="ylabel"):
        plotting.label_axes(ax, "x", "   ")
    plt.close(fig)


def test_animation_html_is_self_contained():
    from matplotlib.animation import FuncAnimation

    plotting.use_book_style()
    fig, ax = plt.subplots(figsize=(2, 2))
    (line,) = ax.plot([], [])
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    anim = FuncAnimation(fig, lambda i: line.set_data([0, i / 3], [0, i / 3]), frames=3)
    html = plotting.animation_html(anim, alt="a line growing").data
    assert "<script" in html and "http" not in html.split("<script")[1][:200]
    assert 'alt="a line growing"' in html
    assert "font-awesome" not in html and "https://" not in html and 'class="fa ' not in html
    assert "▶" in html and "❚❚" in html and "⇤" in html
    assert not plt.fignum_exists(fig.number)   # the static copy was closed


def test_animation_frames_are_paletted_and_sized(tmp_path):
    import base64
    import io
    import re

    from matplotlib.animation import FuncAnimation
    from PIL import Image

    plotting.use_book_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    (line,) = ax.plot([], [])
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    x = np.linspace(0, 1, 50)
    anim = FuncAnimation(fig, lambda i: line.set_data(x, (x ** (i + 1))), frames=4)
    html = plotting.animation_html(anim, alt="curves").data
    frames = [re.sub(r"[\\\s]", "", f) for f in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=\\\s]+)", html)]
    assert len(frames) == 4
    with Image.open(io.BytesIO(base64.b64decode(frames[0]))) as im:
        assert im.mode == "P" and len(im.getcolors(256)) <= plotting.ANIMATION_COLORS
        assert im.size[0] == 3 * plotting.FIGURE_DPI       # frames at the display resolution
    assert 'style="width: 300px; max-width: 100%' in html
    with pytest.raises(ValueError, match="colors"):
        plotting.animation_html(object(), colors=1)     # checked before anything is drawn


def test_figure_resolution_is_set_centrally():
    matplotlib.rcdefaults()
    plotting.use_book_style()          # outside IPython: only the rcParams
    assert matplotlib.rcParams["figure.dpi"] == plotting.FIGURE_DPI
    assert plotting.FIGURE_FORMAT in ("svg", "retina")
    assert plotting.MAX_FIGURE_WIDTH == 7.0
    w, h = matplotlib.rcParams["figure.figsize"]
    assert w <= plotting.MAX_FIGURE_WIDTH                 # the default figure fits the book
