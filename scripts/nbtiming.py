"""pytest plugin for the notebook run: a table of each notebook's execution time, and a failure
for any notebook slower than the limit.

    pytest -p scripts.nbtiming --nbval-lax --nb-time-limit 90 book/

Times are summed over a notebook's cells (setup, which starts the kernel, plus execution); with
pytest-xdist the reports reach the controller, which prints the table.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

_times: dict[str, float] = defaultdict(float)
_failed: set[str] = set()
_slow: list[str] = []


def pytest_addoption(parser):
    parser.addoption("--nb-time-limit", type=float, default=90.0,
                     help="fail any notebook whose cells take longer than this many seconds in total")


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _times[path] += report.duration
        if report.failed:
            _failed.add(path)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    limit = session.config.getoption("--nb-time-limit")
    _slow[:] = [p for p, t in _times.items() if t > limit]
    if _slow and session.exitstatus == 0:
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
