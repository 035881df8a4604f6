"""Every chapter follows the shape CONTRIBUTING.md fixes, and _toc.yml lists what exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "book").rglob("ch[0-9][0-9]_*.ipynb"))


def _text(nb: dict, kind: str) -> str:
    return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in nb["cells"] if c["cell_type"] == kind)


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    return files


def test_toc_lists_only_existing_pages():
    for f in _toc_files():
        assert (ROOT / f"{f}.ipynb").exists() or (ROOT / f"{f}.md").exists(), f


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapter_shape(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    md, code = _text(nb, "markdown"), _text(nb, "code")
    number = int(path.name[2:4])
    assert re.search(r"^\(ch-[a-z0-9-]+\)=", md, re.M), "no chapter label"
    assert re.search(rf"^# {number}\. ", md, re.M), "the title must start with the chapter number"
    for part in ("You will learn", "Prerequisites", "Time to complete"):
        assert part in md, f"header lacks '{part}'"
    exercises = re.findall(r"\{exercise\}[^\n]*\n:label: (ex-[\w-]+)", md)
    assert len(exercises) >= (3 if number <= 2 else 4), f"only {len(exercises)} exercises"
    solutions = re.findall(r"\{solution(?:-start)?\} (ex-[\w-]+)", md)
    assert set(exercises) <= set(solutions), f"exercises without solutions: {set(exercises) - set(solutions)}"
    assert re.search(r"check\(\s*\"ch%02d\." % number, code), "no exercise is checked through helpers.exercises"
    hidden = [c for c in nb["cells"] if c["cell_type"] == "code"
              and "remove-cell" in c.get("metadata", {}).get("tags", []) and "setup" not in c["metadata"]["tags"]]
    assert any("assert" in "".join(c["source"]) for c in hidden), "no hidden check cell"
    assert "{footbibliography}" in md and "{footcite" in md, "no references"
    assert "{cite}" not in md and "{bibliography}" not in md, "chapters use footcite/footbibliography"


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapter_is_in_the_toc(path):
    assert path.relative_to(ROOT).with_suffix("").as_posix() in _toc_files()
