"""The deploy workflow, CI and the build script agree: the workflow runs the build script CI
runs, publishes what it writes, and keys the execution cache on the notebooks and pins."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "deploy.yml"


def _steps() -> list[dict]:
    wf = yaml.safe_load(WORKFLOW.read_text())
    return [s for job in wf["jobs"].values() for s in job.get("steps", [])]


def test_workflow_runs_the_build_script_that_ci_runs():
    runs = "\n".join(s.get("run", "") for s in _steps())
    assert "bash scripts/build.sh --pdf" in runs
    test_sh = (ROOT / "scripts" / "test.sh").read_text()
    assert "bash scripts/build.sh --pdf" in test_sh, "CI must run the build command the workflow runs"
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_workflow_publishes_both_sites_and_the_notebooks_branch():
    steps = _steps()
    upload = [s for s in steps if "upload-pages-artifact" in s.get("uses", "")]
    assert upload and upload[0]["with"]["path"] == "_build/publish"
    assert any("deploy-pages" in s.get("uses", "") for s in steps)
    build = (ROOT / "scripts" / "build.sh").read_text()
    assert "cp -r _build/html-student _build/publish/student" in build
    branch = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]["book_launch"]["notebooks_branch"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "cd _build/editions" in runs and f"{branch}\n" in runs + "\n" and f"-b {branch}" in runs
    assert "python -m helpers.edition editions _build/editions" in build


def test_execution_cache_is_keyed_on_notebooks_and_requirements():
    cache = [s for s in _steps() if "actions/cache" in s.get("uses", "")]
    assert cache and cache[0]["with"]["path"] == "_build/.jupyter_cache"
    key = cache[0]["with"]["key"]
    for part in ("requirements.txt", "book/**/*.ipynb", "src/helpers"):
        assert part in key, f"cache key lacks {part}"
    assert re.search(r"hashFiles\(", key)
