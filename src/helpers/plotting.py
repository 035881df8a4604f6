"""The book's figure style: one call, ``use_book_style()``, at the top of a chapter.

Colours come from the Okabe-Ito palette, designed to stay distinguishable under the common
forms of colour blindness; lines also cycle through dash patterns so that curves differ in
grey-scale print. Fonts are large enough to read in the rendered book at its default width,
and figures keep a white background so they stay legible under the book's dark theme.

Resolution is set here, once, for every chapter: in a notebook, figures are shown as SVG
(:data:`FIGURE_FORMAT`), sharp at any zoom, on high-density screens and in the PDF. Measured on
chapters 2 and 11, SVG pages weigh about half as much as PNGs at twice the display resolution
("retina"): the book's figures are mostly lines, and images drawn with ``imshow`` are embedded
in the SVG as PNGs at their own resolution. Chapters must not set a dpi of their own, and keep
figures at most :data:`MAX_FIGURE_WIDTH` inches wide (a phone shows the whole figure, and the
book's fonts stay legible); ``scripts/check_figures.py`` checks both on every executed notebook.
"""

from __future__ import annotations

import re
from typing import Any

import matplotlib as mpl
from cycler import cycler

__all__ = ["PALETTE", "COLORS", "FIGURE_FORMAT", "FIGURE_DPI", "MAX_FIGURE_WIDTH", "use_book_style",
           "book_rc", "label_axes", "animation_html"]

#: How notebooks display figures: vector graphics (see the module docstring for the choice).
FIGURE_FORMAT = "svg"
#: Display resolution of a figure: 1 inch of figure is this many CSS pixels on the page.
FIGURE_DPI = 100
#: The widest figure the book shows, in inches (at FIGURE_DPI: 700 CSS pixels).
MAX_FIGURE_WIDTH = 7.0

#: Okabe & Ito (2008) colour-blind-safe palette, in the order the book uses it.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)

#: The same colours by name.
COLORS: dict[str, str] = dict(
    zip(("blue", "vermillion", "green", "orange", "purple", "sky", "yellow", "black"), PALETTE)
)

_DASHES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))


def book_rc() -> dict[str, Any]:
    """The rcParams of the book style (see :func:`use_book_style`)."""
    return {
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": FIGURE_DPI,
        "savefig.dpi": 2 * FIGURE_DPI,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "figure.constrained_layout.use": True,
        "font.size": 12,
        "axes.titlesize": 13,
        "axes.labelsize": 12,
        "xtick.labelsize": 11,
        "ytick.labelsize": 11,
        "legend.fontsize": 11,
        "legend.frameon": False,
        "lines.linewidth": 2.0,
        "lines.markersize": 6,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": cycler(color=list(PALETTE)) + cycler(linestyle=list(_DASHES)),
        "image.cmap": "viridis",
        "svg.hashsalt": "differentiate-everything",   # the same SVG for the same figure, run after run
        "svg.fonttype": "path",
        "animation.html": "jshtml",
        "animation.embed_limit": 40.0,
    }


def use_book_style() -> None:
    """Apply the book's figure style to matplotlib (idempotent), and, in a notebook, show
    figures as high-resolution PNGs (:data:`FIGURE_FORMAT`)."""
    mpl.rcParams.update(book_rc())
    _inline_format(FIGURE_FORMAT)


