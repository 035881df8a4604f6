"""Open every page of the built book in headless Chromium and fail on anything a reader would see
broken.

    python scripts/check_site.py [_build/html] [--screenshots _build/screenshots] [--pages a.html ...]
                                 [--book-root .]

For each HTML page it checks:
- no JavaScript error (console errors and uncaught exceptions);
- no request leaves the site: the browser may fetch only from the local server, so math, fonts
  and scripts must be served by the site itself (every other request is blocked and reported);
- all math typeset by MathJax, without TeX errors, and no raw TeX in the rendered text (a TeX
  command such as \\frac or \\begin{, $$, or ^\\top outside typeset math, code and outputs);
- every image loads, and every icon is drawn (the site ships only the icons it uses);
- every internal link points to an existing page and, if it has one, an existing anchor; no
  link points to a placeholder host (example.com, example.edu, ...: a dead link);
- no Python traceback appears in a notebook output;
- every image has alt text or sits in a figure with a caption, and notebook figures are opaque
  (a white background stays legible under the dark theme);
- exercise solutions are collapsed (closed dropdowns) when the page loads;
- a chapter page weighs at most 2.5 MB with everything it loads (HTML, images, scripts, styles,
  fonts); every page's weight is printed;
- a chapter page has Binder and Colab launch buttons that open that very notebook (Colab: its
  plain-Markdown edition on the published branch), and a JupyterHub entry exactly when a hub
  is configured; on the solution-free site no link opens notebooks with solutions.
Navigation is tried on the first chapter page at 400, 800 and 1280 px (phone, tablet, laptop):
the chapters button (\u2630) and the page-contents button are tapped, and what they open must
show a link that can be clicked; at most one search box may show.
The search page is also tried with a sample query, which must return results.
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
#: The most a chapter page may weigh, everything it loads included (HTML, images, scripts,
#: styles, fonts): a phone on a slow connection should not pay more.
MAX_PAGE_BYTES = 2.5e6


@dataclass
class PageReport:
    page: str
    problems: list[str] = field(default_factory=list)
    weight: int = 0


def is_chapter(path: Path) -> bool:
    return re.match(r"ch\d\d_", path.name) is not None


def page_weight(root: Path, page: Path, soup: BeautifulSoup, loaded: set[Path]) -> int:
    """Bytes of the page and of everything it loaded from the site (files requested while it
    loaded, and every image it shows, lazy or not)."""
    files = set(loaded) | {page}
    for img in soup.find_all("img", src=True):
        src = img["src"]
        if not urlparse(src).scheme and not src.startswith("//"):
            files.add((page.parent / unquote(urlparse(src).path)).resolve())
    return sum(f.stat().st_size for f in files if f.is_file())


def heaviest(files: set[Path], n: int = 3) -> str:
    sizes = sorted(((f.stat().st_size, f.name) for f in files if f.is_file()), reverse=True)[:n]
    return ", ".join(f"{name} {size / 1e6:.2f} MB" for size, name in sizes)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D401 - silence the access log
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser moved on to the next page before a download finished


def serve(root: Path) -> tuple[socketserver.TCPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


# ------------------------------------------------------------------ static checks (links)
_ids_cache: dict[Path, set[str]] = {}
#: Hosts reserved for examples and tests (RFC 2606/6761): a link there is a placeholder.
_PLACEHOLDER_HOST = re.compile(r"(^|\.)(example(\.(com|org|net|edu))?|invalid|test|localhost)$")


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
            host = (parsed.hostname or "").lower()
            if _PLACEHOLDER_HOST.search(host) or (parsed.scheme in ("http", "https") and not host):
                problems.append(f"dead link {href[:100]!r} (a placeholder host, not a real site)")
            continue  # other external links (launch buttons, repository) are not followed
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


def launch_targets(book_root: Path) -> dict[str, str]:
    """Where the launch buttons should lead, from _config.yml: the repository, its branch and
    folder (Binder, JupyterHub), the hub, and the published branch and folder that Colab and,
    on the solution-free site, the repository button open (see _ext/book_launch.py)."""
    import yaml

    cfg = yaml.safe_load((book_root / "_config.yml").read_text(encoding="utf-8"))
    repo = cfg.get("repository", {})
    launch = ((cfg.get("sphinx") or {}).get("config") or {}).get("book_launch") or {}
    return {"url": repo.get("url", "").rstrip("/"), "branch": repo.get("branch", "main"),
            "folder": str(repo.get("path_to_book", "") or "").strip("/"),
            "hub": (cfg.get("launch_buttons", {}).get("jupyterhub_url") or "").rstrip("/"),
            "notebooks_branch": launch.get("notebooks_branch", "notebooks"),
            "colab_folder": str(launch.get("colab_folder", "plain")).strip("/"),
            "student_folder": str(launch.get("repository_folder", "") or "").strip("/")}


def check_launch_buttons(soup: BeautifulSoup, notebook: str, target: dict[str, str]) -> list[str]:
    """Binder, Colab and (when a hub is configured) JupyterHub buttons of a chapter page must
    open this notebook; with no hub configured there must be no JupyterHub entry at all. Colab
    opens the plain-Markdown edition on the published branch. On the solution-free site
    (``student_folder`` set) no link may lead to the notebooks with solutions: every link into
    the repository opens the student edition on the published branch."""
    slug = target["url"].split("github.com/")[-1]
    folder = f"{target['folder']}/" if target.get("folder") else ""
    colab_branch = target.get("notebooks_branch") or target["branch"]
    colab_folder = f"{target['colab_folder']}/" if target.get("colab_folder") else folder
    want = {
        "Binder": f"https://mybinder.org/v2/gh/{slug}/{target['branch']}?urlpath=lab/tree/{folder}{notebook}",
        "Colab": f"https://colab.research.google.com/github/{slug}/blob/{colab_branch}/{colab_folder}{notebook}",
    }
    if target.get("hub"):
        want["JupyterHub"] = f"{target['hub']}/hub/user-redirect/git-pull?repo="
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    problems = []
    for name, prefix in want.items():
        if not any(h.startswith(prefix) for h in hrefs):
            problems.append(f"no {name} launch button for {notebook} (expected a link starting {prefix[:90]}...)")
    hub = [h for h in hrefs if "/hub/user-redirect/git-pull" in h]
    if hub and not target.get("hub"):
        problems.append(f"a JupyterHub launch entry although no hub is configured: {hub[0][:100]}")
    elif hub and (not hub[0].split("&")[1:] or notebook not in hub[0]):
        problems.append(f"the JupyterHub button does not open {notebook}: {hub[0][:120]}")
    if target.get("student_folder"):
        student = target["student_folder"]
        for h in hrefs:
            if slug not in h or "/issues" in h:
                continue
            on_branch = f"/{target['notebooks_branch']}" in h or f"branch={target['notebooks_branch']}" in h
            if not on_branch or not re.search(rf"/{re.escape(student)}(-plain)?(/|$)", h):
                problems.append(f"a link of the solution-free site opens notebooks with solutions: {h[:120]}")
    return problems


def check_figures(root: Path, soup: BeautifulSoup, page: Path) -> list[str]:
    problems = []
    for img in soup.find_all("img"):
        in_caption = img.find_parent("figure") is not None and img.find_parent("figure").find("figcaption")
        alt = (img.get("alt") or "").strip()
        if alt and re.search(r"\.(png|jpe?g|svg|gif)$", alt, re.I):
            alt = ""  # a file name is not alt text
        if not alt and not in_caption:
            problems.append(f"image without alt text or caption: {img.get('src', '')[:80]}")
        src = img.get("src", "")
        if "_images/" in src and src.endswith(".png"):
            path = (page.parent / src).resolve()
            if path.exists() and not _opaque_png(path):
                problems.append(f"figure with a transparent background (illegible in dark mode): {src}")
    return problems


def _opaque_png(path: Path) -> bool:
    from PIL import Image

    with Image.open(path) as im:
        if im.mode in ("RGBA", "LA") or (im.mode == "P" and "transparency" in im.info):
            alpha = im.convert("RGBA").getchannel("A")
            return alpha.getextrema()[0] == 255
    return True


def check_solutions_collapsed(soup: BeautifulSoup) -> list[str]:
    problems = []
    for sol in soup.select("div.solution, details.solution"):
        classes = sol.get("class", [])
        if sol.name == "details":
            if sol.has_attr("open"):
                problems.append("an exercise solution is open when the page loads")
        elif "dropdown" not in classes:
            problems.append("an exercise solution is not collapsed (add ':class: dropdown')")
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
  // Raw TeX a reader would see: a TeX command, $$ or ^\\top in the text of the page, outside
  // typeset math, code, outputs and scripts.
  const rawTex = [];
  const skip = 'mjx-container, script, style, pre, code, textarea, .highlight, .cell_output, .output, .math, .MathJax, mjx-assistive-mml, .katex';
  const walker = document.createTreeWalker(document.querySelector('main, article, body'), NodeFilter.SHOW_TEXT);
  const texPattern = /\\\\(frac|dfrac|tfrac|begin|end|left|right|mathrm|mathbf|mathcal|boldsymbol|bm|partial|nabla|sum|prod|int|sqrt|cdot|times|top|alpha|beta|gamma|delta|epsilon|varepsilon|theta|lambda|sigma|omega|psi|phi|hat|bar|tilde|dot|vec|langle|rangle|infty|approx|leq|geq|quad|text|operatorname)(?![A-Za-z])|\\$\\$|\\^\\\\top/;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip)) continue;
    const m = n.textContent.match(texPattern);
    if (m) rawTex.push(n.textContent.trim().slice(Math.max(0, m.index - 40), m.index + 60));
    if (rawTex.length >= 3) break;
  }
  const undrawnIcons = Array.from(document.querySelectorAll('i[class*="fa-"], span[class*="fa-"]'))
                            .filter(e => !e.querySelector('svg')).map(e => e.className.slice(0, 60));
  const images = Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0 && i.getAttribute('src'))
                      .map(i => i.getAttribute('src').slice(0, 80));
  return {count: nodes.length, untypeset, errors, rawDollar, rawTex, images, undrawnIcons,
          mathjax: !!(window.MathJax && MathJax.startup)};
}
"""


