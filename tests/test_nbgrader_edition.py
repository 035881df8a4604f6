"""The nbgrader edition converts every chapter: each exercise becomes a reset cell, a solution
cell with nbgrader's markers and a locked, graded check cell; no solution cell or hidden check
is left outside the markers."""

import json
from pathlib import Path

import pytest

from helpers.exercises import _numbers
from helpers.nbgrader_edition import _solution_region, nbgrader_notebook, write_nbgrader_course

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(ROOT.glob("book/part*/ch[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name[:4] for p in CHAPTERS])
def test_every_exercise_becomes_three_nbgrader_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    out, labels = nbgrader_notebook(nb, points=2)
    expected = [lab for lab in _numbers() if lab.startswith(path.name[:4] + ".")]
    assert sorted(labels) == sorted(expected)
    graded = [c for c in out["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    solutions = [c for c in out["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    assert len(graded) == len(solutions) == len(labels)
    assert all(c["metadata"]["nbgrader"]["points"] == 2 and c["metadata"]["nbgrader"]["locked"] for c in graded)
    for c in solutions:
        src = "".join(c["source"])
        assert "### BEGIN SOLUTION" in src and "### END SOLUTION" in src
    for c in out["cells"]:
        tags = c.get("metadata", {}).get("tags", [])
        assert "solution" not in tags
        assert "remove-cell" not in tags or "setup" in tags
        assert "{solution-start}" not in "".join(c["source"])


def test_function_bodies_only_are_replaced():
    region = _solution_region("def answer(n):\n    raise NotImplementedError",
                              "def answer(n):\n    s = 1\n    return 6 * 2**n - 5")
    assert region.splitlines()[0] == "def answer(n):"
    assert region.splitlines()[1].strip() == "### BEGIN SOLUTION"
    assert _solution_region("answer = None", "answer = 3.0").startswith("### BEGIN SOLUTION\nanswer = 3.0")


def test_course_layout_and_bad_input(tmp_path):
    written = write_nbgrader_course(ROOT, tmp_path, ["ch02"])
    assert list(written) == ["ch02"] and (tmp_path / "nbgrader_config.py").exists()
    assert (tmp_path / "source" / "ch02").is_dir()
    with pytest.raises(ValueError, match="no chapter notebook"):
        write_nbgrader_course(ROOT, tmp_path, ["ch99"])
    with pytest.raises(ValueError, match="points must be positive"):
        write_nbgrader_course(ROOT, tmp_path, ["ch02"], points=0)
