"""Check the figures of executed notebooks: none wider than the book allows, all high-resolution.

    python scripts/check_figures.py _build/executed/book [more notebooks or folders ...]

Reads every figure a notebook's outputs show and fails (exit 1), listing each offender by
notebook and cell, if
- a figure is wider than ``helpers.plotting.MAX_FIGURE_WIDTH`` inches (about 7) at the book's
  display resolution (``FIGURE_DPI`` CSS pixels per inch; an SVG's own width in points);
- a figure is low-resolution: a PNG must carry at least twice as many pixels as it is displayed
  with (as the book style's "retina" output does), or be an SVG. Animation frames (HTML players
  made by ``helpers.plotting.animation_html``) are checked for width only.
Chapters fix their figures' sizes; the resolution is set centrally by ``use_book_style()``.
"""

from __future__ import annotations

import argparse
import base64
import re
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from helpers.plotting import FIGURE_DPI, MAX_FIGURE_WIDTH  # noqa: E402

TOLERANCE = 0.25          # inches: "about 7"; bbox_inches="tight" may add a little


@dataclass
class Figure:
    notebook: str
    cell: int
    kind: str
    width_in: float
    high_res: bool

    def problems(self, limit: float = MAX_FIGURE_WIDTH) -> list[str]:
        where = f"{self.notebook} cell {self.cell} ({self.kind})"
        out = []
        if self.width_in > limit + TOLERANCE:
            out.append(f"{where}: {self.width_in:.1f} in wide (the book's limit is {limit:.0f} in)")
        if not self.high_res:
            out.append(f"{where}: low resolution (a PNG at 1x; use the book style, set no dpi)")
        return out


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


_UNITS = {"pt": 1 / 72, "in": 1.0, "px": 1 / 96, "cm": 1 / 2.54, "mm": 1 / 25.4, "": 1 / 96}


def svg_width_in(svg: str) -> float:
    m = re.search(r"<svg[^>]*?\swidth=\"([\d.]+)\s*([a-z]*)\"", svg, re.S)
    if not m:
        m2 = re.search(r"viewBox=\"[\d.\-]+\s+[\d.\-]+\s+([\d.]+)", svg)
        return float(m2.group(1)) / 96 if m2 else 0.0
    return float(m.group(1)) * _UNITS.get(m.group(2), 1 / 96)


def figures(nb, name: str) -> list[Figure]:
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            meta = out.get("metadata", {})
            if "image/svg+xml" in data:
                svg = data["image/svg+xml"]
                svg = "".join(svg) if isinstance(svg, list) else svg
                found.append(Figure(name, i, "SVG", svg_width_in(svg), True))
            elif "image/png" in data:
                raw = base64.b64decode(data["image/png"])
                w_px, _ = png_size(raw)
                shown = (meta.get("image/png") or {}).get("width") or w_px
                found.append(Figure(name, i, "PNG", float(shown) / FIGURE_DPI, w_px >= 1.9 * float(shown)))
            elif "image/jpeg" in data:
                found.append(Figure(name, i, "JPEG", 0.0, False))
            html = data.get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            frame = re.search(r"data:image/(png|jpeg|webp);base64,([A-Za-z0-9+/=\\\s]+)", html)
            if frame and "anim" in html:
                raw = base64.b64decode(re.sub(r"[\\\s]", "", frame.group(2)))
                try:
                    w_px = png_size(raw)[0]
                except ValueError:
                    w_px = _frame_width(raw)
                found.append(Figure(name, i, "animation", w_px / FIGURE_DPI, True))
    return found


def _frame_width(raw: bytes) -> int:
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(raw)) as im:
        return im.size[0]


def notebooks(paths: list[Path]) -> list[Path]:
    out = []
    for p in paths:
        out += sorted(p.rglob("*.ipynb")) if p.is_dir() else [p]
    return [p for p in out if ".ipynb_checkpoints" not in p.parts]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--max-width", type=float, default=MAX_FIGURE_WIDTH)
    args = ap.parse_args(argv)
    problems, count = [], 0
    for path in notebooks(args.paths):
        nb = nbformat.read(path, as_version=4)
        name = path.as_posix()
        m = re.search(r"book/.*", name)
        for fig in figures(nb, m.group(0) if m else name):
            count += 1
            problems += fig.problems(args.max_width)
    for p in problems:
        print(f"  FIGURE {p}")
    print(f"{count} figures checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
