"""Plain-Markdown edition of the book's notebooks, for Colab and any Jupyter without MyST.

    python -m helpers.edition plain OUT/ [--student]

The chapters are written in MyST Markdown: directives (```` ```{exercise} ````, admonitions,
solution gates, ```` ```{footbibliography} ````), roles (``{term}``, ``{ref}``, ``{eq}``,
``{footcite}``, ``{numref}``, ``{doc}``), labels ``(name)=`` and labelled equations
``$$ ... $$ (eq-name)``. JupyterLab renders them with ``jupyterlab-myst``; Colab and a plain
Jupyter show them as raw markup. This module rewrites every Markdown cell into ordinary
Markdown that any notebook front end renders:

- an exercise becomes a heading "Exercise N.k. Title", where N is the chapter number from the
  ``chNN_`` file name and k the position of the ``{exercise}`` directive in the notebook (the
  rule of the rendered book and of the checkers' messages, :func:`exercise_number`);
- a solution becomes a heading "Solution to Exercise N.k" (the student variant has none);
- an admonition becomes a block quote with its title in bold;
- a figure becomes an image with its caption;
- a labelled equation gets ``\\tag{N.m}`` (the m-th labelled equation of chapter N) and
  ``{eq}`` references become "(N.m)";
- ``{ref}``/``{numref}``/``{doc}`` become the name of what they point to ("Chapter 3, *Forward
  mode with dual numbers*", "Exercise 3.2", "the section *The complex step*");
- ``{term}`` becomes the term in italics;
- ``{footcite}`` becomes "(Author year)" (``{footcite:t}``: "Author (year)") and
  ``{footbibliography}`` the list of the works the notebook cites, from ``references.bib``.

:func:`leftover_syntax` finds any MyST syntax that survived (the tests run it on every
generated notebook).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Iterable

__all__ = ["exercise_number", "chapter_of", "BookIndex", "convert_markdown", "convert_notebook",
           "leftover_syntax", "write_plain_edition"]

_CHAPTER_FILE = re.compile(r"^ch(\d\d)_")
_LABEL_LINE = re.compile(r"^\(([\w.:-]+)\)=[ \t]*$", re.M)
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_DIRECTIVE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>.*)$")
_OPTION = re.compile(r"^[ \t]*:([\w-]+):[ \t]*(.*)$")
_EQ_LABEL = re.compile(r"\$\$[ \t]*\(([\w.:-]+)\)[ \t]*$", re.M)
_ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<text>[^`]*)`")
# A role, or an inline code span (left alone): at each position the role is tried first, so the
# backticks of a role are never taken for a code span.
_ROLE_OR_CODE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<text>[^`]*)`|(?P<code>(?P<ticks>`+).+?(?P=ticks))", re.S)
_FENCED_CODE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.M | re.S)
_EXERCISE = re.compile(r"(?:`{3,}|:{3,})\{exercise\}[^\n]*\n((?:[ \t]*:[\w-]+:[^\n]*\n?)*)")
_LABEL_OPTION = re.compile(r"^[ \t]*:label:[ \t]*([\w.:-]+)", re.M)
_ADMONITION_TITLES = {"note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important",
                      "warning": "Warning", "caution": "Caution", "attention": "Attention",
                      "danger": "Danger", "error": "Error", "seealso": "See also"}


def chapter_of(path: str | PurePath) -> int | None:
    """The chapter number N of a notebook named ``chNN_*.ipynb``, else None."""
    m = _CHAPTER_FILE.match(PurePath(path).name)
    return int(m.group(1)) if m else None


def exercise_number(path: str | PurePath, k: int) -> str:
    """The number of the k-th exercise (1-based) of the notebook at ``path``: "N.k" in chapter N
    (from the ``chNN_`` file name), "k" elsewhere."""
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"exercise_number: k is the 1-based position of the exercise, got {k!r}")
    n = chapter_of(path)
    return f"{n}.{k}" if n is not None else str(k)


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _cells_text(nb: dict) -> str:
    return "\n\n".join(_source(c) for c in nb.get("cells", []) if c.get("cell_type") == "markdown")


# ------------------------------------------------------------------ what the book's labels name
@dataclass
class BookIndex:
    """What every label of the book points to: chapters and sections (by heading), exercises
    (by number), equations (by number), and the bibliography (from ``references.bib``)."""

    names: dict[str, str] = field(default_factory=dict)        # label -> readable name
    equations: dict[str, str] = field(default_factory=dict)    # equation label -> "N.m"
    exercises: dict[str, str] = field(default_factory=dict)    # exercise label -> "N.k"
    documents: dict[str, str] = field(default_factory=dict)    # "book/part1/ch01_x" -> name
    bibliography: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def build(cls, root: Path) -> "BookIndex":
        index = cls()
        pages = sorted((root / "book").rglob("*.ipynb")) + sorted((root / "book").rglob("*.md"))
        for path in pages:
            if ".ipynb_checkpoints" in path.parts:
                continue
            if path.suffix == ".ipynb":
                text = _cells_text(json.loads(path.read_text(encoding="utf-8")))
            else:
                text = path.read_text(encoding="utf-8")
            index.add_page(path.relative_to(root), text)
        bib = root / "references.bib"
        if bib.exists():
            index.bibliography = read_bibliography(bib)
        return index

    def add_page(self, rel: PurePath, text: str) -> None:
        chapter = chapter_of(rel)
        lines = text.splitlines()
        title = None
        for i, line in enumerate(lines):
            m = _HEADING.match(line)
            if m and title is None and len(m.group(1)) == 1:
                title = _strip_inline(m.group(2))
            label = _LABEL_LINE.match(line)
            if label:
                heading = next((_HEADING.match(ln) for ln in lines[i + 1:i + 4] if _HEADING.match(ln)), None)
                if heading is not None:
                    text_ = _strip_inline(heading.group(2))
                    if len(heading.group(1)) == 1:
                        self.names[label.group(1)] = _chapter_name(text_, chapter)
                    else:
                        self.names[label.group(1)] = f"the section *{text_}*" + (
                            f" of chapter {chapter}" if chapter is not None else "")
        self.documents[PurePath(rel).with_suffix("").as_posix()] = _chapter_name(title or rel.stem, chapter)
        for m_idx, m in enumerate(_EQ_LABEL.finditer(text), start=1):
            self.equations[m.group(1)] = f"{chapter}.{m_idx}" if chapter is not None else str(m_idx)
        for k, m in enumerate(_EXERCISE.finditer(text), start=1):
            label = _LABEL_OPTION.search(m.group(1))
            if label:
                self.exercises[label.group(1)] = exercise_number(rel, k)

    def name(self, label: str) -> str:
        if label in self.exercises:
            return f"Exercise {self.exercises[label]}"
        if label in self.equations:
            return f"equation ({self.equations[label]})"
        return self.names.get(label, label.replace("-", " "))


def _chapter_name(title: str, chapter: int | None) -> str:
    if chapter is None:
        return f"*{title}*"
    plain = re.sub(r"^\d+\.\s*", "", title)
    return f"Chapter {chapter}, *{plain}*"


def _strip_inline(text: str) -> str:
    return _ROLE.sub(lambda m: _role_text(m.group("text")), text).strip()


def _role_text(text: str) -> str:
    """The displayed text of a role's content: "text <target>" shows text."""
    m = re.match(r"^(.*?)\s*<([^<>]+)>$", text, flags=re.S)
    return (m.group(1) if m and m.group(1) else text).strip()


