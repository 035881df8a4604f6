"""Every saved benchmark result records the hash of the code it measured, and that code has not
changed since: a results file goes stale the moment its benchmark or a helper module it imports
is edited, and this test says which file and how to regenerate it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
FILES = sorted(RESULTS.glob("*.json"))


def _common():
    spec = importlib.util.spec_from_file_location("bench_common", ROOT / "benchmarks" / "_common.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_benchmark_has_results():
    names = {f.stem for f in FILES}
    for script in ("bench_gradients", "bench_jacobian", "bench_checkpointing"):
        assert script in names and f"{script}_quick" in names, (script, names)


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_results_record_the_code_they_measured(path):
    meta = json.loads(path.read_text())["meta"]
    for key in ("code_hash", "code_files", "date_utc", "machine", "cpu_count", "load_average"):
        assert meta.get(key) is not None, f"{path.name}: meta lacks {key!r}"
    script = f"benchmarks/{path.stem.removesuffix('_quick')}.py"
    assert script in meta["code_files"] and "benchmarks/_common.py" in meta["code_files"], meta["code_files"]
    missing = [f for f in meta["code_files"] if not (ROOT / f).is_file()]
    now = _common().code_hash(meta["code_files"]) if not missing else None
    assert not missing and now == meta["code_hash"], (
        f"benchmarks/results/{path.name} is stale: the code it measured ({', '.join(meta['code_files'])}) "
        f"{'no longer exists: ' + ', '.join(missing) if missing else 'has changed since ' + meta['date_utc']}. "
        "Regenerate every result with `python benchmarks/run_all.py` (see benchmarks/README.md).")
