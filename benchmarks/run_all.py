"""Regenerate every file in ``benchmarks/results/``: each benchmark, full and ``--quick``.

    python benchmarks/run_all.py              # everything (about 15 minutes on 2 quiet cores)
    python benchmarks/run_all.py --only bench_checkpointing

Run it on a quiet machine with the book's environment (and ``benchmarks/requirements.txt``
for the optional comparisons). Each script runs in its own process, one after the other, and
writes its JSON with the code hash, the machine and the load average;
``tests/test_benchmark_results.py`` then passes until the measured code changes again.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("bench_gradients", "bench_jacobian", "bench_checkpointing")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default=",".join(SCRIPTS), help="comma-separated script names")
    ap.add_argument("--no-quick", action="store_true", help="skip the --quick variants")
    args = ap.parse_args(argv)
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    failed = []
    for name in args.only.split(","):
        for quick in ((False,) if args.no_quick else (False, True)):
            cmd = [sys.executable, str(HERE / f"{name}.py")] + (["--quick"] if quick else [])
            print(f"\n$ {' '.join(cmd[1:])}   (load average {os.getloadavg()[0]:.1f})", flush=True)
            t0 = time.perf_counter()
            if subprocess.run(cmd, env=env).returncode != 0:
                failed.append(" ".join(cmd[1:]))
            print(f"({time.perf_counter() - t0:.0f} s)", flush=True)
    if failed:
        print("FAILED:\n  " + "\n  ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