_NAV_STATE_JS = """
(sel) => {
  const visible = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && r.bottom > 0 && r.right > 0 && r.left < innerWidth && r.top < innerHeight; };
  return Array.from(document.querySelectorAll(sel)).filter(visible).length;
}
"""
#: What each navigation control must reveal: the chapter list (primary sidebar, also shown in a
#: dialog on narrow screens) and the page's contents (secondary sidebar).
NAV_CONTROLS = {
    "chapters (☰)": (".primary-toggle",
                          ".bd-sidebar-primary a.reference.internal, #pst-primary-sidebar-modal a.reference.internal"),
    "page contents": (".secondary-toggle",
                      ".bd-sidebar-secondary a.nav-link, #pst-secondary-sidebar-modal a.nav-link"),
}
NAV_WIDTHS = (400, 800, 1280)
_SEARCH_CONTROLS = ".search-button, .search-button-field, form.bd-search"


def check_navigation(browser, base: str, rel: str, widths=NAV_WIDTHS) -> list[str]:
    """Tap the chapters button (☰) and the page-contents button at each width, as a reader on a
    phone, a tablet and a laptop would, and check that what they open shows a link that can be
    clicked (visible, on screen and not covered). Where a panel is already shown (a wide
    screen), the button must hide it and a second tap bring it back; where a button is not
    shown at all, its panel must be. Also: at most one search box is shown."""
    problems = []
    url = urljoin(base, rel)
    for width in widths:
        ctx = browser.new_context(viewport={"width": width, "height": 800}, has_touch=width < 1000)
        ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith((base, "data:", "blob:", "about:"))
                  else r.abort())
        page = ctx.new_page()
        try:
            for name, (button_sel, link_sel) in NAV_CONTROLS.items():
                page.goto(url, wait_until="load", timeout=60_000)
                page.wait_for_timeout(300)
                buttons = page.locator(button_sel).filter(visible=True)
                shown = page.evaluate(_NAV_STATE_JS, link_sel)
                where = f"at {width} px"
                if buttons.count() == 0:
                    if not shown:
                        problems.append(f"{where}: no {name} button and no {name} shown")
                    continue
                if buttons.count() > 1:
                    problems.append(f"{where}: {buttons.count()} {name} buttons shown")

                def tap():
                    b = page.locator(button_sel).filter(visible=True).first
                    b.tap(timeout=3000) if width < 1000 else b.click(timeout=3000)
                    page.wait_for_timeout(600)

                try:
                    tap()
                    if shown:   # a wide screen shows the panel: the button hides it, then shows it
                        if page.evaluate(_NAV_STATE_JS, link_sel):
                            problems.append(f"{where}: tapping the {name} button does not hide the {name}")
                            continue
                        tap()
                    if not page.evaluate(_NAV_STATE_JS, link_sel):
                        problems.append(f"{where}: tapping the {name} button opens nothing")
                        continue
                    link = page.locator(link_sel).filter(visible=True).first
                    link.click(trial=True, timeout=3000)   # actionable: visible, stable, not covered
                except Exception as exc:  # noqa: BLE001 - any failure to act is what we report
                    problems.append(f"{where}: the {name} button or its links cannot be used: "
                                    f"{str(exc).splitlines()[0][:160]}")
            page.goto(url, wait_until="load", timeout=60_000)
            searches = page.evaluate(_NAV_STATE_JS, _SEARCH_CONTROLS)
            if searches > 1:
                problems.append(f"at {width} px: {searches} search boxes shown in the header")
        finally:
            ctx.close()
    return problems


