"""Execute the book's notebooks two at a time into the Jupyter cache that `jupyter-book build`
reads (execute_notebooks: cache), so the build itself only renders.

    python scripts/execute_cache.py [BOOK_ROOT] [--workers 2] [--from-executed DIR]

Notebooks already in the cache with the same code are skipped. With --from-executed, a notebook
that the test run already executed (written to DIR by `pytest -p scripts.nbtiming
--save-executed DIR`) is cached from that copy when its code is unchanged, instead of being
executed again. Prints each notebook's
execution time; exits 1 if a notebook fails (with its traceback).

Each cached notebook records the run that executed it (date and package versions, see
:func:`run_record`); the book shows it in the chapter's footer ("Last verified", _ext/book_run.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
import yaml


def toc_notebooks(root: Path) -> list[Path]:
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files: list[str] = [toc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                files.append(e["file"])
            walk(e.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [root / f"{f}.ipynb" for f in files if (root / f"{f}.ipynb").exists()]


#: The packages whose versions a chapter's "Last verified" line names.
RUN_PACKAGES = ("numpy", "scipy", "jax", "autograd", "matplotlib")


def run_record(executed_at: float | None = None) -> dict:
    """What the book records about the run that executed a notebook: the date (UTC) and the
    versions of Python and of the main packages in the executing environment."""
    import datetime
    import importlib.metadata as md
    import platform

    when = datetime.datetime.fromtimestamp(executed_at if executed_at is not None else time.time(),
                                           tz=datetime.timezone.utc)
    versions = {"python": platform.python_version()}
    for name in RUN_PACKAGES:
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            pass
    return {"executed_at": when.strftime("%Y-%m-%d"), "versions": versions}


def _code(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def _all_ran(nb) -> bool:
    return all(c.execution_count is not None for c in nb.cells if c.cell_type == "code")


def _execute(path: str, timeout: int) -> tuple[str, float, str | None, dict | None]:
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    result = single_nb_execution(nb, cwd=str(Path(path).parent), allow_errors=False,
                                 timeout=timeout, meta_override=True)
    elapsed = time.perf_counter() - t0
    if result.err is not None:
        return path, elapsed, result.exc_string or repr(result.err), None
    return path, elapsed, None, nbformat.writes(nb)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", nargs="?", default=".")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--from-executed", type=Path, default=None, metavar="DIR",
                    help="reuse notebooks executed by the test run (see scripts/nbtiming.py)")
    args = ap.parse_args(argv)
    root = Path(args.root).resolve()
    cfg = yaml.safe_load((root / "_config.yml").read_text())
    timeout = int(cfg.get("execute", {}).get("timeout", 120))
    cache_dir = root / cfg.get("execute", {}).get("cache", "_build/.jupyter_cache")

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(cache_dir))
    todo = []
    for nb_path in toc_notebooks(root):
        nb = nbformat.read(nb_path, as_version=4)
        rel = nb_path.relative_to(root)
        try:
            cache.match_cache_notebook(nb)
            print(f"  cached   {rel}")
            continue
        except KeyError:
            pass
        done = args.from_executed / rel if args.from_executed else None
        if done is not None and done.exists():
            executed = nbformat.read(done, as_version=4)
            if _code(executed) == _code(nb) and _all_ran(executed):
                stage = cache.add_nb_to_project(str(nb_path))
                cache.cache_notebook_bundle(CacheBundleIn(executed, stage.uri,
                                                          data=run_record(done.stat().st_mtime)),
                                            check_validity=False, overwrite=True)
                print(f"  reused   {rel} (executed by the test run)")
                continue
        todo.append(nb_path)
    failures = 0
    with ProcessPoolExecutor(max_workers=max(1, args.workers)) as pool:
        futures = [pool.submit(_execute, str(p), timeout) for p in todo]
        for fut in as_completed(futures):
            path, elapsed, err, text = fut.result()
            rel = Path(path).relative_to(root)
            if err:
                failures += 1
                print(f"  FAILED   {rel} after {elapsed:.1f} s\n{err}", file=sys.stderr)
                continue
            stage = cache.add_nb_to_project(path)
            cache.cache_notebook_bundle(
                CacheBundleIn(nbformat.reads(text, as_version=4), stage.uri,
                              data={"execution_seconds": elapsed, **run_record()}),
                check_validity=False, overwrite=True)
            print(f"  executed {rel} in {elapsed:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    sys.exit(main())
