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


def test_the_hash_sees_every_change_of_the_measured_code(tmp_path):
    """Editing any measured file (one byte, even a comment) or renaming it changes the hash, so
    the test above fails for a results file the moment its code changes."""
    meta = json.loads((RESULTS / "bench_checkpointing.json").read_text())["meta"]
    files = meta["code_files"]
    for f in files:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_bytes((ROOT / f).read_bytes() if (ROOT / f).is_file() else b"")
    hash_ = _common().code_hash
    before = hash_(files, tmp_path)
    for f in files:
        original = (tmp_path / f).read_bytes()
        (tmp_path / f).write_bytes(original + b"#")
        assert hash_(files, tmp_path) != before, f
        (tmp_path / f).write_bytes(original)
    assert hash_(files, tmp_path) == before
    renamed = [files[0] + ".old"] + files[1:]
    (tmp_path / renamed[0]).write_bytes((tmp_path / files[0]).read_bytes())
    assert hash_(renamed, tmp_path) != before


def test_the_engine_benchmark_hashes_the_engine():
    """The checkpointing results cover the modules that make the measured numbers: the engine,
    its step functions, the memory measurement and the schedules."""
    for path in RESULTS.glob("bench_checkpointing*.json"):
        files = set(json.loads(path.read_text())["meta"]["code_files"])
        for need in ("src/helpers/checkpointing.py", "src/helpers/executor.py", "src/helpers/stepping.py",
                     "src/helpers/memory.py", "src/helpers/seismic.py", "benchmarks/_checkpointing_cases.py"):
            assert need in files, (path.name, need)
        assert any(f.startswith("src/helpers/pebble") for f in files), path.name
