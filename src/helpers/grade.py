"""Grade a class's submitted notebooks by re-running them and reading the exercise verdicts.

    python -m helpers.grade SUBMISSIONS --csv grades.csv [--summary summary.csv]
                            [--cell-timeout 120] [--notebook-timeout 900] [--jobs 1]

``SUBMISSIONS`` is a folder. A student is identified from the path of each notebook:

- ``SUBMISSIONS/<student>/.../*.ipynb`` (a folder per student, as nbgrader, an LMS export or a
  hub's collect step make) — the student is the top-level folder's name, whatever the notebooks
  are called;
- ``SUBMISSIONS/<student>.ipynb`` (one loose notebook per student) — the student is the file
  name without ``.ipynb``; a loose file named like ``<student>__anything.ipynb`` or
  ``<student>_chNN_anything.ipynb`` gives ``<student>``.

Which chapter a notebook is does not depend on its name: it is read from the exercise checks
the notebook contains (``check("chNN.…")``), so renamed files are graded. Each notebook is
copied into a fresh temporary folder and executed there in a fresh kernel (``nbclient``), with
a per-cell timeout (an endless loop is interrupted and the notebook goes on), errors allowed
(later exercises are still graded after a cell fails), and a per-notebook wall-clock limit (the
kernel is killed; verdicts recorded so far count, the rest are ``timeout``).

A verdict counts only if it is a grading record that :func:`helpers.exercises.check` wrote into
an output's metadata during this run, signed with a key that the grader gives the kernel in the
environment (``HELPERS_GRADE_KEY``). Printed text ("✅ ... correct") counts for nothing, and
neither do stored outputs, which are discarded before the run. For each label the last verdict
of the run counts. Exercises of the notebook's chapter with no verdict (deleted or never-run
check cells) are ``unanswered``.

Output: one CSV row per student × exercise (``student, notebook, chapter, label, exercise,
verdict, answer_sha256``) and a per-student summary (``student, correct, total, score`` and one
column per chapter). Verdicts: ``correct``, ``wrong``, ``error`` (the answer raised),
``unanswered``, ``timeout``, ``not-run`` (the kernel died first), ``forged`` (a record without
a valid signature).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

__all__ = ["Submission", "find_submissions", "grade_notebook", "grade_folder", "sign_record",
           "record_signature_valid", "KEY_ENV"]

#: Environment variable through which the grader gives the kernel its signing key.
KEY_ENV = "HELPERS_GRADE_KEY"
_METADATA_KEY = "helpers_exercise"
_CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](ch\d\d)\.([a-z0-9-]+)["']""")
_VERDICTS = ("correct", "wrong", "error", "unanswered", "timeout", "not-run", "forged")


# --------------------------------------------------------------------------- signatures
def _payload(record: dict) -> bytes:
    return "|".join(str(record.get(k)) for k in ("label", "status", "answer_sha256")).encode()


def sign_record(record: dict, key: str) -> str:
    """HMAC-SHA256 of a grading record's label, status and answer hash (16 hex digits)."""
    return hmac.new(key.encode(), _payload(record), hashlib.sha256).hexdigest()[:16]


def record_signature_valid(record: dict, key: str) -> bool:
    sig = record.get("signature")
    return isinstance(sig, str) and hmac.compare_digest(sig, sign_record(record, key))


# --------------------------------------------------------------------------- submissions
@dataclass
class Submission:
    """One notebook of one student."""

    student: str
    path: Path


def _student_of_loose_file(stem: str) -> str:
    m = re.match(r"^(.+?)(?:__.*|_ch\d\d.*)$", stem)
    return (m.group(1) if m else stem).strip() or stem


def find_submissions(root: Path) -> list[Submission]:
    """Every notebook under ``root`` with the student it belongs to (see the module docstring)."""
    root = Path(root)
    if not root.is_dir():
        raise NotADirectoryError(f"submissions folder {str(root)!r} does not exist or is not a folder")
    subs = []
    for path in sorted(root.rglob("*.ipynb")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):  # .ipynb_checkpoints and the like
            continue
        student = rel.parts[0] if len(rel.parts) > 1 else _student_of_loose_file(path.stem)
        subs.append(Submission(student, path))
    return subs


