"""Sphinx extension of the book.

1. Drop duplicated <script> and <link> assets from each page. With Jupyter Book 1.0 and Sphinx
   7.4, scripts registered by extensions after the HTML builder starts (sphinx-thebe's
   configuration snippet, sphinx-togglebutton's selector) reach the page twice; sphinx-thebe's
   snippet declares ``const`` variables, so the second copy throws a JavaScript error.
   Also drop what the site must not load: sphinx-thebe's script and style when live code is off
   (``launch_buttons.thebe: false``), and the widget manager that myst-nb fetches from CDNs
   for pages with saved widget state, with that state (the book is served offline; every widget
   stands next to a static figure or animation), and sphinx-design's style sheet and tab script on pages that
   use no design element.
2. Give notebook figures real alt text. myst-nb sets an output image's alt text to its file
   name; the book's convention is that the Markdown paragraph right after a figure's cell is
   its caption ("*The error falls as h^2 ...*"), so that paragraph becomes the alt text.
"""

from __future__ import annotations

import re

from docutils import nodes

_FILE_ALT = re.compile(r"\.(png|jpe?g|svg|gif)$", re.I)


def _key(asset) -> tuple:
    # The two copies differ only in the filename of a body-only script: None versus "".
    filename = getattr(asset, "filename", asset) or ""
    attrs = tuple(sorted((k, str(v)) for k, v in getattr(asset, "attributes", {}).items()))
    return (str(filename), attrs)


_EXTERNAL = re.compile(r"^(https?:)?//")


def _live_code(app) -> bool:
    options = getattr(app.config, "html_theme_options", None) or {}
    return bool((options.get("launch_buttons") or {}).get("thebe"))


_DESIGN = re.compile(r'class="[^"]*\bsd-')
_DESIGN_ASSETS = ("sphinx-design.min.css", "design-tabs.js")


def _unwanted(asset, live_code: bool, uses_design: bool = True) -> bool:
    filename = str(getattr(asset, "filename", asset) or "")
    if not uses_design and any(name in filename for name in _DESIGN_ASSETS):
        return True          # sphinx-design's styles and tabs on a page with no design element
    if _EXTERNAL.match(filename):
        return True          # nothing is fetched from other sites (require.js, widget manager)
    attributes = getattr(asset, "attributes", None) or {}
    if "widget-state" in str(attributes.get("type", "")):
        return True          # saved widget state: nothing on the page can draw it (no manager)
    body = str(attributes.get("body", ""))
    return not live_code and ("sphinx-thebe" in filename or "THEBE_JS_URL" in body)


def _dedupe(app, pagename, templatename, context, doctree) -> None:
    live_code = _live_code(app) if app is not None else True
    uses_design = bool(_DESIGN.search(str(context.get("body", "")))) if "body" in context else True
    for name in ("script_files", "css_files"):
        assets = context.get(name)
        if not assets:
            continue
        seen, unique = set(), []
        for asset in assets:
            k = _key(asset)
            if k not in seen and not _unwanted(asset, live_code, uses_design):
                seen.add(k)
                unique.append(asset)
        context[name] = unique


def _is_cell(node) -> bool:
    return isinstance(node, nodes.Element) and "cell" in node.get("classes", [])


def caption_after(image: nodes.image) -> str | None:
    """The text of the first paragraph after the notebook cell holding ``image``, if the next
    thing after the cell is a paragraph (not another cell or a heading)."""
    cell = image.parent
    while cell is not None and not _is_cell(cell):
        cell = cell.parent
    if cell is None or cell.parent is None:
        return None
    siblings = cell.parent.children
    following = siblings[siblings.index(cell) + 1:]
    for node in following[:1]:
        if isinstance(node, nodes.paragraph):
            return " ".join(node.astext().split())
    return None


def _alt_from_captions(app, doctree, docname) -> None:
    for image in doctree.findall(nodes.image):
        alt = image.get("alt", "")
        if alt and not _FILE_ALT.search(alt):
            continue
        text = caption_after(image)
        if text:
            image["alt"] = text if len(text) <= 400 else text[:397] + "..."


def setup(app):
    app.connect("html-page-context", _dedupe, priority=900)
    app.connect("doctree-resolved", _alt_from_captions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