def _inline_format(fmt: str) -> None:
    """Make the notebook's inline backend render figures in ``fmt`` (nothing outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or "IPKernelApp" not in getattr(shell, "config", {}):
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    # no creation date in the file: the same figure gives the same output, run after run
    set_matplotlib_formats(fmt, metadata={"Date": None})


def label_axes(ax: Any, xlabel: str, ylabel: str, title: str | None = None) -> Any:
    """Label both axes (with units, e.g. ``"step size h"``) and optionally the title.

    Raises ``ValueError`` if a label is empty, since every figure in the book is labelled.
    """
    for what, text in (("xlabel", xlabel), ("ylabel", ylabel)):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"label_axes: {what} must be a non-empty string, got {text!r}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax


# Symbols present in common fonts (DejaVu, Liberation, the system UI fonts), unlike the
# media-control emoji block.
_ICONS = {"fa-fast-backward": "⇤", "fa-step-backward": "◀︎|", "fa-play": "▶︎", "reverse": "◀︎",
          "fa-pause": "❚❚", "fa-step-forward": "|▶︎", "fa-fast-forward": "⇥", "fa-minus": "−",
          "fa-plus": "+"}


#: Colours kept in each animation frame (a palette per frame): the book's line plots use a
#: few dozen colours, so frames stay sharp while weighing several times less than full RGB.
ANIMATION_COLORS = 64


def _paletted_png(png: bytes, colors: int) -> bytes:
    """Re-encode a PNG frame with an adaptive palette of at most ``colors`` colours."""
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(png)) as im:
        quantized = im.convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT,
                                               dither=Image.Dither.NONE)
        out = BytesIO()
        quantized.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _html_writer(colors: int):
    """matplotlib's HTML (JavaScript player) writer, with palettised PNG frames."""
    import base64
    from io import BytesIO

    from matplotlib.animation import HTMLWriter

    class PalettedHTMLWriter(HTMLWriter):
        def grab_frame(self, **savefig_kwargs):
            if not self.embed_frames:
                return super().grab_frame(**savefig_kwargs)
            if self._hit_limit:
                return
            buf = BytesIO()
            self.fig.savefig(buf, format="png", dpi=self.dpi, **savefig_kwargs)
            frame = base64.encodebytes(_paletted_png(buf.getvalue(), colors)).decode("ascii")
            self._total_bytes += len(frame)
            if self._total_bytes >= self._bytes_limit:
                self._hit_limit = True
                raise ValueError(
                    f"animation_html: the animation exceeds animation.embed_limit "
                    f"({self._bytes_limit / 2**20:.0f} MB) after {len(self._saved_frames)} frames; "
                    "use fewer frames or a smaller figure")
            self._saved_frames.append(frame)

    return PalettedHTMLWriter


def animation_html(anim: Any, alt: str | None = None, colors: int = ANIMATION_COLORS) -> Any:
    """Render a matplotlib animation as self-contained JavaScript HTML for the book.

    The result displays in Jupyter and in the static site (no kernel, no network): matplotlib's
    player (play, pause, step, a slider) over frames embedded in the page. The frames are
    drawn at the book's display resolution (:data:`FIGURE_DPI`, or the figure's own dpi if
    lower: a lighter animation, shown at the same size) and stored as PNGs with an
    adaptive palette of ``colors`` colours, several times lighter than full-colour frames; the
    player is shown at the figure's width (at most the page's). The animation's own figure is
    closed so that it does not show a second, static copy. ``alt`` is the text a screen reader
    gives for the animation's frames (say what the motion shows).
    """
    import html as _html
    from pathlib import Path
    from tempfile import TemporaryDirectory

    import matplotlib.pyplot as plt
    from IPython.display import HTML

    if not isinstance(colors, int) or not 2 <= colors <= 256:
        raise ValueError(f"animation_html: colors must be an integer from 2 to 256, got {colors!r}")
    fig = anim._fig
    interval = getattr(anim, "_interval", 200)
    writer = _html_writer(colors)(fps=1000 / interval, embed_frames=True, default_mode="once")
    with TemporaryDirectory() as tmp:
        path = Path(tmp, "animation.html")
        # at the display resolution, or at the figure's own if a chapter chose a lower one
        anim.save(str(path), writer=writer, dpi=min(float(fig.dpi), FIGURE_DPI))
        text = path.read_text(encoding="utf-8")
    alt = alt or "Animation; use the buttons below it to play it or step through its frames."
    width = round(fig.get_figwidth() * FIGURE_DPI)
    text = text.replace("<img ", f'<img alt="{_html.escape(alt, quote=True)}" '
                        f'style="width: {width}px; max-width: 100%; height: auto" ', 1)
    # matplotlib's player loads Font Awesome from a CDN for its button icons; the book is
    # served offline, so the icons become plain Unicode symbols instead.
    text = re.sub(r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">', "", text)
    text = re.sub(r'<i class="fa ([a-z-]+)( fa-flip-horizontal)?"></i>',
                  lambda m: _ICONS["reverse" if m.group(2) else m.group(1)], text)
    plt.close(fig)
    return HTML(text)
