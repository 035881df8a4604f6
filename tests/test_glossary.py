"""Glossary: every term has a Chinese name and a definition, and chapters link a term on first use."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import glossary_links  # noqa: E402


def test_glossary_entries_have_chinese_terms():
    text = glossary_links.GLOSSARY.read_text(encoding="utf-8")
    terms = glossary_links.glossary_terms()
    assert len(terms) >= 20
    for required in ["adjoint variable", "computational graph", "checkpointing", "pebble game",
                     "reversible computing"]:
        assert required in terms
    body = text.split("```{glossary}", 1)[1]
    for term in terms:
        definition = body.split("\n" + term + "\n", 1)[1].split("\n\n", 1)[0]
        assert re.search(r"[\u4e00-\u9fff]", definition), f"no Chinese term for {term!r}"


def test_seed_terms_carry_the_seed_wording():
    text = glossary_links.GLOSSARY.read_text(encoding="utf-8")
    for zh in ["伴随变量", "计算图", "检查点", "鹅卵石游戏", "可逆计算"]:
        assert zh in text


def test_first_uses_are_links():
    problems = glossary_links.check(glossary_links.chapter_notebooks(), glossary_links.glossary_terms())
    assert problems == [], "\n".join(problems[:20]) + "\n(run python scripts/glossary_links.py --fix)"


def test_fixer_links_a_first_use(tmp_path):
    import json

    nb = {"cells": [{"cell_type": "markdown", "metadata": {},
                     "source": "Reverse mode is cheap; `reverse mode` in code is not prose. Reverse mode again."}]}
    path = tmp_path / "ch99_x.ipynb"
    path.write_text(json.dumps(nb))
    assert glossary_links.check([path], ["reverse mode"])
    assert glossary_links.fix(path, ["reverse mode"]) == 1
    fixed = "".join(json.loads(path.read_text())["cells"][0]["source"])
    assert fixed.startswith("{term}`Reverse mode` is cheap")   # Sphinx matches terms case-insensitively
    assert isinstance(json.loads(path.read_text())["cells"][0]["source"], list)   # stored as lines
    assert glossary_links.check([path], ["reverse mode"]) == []
