"""Open every page of the built book in headless Chromium and fail on anything a reader would see
broken.

    python scripts/check_site.py [_build/html] [--screenshots _build/screenshots] [--pages a.html ...]

For each HTML page it checks:
- no JavaScript error (console errors and uncaught exceptions);
- no request leaves the site: the browser may fetch only from the local server, so math, fonts
  and scripts must be served by the site itself (every other request is blocked and reported);
- all math typeset by MathJax, without TeX errors;
- every image loads;
- every internal link points to an existing page and, if it has one, an existing anchor;
- no Python traceback appears in a notebook output.
It saves screenshots of the landing page and of chapter 1, and exits 1 if any page failed.
Chromium is Debian's `chromium` (override with CHROMIUM=/path), driven by Playwright.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import socketserver
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from bs4 import BeautifulSoup

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]
SKIP_PAGES = {"genindex.html", "search.html", "py-modindex.html"}


@dataclass
class PageReport:
    page: str
    problems: list[str] = field(default_factory=list)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D401 - silence the access log
        pass


def serve(root: Path) -> tuple[socketserver.TCPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


# ------------------------------------------------------------------ static checks (links)
_ids_cache: dict[Path, set[str]] = {}


def _ids(path: Path) -> set[str]:
    if path not in _ids_cache:
        soup = BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "html.parser")
        _ids_cache[path] = {t["id"] for t in soup.find_all(id=True)} | {
            t["name"] for t in soup.find_all("a", attrs={"name": True})}
    return _ids_cache[path]


def check_links(root: Path, page: Path, soup: BeautifulSoup) -> list[str]:
    problems = []
    for a in soup.find_all("a", href=True):
        href = a["href"].strip()
        parsed = urlparse(href)
        if parsed.scheme or href.startswith("//") or href.startswith(("mailto:", "javascript:")):
            continue  # external links (launch buttons, repository) are not followed
        target = page if not parsed.path else (page.parent / unquote(parsed.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            problems.append(f"broken link {href!r} (no file {target.relative_to(root) if target.is_relative_to(root) else target})")
            continue
        if parsed.fragment and target.suffix == ".html":
            frag = unquote(parsed.fragment)
            if frag not in _ids(target):
                problems.append(f"broken anchor {href!r}: no id {frag!r} in {target.relative_to(root)}")
    return problems


def check_tracebacks(soup: BeautifulSoup) -> list[str]:
    problems = []
    for out in soup.select("div.output, div.cell_output, pre"):
        text = out.get_text(" ", strip=True)
        if "Traceback (most recent call last)" in text or re.search(r"\w+Error\b.*Traceback", text):
            problems.append(f"Python traceback in an output: {text[:160]!r}")
            break
    for out in soup.select("div.output.traceback, div.output.error"):
        problems.append(f"error output: {out.get_text(' ', strip=True)[:160]!r}")
        break
    return problems


# ------------------------------------------------------------------ browser checks
_MATH_JS = """
async () => {
  const start = Date.now();
  while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
    if (Date.now() - start > 8000) break;
    await new Promise(r => setTimeout(r, 50));
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const nodes = Array.from(document.querySelectorAll('.math'));
  const untypeset = nodes.filter(n => !n.querySelector('mjx-container') && !n.closest('mjx-container'))
                         .map(n => n.textContent.trim().slice(0, 80));
  const errors = [];
  if (window.MathJax && MathJax.startup && MathJax.startup.document) {
    for (const item of MathJax.startup.document.math) {
      let bad = null;
      if (item.root) item.root.walkTree(node => { if (!bad && node.isKind('merror')) bad = node; });
      if (bad) errors.push((bad.attributes.get('data-mjx-error') || 'error') + ' in: ' + String(item.math).slice(0, 80));
    }
  }
  const rawDollar = /(^|[^\\\\$])\\$\\$[^$]+\\$\\$/.test(document.querySelector('main, article, body').innerText);
  const images = Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0 && i.getAttribute('src'))
                      .map(i => i.getAttribute('src').slice(0, 80));
  return {count: nodes.length, untypeset, errors, rawDollar, images,
          mathjax: !!(window.MathJax && MathJax.startup)};
}
"""


def check_pages(root: Path, pages: list[Path], screenshots: Path | None,
                shots: dict[str, str]) -> list[PageReport]:
    from playwright.sync_api import sync_playwright

    httpd, base = serve(root)
    reports: list[PageReport] = []
    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        raise SystemExit(f"check_site: Chromium not found at {executable}; install Debian's "
                         "'chromium' package (apt-get install chromium) or set CHROMIUM")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            current: dict[str, PageReport] = {}

            def route(r):
                url = r.request.url
                if url.startswith(base) or url.startswith(("data:", "blob:", "about:")):
                    r.continue_()
                else:
                    current["r"].problems.append(f"request leaves the site (blocked): {url[:120]}")
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda m: m.type == "error" and current["r"].problems.append(
                f"console error: {m.text[:200]}"))
            page.on("response", lambda resp: resp.status >= 400 and current["r"].problems.append(
                f"HTTP {resp.status} for {resp.url.replace(base, '/')[:150]}"))
            page.on("pageerror", lambda e: current["r"].problems.append(f"JavaScript exception: {str(e)[:200]}"))
            for path in pages:
                rel = path.relative_to(root).as_posix()
                report = PageReport(rel)
                current["r"] = report
                html = path.read_text(encoding="utf-8", errors="replace")
                soup = BeautifulSoup(html, "html.parser")
                refresh = soup.find("meta", attrs={"http-equiv": re.compile("refresh", re.I)})
                if refresh is not None:  # a redirect page: check only where it points
                    target = refresh.get("content", "").split("url=")[-1].strip()
                    if not (path.parent / target.split("#")[0]).exists():
                        report.problems.append(f"redirect to a missing page {target!r}")
                    reports.append(report)
                    continue
                resp = page.goto(urljoin(base, rel), wait_until="load", timeout=60_000)
                if resp is None or resp.status != 200:
                    report.problems.append(f"HTTP status {None if resp is None else resp.status}")
                info = page.evaluate(_MATH_JS)
                if info["count"] and not info["mathjax"]:
                    report.problems.append("page has math but MathJax did not load")
                for t in info["untypeset"][:3]:
                    report.problems.append(f"math left un-typeset: {t!r}")
                for t in info["errors"][:3]:
                    report.problems.append(f"TeX error in math: {t!r}")
                if info["rawDollar"]:
                    report.problems.append("raw $$...$$ in the page text (math not parsed)")
                for src in info["images"]:
                    report.problems.append(f"broken image: {src}")
                report.problems += check_links(root, path, soup)
                report.problems += check_tracebacks(soup)
                if screenshots is not None and rel in shots:
                    screenshots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(screenshots / shots[rel]), full_page=False)
                reports.append(report)
            browser.close()
    finally:
        httpd.shutdown()
    return reports


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", nargs="?", default="_build/html")
    ap.add_argument("--screenshots", default=None, help="folder for screenshots (default: <root>/../screenshots)")
    ap.add_argument("--pages", nargs="*", default=None, help="only these pages (paths relative to root)")
    args = ap.parse_args(argv)
    root = Path(args.root).resolve()
    if not (root / "index.html").exists() and not args.pages:
        print(f"check_site: no built site at {root} (run scripts/build.sh first)", file=sys.stderr)
        return 2
    if args.pages:
        pages = [root / p for p in args.pages]
    else:
        pages = sorted(p for p in root.rglob("*.html")
                       if p.name not in SKIP_PAGES and "_static" not in p.parts and "_sources" not in p.parts)
    shots_dir = Path(args.screenshots) if args.screenshots else root.parent / "screenshots"
    ch1 = next((p.relative_to(root).as_posix() for p in pages if p.name.startswith("ch01_")), None)
    shots = {"book/intro.html": "landing.png"}
    if ch1:
        shots[ch1] = "chapter1.png"
    reports = check_pages(root, pages, shots_dir, shots)
    bad = [r for r in reports if r.problems]
    for r in reports:
        print(f"  {'FAIL' if r.problems else 'ok  '} {r.page}")
        for prob in r.problems:
            print(f"         - {prob}")
    print(f"{len(reports) - len(bad)} passed, {len(bad)} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
