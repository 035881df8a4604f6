"""references.bib parses, has no duplicate keys, and every cited key exists.

Several sessions append to the bibliography; a lost closing brace or a key entered twice breaks
the References appendix silently until the book build, so it is checked here first."""

import json
import re
from pathlib import Path

from pybtex.database import parse_file

ROOT = Path(__file__).resolve().parent.parent


def test_bibliography_parses_without_duplicate_keys():
    db = parse_file(str(ROOT / "references.bib"))          # raises on a syntax error
    keys = re.findall(r"^@\w+\{([^,\s]+),", (ROOT / "references.bib").read_text(encoding="utf-8"), re.M)
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    assert not dupes, f"keys entered twice: {dupes}"
    assert len(db.entries) == len(keys)
    for key, entry in db.entries.items():
        assert "title" in entry.fields and "year" in entry.fields, f"{key}: needs a title and a year"


def test_every_cited_key_exists():
    keys = set(parse_file(str(ROOT / "references.bib")).entries)
    role = re.compile(r"\{(?:foot)?cite(?::[pt])?\}`([^`]+)`")
    missing = {}
    for path in sorted((ROOT / "book").rglob("*")):
        if path.suffix == ".ipynb":
            text = "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"])
        elif path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
        else:
            continue
        for m in role.finditer(text):
            for key in (k.strip() for k in m.group(1).split(",")):
                if key not in keys:
                    missing.setdefault(path.name, []).append(key)
    assert not missing, f"cited but not in references.bib: {missing}"
