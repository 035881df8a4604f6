"""Measure what one student's kernel needs for each chapter: peak memory and CPU time.

    python -m instructor.hub_sizing [--out instructor/results/hub_sizing.json] [chapters...]

Each chapter notebook is executed alone, in a fresh kernel, one after another (run it on a quiet
machine). For each, the kernel process's resident high-water mark (``VmHWM`` from
``/proc/<pid>/status``: the memory the operating system saw it use at its peak) and its CPU time
(user + system, from ``/proc/<pid>/stat``, read just before the kernel is shut down) are
recorded with the wall time. The results file records the date, the machine, the load average,
the package versions and a SHA-256 of every notebook measured, so that the *For instructors*
page can say which chapters changed since the measurement. Linux only (it reads ``/proc``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "instructor" / "results" / "hub_sizing.json"


def notebook_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _proc_stats(pid: int) -> tuple[float, float]:
    """(peak resident memory in MB, CPU seconds) of a live process."""
    status = Path(f"/proc/{pid}/status").read_text()
    hwm_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks      # utime + stime
    return hwm_kb / 1024, cpu


def measure(path: Path, timeout: float = 600) -> dict:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        peak_mb, cpu = _proc_stats(pid)
    return {"wall_s": round(time.perf_counter() - t0, 2), "cpu_s": round(cpu, 2),
            "peak_rss_mb": round(peak_mb, 1), "sha256": notebook_hash(path)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("chapters", nargs="*", help="chNN to measure (default: every chapter); the others keep their earlier measurements")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    if not Path("/proc/self/status").exists():
        ap.error("this measurement reads /proc: run it on Linux")
    paths = sorted(ROOT.glob("book/part*/ch[0-9][0-9]_*.ipynb"))
    if args.chapters:
        paths = [p for p in paths if p.name[:4] in set(args.chapters)]
    import importlib.metadata as md

    # measuring some chapters keeps the others' earlier measurements; each entry has its date
    results = {}
    old_date = None
    if args.chapters and args.out.exists():
        old = json.loads(args.out.read_text(encoding="utf-8"))
        old_date = old.get("date")
        results = {k: {"date": old_date, **v} for k, v in old.get("notebooks", {}).items()}
    now = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    for p in paths:
        print(f"measuring {p.name} ...", flush=True)
        results[p.relative_to(ROOT).as_posix()] = {**measure(p), "date": now}
        print("   ", results[p.relative_to(ROOT).as_posix()], flush=True)
    results = dict(sorted(results.items()))
    dates = sorted({r["date"] for r in results.values() if r.get("date")})
    data = {
        "what": "one kernel per chapter notebook: peak resident memory (VmHWM), CPU time, wall time",
        "date": now if len(dates) <= 1 else f"{dates[0]} to {dates[-1]}",
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count(), "load_average_before": list(os.getloadavg())},
        "versions": {pkg: md.version(pkg) for pkg in ("numpy", "jax", "jaxlib", "matplotlib", "scipy")},
        "notebooks": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