# --------------------------------------------------------------------------- one notebook
def _read_notebook(path: Path) -> dict | None:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return nb if isinstance(nb, dict) and isinstance(nb.get("cells"), list) else None


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def chapter_of(nb: dict, filename: str = "") -> str | None:
    """The chapter ("ch02") whose exercises the notebook checks most often; else from the file
    name (``chNN`` in it); else None."""
    counts: dict[str, int] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            for m in _CHECK_CALL.finditer(_source(cell)):
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    if counts:
        return max(sorted(counts), key=lambda k: counts[k])
    m = re.search(r"ch(\d\d)", filename)
    return f"ch{m.group(1)}" if m else None


def chapter_labels(chapter: str) -> list[tuple[str, str]]:
    """(label, number) of every exercise of ``chapter``, in the book's order."""
    from helpers.exercises import _numbers

    items = [(lab, num) for lab, num in _numbers().items() if lab.startswith(chapter + ".")]
    return sorted(items, key=lambda t: [int(x) for x in t[1].split(".")])


_RUNNER = r"""
import json, sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
src, out, cell_timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
nb = nbformat.read(src, as_version=4)
for cell in nb.cells:
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
state = {"status": "ok"}
def save(**kwargs):
    nbformat.write(nb, out)
client = NotebookClient(nb, timeout=cell_timeout, interrupt_on_timeout=True, allow_errors=True,
                        kernel_name="python3", resources={"metadata": {"path": sys.argv[4]}},
                        on_cell_executed=save)
try:
    client.execute()
except DeadKernelError:
    state["status"] = "dead"
except Exception as exc:
    state["status"] = "failed: " + type(exc).__name__ + ": " + str(exc)[:200]
nbformat.write(nb, out)
print(json.dumps(state))
"""


@dataclass
class NotebookResult:
    """What the run of one notebook produced."""

    chapter: str | None
    verdicts: dict[str, dict] = field(default_factory=dict)   # label -> last signed record
    forged: set[str] = field(default_factory=set)
    status: str = "ok"        # ok | timeout | dead | unreadable | failed: ...


def grade_notebook(path: Path, *, cell_timeout: float = 120, notebook_timeout: float = 900,
                   python: str = sys.executable) -> NotebookResult:
    """Execute one submitted notebook in an isolated folder and collect its signed verdicts."""
    nb = _read_notebook(Path(path))
    if nb is None:
        return NotebookResult(None, status="unreadable")
    chapter = chapter_of(nb, Path(path).name)
    key = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        src = work / "submission.ipynb"
        shutil.copyfile(path, src)
        out = Path(tmp) / "executed.ipynb"
        env = {k: v for k, v in os.environ.items() if k != KEY_ENV}
        env[KEY_ENV] = key
        env.setdefault("JAX_PLATFORMS", "cpu")
        env.setdefault("MPLBACKEND", "agg")
        status = "ok"
        try:
            proc = subprocess.run([python, "-c", _RUNNER, str(src), str(out), str(cell_timeout), str(work)],
                                  cwd=work, env=env, capture_output=True, text=True,
                                  timeout=notebook_timeout, start_new_session=True)
            lines = proc.stdout.strip().splitlines()
            status = json.loads(lines[-1])["status"] if lines else f"failed: {proc.stderr[-300:]}"
        except subprocess.TimeoutExpired:
            status = "timeout"
        except (ValueError, KeyError):
            status = "failed: the runner's report could not be read"
        executed = _read_notebook(out) if out.exists() else None
    result = NotebookResult(chapter, status=status)
    for cell in (executed or {}).get("cells", []):
        for output in cell.get("outputs", []) or []:
            rec = (output.get("metadata") or {}).get(_METADATA_KEY)
            if not isinstance(rec, dict) or not isinstance(rec.get("label"), str):
                continue
            if record_signature_valid(rec, key) and rec.get("status") in _VERDICTS:
                result.verdicts[rec["label"]] = rec
                result.forged.discard(rec["label"])
            else:
                result.forged.add(rec["label"])
    return result


