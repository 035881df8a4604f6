"""Launch and environment: Binder's install, the Colab set-up cell, one repository URL."""

from __future__ import annotations

import importlib.metadata as md
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPO_URL = CONFIG["repository"]["url"].rstrip("/")
def _uses_helpers(path: Path) -> bool:
    """A notebook whose code imports the helper package (it needs the Colab set-up cell)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return bool(re.search(r"^\s*(import helpers|from helpers)", code, re.M))


NOTEBOOKS = [p for p in sorted((ROOT / "book").rglob("*.ipynb")) + [ROOT / "templates" / "chapter_template.ipynb"]
             if _uses_helpers(p)]


def _requirements() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]


def test_binder_files():
    # repo2docker (Binder) reads runtime.txt for the Python version and requirements.txt, whose
    # "-e ." installs the helper package from the repository it has just copied.
    assert (ROOT / "runtime.txt").read_text().strip() == "python-3.11"
    reqs = _requirements()
    assert "-e ." in reqs
    pinned = [r for r in reqs if r != "-e ."]
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][A-Za-z0-9_.+\-]*", r) for r in pinned), pinned
    names = {r.split("==")[0].lower() for r in pinned}
    for needed in ["numpy", "scipy", "autograd", "jax", "jaxlib", "matplotlib", "ipywidgets", "jupyter-book",
                   "sphinx-exercise", "sphinx-togglebutton", "sphinxcontrib-bibtex", "nbval", "pytest",
                   "pytest-xdist", "hypothesis", "jupyterlab"]:
        assert needed in names, needed
    assert not names & {"torch", "pytorch", "torchvision"}


def test_this_environment_is_the_one_requirements_txt_describes():
    """The test suite runs in a fresh environment made from requirements.txt (as Binder's is):
    every pinned package is installed at exactly its pinned version, and `helpers` is the
    package in src/."""
    for req in _requirements():
        if req == "-e .":
            continue
        name, version = req.split("==")
        assert md.version(name) == version, f"{name}: installed {md.version(name)}, pinned {version}"
    import helpers

    assert Path(helpers.__file__).resolve().is_relative_to(ROOT / "src")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_colab_setup_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "a chapter without code"
    first = code[0]
    src = "".join(first["source"])
    tags = first.get("metadata", {}).get("tags", [])
    assert "setup" in tags and "remove-cell" in tags, f"first code cell is not the set-up cell: {src[:80]!r}"
    assert "find_spec(\"helpers\")" in src and "%pip install" in src
    assert "noqa" not in src and "pragma" not in src, "the set-up cell is read by students: no linter noise"
    m = re.search(r"git\+(\S+?)[\"']", src)
    assert m, "the set-up cell must install the helper package from the repository"
    assert m.group(1).rstrip("/") == REPO_URL, "the set-up cell and _config.yml name different repositories"
