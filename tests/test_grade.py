"""helpers.grade on a folder of submissions: solved, unanswered, wrong, crashing, looping,
fake-emoji, forged and renamed notebooks each get the right rows in the CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import pytest

from helpers.grade import chapter_of, find_submissions, main, sign_record, record_signature_valid

PRELUDE = "import numpy as np\nfrom helpers.exercises import check\nEPS = np.finfo(float).eps"
RIGHT = {
    "ch02.optimal-step": "answer = 2 * np.sqrt(EPS)",
    "ch02.complex-step": "def answer(f, x):\n    return np.imag(f(x + 1e-200j)) / 1e-200",
    "ch02.fourth-order": ("def answer(f, x):\n    h = (45 * EPS / 4) ** 0.2 * max(1.0, abs(x))\n"
                          "    return (f(x - 2*h) - 8*f(x - h) + 8*f(x + h) - f(x + 2*h)) / (12*h)"),
    "ch02.swell": "def answer(n):\n    return 6 * 2**n - 5",
    "ch02.truncated-series": ("from math import factorial\nanswer = sum(1 / factorial(k) for k in range(8, 48)) / "
                              "sum(1 / factorial(k) for k in range(9, 49))"),
}
WRONG = {
    "ch02.optimal-step": "answer = np.sqrt(EPS)",
    "ch02.complex-step": "def answer(f, x):\n    return (f(x + 1e-7) - f(x)) / 1e-7",
    "ch02.fourth-order": "def answer(f, x):\n    return (f(x + 1e-5) - f(x - 1e-5)) / 2e-5",
    "ch02.swell": "def answer(n):\n    return 2**n",
    "ch02.truncated-series": "answer = 9.0",
}
UNANSWERED = {
    "ch02.optimal-step": "answer = None",
    "ch02.complex-step": "def answer(f, x):\n    raise NotImplementedError",
    "ch02.fourth-order": "def answer(f, x):\n    raise NotImplementedError",
    "ch02.swell": "def answer(n):\n    raise NotImplementedError",
    "ch02.truncated-series": "answer = None",
}
ORDER = list(RIGHT)


def _nb(path: Path, cells: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _cells(answers: dict[str, str]) -> list[str]:
    return [PRELUDE] + [f'{answers[lab]}\ncheck("{lab}", answer)' for lab in ORDER]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("subs")
    _nb(root / "alice" / "ch02_derivatives_by_computer.ipynb", _cells(RIGHT))
    _nb(root / "bob.ipynb", _cells(UNANSWERED))
    _nb(root / "carol" / "ch02.ipynb", _cells(WRONG))
    crash = _cells(RIGHT)
    crash.insert(3, "raise RuntimeError('oops')")          # exercises after it are still graded
    _nb(root / "dave" / "ch02.ipynb", crash)
    loop = _cells(RIGHT)
    loop.insert(2, "while True:\n    pass")                # interrupted after the cell timeout
    _nb(root / "erin" / "ch02.ipynb", loop)
    fake = [PRELUDE] + [f'print("✅ Exercise 2.{i + 1}: correct.")' for i in range(5)] + [
        'check("ch02.swell", None)']
    _nb(root / "frank" / "ch02.ipynb", fake)
    forged = [PRELUDE, "from IPython.display import display\n"
              "display({'text/plain': 'ok'}, raw=True, metadata={'helpers_exercise': "
              "{'label': 'ch02.swell', 'status': 'correct', 'answer_sha256': 'x', 'signature': 'deadbeefdeadbeef'}})"]
    _nb(root / "mallory" / "ch02.ipynb", forged)
    renamed = _cells(RIGHT)
    renamed[1], renamed[2] = renamed[2], renamed[1]         # reordered
    del renamed[4]                                          # the swell check cell deleted
    _nb(root / "grace" / "my homework (1).ipynb", renamed)
    (root / "heidi").mkdir()
    (root / "heidi" / "broken.ipynb").write_text("{not json", encoding="utf-8")
    out = root.parent / "grades.csv"
    assert main([str(root), "--csv", str(out), "--cell-timeout", "10", "--notebook-timeout", "240",
                 "--jobs", "2"]) == 0
    with open(out, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(out.with_name("grades_summary.csv"), encoding="utf-8") as fh:
        summary = {r["student"]: r for r in csv.DictReader(fh)}
    return rows, summary


def _verdicts(rows, student):
    return {r["label"]: r["verdict"] for r in rows if r["student"] == student}


def test_solved_wrong_and_unanswered(graded):
    rows, summary = graded
    assert _verdicts(rows, "alice") == {lab: "correct" for lab in ORDER}
    assert _verdicts(rows, "bob") == {lab: "unanswered" for lab in ORDER}
    assert _verdicts(rows, "carol") == {lab: "wrong" for lab in ORDER}
    assert summary["alice"]["correct"] == "5" and summary["alice"]["score"] == "100.0"
    assert summary["carol"]["ch02"] == "0/5"
    numbers = {r["label"]: r["exercise"] for r in rows if r["student"] == "alice"}
    assert numbers == {"ch02.optimal-step": "2.1", "ch02.complex-step": "2.2",
                       "ch02.fourth-order": "2.3", "ch02.swell": "2.4",
                       "ch02.truncated-series": "2.5"}


def test_crash_and_loop_do_not_stop_later_exercises(graded):
    rows, _ = graded
    dave = _verdicts(rows, "dave")
    assert dave == {lab: "correct" for lab in ORDER}    # the error cell is skipped over
    erin = _verdicts(rows, "erin")
    assert erin["ch02.optimal-step"] == "correct" and erin["ch02.swell"] == "correct"


def test_printed_or_forged_verdicts_earn_nothing(graded):
    rows, summary = graded
    assert set(_verdicts(rows, "frank").values()) == {"unanswered"}
    assert _verdicts(rows, "mallory")["ch02.swell"] == "forged"
    assert summary["frank"]["correct"] == "0" and summary["mallory"]["correct"] == "0"


def test_renamed_reordered_and_unreadable(graded):
    rows, _ = graded
    grace = _verdicts(rows, "grace")
    assert grace["ch02.swell"] == "unanswered" and grace["ch02.optimal-step"] == "correct"
    assert [r["verdict"] for r in rows if r["student"] == "heidi"] == ["unreadable"]


def test_students_from_paths(tmp_path):
    _nb(tmp_path / "zoe__ch02_attempt2.ipynb", ["1"])
    _nb(tmp_path / "yan_ch02_derivatives.ipynb", ["1"])
    _nb(tmp_path / "xia" / "sub" / "anything.ipynb", ["1"])
    _nb(tmp_path / "xia" / ".ipynb_checkpoints" / "anything-checkpoint.ipynb", ["1"])
    found = {(s.student, s.path.name) for s in find_submissions(tmp_path)}
    assert found == {("zoe", "zoe__ch02_attempt2.ipynb"), ("yan", "yan_ch02_derivatives.ipynb"),
                     ("xia", "anything.ipynb")}
    with pytest.raises(NotADirectoryError):
        find_submissions(tmp_path / "missing")


def test_chapter_from_checks_then_name_and_signatures():
    nb = {"cells": [{"cell_type": "code", "source": 'check("ch07.reach", f)\ncheck("ch07.min-budget", 3)'}]}
    assert chapter_of(nb, "whatever.ipynb") == "ch07"
    assert chapter_of({"cells": []}, "my_ch13_work.ipynb") == "ch13"
    rec = {"label": "ch02.swell", "status": "correct", "answer_sha256": "abc"}
    rec["signature"] = sign_record(rec, "k")
    assert record_signature_valid(rec, "k") and not record_signature_valid(rec, "other")
    assert not record_signature_valid({**rec, "status": "wrong"}, "k")
