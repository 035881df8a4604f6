"""Shared pieces of the benchmark scripts: timing, the machine record, saving results."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any, Callable

RESULTS = Path(__file__).resolve().parent / "results"


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


def machine() -> dict:
    """Where and when the benchmark ran."""
    import numpy as np

    info = {"date_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "python": sys.version.split()[0], "numpy": np.__version__,
            "machine": platform.machine(), "processor": platform.processor() or platform.machine(),
            "system": f"{platform.system()} {platform.release()}", "cpu_count": os.cpu_count(),
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None}
    try:
        import jax

        info["jax"] = jax.__version__
    except ImportError:
        pass
    return info


def save(name: str, results: dict, out: Path | None = None) -> Path:
    out = out or RESULTS / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": machine(), "results": results}, indent=2))
    print(f"saved {out}")
    return out
