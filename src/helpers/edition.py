"""Student edition of the book: the chapter notebooks with every solution removed.

    python -m helpers.edition student OUT/      # student notebooks (no outputs) under OUT/book/...
    python -m helpers.edition site OUT/         # a buildable, solution-free copy of the book in OUT/
    python -m helpers.edition leaks OUT/        # exit 1 if any solution text appears under OUT/
    python -m helpers.edition nbgrader OUT/     # nbgrader source notebooks (see helpers.nbgrader_edition)
    python -m helpers.edition plain OUT/ [--student]   # plain-Markdown notebooks (Colab, any Jupyter)
    python -m helpers.edition editions OUT/     # every edition, for downloads and the published branch
    python -m helpers.edition zip OUT.zip [--student] [--editions DIR]   # the notebooks as a download

The student handout holds the chapters only: the appendix notebooks (the performance report,
which reads the repository's benchmark results) are not exercises and stay out of it.

What is removed from a notebook:
- gated solutions: the text from a ```{solution-start}``` fence to the matching
  ```{solution-end}``` fence, and every cell in between (solution code cells are tagged
  ``solution``), keeping whatever else the two Markdown cells hold;
- ordinary ```{solution}``` directives inside Markdown cells;
- any other cell tagged ``solution``;
- hidden cells (tag ``remove-cell``) other than the set-up cell (tag ``setup``): the hidden
  checks assert the chapter's key numbers and could reveal exercise answers.
Exercise prompts and the learner's check cells stay, and a header cell names the chapter and
says how to check answers. Reference answers live in ``helpers.exercises``, not in the notebooks.

``site`` copies the book's sources, with student notebooks that keep the outputs of the full
book's last run (from the Jupyter cache, so nothing is executed twice) and a configuration that
does not execute notebooks; ``scripts/build.sh --no-solutions`` builds it.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Iterable

__all__ = ["strip_solutions", "solution_text", "public_text", "find_leaks", "notebook_title",
           "in_handout", "write_student_edition", "write_student_site", "write_editions", "write_zip"]

_FENCE = r"(?:`{3,}|:{3,})"
_START = re.compile(_FENCE + r"\{solution-start\}.*?\n" + r"(?:.*?\n)*?" + _FENCE + r"[ \t]*(?:\n|$)")
_START_LINE = re.compile(_FENCE + r"\{solution-start\}")
_END = re.compile(_FENCE + r"\{solution-end\}[^\n]*\n\s*" + _FENCE + r"[ \t]*(?:\n|$)")
_PLAIN_SOLUTION = re.compile(r"(`{3,}|:{3,})\{solution\}.*?\n(?:.*?\n)*?\1[ \t]*(?:\n|$)")

HEADER = """```{{admonition}} Student edition
:class: note
This is the student edition of **{title}**: the exercises are here, their solutions are not.
Under each exercise, replace the placeholder (`answer = None`, or a function that raises
`NotImplementedError`) with your answer and run the cell: the check prints *not answered yet*,
*correct*, or what is wrong with a hint.
```"""


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def notebook_title(nb: dict) -> str:
    """The first level-1 heading of the notebook ("3. Forward mode ..."), or "this chapter"."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            m = re.search(r"^#\s+(.+)$", _source(cell), flags=re.M)
            if m:
                return m.group(1).strip()
    return "this chapter"


def _split(nb: dict) -> tuple[list[dict], list[str], list[str]]:
    """Walk the notebook once: (kept cells, solution texts, kept texts)."""
    kept, solutions, public = [], [], []
    inside = False
    for cell in nb.get("cells", []):
        tags = _tags(cell)
        text = _source(cell)
        if cell.get("cell_type") == "markdown":
            out, pos = [], 0
            while True:
                if not inside:
                    m = _START_LINE.search(text, pos)
                    if not m:
                        out.append(text[pos:])
                        break
                    out.append(text[pos:m.start()])
                    inside, pos = True, m.start()
                else:
                    m = _END.search(text, pos)
                    if not m:
                        solutions.append(text[pos:])
                        break
                    solutions.append(text[pos:m.start()])
                    inside, pos = False, m.end()
            remaining = "".join(out)
            for sol in _PLAIN_SOLUTION.finditer(remaining):
                solutions.append(sol.group(0))
            remaining = _PLAIN_SOLUTION.sub("", remaining)
            if remaining.strip():
                new = copy.deepcopy(cell)
                new["source"] = remaining.strip("\n")
                kept.append(new)
                public.append(remaining)
            continue
        if inside or "solution" in tags:
            solutions.append(text)
            continue
        if "remove-cell" in tags and "setup" not in tags:
            continue
        kept.append(copy.deepcopy(cell))
        public.append(text)
    if inside:
        raise ValueError("a solution-start fence has no matching solution-end fence")
    return kept, solutions, public


