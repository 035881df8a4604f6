"""nbgrader source notebooks of the book's chapters, for instructors who grade with nbgrader.

    python -m helpers.edition nbgrader COURSE [--chapters ch02 ch07] [--points 1]

writes an nbgrader course folder ``COURSE/`` with ``nbgrader_config.py`` and, per chapter, the
assignment ``COURSE/source/chNN/<notebook>.ipynb``. In each exercise:

- a read-only cell resets ``answer = None``, so an exercise left undone is "not answered yet"
  rather than checked with the previous exercise's answer;
- the learner's cell is an nbgrader *solution* cell whose reference solution (from the book's
  collapsed solution) sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``; for a
  function exercise only the body is replaced, so the learner keeps the ``def`` line;
- an autograded cell (locked, worth ``--points``) shows the check's verdict to the learner and,
  between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``, asserts that it is correct.

Solutions' prose, the book's hidden check cells and the solution cells themselves are left out;
the rest of the chapter is kept. Then, in ``COURSE``: ``nbgrader generate_assignment chNN``,
release, collect, ``nbgrader autograde chNN``, ``nbgrader export`` (see the *For instructors*
page).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Iterable

__all__ = ["nbgrader_notebook", "write_nbgrader_course"]

_CHECK = re.compile(r"""^\s*check\(\s*["'](ch\d\d\.[a-z0-9-]+)["'][^\n]*$""", re.M)
_EXERCISE = re.compile(r"(`{3,}|:{3,})\{exercise\}")
_SOL_START = re.compile(r"(`{3,}|:{3,})\{solution-start\}")
_SOL_END = re.compile(r"(`{3,}|:{3,})\{solution-end\}")
_DEF = re.compile(r"^def answer\([^\n]*\):[^\n]*$", re.M)

CONFIG = '''# nbgrader configuration of the course "Differentiate Everything" (written by
# python -m helpers.edition nbgrader). Run nbgrader commands from this folder.
c = get_config()
c.CourseDirectory.course_id = "differentiate-everything"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.Execute.timeout = 300
'''


def _src(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def _tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _code(source: str, nbgrader: dict | None = None) -> dict:
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": source}
    if nbgrader is not None:
        cell["metadata"]["nbgrader"] = {"schema_version": 3, **nbgrader}
    return cell


def _solution_region(placeholder: str, solution: str) -> str:
    """The learner's cell with the reference solution between nbgrader's markers: only the body
    of ``def answer(...)`` when the placeholder and the solution both define it."""
    p_def, s_def = _DEF.search(placeholder), _DEF.search(solution)
    if p_def and s_def and solution.lstrip().startswith("def answer"):
        head = solution[:s_def.end()]
        body = solution[s_def.end():].strip("\n")
        lines = [ln for ln in body.splitlines()]
        indent = next((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), 4)
        pad = " " * indent
        tail_at = next((i for i, ln in enumerate(lines) if ln.strip() and not ln.startswith(pad)), len(lines))
        inner, after = lines[:tail_at], lines[tail_at:]
        out = [head, f"{pad}### BEGIN SOLUTION", *inner, f"{pad}### END SOLUTION"]
        if after:
            out += ["", *after]
        return "\n".join(out)
    return "### BEGIN SOLUTION\n" + solution.strip("\n") + "\n### END SOLUTION"


def nbgrader_notebook(nb: dict, *, points: float = 1.0) -> tuple[dict, list[str]]:
    """The nbgrader source version of a chapter notebook and the labels of its exercises."""
    from helpers.exercises import number

    cells = nb.get("cells", [])
    out: list[dict] = []
    labels: list[str] = []
    pending: dict | None = None        # the exercise whose placeholder cell has been seen
    inside_solution = False
    solution_code: list[str] = []

    def flush() -> None:
        nonlocal pending, solution_code
        if pending is None:
            return
        label = pending["label"]
        gid = label.replace(".", "_")          # nbgrader ids: letters, digits, _ and -
        code = "\n".join(solution_code).strip("\n")
        if not code:
            raise ValueError(f"exercise {label}: no solution code found in the notebook")
        num = number(label) or label
        out.append(_code("answer = None  # each exercise starts without an answer",
                         {"grade": False, "solution": False, "locked": True,
                          "grade_id": f"{gid}-reset"}))
        out.append(_code(_solution_region(pending["placeholder"], code),
                         {"grade": False, "solution": True, "locked": False,
                          "grade_id": f"{gid}-answer"}))
        out.append(_code(f'verdict = check("{label}", answer)\n### BEGIN HIDDEN TESTS\n'
                         f'assert verdict.correct, "Exercise {num} is not correct"\n### END HIDDEN TESTS',
                         {"grade": True, "solution": False, "locked": True, "points": points,
                          "grade_id": f"{gid}-test"}))
        labels.append(label)
        pending, solution_code = None, []

    for cell in cells:
        text, tags = _src(cell), _tags(cell)
        if cell.get("cell_type") == "markdown":
            if inside_solution:
                m = _SOL_END.search(text)
                if not m:
                    continue
                inside_solution = False
                flush()
                rest = text[m.end():]
                rest = re.sub(r"^[^\n]*\n\s*(`{3,}|:{3,})[ \t]*\n?", "", rest, count=1)
                if rest.strip():
                    new = copy.deepcopy(cell)
                    new["source"] = rest.strip("\n")
                    out.append(new)
                continue
            m = _SOL_START.search(text)
            if m:
                before = text[:m.start()]
                if before.strip():
                    new = copy.deepcopy(cell)
                    new["source"] = before.strip("\n")
                    out.append(new)
                inside_solution = True
                if _SOL_END.search(text, m.end()):
                    raise ValueError("a solution-start and solution-end in one cell is not supported")
                continue
            out.append(copy.deepcopy(cell))
            continue
        if inside_solution or "solution" in tags:
            if pending is not None:
                solution_code.append(_CHECK.sub("", text).rstrip())
            continue
        if "remove-cell" in tags and "setup" not in tags:
            continue
        m = _CHECK.search(text)
        if m and pending is None and cell.get("cell_type") == "code":
            placeholder = _CHECK.sub("", text).rstrip()
            pending = {"label": m.group(1), "placeholder": placeholder}
            continue
        new = copy.deepcopy(cell)
        if new.get("cell_type") == "code":
            new["outputs"], new["execution_count"] = [], None
        out.append(new)
    if pending is not None:
        raise ValueError(f"exercise {pending['label']}: its solution has no solution-end")
    result = copy.deepcopy({k: v for k, v in nb.items() if k != "cells"})
    result["cells"] = out
    return result, labels


def write_nbgrader_course(root: Path, out: Path, chapters: Iterable[str] | None = None,
                          points: float = 1.0) -> dict[str, list[str]]:
    """Write ``out/nbgrader_config.py`` and ``out/source/chNN/<notebook>.ipynb`` for each chapter
    (all chapters with exercises by default). Returns chapter -> exercise labels."""
    if points <= 0:
        raise ValueError(f"points must be positive, got {points}")
    paths = sorted(Path(root).glob("book/part*/ch[0-9][0-9]_*.ipynb"))
    wanted = set(chapters) if chapters else None
    if wanted:
        unknown = wanted - {p.name[:4] for p in paths}
        if unknown:
            raise ValueError(f"no chapter notebook for {sorted(unknown)} under {root}/book")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    written = {}
    for path in paths:
        chapter = path.name[:4]
        if wanted and chapter not in wanted:
            continue
        nb, labels = nbgrader_notebook(json.loads(path.read_text(encoding="utf-8")), points=points)
        if not labels:
            continue
        target = out / "source" / chapter / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written[chapter] = labels
    return written
