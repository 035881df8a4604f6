"""instructor.hub_sizing: measuring some chapters keeps the others' earlier measurements."""

import json

import pytest

from instructor import hub_sizing


@pytest.mark.skipif(not __import__("pathlib").Path("/proc/self/status").exists(), reason="reads /proc")
def test_measuring_some_chapters_keeps_the_others(tmp_path, monkeypatch):
    out = tmp_path / "hub.json"
    earlier = {"date": "2026-01-01 00:00 UTC", "notebooks": {
        "book/part1/ch01_intro.ipynb": {"wall_s": 1.0, "cpu_s": 1.0, "peak_rss_mb": 100.0, "sha256": "a"},
        "book/part1/ch02_derivatives.ipynb": {"wall_s": 2.0, "cpu_s": 2.0, "peak_rss_mb": 200.0, "sha256": "b"}}}
    out.write_text(json.dumps(earlier))
    monkeypatch.setattr(hub_sizing, "measure", lambda p: {"wall_s": 9.0, "cpu_s": 9.0, "peak_rss_mb": 900.0,
                                                          "sha256": "new"})
    assert hub_sizing.main(["ch02", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    nbs = data["notebooks"]
    ch02 = next(k for k in nbs if "/ch02_" in k and k != "book/part1/ch02_derivatives.ipynb")
    assert nbs[ch02]["sha256"] == "new" and nbs[ch02]["date"] != "2026-01-01 00:00 UTC"
    assert nbs["book/part1/ch01_intro.ipynb"]["date"] == "2026-01-01 00:00 UTC"   # kept, with its date
    assert data["date"].startswith("2026-01-01 00:00 UTC to ")
