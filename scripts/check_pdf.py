"""Check a PDF of the book: pages, bookmarks, glyphs, raw TeX, solutions.

    python scripts/check_pdf.py BOOK.pdf [--min-pages 100] [--outline "3. Forward mode" ...]
                                         [--solutions | --no-solutions] [--require-text 微分]

Fails (exit 1) and says why if
- the PDF has fewer pages than ``--min-pages``;
- it has no outline (bookmarks), or the outline lacks an entry starting with each ``--outline``
  text (the chapter titles);
- a glyph is missing: text drawn with glyph 0 (".notdef", the empty box a font shows for a
  character it lacks) in any font; pdffonts (poppler-utils) lists the fonts, and every font
  must be embedded;
- raw TeX shows in the text outside code: a TeX command such as ``\\frac`` or ``\\begin{``,
  ``$$``, or ``^\\top`` in text set in a proportional (non-monospace) font;
- ``--solutions``: the text has no "Solution to Exercise"; ``--no-solutions``: it has one;
- a ``--require-text`` string (e.g. a Chinese glossary term) is not in the text that
  ``pdftotext`` extracts.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

TEX = re.compile(r"\\(frac|dfrac|tfrac|begin|end|left|right|mathrm|mathbf|mathcal|boldsymbol|partial|nabla|sum|"
                 r"prod|int|sqrt|cdot|times|alpha|beta|gamma|delta|epsilon|varepsilon|theta|lambda|sigma|omega|"
                 r"hat|bar|tilde|langle|rangle|infty|approx|leq|geq|quad|text|operatorname)(?![A-Za-z])"
                 r"|\$\$|\^\\top")
MONO = re.compile(r"mono|courier|consol|menlo|code", re.I)


def outline_titles(reader) -> list[str]:
    titles: list[str] = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(str(getattr(item, "title", item)).strip())

    walk(reader.outline)
    return titles


def _fonts(page) -> dict:
    res = page.get("/Resources") or {}
    fonts = res.get("/Font") or {}
    return {name: fonts[name].get_object() for name in fonts}


_TEXT_TOKENS = re.compile(rb"/([^\s/<>\[\]()]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>|\bBT\b|\bET\b")


def missing_glyphs(reader, limit: int = 5) -> list[str]:
    """Places where text is drawn with glyph 0 (.notdef) of a composite (Identity-H) font: the
    content streams are scanned for the hex strings shown between BT and ET."""
    found = []
    for number, page in enumerate(reader.pages, start=1):
        fonts = _fonts(page)
        contents = page.get_contents()
        if contents is None:
            continue
        data = contents.get_data()
        font, in_text = None, False
        for m in _TEXT_TOKENS.finditer(data):
            token = m.group(0)
            if token == b"BT":
                in_text = True
            elif token == b"ET":
                in_text = False
            elif m.group(1) is not None:
                font = fonts.get("/" + m.group(1).decode("latin-1"))
            elif in_text and font is not None and font.get("/Subtype") == "/Type0":
                hexes = re.sub(rb"\s", b"", m.group(2))
                if any(hexes[i:i + 4] == b"0000" for i in range(0, len(hexes) - 3, 4)):
                    name = str(font.get("/BaseFont") or "?").lstrip("/")
                    found.append(f"page {number}: a missing glyph (glyph 0) in font {name}")
                    break
        if len(found) >= limit:
            break
    return found


def unembedded_fonts(pdf: Path) -> list[str]:
    """Fonts pdffonts lists as not embedded (empty if pdffonts is not installed)."""
    if shutil.which("pdffonts") is None:
        return []
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    bad = []
    for line in out.splitlines()[2:]:
        cols = line.split()
        # name type [encoding...] emb sub uni object ID: "emb" is the 4th column from the end but 3
        if len(cols) >= 7 and cols[-5] == "no":
            bad.append(cols[0])
    return bad


def raw_tex(pdf: Path, limit: int = 5) -> list[str]:
    """Raw TeX in text set in a proportional font (code, set in monospace, may hold TeX
    strings). Text and fonts come from poppler's pdftohtml (-xml)."""
    import xml.etree.ElementTree as ET

    if shutil.which("pdftohtml") is None:
        raise SystemExit("check_pdf: pdftohtml is needed (Debian: apt-get install poppler-utils)")
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-stdout", str(pdf)], capture_output=True,
                         check=True).stdout.decode("utf-8", errors="replace")
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    mono = {f.get("id") for f in root.iter("fontspec") if MONO.search(f.get("family", ""))}
    found = []
    for page in root.iter("page"):
        text = " ".join("".join(t.itertext()) for t in page.iter("text") if t.get("font") not in mono)
        m = TEX.search(text)
        if m:
            found.append(f"page {page.get('number')}: raw TeX {text[max(0, m.start() - 40):m.end() + 40]!r}")
            if len(found) >= limit:
                break
    return found


def pdftotext(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        raise SystemExit("check_pdf: pdftotext is needed (Debian: apt-get install poppler-utils)")
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def check(pdf: Path, min_pages: int = 1, outline: list[str] = (), solutions: bool | None = None,
          require_text: list[str] = ()) -> tuple[list[str], dict]:
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    problems = []
    pages = len(reader.pages)
    if pages < min_pages:
        problems.append(f"{pages} pages, expected at least {min_pages}")
    titles = outline_titles(reader)
    if not titles:
        problems.append("no outline (bookmarks)")
    for want in outline:
        if not any(t.startswith(want) for t in titles):
            problems.append(f"no bookmark for {want!r}")
    problems += missing_glyphs(reader)
    problems += [f"font not embedded: {f}" for f in unembedded_fonts(pdf)]
    problems += raw_tex(pdf)
    text = pdftotext(pdf)
    if solutions is True and "Solution to Exercise" not in text:
        problems.append("no solutions printed (expected 'Solution to Exercise')")
    if solutions is False and "Solution to Exercise" in text:
        i = text.index("Solution to Exercise")
        problems.append(f"a solution is printed: {text[i:i + 80]!r}")
    for want in require_text:
        if want not in text:
            problems.append(f"text {want!r} not found (a font missing?)")
    return problems, {"pages": pages, "bookmarks": len(titles)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdf", type=Path)
    ap.add_argument("--min-pages", type=int, default=1)
    ap.add_argument("--outline", action="append", default=[])
    ap.add_argument("--require-text", action="append", default=[])
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--solutions", dest="solutions", action="store_const", const=True, default=None)
    group.add_argument("--no-solutions", dest="solutions", action="store_const", const=False)
    args = ap.parse_args(argv)
    problems, info = check(args.pdf, args.min_pages, args.outline, args.solutions, args.require_text)
    print(f"{args.pdf}: {info['pages']} pages, {info['bookmarks']} bookmarks")
    for p in problems:
        print(f"  PDF {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