def strip_solutions(nb: dict, keep_outputs: bool = False) -> dict:
    """Return a copy of the notebook with solutions and hidden checks removed and a student
    header added after the title cell; outputs are dropped unless ``keep_outputs``."""
    kept, _, _ = _split(nb)
    for cell in kept:
        if cell.get("cell_type") == "code" and not keep_outputs:
            cell["outputs"], cell["execution_count"] = [], None
    header = {"cell_type": "markdown", "metadata": {},
              "source": HEADER.format(title=notebook_title(nb))}
    at = next((i + 1 for i, c in enumerate(kept) if c.get("cell_type") == "markdown"), 0)
    out = copy.deepcopy({k: v for k, v in nb.items() if k != "cells"})
    out["cells"] = kept[:at] + [header] + kept[at:]
    return out


def solution_text(nb: dict) -> str:
    """All the text of the notebook's solutions (code and prose)."""
    return "\n".join(_split(nb)[1])


def public_text(nb: dict) -> str:
    """All the text a student edition keeps."""
    return "\n".join(_split(nb)[2])


def _shingles(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def find_leaks(nb: dict, student_text: str, n: int = 8, public: str = "") -> list[str]:
    """Runs of ``n`` words of a solution that appear in ``student_text`` although no public
    part of the notebook (nor the extra ``public`` text, e.g. the rest of the book) contains
    them, so that they can only have come from a solution."""
    secret = _shingles(solution_text(nb), n) - _shingles(public_text(nb) + "\n" + public, n)
    found = secret & _shingles(student_text, n)
    return sorted(" ".join(s) for s in found)


def _book_notebooks(root: Path) -> list[Path]:
    return sorted(p for p in (root / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def in_handout(rel: Path) -> bool:
    """Whether the notebook at ``rel`` (relative to the repository root) belongs in the student
    handout: the chapters do, the appendix notebooks do not."""
    return "appendix" not in Path(rel).parts


def write_student_edition(root: Path, out: Path, notebooks: Iterable[Path] | None = None) -> list[Path]:
    """Write the student edition of each chapter notebook under ``out`` (same relative paths)."""
    written = []
    for path in notebooks or _book_notebooks(root):
        if not in_handout(path.relative_to(root)):
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        target = out / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(strip_solutions(nb), indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")
        written.append(target)
    return written


def _executed(root: Path, path: Path, cache_dir: Path) -> dict:
    """The notebook with the outputs of its last cached execution (or without outputs), and the
    record of that run (date, package versions) in its metadata as ``book_run``."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    try:
        from jupyter_cache import get_cache

        cache = get_cache(str(cache_dir))
        record = cache.match_cache_notebook(nb)
        _, merged = cache.merge_match_into_notebook(nb)
        out = json.loads(nbformat.writes(merged))
        if record.data and record.data.get("executed_at"):
            out.setdefault("metadata", {})["book_run"] = {k: record.data[k] for k in ("executed_at", "versions")
                                                          if k in record.data}
        return out
    except (KeyError, ImportError):
        return json.loads(nbformat.writes(nb))


def write_student_site(root: Path, out: Path) -> Path:
    """A solution-free copy of the book's sources in ``out``, ready for ``jupyter-book build``
    (student notebooks keep the cached outputs of the full book; execution is switched off)."""
    import yaml

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in ("_toc.yml", "references.bib", "_ext", "_mathjax"):
        src = root / name
        if src.is_dir():
            shutil.copytree(src, out / name)
        elif src.exists():
            shutil.copy2(src, out / name)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    cache_dir = root / config.get("execute", {}).get("cache", "_build/.jupyter_cache")
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    config["title"] = f"{config.get('title', 'The book')} (student edition)"
    # Launch buttons and the repository link open the student edition on the published branch
    # (see _ext/book_launch.py), never the notebooks with solutions.
    launch = config.setdefault("sphinx", {}).setdefault("config", {}).setdefault("book_launch", {})
    branch = launch.setdefault("notebooks_branch", "notebooks")
    launch.update(colab_folder="student-plain", repository_folder="student")
    config.setdefault("repository", {}).update(branch=branch, path_to_book="student")
    (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
                                     encoding="utf-8")
    for path in sorted((root / "book").rglob("*")):
        if path.is_dir() or ".ipynb_checkpoints" in path.parts:
            continue
        target = out / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".ipynb":
            student = strip_solutions(_executed(root, path, cache_dir), keep_outputs=True)
            target.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        elif path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            target.write_text(_PLAIN_SOLUTION.sub("", text), encoding="utf-8")
        else:
            shutil.copy2(path, target)
    return out


EDITIONS = {
    "full": "the book's notebooks, with solutions (MyST Markdown: JupyterLab with jupyterlab-myst)",
    "plain": "the same in plain Markdown (Colab, any Jupyter)",
    "student": "the student edition: chapters without solutions (MyST Markdown)",
    "student-plain": "the student edition in plain Markdown (Colab, any Jupyter)",
}
_SUPPORT = ("requirements.txt", "pyproject.toml", "binder", "src")
_EDITIONS_README = """# Differentiate Everything: the notebooks

Generated from the book's repository by `python -m helpers.edition editions`. Folders:

{folders}

Each folder holds `book/partN/chNN_*.ipynb`. To run them on your machine (Python 3.11):

    python -m venv .venv
    .venv/bin/pip install -r requirements.txt      (Windows: .venv\\Scripts\\pip ...)
    .venv/bin/jupyter lab

`binder/` is the lean environment of Binder and JupyterHubs; `src/` is the book's helper
package (`import helpers`), which `requirements.txt` installs.
"""


def write_editions(root: Path, out: Path) -> Path:
    """Write every edition of the notebooks under ``out`` (``full/``, ``plain/``, ``student/``,
    ``student-plain/``, each with ``book/...``), with what running them needs (requirements,
    the binder environment and the helper package) and a README. The deploy workflow publishes
    this tree as the branch the launch buttons open; :func:`write_zip` packs it for download."""
    from helpers.plain_markdown import write_plain_edition

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for path in _book_notebooks(root):
        target = out / "full" / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    write_plain_edition(root, out / "plain")
    write_student_edition(root, out / "student")
    write_plain_edition(root, out / "student-plain", student=True)
    for name in _SUPPORT:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, out / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        elif src.exists():
            shutil.copy2(src, out / name)
    folders = "\n".join(f"- `{k}/`: {v}" for k, v in EDITIONS.items())
    (out / "README.md").write_text(_EDITIONS_README.format(folders=folders), encoding="utf-8")
    return out


def write_zip(editions: Path, target: Path, student_only: bool = False) -> Path:
    """Pack an editions tree (see :func:`write_editions`) into ``target``; ``student_only``
    leaves out the editions with solutions (for the solution-free site)."""
    import zipfile

    skip = {"full", "plain"} if student_only else set()
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(editions.rglob("*")):
            rel = path.relative_to(editions)
            if path.is_dir() or rel.parts[0] in skip:
                continue
            if rel.name == "README.md" and len(rel.parts) == 1 and student_only:
                text = path.read_text(encoding="utf-8")
                text = "\n".join(ln for ln in text.splitlines() if not ln.startswith(("- `full/`", "- `plain/`")))
                zf.writestr(f"differentiate-everything/{rel.as_posix()}", text + "\n")
                continue
            zf.write(path, f"differentiate-everything/{rel.as_posix()}")
    return target


def _output_text(nb: dict) -> str:
    return "\n".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                     for c in nb.get("cells", []) for o in c.get("outputs", []))


def _leaks_in_tree(root: Path, tree: Path, public_outputs: Path | None = None) -> list[str]:
    """Solution text from the book's notebooks found in any notebook or HTML page under ``tree``.

    ``public_outputs`` is a folder of student notebooks with outputs (``site`` writes one):
    what their public cells print is public too, even where it coincides with a solution (a
    chapter may print, say, the inverse of a program that an exercise asks for on another)."""
    texts = []
    for p in sorted(tree.rglob("*")):
        if p.suffix == ".ipynb":
            texts.append(public_text(json.loads(p.read_text(encoding="utf-8"))) + "\n" + "\n".join(
                "".join(o.get("text", "")) for c in json.loads(p.read_text(encoding="utf-8"))["cells"]
                for o in c.get("outputs", [])))
        elif p.suffix == ".html":
            from bs4 import BeautifulSoup

            texts.append(BeautifulSoup(p.read_text(encoding="utf-8", errors="replace"), "html.parser")
                         .get_text(" "))
    corpus = "\n".join(texts)
    notebooks = [json.loads(p.read_text(encoding="utf-8")) for p in _book_notebooks(root)]
    book_public = "\n".join(public_text(nb) for nb in notebooks)  # shared idioms are not leaks
    if public_outputs is not None:
        book_public += "\n".join(_output_text(json.loads(p.read_text(encoding="utf-8")))
                                 for p in sorted(public_outputs.rglob("*.ipynb")))
    problems = []
    for nb_path, nb in zip(_book_notebooks(root), notebooks):
        for leak in find_leaks(nb, corpus, public=book_public):
            problems.append(f"{nb_path.relative_to(root)}: solution text found: {leak!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.edition", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["student", "site", "leaks", "nbgrader", "plain", "editions", "zip"])
    ap.add_argument("out", type=Path)
    ap.add_argument("--public-outputs", type=Path, default=None,
                    help="for 'leaks': student notebooks with outputs whose printed text is public")
    ap.add_argument("--chapters", nargs="*", default=None,
                    help="for 'nbgrader': the chapters to write (default: all), e.g. ch02 ch07")
    ap.add_argument("--points", type=float, default=1.0,
                    help="for 'nbgrader': points per exercise (default 1)")
    ap.add_argument("--student", action="store_true",
                    help="for 'plain': the student edition (no solutions) in plain Markdown; "
                         "for 'zip': only the student editions")
    ap.add_argument("--editions", type=Path, default=None,
                    help="for 'zip': an editions tree written by 'editions' (default: write one)")
    ap.add_argument("--book-root", type=Path, default=Path.cwd(),
                    help="the repository root holding book/ and _config.yml (default: .)")
    args = ap.parse_args(argv)
    root = args.book_root.resolve()
    if not (root / "book").is_dir():
        ap.error(f"no book/ folder under {root}: run from the repository root or pass --book-root")
    if args.what == "student":
        written = write_student_edition(root, args.out.resolve())
        print(f"wrote {len(written)} student notebooks under {args.out}")
    elif args.what == "nbgrader":
        from helpers.nbgrader_edition import write_nbgrader_course

        try:
            written = write_nbgrader_course(root, args.out.resolve(), args.chapters, args.points)
        except ValueError as exc:
            ap.error(str(exc))
        n = sum(len(v) for v in written.values())
        print(f"wrote nbgrader assignments for {len(written)} chapters ({n} exercises) under "
              f"{args.out}/source; run nbgrader from {args.out}")
    elif args.what == "site":
        write_student_site(root, args.out.resolve())
        print(f"wrote a solution-free copy of the book in {args.out}")
    elif args.what == "plain":
        from helpers.plain_markdown import write_plain_edition

        written = write_plain_edition(root, args.out.resolve(), student=args.student)
        kind = "student" if args.student else "full"
        print(f"wrote {len(written)} plain-Markdown notebooks ({kind} edition) under {args.out}")
    elif args.what == "editions":
        write_editions(root, args.out.resolve())
        print(f"wrote every edition of the notebooks under {args.out}")
    elif args.what == "zip":
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            tree = args.editions.resolve() if args.editions else write_editions(root, Path(tmp) / "editions")
            write_zip(tree, args.out.resolve(), student_only=args.student)
        kind = "student editions" if args.student else "all editions"
        print(f"wrote {args.out} ({kind}, {args.out.stat().st_size / 1e6:.1f} MB)")
    else:
        problems = _leaks_in_tree(root, args.out.resolve(),
                                  args.public_outputs.resolve() if args.public_outputs else None)
        for p in problems:
            print(p)
        print(f"{len(problems)} leaks of solution text under {args.out}")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