def _role_target(text: str) -> str:
    m = re.match(r"^(.*?)\s*<([^<>]+)>$", text, flags=re.S)
    return (m.group(2) if m else text).strip()


# ------------------------------------------------------------------ bibliography
def read_bibliography(path: Path) -> dict[str, dict]:
    """Entries of a BibTeX file: key -> {"authors": [last names], "year", "title", "venue",
    "doi", "url", "full": a formatted reference}."""
    from pybtex.database import parse_file

    data = parse_file(str(path), bib_format="bibtex")
    out = {}
    for key, entry in data.entries.items():
        persons = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [_latex_free(" ".join(p.prelast_names + p.last_names)) for p in persons]
        full_names = [_latex_free(" ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names))
                      for p in persons]
        f = {k.lower(): _latex_free(v) for k, v in entry.fields.items()}
        venue = f.get("journal") or f.get("booktitle") or f.get("publisher") or f.get("school") or \
            f.get("institution") or f.get("howpublished") or ""
        details = ", ".join(x for x in (f.get("volume"), f.get("pages", "").replace("--", "–")) if x)
        parts = [_join_names(full_names) or "Anonymous", f"({f.get('year', 'n.d.')}).", f"{f.get('title', key)}."]
        if venue:
            parts.append(f"*{venue}*" + (f" {details}" if details else "") + ".")
        if f.get("doi"):
            parts.append(f"https://doi.org/{f['doi']}")
        elif f.get("url"):
            parts.append(f["url"])
        out[key] = {"authors": last, "year": f.get("year", "n.d."), "full": " ".join(parts)}
    return out


def _latex_free(text: str) -> str:
    text = re.sub(r"\\[a-zA-Z]+\s*\{([^{}]*)\}", r"\1", str(text))
    text = re.sub(r"\\(['`^\"~=.])\{?([A-Za-z])\}?", r"\2", text)
    return text.replace("{", "").replace("}", "").replace("~", " ").strip()


def _join_names(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _short_authors(authors: list[str]) -> str:
    if not authors:
        return "Anonymous"
    if len(authors) == 1:
        return authors[0]
    if len(authors) == 2:
        return f"{authors[0]} and {authors[1]}"
    return f"{authors[0]} et al."


def cite(keys: list[str], bib: dict[str, dict], textual: bool) -> str:
    """"(Author year; Author year)" or, ``textual``, "Author (year)"."""
    found = []
    for key in keys:
        entry = bib.get(key)
        if entry is None:
            raise KeyError(f"citation {key!r} is not in references.bib")
        found.append(entry)
    if textual:
        return "; ".join(f"{_short_authors(e['authors'])} ({e['year']})" for e in found)
    return "(" + "; ".join(f"{_short_authors(e['authors'])} {e['year']}" for e in found) + ")"


# ------------------------------------------------------------------ conversion
@dataclass
class _State:
    """What the conversion of one notebook remembers across its cells."""

    path: PurePath
    index: BookIndex
    exercises: int = 0
    cited: list[str] = field(default_factory=list)
    solution_of: str | None = None


def _quote(text: str) -> str:
    return "\n".join(("> " + ln) if ln.strip() else ">" for ln in text.strip("\n").splitlines())


def _parse_directive(lines: list[str], start: int) -> tuple[dict, int] | None:
    """The directive opening at ``lines[start]``: its name, argument, options and body lines,
    and the index of the line after its closing fence."""
    m = _DIRECTIVE_OPEN.match(lines[start])
    if not m:
        return None
    fence = m.group("fence")
    close = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
    end = start + 1
    while end < len(lines) and not close.match(lines[end]):
        end += 1
    body = lines[start + 1:end]
    options = {}
    while body and _OPTION.match(body[0]):
        o = _OPTION.match(body[0])
        options[o.group(1)] = o.group(2).strip()
        body = body[1:]
    return ({"name": m.group("name"), "arg": m.group("arg").strip(), "options": options,
             "body": "\n".join(body).strip("\n")}, min(end + 1, len(lines)))


def _convert_directive(d: dict, state: _State) -> str:
    name, arg, body = d["name"], d["arg"], d["body"]
    inner = convert_markdown(body, state) if body else ""
    if name == "exercise":
        state.exercises += 1
        number = exercise_number(state.path, state.exercises)
        title = f"### Exercise {number}" + (f". {convert_markdown(arg, state)}" if arg else "")
        return title + ("\n\n" + inner if inner else "")
    if name in ("solution", "solution-start"):
        target = arg.split()[0] if arg else ""
        number = state.index.exercises.get(target)
        heading = f"#### Solution to Exercise {number}" if number else "#### Solution"
        if name == "solution-start":
            state.solution_of = number
            return heading + ("\n\n" + inner if inner else "")
        return heading + ("\n\n" + inner if inner else "")
    if name == "solution-end":
        number, state.solution_of = state.solution_of, None
        return f"*End of the solution{' to Exercise ' + number if number else ''}.*"
    if name in ("footbibliography", "bibliography"):
        return _reference_list(state)
    if name in ("figure", "image"):
        alt = d["options"].get("alt", "") or _plain(inner) or "figure"
        image = f"![{alt}]({arg})"
        return image + (f"\n\n*{inner}*" if name == "figure" and inner else "")
    if name in ("math",):
        return f"$$\n{body}\n$$"
    if name in ("code-block", "code", "sourcecode", "code-cell"):
        return f"```{arg}\n{body}\n```"
    if name in ("glossary", "tableofcontents", "contents"):
        return inner
    if name == "admonition":
        return _quote(f"**{convert_markdown(arg, state)}**" + ("\n\n" + inner if inner else ""))
    title = _ADMONITION_TITLES.get(name, name.replace("-", " ").capitalize())
    if arg:
        title = f"{title}: {convert_markdown(arg, state)}"
    return _quote(f"**{title}**" + ("\n\n" + inner if inner else ""))


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[*_`]", "", text).split())


def _reference_list(state: _State) -> str:
    if not state.cited:
        return "*This chapter cites no references.*"
    bib = state.index.bibliography
    entries = sorted(dict.fromkeys(state.cited), key=lambda k: (bib[k]["authors"][:1], bib[k]["year"]))
    return "\n".join(f"- {bib[k]['full']}" for k in entries)


def _convert_roles(text: str, state: _State) -> str:
    def role(m: re.Match) -> str:
        if m.group("code"):
            return m.group("code")
        kind, content = m.group("role"), m.group("text")
        if kind == "term":
            return f"*{_role_text(content)}*"
        if kind in ("eq", "math:numref"):
            label = _role_target(content)
            number = state.index.equations.get(label)
            return f"({number})" if number else _role_text(content)
        if kind in ("ref", "numref", "doc", "any"):
            target = _role_target(content)
            explicit = re.match(r"^(.*?)\s*<[^<>]+>$", content, flags=re.S)
            if kind == "doc":
                key = _resolve_doc(target, state)
                name = state.index.documents.get(key, target)
            else:
                name = state.index.name(target)
            if explicit and explicit.group(1):
                text_ = explicit.group(1)
                if kind == "numref":   # "Fig. %s" style: put the number in
                    number = state.index.exercises.get(target) or state.index.equations.get(target) or ""
                    text_ = text_.replace("%s", number).replace("{number}", number)
                return text_
            return name
        if kind.startswith(("footcite", "cite")):
            keys = [k.strip() for k in content.split(",") if k.strip()]
            state.cited += keys
            return cite(keys, state.index.bibliography, textual=kind.endswith(":t"))
        if kind in ("math",):
            return f"${content}$"
        if kind in ("sub", "sup"):
            return f"<{kind}>{content}</{kind}>"
        if kind in ("abbr", "guilabel", "kbd", "command", "file", "samp", "dfn", "program"):
            return f"*{_role_text(content)}*"
        if kind in ("download",):
            return _role_text(content)
        return _role_text(content)

    return _ROLE_OR_CODE.sub(role, text)


def _resolve_doc(target: str, state: _State) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    base = PurePath(state.path).parent
    parts = []
    for part in (base / target).parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return PurePath(*parts).as_posix()


def _convert_equations(text: str, state: _State) -> str:
    def tag(m: re.Match) -> str:
        number = state.index.equations.get(m.group(1))
        return f"\\tag{{{number}}}\n$$" if number else "$$"

    return _EQ_LABEL.sub(tag, text)


def convert_markdown(text: str, state: _State) -> str:
    """Rewrite one Markdown text (a cell, or a directive's body) into plain Markdown, in reading
    order (so that citations are collected before a bibliography that follows them)."""
    lines = text.splitlines()
    out: list[str] = []
    pending: list[str] = []           # ordinary lines not yet converted

    def flush() -> None:
        if pending:
            out.append(_convert_prose(_convert_equations("\n".join(pending), state), state))
            pending.clear()

    i = 0
    in_code = None
    while i < len(lines):
        line = lines[i]
        if in_code is not None:                         # inside an ordinary code fence: verbatim
            pending.append(line)
            if re.match(r"^[ \t]*" + re.escape(in_code[0]) + "{" + str(len(in_code)) + r",}[ \t]*$", line):
                in_code = None
            i += 1
            continue
        parsed = _parse_directive(lines, i)
        if parsed is not None:
            directive, i = parsed
            flush()
            out.append(_convert_directive(directive, state))
            if i < len(lines) and lines[i].strip():
                out.append("")                           # a block ends before the next text
            continue
        code = re.match(r"^[ \t]*(`{3,}|~{3,})", line)
        if code:
            in_code = code.group(1)
        if not _LABEL_LINE.match(line) or code:          # (label)= : a target, not text
            pending.append(line)
        i += 1
    flush()
    return "\n".join(out)


def _convert_prose(text: str, state: _State) -> str:
    """Roles outside code: leave fenced code and inline code spans alone."""
    pieces = re.split(r"(^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\2[ \t]*$)", text, flags=re.M | re.S)
    out = []
    k = 0
    while k < len(pieces):
        piece = pieces[k]
        if k % 3 == 0:
            out.append(_convert_roles(piece, state))
            k += 1
        else:
            out.append(piece)
            k += 2
    return "".join(out)


def convert_notebook(nb: dict, path: str | PurePath, index: BookIndex) -> dict:
    """A copy of the notebook with every Markdown cell in plain Markdown (see the module
    docstring); code cells are unchanged."""
    out = copy.deepcopy(nb)
    state = _State(PurePath(path), index)
    for cell in out.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        text = convert_markdown(_source(cell), state)
        cell["source"] = text.splitlines(keepends=True)
        cell.get("attachments")  # attachments are kept as they are
    out.setdefault("metadata", {})["book_edition"] = "plain-markdown"
    return out


# ------------------------------------------------------------------ what must not survive
_LEFTOVERS = {
    "directive": re.compile(r"(`{3,}|:{3,})\{[\w:-]+\}"),
    "label": re.compile(r"^\([\w.:-]+\)=[ \t]*$", re.M),
    "equation label": re.compile(r"\$\$[ \t]*\([\w.:-]+\)"),
    "directive option": re.compile(r"^:(label|class|nonumber|name|alt|width|align):", re.M),
}


def leftover_syntax(nb: dict) -> list[str]:
    """MyST syntax left in the notebook's Markdown cells: [(kind: excerpt), ...]."""
    problems = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "markdown":
            continue
        text = _source(cell)
        for kind, pattern in _LEFTOVERS.items():
            for m in pattern.finditer(text):
                problems.append(f"cell {i}: {kind}: {text[max(0, m.start() - 30):m.end() + 30]!r}")
        prose = _FENCED_CODE.sub("", text)
        for m in _ROLE_OR_CODE.finditer(prose):
            if m.group("role"):
                problems.append(f"cell {i}: role: {prose[max(0, m.start() - 30):m.end() + 30]!r}")
    return problems


def write_plain_edition(root: Path, out: Path, student: bool = False,
                        notebooks: Iterable[Path] | None = None) -> list[Path]:
    """Write the plain-Markdown edition of the book's notebooks under ``out`` (same relative
    paths); with ``student``, of the student edition (solutions and hidden checks removed)."""
    from helpers.edition import _book_notebooks, strip_solutions

    index = BookIndex.build(root)
    written = []
    for path in notebooks or _book_notebooks(root):
        if student and not _in_handout(path, root):
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        if student:
            nb = strip_solutions(nb)
        rel = path.relative_to(root)
        plain = convert_notebook(nb, rel, index)
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(plain, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


def _in_handout(path: Path, root: Path) -> bool:
    from helpers.edition import in_handout

    return in_handout(path.relative_to(root))
