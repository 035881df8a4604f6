"""Shared pieces of the benchmark scripts: timing, the machine record, the code hash, saving.

Every results file records what it measured and where:

* ``meta.code_hash``: the SHA-256 of the code that produced it (:func:`code_hash`) over
  ``meta.code_files``: the benchmark script, this file, and every module of the repository the
  run imported (``src/helpers/...``, ``benchmarks/...``), found in ``sys.modules`` at save time.
  ``tests/test_benchmark_results.py`` recomputes the hash from the current files and fails when
  a results file is stale (the code changed since it was measured).
* ``meta.machine``, ``meta.load_average`` (1, 5 and 15 minutes, at the start and at the end of
  the run) and ``meta.date_utc``: timings from a loaded machine are noisy; the ratios of one run
  are what the benchmarks report.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
SRC = ROOT / "src"
if str(SRC) not in sys.path:  # the helper package of this checkout, also without an install
    sys.path.insert(0, str(SRC))
_LOAD_AT_START = os.getloadavg() if hasattr(os, "getloadavg") else None


def pin_to_one_core() -> int | None:
    """Run this process on one core (the first it may use), before JAX starts its threads: the
    CPU time of the process is then the work of one core, and XLA's worker threads do not
    spread a computation over cores that other processes share. Returns the core, or ``None``
    where the system cannot pin."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def best_time(fn: Callable[[], Any], budget: float = 0.5, min_reps: int = 3, max_reps: int = 100) -> float:
    """Minimum wall time of ``fn()`` over repeats lasting about ``budget`` seconds in total
    (the minimum filters out interference from other processes)."""
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < max_reps and (len(times) < min_reps or time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def median_times(fn: Callable[[], Any], repeats: int = 7, budget: float | None = None) -> dict:
    """Call ``fn()`` ``repeats`` times (at least; more while ``budget`` seconds last) and return
    the median wall time (``wall``), the median CPU time of the process (``cpu``: all threads,
    not inflated by waiting for a core on a loaded machine), their minima and the count."""
    wall: list[float] = []
    cpu: list[float] = []
    start = time.perf_counter()
    while len(wall) < repeats or (budget is not None and time.perf_counter() - start < budget
                                  and len(wall) < 1000):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return {"wall": statistics.median(wall), "cpu": statistics.median(cpu), "wall_min": min(wall),
            "cpu_min": min(cpu), "repeats": len(wall)}


def machine() -> dict:
    """Where and when the benchmark ran."""
    import numpy as np

    info = {"date_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "python": sys.version.split()[0], "numpy": np.__version__,
            "machine": platform.machine(), "processor": platform.processor() or platform.machine(),
            "system": f"{platform.system()} {platform.release()}", "cpu_count": os.cpu_count(),
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
            "load_average_start": list(_LOAD_AT_START) if _LOAD_AT_START else None,
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None}
    try:
        import jax

        info["jax"] = jax.__version__
        info["jax_backend"] = jax.default_backend()
        info["jax_x64"] = bool(jax.config.jax_enable_x64)
    except ImportError:
        pass
    return info


def repo_files_imported(script: Path) -> list[Path]:
    """The script, this file and every module of this repository that is imported now."""
    files = {Path(script).resolve(), Path(__file__).resolve()}
    for mod in list(sys.modules.values()):
        f = getattr(mod, "__file__", None)
        if not f:
            continue
        p = Path(f).resolve()
        if p.suffix == ".py" and (SRC in p.parents or HERE in p.parents):
            files.add(p)
    return sorted(files)


def code_hash(files: Iterable[str | Path], root: Path = ROOT) -> str:
    """SHA-256 over the files' paths (relative to the repository) and contents, in sorted order."""
    h = hashlib.sha256()
    for rel in sorted(str(Path(f).resolve().relative_to(root)) if Path(f).is_absolute() else str(f)
                      for f in files):
        h.update(rel.encode() + b"\0")
        h.update((root / rel).read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def provenance(script: Path) -> dict:
    """``code_hash`` and ``code_files`` of a run of ``script`` (call it at the end of the run)."""
    files = repo_files_imported(script)
    rel = [str(f.relative_to(ROOT)) for f in files]
    return {"code_hash": code_hash(rel), "code_files": rel}


def save(name: str, results: dict, script: str | Path, out: Path | None = None, *,
         top: dict | None = None, **extra_meta: Any) -> Path:
    """Write ``{"meta": ..., "results": ..., **top}`` to ``benchmarks/results/NAME.json`` (or
    ``out``) with the machine record and the code hash of ``script`` and what it imported;
    ``extra_meta`` goes into ``meta``."""
    out = out or RESULTS / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {**machine(), **provenance(Path(script)), "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
            **extra_meta}
    out.write_text(json.dumps({"meta": meta, "results": results, **(top or {})}, indent=2) + "\n")
    print(f"saved {out}")
    return out
