"""The student edition removes every solution and keeps every exercise and check cell."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import edition

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "book").rglob("*.ipynb"))


def _md(text, tags=None):
    return {"cell_type": "markdown", "metadata": {"tags": tags or []}, "source": text}


def _code(text, tags=None):
    return {"cell_type": "code", "metadata": {"tags": tags or []}, "source": text,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}], "execution_count": 3}


SAMPLE = {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [
    _md("# 7. A chapter\n\nIntro."),
    _code("import helpers", ["remove-cell", "setup"]),
    _code("result = 42\nprint(result)"),
    _code("assert result == 42", ["remove-cell"]),
    _md("```{exercise} First\n:label: ex-a\n\nCompute the thing.\n```"),
    _code('answer = None\ncheck("ch07.a", answer)'),
    _md("```{solution-start} ex-a\n:class: dropdown\n```\nThe secret reasoning says the value is forty two exactly."),
    _code('answer = the_secret_formula_that_nobody_should_see(42)\ncheck("ch07.a", answer)', ["solution"]),
    _md("```{solution-end}\n```\n\n```{exercise} Second\n:label: ex-b\n\nAnother.\n```"),
    _code("answer = None"),
    _md("```{solution} ex-b\n:class: dropdown\nA plain solution that reveals the hidden constant value.\n```\n\nAfter text stays."),
    _md(":::{solution-start} ex-b\n:::\nColon fenced solution prose should vanish completely from view.\n:::{solution-end}\n:::"),
    _code("print('solution code in a tagged cell outside a gate')", ["solution"]),
    _md("## References"),
]}


def test_strip_solutions_on_a_sample():
    out = edition.strip_solutions(SAMPLE)
    text = json.dumps(out)
    for secret in ("secret reasoning", "the_secret_formula", "hidden constant", "Colon fenced",
                   "tagged cell outside", "assert result == 42"):
        assert secret not in text, secret
    for kept in ("Compute the thing", "Another.", "After text stays", "import helpers",
                 'check(\\"ch07.a\\", answer)', "## References", "result = 42"):
        assert kept in text, kept
    assert "Student edition" in out["cells"][1]["source"] and "7. A chapter" in out["cells"][1]["source"]
    assert all(c.get("outputs", []) == [] for c in out["cells"] if c["cell_type"] == "code")
    kept_outputs = edition.strip_solutions(SAMPLE, keep_outputs=True)
    assert any(c.get("outputs") for c in kept_outputs["cells"] if c["cell_type"] == "code")


def test_leak_finder_catches_planted_solution_text():
    student = json.dumps(edition.strip_solutions(SAMPLE))
    assert edition.find_leaks(SAMPLE, student, n=4) == []
    planted = student + " The secret reasoning says the value is forty two exactly."
    assert edition.find_leaks(SAMPLE, planted, n=4)


def test_unbalanced_solution_fences_raise():
    bad = {"cells": [_md("```{solution-start} ex-a\n```\nno end")]}
    with pytest.raises(ValueError, match="solution-end"):
        edition.strip_solutions(bad)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_book_notebook_student_edition(path, tmp_path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    student = edition.strip_solutions(nb)
    text = json.dumps(student)
    n_exercises = len(re.findall(r"\{exercise\}", json.dumps(nb)))
    assert len(re.findall(r"\{exercise\}", text)) == n_exercises
    assert "solution-start" not in text and "{solution}" not in text
    assert not any("solution" in c.get("metadata", {}).get("tags", []) for c in student["cells"])
    checks_full = sum(c["source"].count("check(") if isinstance(c["source"], str) else "".join(c["source"]).count("check(")
                      for c in edition._split(nb)[0] if c["cell_type"] == "code")
    checks_student = sum("".join(c["source"]).count("check(") for c in student["cells"] if c["cell_type"] == "code")
    assert checks_student == checks_full
    if n_exercises:
        assert edition.solution_text(nb).strip(), "exercises without solutions"
    assert edition.find_leaks(nb, text) == []


def test_command_line_writes_student_notebooks(tmp_path):
    assert edition.main(["student", str(tmp_path), "--book-root", str(ROOT)]) == 0
    written = sorted(tmp_path.rglob("*.ipynb"))
    assert len(written) == len(NOTEBOOKS)
    assert edition.main(["leaks", str(tmp_path), "--book-root", str(ROOT)]) == 0


def test_public_outputs_are_not_leaks(tmp_path):
    out = {"cells": [{"cell_type": "code", "metadata": {}, "source": "print(x)", "execution_count": 1,
                      "outputs": [{"output_type": "stream", "name": "stdout",
                                   "text": "The secret reasoning says the value is forty two exactly."}]}]}
    text = edition._output_text(out)
    assert "forty two" in text
    secret = edition.find_leaks(SAMPLE, text, n=4)
    assert secret                                     # without the outputs counted as public ...
    assert edition.find_leaks(SAMPLE, text, n=4, public=text) == []   # ... and with them
