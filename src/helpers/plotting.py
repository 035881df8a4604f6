"""The book's figure style: one call, ``use_book_style()``, at the top of a chapter.

Colours come from the Okabe-Ito palette, designed to stay distinguishable under the common
forms of colour blindness; lines also cycle through dash patterns so that curves differ in
grey-scale print. Fonts are large enough to read in the rendered book at its default width,
and figures keep a white background so they stay legible under the book's dark theme.
"""

from __future__ import annotations

import re
from typing import Any

import matplotlib as mpl
from cycler import cycler

__all__ = ["PALETTE", "COLORS", "use_book_style", "book_rc", "label_axes", "animation_html"]

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
        "figure.dpi": 100,
        "savefig.dpi": 150,
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
        "animation.html": "jshtml",
        "animation.embed_limit": 40.0,
    }


def use_book_style() -> None:
    """Apply the book's figure style to matplotlib (idempotent)."""
    mpl.rcParams.update(book_rc())


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


def animation_html(anim: Any, alt: str | None = None) -> Any:
    """Render a matplotlib animation as self-contained JavaScript HTML for the book.

    The result displays in Jupyter and in the static site (no kernel, no network), and the
    animation's own figure is closed so that it does not show a second, static copy. ``alt``
    is the text a screen reader gives for the animation's frames (say what the motion shows).
    """
    import html as _html

    import matplotlib.pyplot as plt
    from IPython.display import HTML

    text = anim.to_jshtml(default_mode="once")
    alt = alt or "Animation; use the buttons below it to play it or step through its frames."
    text = text.replace("<img ", f'<img alt="{_html.escape(alt, quote=True)}" ', 1)
    # matplotlib's player loads Font Awesome from a CDN for its button icons; the book is
    # served offline, so the icons become plain Unicode symbols instead.
    text = re.sub(r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">', "", text)
    text = re.sub(r'<i class="fa ([a-z-]+)( fa-flip-horizontal)?"></i>',
                  lambda m: _ICONS["reverse" if m.group(2) else m.group(1)], text)
    plt.close(anim._fig)
    return HTML(text)
