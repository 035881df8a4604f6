"""Sphinx extension of the book: exercises numbered per chapter.

sphinx-exercise numbers the exercises of a page 1, 2, 3, ... With this extension the exercises
of chapter N (the page whose file name starts with ``chNN_``) are numbered "Exercise N.1",
"Exercise N.2", ... in the order of their ``{exercise}`` directives, the solutions read
"Solution to Exercise N.k", and references to exercises show the same numbers. This is the rule
the exercise checkers use in their messages and the plain-Markdown edition uses in its headings
(``helpers.plain_markdown.exercise_number``). Pages that are not chapters keep the default
numbering.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_CHAPTER = re.compile(r"^ch(\d\d)_")


def chapter_number(docname: str) -> int | None:
    """The chapter number N of a document named ``.../chNN_name``, else None."""
    m = _CHAPTER.match(PurePosixPath(docname).name)
    return int(m.group(1)) if m else None


def renumber(fignumbers: dict[str, dict[str, tuple[int, ...]]], chapter: int) -> None:
    """Turn the per-page exercise numbers (1,), (2,), ... of a chapter into (N, 1), (N, 2), ...
    keeping their order (Sphinx numbers them in document order)."""
    exercises = fignumbers.get("exercise")
    if not exercises:
        return
    ordered = sorted(exercises, key=lambda ident: exercises[ident])
    for k, ident in enumerate(ordered, start=1):
        exercises[ident] = (chapter, k)


def _renumber_all(app, env) -> list[str]:
    for docname, fignumbers in env.toc_fignumbers.items():
        chapter = chapter_number(docname)
        if chapter is not None:
            renumber(fignumbers, chapter)
    return []


def setup(app):
    # After Sphinx's own TocTreeCollector has assigned the numbers (default priority 500).
    app.connect("env-get-updated", _renumber_all, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
