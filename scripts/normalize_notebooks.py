"""Store notebooks the way the book keeps them: no outputs, no execution counts, a python3
kernelspec, and no editor-specific metadata.

    python scripts/normalize_notebooks.py book/part1/*.ipynb      # rewrite these notebooks
    python scripts/normalize_notebooks.py --check                # exit 1 if any book/ notebook is not clean
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
from pathlib import Path

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}
ROOT = Path(__file__).resolve().parent.parent


def all_notebooks() -> list[Path]:
    paths = glob.glob(str(ROOT / "book" / "**" / "*.ipynb"), recursive=True)
    paths += glob.glob(str(ROOT / "templates" / "*.ipynb"))
    return sorted(Path(p) for p in paths if ".ipynb_checkpoints" not in p)


def problems(nb: dict) -> list[str]:
    out = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code":
            if cell.get("outputs"):
                out.append(f"cell {i} has outputs")
            if cell.get("execution_count") is not None:
                out.append(f"cell {i} has an execution count")
    return out


def normalize(nb: dict) -> dict:
    for cell in nb.get("cells", []):
        cell.pop("id", None)
        meta = {k: v for k, v in cell.get("metadata", {}).items() if k in ("tags", "mystnb")}   # mystnb: image alt text and options
        cell["metadata"] = meta
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb["metadata"] = {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
    nb["nbformat"], nb["nbformat_minor"] = 4, 4
    return nb


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", help="notebooks to rewrite (default: every notebook of the book)")
    ap.add_argument("--check", action="store_true", help="only report notebooks stored with outputs")
    args = ap.parse_args(argv)
    paths = [Path(p) for p in args.paths] or all_notebooks()
    bad = 0
    for p in paths:
        nb = json.loads(p.read_text(encoding="utf-8"))
        if args.check:
            found = problems(nb)
            if found:
                bad += 1
                print(f"{p}: stored with outputs ({'; '.join(found[:3])}); run scripts/normalize_notebooks.py {p}")
        else:
            p.write_text(json.dumps(normalize(nb), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.check:
        print(f"{len(paths)} notebooks checked, {bad} stored with outputs")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
