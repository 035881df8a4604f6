"""Glossary terms must be linked (``{term}`...` ``) the first time a chapter uses them.

    python scripts/glossary_links.py --check      # list first uses that are not links; exit 1 if any
    python scripts/glossary_links.py --fix        # turn those first uses into links

A "use" is the term (or its plural) in the prose of a Markdown cell of a chapter notebook, as a
whole word, outside code, math, headings, directive lines and existing roles. The fix wraps the
first use as ``{term}`text <term>` `` so that the wording of the sentence is kept.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "book" / "appendix" / "glossary.md"


def glossary_terms(path: Path = GLOSSARY) -> list[str]:
    text = path.read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    return [ln.strip() for ln in body.splitlines() if ln.strip() and not ln.startswith((" ", "\t"))]


# Spans of Markdown where a term must not be linked: code, math, roles, links, directive heads.
_PROTECTED = re.compile(
    r"```.*?```|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$|\{[a-z:]+\}`[^`]*`|\[[^\]]*\]\([^)]*\)|<[^>]+>",
    re.S)


def _prose_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text outside protected spans, headings and directive/option lines."""
    spans, pos = [], 0
    for m in _PROTECTED.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for a, b in spans:
        for line in re.finditer(r"[^\n]*", text[a:b]):
            s, e = a + line.start(), a + line.end()
            stripped = text[s:e].lstrip()
            if stripped.startswith(("#", ":", "(", "```", "|---")) or not stripped:
                continue
            out.append((s, e))
    return out


def _pattern(term: str) -> re.Pattern:
    words = r"\s+".join(re.escape(w) for w in term.split())
    return re.compile(rf"(?<![\w-])({words}(?:s|es)?)(?![\w-])", re.I)


def first_uses(nb: dict, terms: list[str]) -> dict[str, tuple[int, int, int, bool]]:
    """For each term used in the notebook: (cell index, start, end, already a link)."""
    found: dict[str, tuple[int, int, int, bool]] = {}
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "markdown":
            continue
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        linked = {m.group(2).strip().lower() if m.group(2) else m.group(1).strip().lower()
                  for m in re.finditer(r"\{term\}`([^`<]*?)(?:<([^>]*)>)?`", text)}
        for term in terms:
            if term in found:
                continue
            role = re.search(r"\{term\}`(?:[^`<]*<)?" + re.escape(term) + r">?`", text, re.I)
            plain = None
            for s, e in _prose_spans(text):
                m = _pattern(term).search(text, s, e)
                if m:
                    plain = m
                    break
            if role and (plain is None or role.start() < plain.start()):
                found[term] = (i, role.start(), role.end(), True)
            elif plain is not None:
                found[term] = (i, plain.start(1), plain.end(1), term.lower() in linked)
    return found


def chapter_notebooks() -> list[Path]:
    return sorted(p for p in (ROOT / "book").rglob("ch*.ipynb"))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def check(paths: list[Path], terms: list[str]) -> list[str]:
    problems = []
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for term, (cell, start, end, ok) in first_uses(nb, terms).items():
            if not ok:
                problems.append(f"{_name(path)}: first use of '{term}' (cell {cell}) is not a "
                                f"{{term}} link")
    return problems


def fix(path: Path, terms: list[str]) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    edits = sorted(((c, s, e, t) for t, (c, s, e, ok) in first_uses(nb, terms).items() if not ok),
                   key=lambda x: (x[0], -x[1]))
    for cell, start, end, term in edits:
        src = nb["cells"][cell]["source"]
        text = "".join(src) if isinstance(src, list) else src
        word = text[start:end]
        link = f"{{term}}`{word}`" if word.lower() == term.lower() else f"{{term}}`{word} <{term}>`"
        nb["cells"][cell]["source"] = (text[:start] + link + text[end:]).splitlines(keepends=True)  # stored as lines
    if edits:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(edits)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fix", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("paths", nargs="*", type=Path)
    args = ap.parse_args(argv)
    terms = glossary_terms()
    paths = [p.resolve() for p in args.paths] or chapter_notebooks()
    if args.fix:
        for p in paths:
            n = fix(p, terms)
            if n:
                print(f"{_name(p)}: linked {n} first uses")
    problems = check(paths, terms)
    for p in problems:
        print(p)
    print(f"{len(problems)} first uses of glossary terms without a link")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