def check_pages(root: Path, pages: list[Path], screenshots: Path | None,
                shots: dict[str, str], book_root: Path | None = None,
                navigation: bool = True, max_bytes: float = MAX_PAGE_BYTES) -> list[PageReport]:
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
                if url.startswith(base):
                    local = (root / unquote(urlparse(url).path).lstrip("/")).resolve()
                    if local.is_dir():
                        local = local / "index.html"
                    current.setdefault("loaded", set()).add(local)
                    r.continue_()
                elif url.startswith(("data:", "blob:", "about:")):
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
                current["loaded"] = set()
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
                for t in info["rawTex"]:
                    report.problems.append(f"raw TeX in the rendered text: {t!r}")
                for src in info["images"]:
                    report.problems.append(f"broken image: {src}")
                for icon in info["undrawnIcons"][:3]:
                    report.problems.append(f"icon not drawn (missing from the icon script?): {icon!r}")
                try:
                    page.wait_for_load_state("networkidle", timeout=15_000)   # fonts, lazy scripts
                except Exception:  # noqa: BLE001 - a page that keeps loading is weighed as it is
                    pass
                report.weight = page_weight(root, path, soup, current["loaded"])
                if is_chapter(path) and report.weight > max_bytes:
                    report.problems.append(f"page weighs {report.weight / 1e6:.2f} MB with what it loads "
                                           f"(limit {max_bytes / 1e6:.1f} MB): {heaviest(current['loaded'] | {path})}")
                report.problems += check_links(root, path, soup)
                report.problems += check_tracebacks(soup)
                report.problems += check_figures(root, soup, path)
                report.problems += check_solutions_collapsed(soup)
                if book_root is not None:
                    source = (book_root / rel).with_suffix(".ipynb")
                    if source.exists():
                        report.problems += check_launch_buttons(soup, source.relative_to(book_root).as_posix(),
                                                                launch_targets(book_root))
                if screenshots is not None and rel in shots:
                    screenshots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(screenshots / shots[rel]), full_page=False)
                reports.append(report)
            nav_pages = [p for p in pages if p.name.startswith("ch") and p.suffix == ".html"][:1] or pages[:1]
            for path in nav_pages if navigation else []:
                rel = path.relative_to(root).as_posix()
                report = PageReport(f"navigation at {', '.join(map(str, NAV_WIDTHS))} px: {rel}")
                report.problems += check_navigation(browser, base, rel)
                reports.append(report)
            if (root / "search.html").exists() and book_root is not None:
                report = PageReport("search.html?q=gradient")
                current["r"] = report
                page.goto(urljoin(base, "search.html?q=gradient"), wait_until="load", timeout=60_000)
                try:
                    page.wait_for_selector("#search-results li, ul.search li", timeout=20_000)
                except Exception:  # noqa: BLE001 - any timeout means no results
                    report.problems.append("searching for 'gradient' returned no results")
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
    ap.add_argument("--book-root", default=".", help="the repository root, for launch-button and search checks "
                    "(default: .; pass '' to skip them)")
    ap.add_argument("--no-navigation", action="store_true",
                    help="skip the navigation test (e.g. for a second site built with the same theme)")
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
    book_root = Path(args.book_root).resolve() if args.book_root else None
    reports = check_pages(root, pages, shots_dir, shots, book_root, navigation=not args.no_navigation)
    bad = [r for r in reports if r.problems]
    for r in reports:
        weight = f" ({r.weight / 1e6:.2f} MB)" if r.weight else ""
        print(f"  {'FAIL' if r.problems else 'ok  '} {r.page}{weight}")
        for prob in r.problems:
            print(f"         - {prob}")
    print(f"{len(reports) - len(bad)} passed, {len(bad)} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
