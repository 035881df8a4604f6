"""Sphinx extension of the book: drop duplicated <script> and <link> assets from each page.

With Jupyter Book 1.0 and Sphinx 7.4, scripts registered by extensions after the HTML builder
starts (sphinx-thebe's configuration snippet, sphinx-togglebutton's selector) reach the page
twice. sphinx-thebe's snippet declares ``const`` variables, so the second copy throws a
JavaScript error on every page. This extension keeps the first copy of each asset.
"""

from __future__ import annotations


def _key(asset) -> tuple:
    # The two copies differ only in the filename of a body-only script: None versus "".
    filename = getattr(asset, "filename", asset) or ""
    attrs = tuple(sorted((k, str(v)) for k, v in getattr(asset, "attributes", {}).items()))
    return (str(filename), attrs)


def _dedupe(app, pagename, templatename, context, doctree) -> None:
    for name in ("script_files", "css_files"):
        assets = context.get(name)
        if not assets:
            continue
        seen, unique = set(), []
        for asset in assets:
            k = _key(asset)
            if k not in seen:
                seen.add(k)
                unique.append(asset)
        context[name] = unique


def setup(app):
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
