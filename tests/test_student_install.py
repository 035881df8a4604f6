"""A student's install of the helper package contains no reference answers.

The package is installed the way a student gets it (``pip install`` of the repository, not
editable) into a scratch folder, and every file of it is searched for: the instructor modules,
the reference values of every exercise (in the textual forms a message or a listing would show
them), and the lines of code of every reference solution."""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from instructor import build  # noqa: E402
from test_checker_standard import _numbers_in, _tokens  # noqa: E402


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("student-site")
    # Build from a copy of what the package is made of, so no build/ folder lands in the repo.
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    out = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                          "--target", str(target), str(source)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert (target / "helpers" / "exercises" / "numbers.json").is_file()
    return target


def _files(root: Path) -> dict[Path, str]:
    texts = {}
    for p in root.rglob("*"):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            texts[p] = p.read_bytes().decode("utf-8", errors="replace")
    return texts


def _solution_lines(obj) -> list[str]:
    if not callable(obj):
        return []
    try:
        src = inspect.getsource(obj)
    except (OSError, TypeError):
        return []
    lines = [ln.strip() for ln in src.splitlines()[1:]]          # the body, not the def line
    return [ln for ln in lines if len(ln) >= 30 and not ln.startswith(("#", '"""', "'''"))]


def test_the_student_package_has_no_instructor_code(installed):
    assert not (installed / "instructor").exists()
    for path, text in _files(installed).items():
        assert "SOLUTIONS = {" not in text and "WRONG = {" not in text, f"{path}: an answer catalogue"
        assert "import instructor" not in text and "from instructor" not in text, f"{path} imports instructor code"


def test_the_student_package_holds_no_reference_values_or_solution_code(installed):
    files = _files(installed)
    found = []
    for chapter in build.chapter_modules():
        mod = build.solutions(chapter)
        for label, make in getattr(mod, "REFERENCES", {}).items():
            values: list[float] = []
            _numbers_in(make(), values)
            # In whole files a number of three digits turns up by coincidence: look for forms
            # with four or more significant digits, and integers from 1000 up.
            tokens = {t for v in set(values) for t in _tokens(v, min_digits=4, min_int=1000)}
            for path, text in files.items():
                if path.suffix == ".bin":
                    continue  # compressed reference data: not readable by accident
                for tok in tokens:
                    if re.search(tok, text):
                        found.append(f"{label}: a reference value ({tok}) in {path.relative_to(installed)}")
        for label, sol in getattr(mod, "SOLUTIONS", {}).items():
            for line in _solution_lines(sol):
                for path, text in files.items():
                    if path.suffix == ".py" and line in text:
                        found.append(f"{label}: solution code {line!r} in {path.relative_to(installed)}")
    assert not found, "\n".join(found[:30])