# --------------------------------------------------------------------------- a class
def _rows_for(sub: Submission, res: NotebookResult) -> list[dict]:
    chapter = res.chapter
    expected = chapter_labels(chapter) if chapter else []
    labels = [lab for lab, _ in expected]
    labels += sorted(lab for lab in set(res.verdicts) | res.forged if lab not in labels)
    numbers = dict(expected)
    rows = []
    for lab in labels:
        rec = res.verdicts.get(lab)
        if rec is not None:
            verdict = rec["status"]
        elif lab in res.forged:
            verdict = "forged"
        elif res.status == "timeout":
            verdict = "timeout"
        elif res.status == "dead":
            verdict = "not-run"
        else:
            verdict = "unanswered"
        rows.append({"student": sub.student, "notebook": str(sub.path.name), "chapter": chapter or "",
                     "label": lab, "exercise": numbers.get(lab) or (rec or {}).get("number") or "",
                     "verdict": verdict, "answer_sha256": (rec or {}).get("answer_sha256", "")})
    if not rows:
        rows.append({"student": sub.student, "notebook": str(sub.path.name), "chapter": chapter or "",
                     "label": "", "exercise": "", "verdict": res.status if res.status != "ok" else "unanswered",
                     "answer_sha256": ""})
    return rows


def grade_folder(root: Path, *, cell_timeout: float = 120, notebook_timeout: float = 900,
                 jobs: int = 1, log=print) -> list[dict]:
    """Grade every submission under ``root``; return the per-exercise rows."""
    subs = find_submissions(Path(root))
    if not subs:
        raise FileNotFoundError(f"no notebooks (*.ipynb) under {str(root)!r}")

    def one(sub: Submission) -> list[dict]:
        res = grade_notebook(sub.path, cell_timeout=cell_timeout, notebook_timeout=notebook_timeout)
        log(f"{sub.student:>20}  {sub.path.name}  {res.chapter or '?'}  {res.status}  "
            f"{sum(r['status'] == 'correct' for r in res.verdicts.values())} correct")
        return _rows_for(sub, res)

    if jobs > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(jobs) as pool:
            chunks = list(pool.map(one, subs))
    else:
        chunks = [one(s) for s in subs]
    return [row for chunk in chunks for row in chunk]


def summarize(rows: Iterable[dict]) -> list[dict]:
    """Per student: exercises correct, exercises graded, score in percent, and per chapter."""
    by: dict[str, dict] = {}
    chapters: set[str] = set()
    for r in rows:
        if not r["label"]:
            by.setdefault(r["student"], {"correct": 0, "total": 0, "chapters": {}})
            continue
        s = by.setdefault(r["student"], {"correct": 0, "total": 0, "chapters": {}})
        ok = r["verdict"] == "correct"
        s["correct"] += ok
        s["total"] += 1
        if r["chapter"]:
            chapters.add(r["chapter"])
            c = s["chapters"].setdefault(r["chapter"], [0, 0])
            c[0] += ok
            c[1] += 1
    out = []
    for student in sorted(by):
        s = by[student]
        row = {"student": student, "correct": s["correct"], "total": s["total"],
               "score": f"{100 * s['correct'] / s['total']:.1f}" if s["total"] else "0.0"}
        for ch in sorted(chapters):
            c = s["chapters"].get(ch)
            row[ch] = f"{c[0]}/{c[1]}" if c else ""
        out.append(row)
    return out


def _write_csv(path: Path, rows: list[dict]) -> None:
    fields: list[str] = []
    for r in rows:
        fields += [k for k in r if k not in fields]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.grade", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("submissions", type=Path, help="folder of submitted notebooks")
    ap.add_argument("--csv", type=Path, required=True, help="per-exercise grades (one row per student × exercise)")
    ap.add_argument("--summary", type=Path, default=None,
                    help="per-student summary (default: the --csv name with _summary)")
    ap.add_argument("--cell-timeout", type=float, default=120, help="seconds per cell (default 120)")
    ap.add_argument("--notebook-timeout", type=float, default=900, help="seconds per notebook (default 900)")
    ap.add_argument("--jobs", type=int, default=1, help="notebooks graded at once (default 1)")
    args = ap.parse_args(argv)
    for name in ("cell_timeout", "notebook_timeout"):
        if getattr(args, name) <= 0:
            ap.error(f"--{name.replace('_', '-')} must be positive")
    if args.jobs < 1:
        ap.error("--jobs must be at least 1")
    try:
        rows = grade_folder(args.submissions, cell_timeout=args.cell_timeout,
                            notebook_timeout=args.notebook_timeout, jobs=args.jobs)
    except (FileNotFoundError, NotADirectoryError) as exc:
        ap.error(str(exc))
    _write_csv(args.csv, rows)
    summary = args.summary or args.csv.with_name(args.csv.stem + "_summary.csv")
    _write_csv(summary, summarize(rows))
    print(f"wrote {args.csv} ({len(rows)} rows) and {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
