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


def _pins(path: Path) -> dict[str, str]:
    lines = [ln.strip() for ln in path.read_text().splitlines()]
    return {ln.split("==")[0].lower(): ln.split("==")[1] for ln in lines if "==" in ln and not ln.startswith("#")}


def test_requirements_pin_everything():
    # requirements.txt is the full environment (notebooks, JupyterLab, build, tests): exact
    # versions, the theme packages included, and "-e ." for the helper package in src/.
    reqs = _requirements()
    assert "-e ." in reqs
    pinned = [r for r in reqs if r != "-e ."]
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][A-Za-z0-9_.+\-]*", r) for r in pinned), pinned
    names = {r.split("==")[0].lower() for r in pinned}
    for needed in ["numpy", "scipy", "autograd", "jax", "jaxlib", "matplotlib", "ipywidgets", "jupyter-book",
                   "sphinx-exercise", "sphinx-togglebutton", "sphinxcontrib-bibtex", "nbval", "pytest",
                   "pytest-xdist", "hypothesis", "jupyterlab", "jupyterlab-myst", "sphinx-book-theme",
                   "pydata-sphinx-theme", "sphinx-design", "myst-parser", "myst-nb"]:
        assert needed in names, needed
    assert not names & {"torch", "pytorch", "torchvision"}


def test_binder_environment_is_lean_and_consistent():
    """Binder and hubs (repo2docker reads binder/) get what the notebooks import, JupyterLab and
    jupyterlab-myst, at the versions of requirements.txt, and none of the build or test tools."""
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    lean = _pins(ROOT / "binder" / "requirements.txt")
    full = _pins(ROOT / "requirements.txt")
    for name, version in lean.items():
        assert full.get(name) == version, f"binder pins {name}=={version}, requirements.txt {full.get(name)}"
    for needed in ["numpy", "scipy", "autograd", "jax", "jaxlib", "matplotlib", "ipywidgets", "ipykernel",
                   "jupyterlab", "jupyterlab-myst"]:
        assert needed in lean, needed
    tools = {"jupyter-book", "sphinx", "pytest", "hypothesis", "nbval", "playwright", "pytest-xdist",
             "sphinx-book-theme", "pypdf", "myst-nb"}
    assert not tools & set(lean), tools & set(lean)
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install" in post and "--no-deps ." in post, "postBuild installs the helper package"
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def test_notebooks_import_only_what_binder_installs():
    """Every top-level module a notebook imports is in the standard library, the helper package,
    or installed by binder/requirements.txt."""
    import sys

    provided = {"numpy", "scipy", "autograd", "jax", "matplotlib", "ipywidgets", "IPython", "helpers", "PIL"}
    lean = _pins(ROOT / "binder" / "requirements.txt")
    assert {"numpy", "scipy", "autograd", "jax", "matplotlib", "ipywidgets", "pillow"} <= set(lean)
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"])
            for mod in re.findall(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", src, re.M):
                assert mod in sys.stdlib_module_names or mod in provided, f"{path.name} imports {mod}"


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


@pytest.mark.parametrize("doc", ["book/how-to-use.md", "README.md"])
def test_reader_path_is_documented_for_every_system(doc):
    """Readers get a plain path (venv, pip install -r requirements.txt, jupyter lab) for Linux,
    macOS and Windows; the maintainers' scripts are not the way in."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    assert "python3.11 -m venv .venv" in text and "py -3.11 -m venv .venv" in text
    assert "pip install -r requirements.txt" in text and "jupyter lab" in text
    assert "Windows" in text and "macOS" in text and "Linux" in text
    reader_part = text.split("maintainers")[0]
    assert "bash scripts/test.sh" not in reader_part.replace("(`bash scripts/test.sh`", ""), \
        "readers are not sent to the test script"


def test_ci_runs_the_reader_path_outside_the_repository():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "-m venv .venv" in ci and "pip install --quiet -r requirements.txt" in ci
    assert "jupyter nbconvert --to notebook --execute" in ci and "mktemp -d" in ci and "env -i" in ci
    # the reader's step needs no apt or npm: they are installed before it, for the tests
    reader = ci.split("The reader's path")[1].split("bash scripts/test.sh")[0]
    assert "apt-get" not in reader and "npm" not in reader
