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


CHAPTERS = [p for p in NOTEBOOKS if edition.in_handout(p.relative_to(ROOT))]


def test_handout_is_the_chapters():
    assert all(p.name.startswith("ch") for p in CHAPTERS) and len(CHAPTERS) >= 16
    assert not edition.in_handout(Path("book/appendix/performance.ipynb"))


def test_command_line_writes_student_notebooks(tmp_path):
    assert edition.main(["student", str(tmp_path), "--book-root", str(ROOT)]) == 0
    written = sorted(tmp_path.rglob("*.ipynb"))
    assert len(written) == len(CHAPTERS)
    assert not list(tmp_path.rglob("performance.ipynb"))
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


# ------------------------------------------------------------------ the plain-Markdown edition
from helpers import plain_markdown as pm  # noqa: E402

PLAIN_SAMPLE = """(ch-sample)=
# 7. A sample chapter

```{admonition} In this chapter
:class: tip
**You will learn** about {term}`adjoint variable <adjoint variable>`s, see {ref}`ch-sample`
and {ref}`the other one <sec-two>`.
```

$$
y = x^2
$$ (eq-ch07-first)

As {footcite:t}`wang2021differentiate` and others {footcite}`liu2021autodiff,wang2021differentiate`
show, {eq}`eq-ch07-first` holds; `{term}` in code stays.

(sec-two)=
## Second section

```{figure} fig.png
:alt: a plot
The caption with $x$.
```

```{exercise} First one
:label: ex-ch07-first

Compute $y$ from {eq}`eq-ch07-first`.
```

```{solution-start} ex-ch07-first
:class: dropdown
```
The solution text.

```{solution-end}
```

````{exercise}
:label: ex-ch07-second

```python
code = "{not a role}`"
```
````

```{note}
Nothing more, see {numref}`ex-ch07-second` and {doc}`../part1/ch01_x`.
```

## References

```{footbibliography}
```
"""


def _plain_sample():
    index = pm.BookIndex()
    index.add_page(Path("book/part3/ch07_sample.ipynb"), PLAIN_SAMPLE)
    index.add_page(Path("book/part1/ch01_x.ipynb"), "# 1. The first chapter\n")
    index.bibliography = pm.read_bibliography(ROOT / "references.bib")
    nb = {"cells": [_md(PLAIN_SAMPLE), _code("x = 1")], "metadata": {}}
    return pm.convert_notebook(nb, "book/part3/ch07_sample.ipynb", index)


def test_plain_markdown_rewrites_every_myst_construct():
    out = _plain_sample()
    text = "".join(out["cells"][0]["source"])
    assert pm.leftover_syntax(out) == [], pm.leftover_syntax(out)
    assert "> **In this chapter**" in text and "*adjoint variable*s" in text
    assert "Chapter 7, *A sample chapter*" in text and "the other one" in text
    assert "\\tag{7.1}" in text and "(7.1) holds" in text and "from (7.1)" in text
    assert "Wang and Liu (2021)" in text and "(Liu and Xu 2021; Wang and Liu 2021)" in text
    assert "### Exercise 7.1. First one" in text and "### Exercise 7.2" in text
    assert "#### Solution to Exercise 7.1" in text and "End of the solution to Exercise 7.1" in text
    assert "![a plot](fig.png)" in text and "*The caption with $x$.*" in text
    assert 'code = "{not a role}`"' in text               # code is left alone
    assert "Exercise 7.2" in text.split("> **Note**")[1] and "Chapter 1, *The first chapter*" in text
    refs = text.split("## References")[1]
    assert refs.count("\n- ") == 2 and "Physics (物理)" in refs and "(2021)" in refs
    assert out["cells"][1]["source"] == "x = 1"


def test_exercise_number_rule():
    assert pm.exercise_number("book/part1/ch02_derivatives.ipynb", 3) == "2.3"
    assert pm.exercise_number("book/appendix/performance.ipynb", 1) == "1"
    with pytest.raises(ValueError, match="1-based"):
        pm.exercise_number("ch02_x.ipynb", 0)


def test_unknown_citation_is_an_error():
    with pytest.raises(KeyError, match="references.bib"):
        pm.cite(["nobody1999nothing"], {}, textual=False)


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("editions")
    assert edition.main(["editions", str(out), "--book-root", str(ROOT)]) == 0
    return out


def test_plain_editions_have_no_myst_syntax_left(editions):
    plain = sorted((editions / "plain").rglob("*.ipynb"))
    student = sorted((editions / "student-plain").rglob("*.ipynb"))
    assert len(plain) == len(NOTEBOOKS) and len(student) == len(CHAPTERS)
    for path in plain + student:
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert pm.leftover_syntax(nb) == [], f"{path}: {pm.leftover_syntax(nb)[:3]}"
    for path in student:
        text = path.read_text(encoding="utf-8")
        assert "Solution to Exercise" not in text and "End of the solution" not in text, path


def test_plain_edition_numbers_every_exercise(editions):
    for path in CHAPTERS:
        n = int(path.name[2:4])
        count = len(re.findall(r"\{exercise\}", path.read_text(encoding="utf-8")))
        for variant in ("plain", "student-plain"):
            text = (editions / variant / path.relative_to(ROOT)).read_text(encoding="utf-8")
            found = re.findall(r"### Exercise (\d+)\.(\d+)", text)
            assert found == [(str(n), str(k)) for k in range(1, count + 1)], (variant, path.name, found)


def test_zips_hold_the_editions(editions, tmp_path):
    import zipfile

    full = edition.write_zip(editions, tmp_path / "full.zip")
    student = edition.write_zip(editions, tmp_path / "student.zip", student_only=True)
    names = zipfile.ZipFile(full).namelist()
    for folder in ("full", "plain", "student", "student-plain"):
        assert any(n.startswith(f"differentiate-everything/{folder}/book/part1/") for n in names), folder
    assert "differentiate-everything/requirements.txt" in names
    assert any(n.startswith("differentiate-everything/src/helpers/") for n in names)
    snames = zipfile.ZipFile(student).namelist()
    assert not any(n.startswith(("differentiate-everything/full/", "differentiate-everything/plain/")) for n in snames)
    assert any(n.startswith("differentiate-everything/student-plain/book/") for n in snames)
    readme = zipfile.ZipFile(student).read("differentiate-everything/README.md").decode()
    assert "full/" not in readme
