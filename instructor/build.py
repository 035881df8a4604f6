"""Rebuild the exercise reference data and the exercise numbers.

    python -m instructor.build            # rewrite references/*.bin and numbers.json
    python -m instructor.build --check    # exit 1 if either is out of date

Reference data: for each ``instructor/solutions/chNN.py`` with a ``REFERENCES`` dict (label ->
zero-argument function returning numbers, arrays, tuples, lists or dicts of those), the data is
computed and written, compressed, to ``src/helpers/exercises/references/chNN.bin``.

Numbers: in each chapter notebook ``book/part*/chNN_*.ipynb`` the exercises are numbered N.1,
N.2, ... in the order of their ``{exercise}`` directives; the directive's label
``ex-chNN-short-name`` belongs to the check label ``chNN.short-name``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "helpers" / "exercises"
_CHECK = re.compile(r"""\bcheck\(\s*["'](ch\d\d\.[a-z0-9-]+)["']""")
_DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{exercise\}[^\n]*\n(?:[^\n]*\n)*?:label:\s*ex-(ch\d\d)-([a-z0-9-]+)",
                        re.M)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def exercise_numbers(root: Path = ROOT) -> dict[str, str]:
    """Check label -> "N.k": the k-th ``{exercise}`` directive of chapter N's notebook, whose
    check label is the first ``check("chNN.name", ...)`` in the code cells that follow it."""
    numbers: dict[str, str] = {}
    for path in sorted(root.glob("book/part*/ch[0-9][0-9]_*.ipynb")):
        chapter = int(path.name[2:4])
        k, pending = 0, None
        for cell in _cells(path):
            src = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                for m in _DIRECTIVE.finditer(src):
                    if pending is not None:
                        raise ValueError(f"{path.name}: exercise {pending} has no check(...) cell")
                    k += 1
                    pending = f"ex-{m.group(2)}-{m.group(3)}"
                continue
            m = _CHECK.search(src)
            if pending is not None and m:
                label = m.group(1)
                if int(label[2:4]) != chapter:
                    raise ValueError(f"{path.name}: {pending} is checked with {label!r}, of another chapter")
                if label in numbers:
                    raise ValueError(f"{path.name}: exercise {label} appears twice")
                numbers[label] = f"{chapter}.{k}"
                pending = None
        if pending is not None:
            raise ValueError(f"{path.name}: exercise {pending} has no check(...) cell")
    return numbers


def chapter_modules() -> list[str]:
    import instructor.solutions as pkg

    return sorted(info.name for info in pkgutil.iter_modules(pkg.__path__) if re.fullmatch(r"ch\d\d", info.name))


def solutions(chapter: str):
    """The instructor module of ``chapter`` ("ch07")."""
    return importlib.import_module(f"instructor.solutions.{chapter}")


def reference_data(chapter: str) -> dict:
    mod = solutions(chapter)
    return {label: fn() for label, fn in getattr(mod, "REFERENCES", {}).items()}


def _build(check_only: bool) -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    import helpers

    helpers.jax_cpu()
    from helpers.exercises import decode_reference, encode_reference

    stale = []
    nums = json.dumps(exercise_numbers(), indent=1, sort_keys=True) + "\n"
    target = PACKAGE / "numbers.json"
    if not target.exists() or target.read_text(encoding="utf-8") != nums:
        stale.append(str(target.relative_to(ROOT)))
        if not check_only:
            target.write_text(nums, encoding="utf-8")
    (PACKAGE / "references").mkdir(exist_ok=True)
    for chapter in chapter_modules():
        data = reference_data(chapter)
        if not data:
            continue
        target = PACKAGE / "references" / f"{chapter}.bin"
        blob = encode_reference(data)
        current = target.read_bytes() if target.exists() else None
        if current is None or _differs(decode_reference(current), decode_reference(blob)):
            stale.append(str(target.relative_to(ROOT)))
            if not check_only:
                target.write_bytes(blob)
    return stale


def _differs(a, b) -> bool:
    import numpy as np

    if type(a) is not type(b):
        return True
    if isinstance(a, dict):
        return a.keys() != b.keys() or any(_differs(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) != len(b) or any(_differs(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return a.shape != b.shape or a.dtype != b.dtype or not np.array_equal(a, b, equal_nan=True)
    if isinstance(a, float) and a != a and b != b:
        return False
    return a != b


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="only verify; exit 1 if anything is stale")
    args = ap.parse_args(argv)
    stale = _build(args.check)
    if args.check:
        if stale:
            print("out of date (run python -m instructor.build):", *stale, sep="\n  ")
            return 1
        print("exercise reference data and numbers are current")
        return 0
    print("rebuilt:" if stale else "nothing to rebuild", *stale, sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
