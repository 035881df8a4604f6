"""Print the book (a single-page HTML build) to PDF with headless Chromium.

    python scripts/build_pdf.py SINGLEHTML_DIR OUT.pdf [--solutions | --no-solutions]

``scripts/build.sh --pdf`` builds the single-page HTML (``jupyter-book build --builder custom
--custom-builder singlehtml``, from the same executed notebooks as the site) and calls this for
the full book (solutions printed) and for the student edition (built from the solution-free
sources, so there are no solutions to print). Chromium renders the page exactly as a reader's
browser does, MathJax included, and writes a tagged PDF with a document outline (bookmarks)
from the headings. For print:
- the site's navigation, buttons and search are hidden, each chapter starts on a new page, and
  page numbers are printed in the footer;
- solutions are expanded (with ``--solutions``); the code that draws a figure stays folded
  away, its figure is printed;
- an animation prints as one frame (its last: the end state the caption describes), without
  the player's controls; interactive widgets, which need a kernel, are left out (every widget
  in the book stands next to a static figure or animation);
- long outputs and code lines wrap instead of being cut off or scrolled;
- Chinese glossary terms need a CJK font (Debian: fonts-noto-cjk, installed by .ci/run).
Network requests other than to the local server are blocked, as in the browser test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_site import CHROMIUM_FLAGS, serve  # noqa: E402

PRINT_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
html, body { background: white !important; }
.bd-header, .bd-header-announcement, .bd-sidebar-primary, .bd-sidebar-secondary, .header-article,
.bd-footer, .bd-footer-article, .bd-footer-content, .prev-next-area, footer, #pst-back-to-top,
.headerlink, .toggle-button, button.toggle-button, .copybtn, .sidebar-toggle, .search-button,
.theme-switch-button, .article-header-buttons, .dropdown-toggle, .bd-search, #pst-search-dialog,
.pst-async-banner-revealer, .skip-link, dialog, .anim-controls, .anim-state, input[type=range],
.jupyter-widgets, .widget-area, .widget-subarea, .jp-OutputArea-output .widget-box,
details.hide:not([open]) { display: none !important; }
.bd-container, .bd-container__inner, .bd-page-width, .bd-main, .bd-content, .bd-article-container,
.bd-article { max-width: 100% !important; width: 100% !important; margin: 0 !important; padding: 0 !important; }
body { font-size: 10.5pt; }
section > h1 { break-before: page; }
h1, h2, h3, h4 { break-after: avoid; }
pre, code, .highlight pre, .cell_output pre, div.output pre, .output pre {
  white-space: pre-wrap !important; word-break: break-word; overflow: visible !important;
  max-height: none !important; }
.cell_output, .output, .output_area, div.highlight, .cell_input { max-height: none !important; overflow: visible !important; }
img, svg, figure { break-inside: avoid; max-width: 100% !important; height: auto; }
.last-verified { font-size: 8pt; color: #555; }
"""

PREPARE_JS = """
async (solutions) => {
  // wait for MathJax to typeset everything
  const start = Date.now();
  while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
    if (Date.now() - start > 30000) break;
    await new Promise(r => setTimeout(r, 100));
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  // every image now, not when scrolled to
  for (const img of document.images) { img.loading = 'eager'; }
  // animations: show the last frame (the end state), no player
  for (const img of document.querySelectorAll('img[id^="_anim_img"]')) {
    const id = img.id.replace('_anim_img', '');
    const anim = window['anim' + id];
    if (anim && anim.frames && anim.frames.length) { img.src = anim.frames[anim.frames.length - 1]; }
  }
  let opened = 0;
  if (solutions) {
    for (const el of document.querySelectorAll('.toggle-hidden')) { el.classList.remove('toggle-hidden'); opened++; }
    for (const d of document.querySelectorAll('details.solution, details.toggle-details, div.solution details, details.dropdown')) {
      d.open = true; opened++; }
  }
  await Promise.all(Array.from(document.images).filter(i => !i.complete)
                    .map(i => new Promise(r => { i.onload = i.onerror = r; })));
  await document.fonts.ready;
  return {opened, images: document.images.length,
          math: document.querySelectorAll('mjx-container').length};
}
"""

FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555">'
          '<span class="title"></span> \u2014 <span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def _follow_redirect(site: Path, page: str) -> str:
    """Jupyter Book's index.html only redirects to the root page: print that page instead."""
    import re

    text = (site / page).read_text(encoding="utf-8", errors="replace")
    m = re.search(r'http-equiv="Refresh"\s+content="\d+;\s*url=([^"]+)"', text, re.I)
    return m.group(1).strip() if m and len(text) < 1000 else page


def print_pdf(site: Path, out: Path, solutions: bool, page: str = "index.html", timeout_s: float = 600) -> dict:
    """Print ``site/page`` to ``out``; returns what was prepared (math, images, solutions opened)."""
    from playwright.sync_api import sync_playwright

    page = _follow_redirect(site, page)
    if "/" in page:
        # Sphinx's single-page builder writes the root page with links relative to the site's
        # root (_static/..., _images/...): print it from there.
        (site / "_print.html").write_text((site / page).read_text(encoding="utf-8"), encoding="utf-8")
        page = "_print.html"
    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        raise SystemExit(f"build_pdf: Chromium not found at {executable} (apt-get install chromium, or set CHROMIUM)")
    httpd, base = serve(site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            context = browser.new_context(viewport={"width": 1000, "height": 1400})
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith((base, "data:", "blob:", "about:"))
                          else r.abort())
            tab = context.new_page()
            tab.set_default_timeout(timeout_s * 1000)
            t0 = time.perf_counter()
            tab.goto(urljoin(base, page), wait_until="load")
            info = tab.evaluate(PREPARE_JS, solutions)
            tab.add_style_tag(content=PRINT_CSS)
            tab.emulate_media(media="print")
            out.parent.mkdir(parents=True, exist_ok=True)
            tab.pdf(path=str(out), format="A4", print_background=True, outline=True, tagged=True,
                    display_header_footer=True, header_template="<span></span>", footer_template=FOOTER,
                    margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"})
            info["seconds"] = round(time.perf_counter() - t0, 1)
            browser.close()
    finally:
        httpd.shutdown()
    return info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", type=Path, help="the single-page HTML build (holding index.html)")
    ap.add_argument("out", type=Path)
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--solutions", dest="solutions", action="store_true", default=True,
                       help="expand the solutions (the full book; default)")
    group.add_argument("--no-solutions", dest="solutions", action="store_false",
                       help="do not expand anything (the student edition has no solutions)")
    args = ap.parse_args(argv)
    if not (args.site / "index.html").exists():
        print(f"build_pdf: no index.html in {args.site}", file=sys.stderr)
        return 2
    info = print_pdf(args.site.resolve(), args.out, args.solutions)
    size = args.out.stat().st_size / 1e6
    print(f"wrote {args.out} ({size:.1f} MB; {info['math']} formulas, {info['images']} images, "
          f"{info['opened']} solutions expanded, {info['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
