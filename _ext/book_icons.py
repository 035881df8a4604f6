"""Sphinx extension of the book: only the icons the site uses.

pydata-sphinx-theme loads Font Awesome as one 1.5 MB script (every icon of three packs and
the code that turns ``<i class="fa-solid fa-bars">`` into an inline SVG) on every page. After
the build, this extension collects the icon classes the pages (and the theme's scripts) use,
takes those icons' outlines from the theme's copy of the script, and writes in its place a
small script that draws just them, with the few CSS rules Font Awesome's script would add.
The pages keep loading ``_static/scripts/fontawesome.js``; it is now a few kilobytes.

The theme's style sheet also carries Font Awesome's CSS: a rule per icon (86 kB) that the
inline SVGs do not need, and web fonts (160 kB each) for the few icons it draws itself
(admonition titles, external-link and download marks, breadcrumbs). The per-icon rules are
removed, and the fonts are cut down to the glyphs the style sheets name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

PACKS = {"fab": "brands", "far": "regular", "fas": "solid"}
PREFIXES = {"fa": "fas", "fas": "fas", "fa-solid": "fas", "far": "far", "fa-regular": "far",
            "fab": "fab", "fa-brands": "fab"}
#: Classes that style an icon rather than name one.
MODIFIERS = {"fa-lg", "fa-xs", "fa-sm", "fa-xl", "fa-2xl", "fa-1x", "fa-2x", "fa-3x", "fa-fw", "fa-spin",
             "fa-pulse", "fa-border", "fa-inverse", "fa-flip", "fa-flip-horizontal", "fa-flip-vertical",
             "fa-beat", "fa-fade", "fa-shake", "fa-bounce", "fa-li", "fa-ul", "fa-stack", "fa-stack-1x",
             "fa-stack-2x", "fa-rotate-90", "fa-rotate-180", "fa-rotate-270", "fa-rotate-by", "fa-width-auto"}
_ICON = re.compile(r'(?:"([\w-]+)"|([A-Za-z_$][\w$]*)|(\d+)):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]*",("(?:[^"\\]|\\.)*"|\[[^\]]*\])\]')
_PACK = re.compile(r'var p=\{(.*?)\};(?:(?!var p=\{).){0,600}?d\("(fa[brs])",p\)', re.S)
_CLASSES = re.compile(r'class="([^"]*\bfa[a-z-]*\b[^"]*)"')


def parse_packs(bundle: str) -> dict[str, dict[str, tuple[int, int, str | list[str]]]]:
    """The icons of Font Awesome's bundled script: {prefix: {name: (width, height, path)}}."""
    packs: dict[str, dict] = {}
    for m in _PACK.finditer(bundle):
        prefix = m.group(2)
        icons = packs.setdefault(prefix, {})
        for im in _ICON.finditer(m.group(1)):
            name = im.group(1) or im.group(2) or im.group(3)
            icons[name] = (int(im.group(4)), int(im.group(5)), json.loads(im.group(6)))
    return packs


def used_icons(texts) -> set[tuple[str, str]]:
    """(prefix, name) of every icon named in the class attributes (or class strings) of ``texts``."""
    used = set()
    for text in texts:
        for m in _CLASSES.finditer(text):
            used |= _icons_in(m.group(1).split())
        for m in re.finditer(r'["\'](fa-(?:solid|regular|brands) fa-[\w-]+)["\']', text):
            used |= _icons_in(m.group(1).split())
    return used


def _icons_in(classes: list[str]) -> set[tuple[str, str]]:
    prefix = next((PREFIXES[c] for c in classes if c in PREFIXES and c != "fa"), "fas")
    names = [c[3:] for c in classes if c.startswith("fa-") and c not in PREFIXES and c not in MODIFIERS]
    return {(prefix, n) for n in names}


_RUNTIME = """/* Font Awesome Free (https://fontawesome.com, CC BY 4.0 icons, MIT code): the %(count)d icons
   this site uses, drawn as inline SVG like Font Awesome's own script. Written by _ext/book_icons.py. */
(function () {
  var ICONS = %(icons)s;
  var PREFIX = {"fa": "fas", "fas": "fas", "fa-solid": "fas", "far": "far", "fa-regular": "far",
                "fab": "fab", "fa-brands": "fab"};
  var css = ".svg-inline--fa{display:inline-block;height:1em;overflow:visible;vertical-align:-.125em;box-sizing:content-box}" +
    ".svg-inline--fa.fa-lg{vertical-align:-.2em}.fa-lg{font-size:1.25em;line-height:.05em;vertical-align:-.075em}" +
    ".fa-fw{text-align:center;width:1.25em}.fa-xs{font-size:.75em}.fa-sm{font-size:.875em}";
  function icon(el) {
    if (el.tagName === "svg") return;
    var prefix = "fas", name = null;
    el.classList.forEach(function (c) {
      if (PREFIX[c] && c !== "fa") prefix = PREFIX[c];
      else if (c.indexOf("fa-") === 0 && !name) {
        var n = c.slice(3);
        if (ICONS.fas[n] || ICONS.fab[n] || ICONS.far[n]) name = n;
      }
    });
    var def = name && (ICONS[prefix][name] || ICONS.fas[name] || ICONS.fab[name] || ICONS.far[name]);
    if (!def) return;
    var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 " + def[0] + " " + def[1]);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "svg-inline--fa " + el.getAttribute("class"));
    svg.setAttribute("data-icon", name);
    var paths = Array.isArray(def[2]) ? def[2] : [def[2]];
    paths.forEach(function (d) { var p = document.createElementNS(ns, "path"); p.setAttribute("fill", "currentColor"); p.setAttribute("d", d); svg.appendChild(p); });
    if (el.getAttribute("title")) { var t = document.createElementNS(ns, "title"); t.textContent = el.getAttribute("title"); svg.appendChild(t); }
    el.replaceWith(svg);
  }
  function scan(root) {
    if (root.querySelectorAll) root.querySelectorAll('i[class*="fa-"], span[class*="fa-"]').forEach(icon);
  }
  function start() {
    var style = document.createElement("style"); style.textContent = css; document.head.appendChild(style);
    scan(document);
    new MutationObserver(function (records) {
      records.forEach(function (r) { r.addedNodes.forEach(function (n) {
        if (n.nodeType === 1) { if (n.matches && n.matches('i[class*="fa-"], span[class*="fa-"]')) icon(n); else scan(n); } }); });
    }).observe(document.documentElement, {childList: true, subtree: true});
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
"""


