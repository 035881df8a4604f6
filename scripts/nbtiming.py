"""pytest plugin for the notebook run: a table of each notebook's execution time, and a failure
for any notebook slower than the limit.

    pytest -p scripts.nbtiming --nbval-lax --nb-time-limit 90 book/

With ``--save-executed DIR`` every notebook whose cells all passed is written, with the outputs
nbval collected, to DIR (same relative path): ``scripts/execute_cache.py --from-executed DIR``
then puts them in the book's Jupyter cache, so the build does not execute them a second time.

With ``--expect-unanswered`` (used on the student edition) a cell fails if an exercise check in
it reports anything but "not answered yet" (a wrong answer, or an error), and a notebook with
exercise checks fails if none of them reported "not answered yet".

Times are summed over a notebook's cells (setup, which starts the kernel, plus execution); with
pytest-xdist the reports reach the controller, which prints the table.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

_times: dict[str, float] = defaultdict(float)
_failed: set[str] = set()
_slow: list[str] = []
_unanswered: dict[str, int] = defaultdict(int)
_has_checks: set[str] = set()
_EXERCISE_CHECK = re.compile(r"check\(\s*[\"']ch\d\d\.")
_BAD = ("\u274c", "\u26a0")      # the verdict icons of a wrong answer and of an error


def pytest_addoption(parser):
    parser.addoption("--nb-time-limit", type=float, default=90.0,
                     help="fail any notebook whose cells take longer than this many seconds in total")
    parser.addoption("--save-executed", default=None, metavar="DIR",
                     help="write each fully passing notebook, with its outputs, under DIR")
    parser.addoption("--expect-unanswered", action="store_true",
                     help="exercise checks must all report 'not answered yet' (student edition)")


def _stream_text(outputs) -> str:
    text = []
    for out in outputs or []:
        data = out.get("text") if isinstance(out, dict) else getattr(out, "text", None)
        if data:
            text.append("".join(data))
        # exercise verdicts are display_data outputs (text/plain and text/html, with metadata)
        rich = out.get("data") if isinstance(out, dict) else getattr(out, "data", None)
        if rich and "text/plain" in rich:
            text.append("".join(rich["text/plain"]) + "\n")
    return "".join(text)


_executed: dict[str, object] = {}   # path -> the nbval file collector (holds the notebook)
_counter: dict[str, int] = defaultdict(int)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    cell = getattr(item, "cell", None)
    if call.when != "call" or cell is None:
        return
    path = item.nodeid.split("::")[0]
    if item.config.getoption("--save-executed") and getattr(item, "test_outputs", None) is not None:
        _counter[path] += 1
        cell.outputs = item.test_outputs
        cell.execution_count = _counter[path]
        _executed[path] = item.parent
    if not item.config.getoption("--expect-unanswered"):
        return
    # Only cells that call an exercise check count; a chapter may demonstrate a failing
    # gradient check (helpers.check.check_grad on a wrong gradient) on purpose.
    if not _EXERCISE_CHECK.search(getattr(cell, "source", "")):
        return
    _has_checks.add(path)
    text = _stream_text(getattr(item, "test_outputs", None))
    _unanswered[path] += text.count("not answered yet")
    if any(icon in text for icon in _BAD) and report.passed:
        report.outcome = "failed"
        report.longrepr = f"an exercise check did not report 'not answered yet':\n{text.strip()}"


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _times[path] += report.duration
        if report.failed:
            _failed.add(path)


def _save_executed(config) -> None:
    import nbformat

    out = Path(config.getoption("--save-executed"))
    for path, collector in _executed.items():
        if path in _failed:
            continue
        nb = getattr(collector, "nb", None)
        if nb is None:
            continue
        rel = Path(path)
        if rel.is_absolute():
            rel = rel.relative_to(Path(str(config.rootpath)))
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(target))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if session.config.getoption("--save-executed"):
        _save_executed(session.config)
    limit = session.config.getoption("--nb-time-limit")
    _slow[:] = [p for p, t in _times.items() if t > limit]
    silent = [p for p in _has_checks if _unanswered[p] == 0]
    for p in silent:
        _failed.add(p)
    if (_slow or silent) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _times:
        return
    limit = config.getoption("--nb-time-limit")
    tr = terminalreporter
    tr.section("notebook execution times")
    width = max(len(p) for p in _times)
    for path, t in sorted(_times.items()):
        status = "FAILED" if path in _failed else ("TOO SLOW" if t > limit else "ok")
        tr.write_line(f"{path:<{width}}  {t:7.1f} s  {status}")
    tr.write_line(f"{'total':<{width}}  {sum(_times.values()):7.1f} s  (limit {limit:.0f} s per notebook)")
    for path in _slow:
        tr.write_line(f"FAILED: {path} took {_times[path]:.1f} s, over the {limit:.0f} s limit", red=True)
