#!/usr/bin/env bash
# Build the book: bash scripts/build.sh [--no-solutions]
# Installs what it needs on first use (.venv from requirements.txt, a local copy of MathJax from
# the npm registry), executes the notebooks (cached in _build/.jupyter_cache, two at a time),
# and writes the site to _build/html (open _build/html/index.html).
#   --no-solutions   the solution-free site for assignment periods, in _build/html-student
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

students=0
for arg in "$@"; do
  case "$arg" in
    --no-solutions) students=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $arg (expected --no-solutions)" >&2; exit 2 ;;
  esac
done

# MathJax served by the site itself, so math typesets with no network.
MATHJAX_VERSION=3.2.2
bash scripts/fetch_mathjax.sh

if [ "$students" = 1 ]; then
  python -m helpers.edition site _build/student-src
  cd _build/student-src
  out=../html-student
else
  out=_build/html
fi

echo "== Executing notebooks (two at a time, cached)"
python "$ROOT/scripts/execute_cache.py" .

echo "== Building the site"
jupyter-book build . --builder html -W -n --keep-going
if [ "$students" = 1 ]; then
  rm -rf "$out" && cp -r _build/html "$out"
  echo "Solution-free site: _build/html-student/index.html"
else
  echo "The book: $(pwd)/_build/html/index.html"
fi
