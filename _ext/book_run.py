"""Sphinx extension of the book: "Last verified" in each chapter's footer.

Every chapter is executed when the book is built (or its outputs are taken from the execution
cache when its code has not changed). The footer of a chapter page says when the run that
produced its outputs took place and with which versions of Python and the main packages, so a
reader knows how fresh the numbers are. The record comes from that run, not from the build:
``scripts/execute_cache.py`` stores it with the notebook in the Jupyter cache (``run_record``),
and the solution-free site, which executes nothing, carries it in the notebook's metadata
(``book_run``, written by ``python -m helpers.edition site``).
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes

NAMES = {"python": "Python", "numpy": "numpy", "scipy": "scipy", "jax": "JAX", "autograd": "autograd",
         "matplotlib": "matplotlib"}


def run_text(record: dict) -> str | None:
    """"Last verified on 2026-12-01 (Python 3.11.9, numpy 2.4.6, ...)": the sentence for a run
    record, or None if it has no date."""
    date = record.get("executed_at")
    if not date:
        return None
    versions = record.get("versions") or {}
    listed = ", ".join(f"{NAMES.get(k, k)} {v}" for k, v in versions.items())
    return (f"Last verified: this page's outputs were computed on {date}"
            + (f" with {listed}." if listed else "."))


def find_record(source: Path, cache_path: Path | None) -> dict | None:
    """The run record of the notebook at ``source``: from its metadata (``book_run``), else
    from the Jupyter cache entry that matches its code."""
    try:
        nb_json = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    record = (nb_json.get("metadata") or {}).get("book_run")
    if record:
        return record
    if cache_path is None or not cache_path.exists():
        return None
    try:
        import nbformat
        from jupyter_cache import get_cache

        cached = get_cache(str(cache_path)).match_cache_notebook(nbformat.reads(json.dumps(nb_json), as_version=4))
    except (KeyError, ImportError, ValueError):
        return None
    return dict(cached.data or {}) or None


def _add_footer(app, doctree, docname) -> None:
    source = Path(app.env.doc2path(docname))
    if source.suffix != ".ipynb":
        return
    cache = getattr(app.config, "nb_execution_cache_path", "") or ""
    cache_path = (Path(app.srcdir) / cache) if cache else None
    record = find_record(source, cache_path)
    text = run_text(record or {})
    if text is None:
        return
    para = nodes.paragraph(text, text)
    box = nodes.container(classes=["last-verified"])
    box += para
    doctree += box


CSS = (".last-verified { margin-top: 2.5rem; padding-top: .5rem; font-size: .85em;"
       " color: var(--pst-color-text-muted, #555); border-top: 1px solid var(--pst-color-border, #ddd); }\n")


def _write_css(app) -> None:
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "book-run.css").write_text(CSS, encoding="utf-8")


def setup(app):
    app.connect("doctree-resolved", _add_footer)
    app.connect("builder-inited", _write_css)
    app.add_css_file("book-run.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