def subset_script(bundle: str, used: set[tuple[str, str]]) -> tuple[str, list[str]]:
    """The replacement script for the icons ``used``, and the icons the bundle lacks."""
    packs = parse_packs(bundle)
    chosen: dict[str, dict] = {p: {} for p in PACKS}
    missing = []
    for prefix, name in sorted(used):
        found = next((packs[p][name] for p in (prefix, "fas", "far", "fab") if name in packs.get(p, {})), None)
        if found is None:
            missing.append(f"{prefix} {name}")
            continue
        chosen[prefix if name in packs.get(prefix, {}) else next(p for p in ("fas", "far", "fab")
                                                                  if name in packs.get(p, {}))][name] = list(found)
    count = sum(len(v) for v in chosen.values())
    return _RUNTIME % {"count": count, "icons": json.dumps(chosen, separators=(",", ":"))}, missing


_ICON_RULES = re.compile(r'(?:\.fa-[\w-]+:before,)*\.fa-[\w-]+:before\{content:"[^"]*"\}')
_CSS_STRINGS = re.compile(r'(?:content|--[\w-]+):\s*"((?:[^"\\]|\\.)*)"')


def strip_icon_rules(css: str) -> str:
    """The style sheet without Font Awesome's per-icon ``.fa-name:before{content:...}`` rules."""
    return _ICON_RULES.sub("", css)


def css_code_points(css: str) -> set[int]:
    """Code points of the private-use characters (icon glyphs) named in a style sheet's strings."""
    points = set()
    for m in _CSS_STRINGS.finditer(css):
        text = re.sub(r"\\([0-9a-fA-F]{1,6})\s?", lambda e: chr(int(e.group(1), 16)), m.group(1))
        points |= {ord(ch) for ch in text if 0xE000 <= ord(ch) <= 0xF8FF}
    return points


def subset_font(path: Path, points: set[int]) -> int:
    """Cut the web font at ``path`` down to the glyphs of ``points`` (in place); returns bytes
    saved (0 if fontTools or brotli is missing, or nothing would change)."""
    try:
        import brotli  # noqa: F401 - WOFF2 needs it
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:
        return 0
    before = path.stat().st_size
    font = TTFont(str(path))
    keep = points & set(font.getBestCmap() or {})
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(keep) or [0x20])
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(str(path))
    return before - path.stat().st_size


def _trim_styles(out: Path) -> None:
    styles = out / "_static" / "styles"
    sheets = [p for p in styles.glob("*.css")] if styles.exists() else []
    texts = []
    for sheet in sheets:
        css = sheet.read_text(encoding="utf-8")
        trimmed = strip_icon_rules(css)
        if trimmed != css:
            sheet.write_text(trimmed, encoding="utf-8")
        texts.append(trimmed)
    others = [p.read_text(encoding="utf-8", errors="replace") for p in (out / "_static").rglob("*.css")
              if p.parent != styles]
    points = css_code_points("\n".join(texts + others))
    for font in (out / "_static" / "vendor" / "fontawesome" / "webfonts").glob("*.woff2"):
        subset_font(font, points)


def _theme_bundle() -> Path | None:
    try:
        import pydata_sphinx_theme
    except ImportError:
        return None
    path = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "scripts" / "fontawesome.js"
    return path if path.exists() else None


def _subset(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    target = out / "_static" / "scripts" / "fontawesome.js"
    bundle_path = _theme_bundle()
    if not target.exists() or bundle_path is None:
        return
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*.html")]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in (out / "_static" / "scripts").glob("*.js")
              if p.name != "fontawesome.js"]
    script, missing = subset_script(bundle_path.read_text(encoding="utf-8"), used_icons(texts))
    if missing:
        from sphinx.util import logging

        logging.getLogger(__name__).warning(f"book_icons: icons not found in Font Awesome: {', '.join(missing)}")
    target.write_text(script, encoding="utf-8")
    _trim_styles(out)
    for extra in (out / "_static" / "scripts" / "fontawesome.js.map",):
        if extra.exists():
            extra.unlink()


#: The icons are drawn as SVG by the script above; the CSS glyphs that Font Awesome's style sheet
#: (inside pydata-sphinx-theme's) puts before each <i class="fa-..."> would make the browser
#: download the icon web fonts (270 kB) just to draw what the script replaces at once.
ICON_CSS = 'i[class*="fa-"]::before, span[class*="fa-"]::before { content: none !important; }\n'


def _write_css(app) -> None:
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "book-icons.css").write_text(ICON_CSS, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _subset)
    app.connect("builder-inited", _write_css)
    app.add_css_file("book-icons.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
