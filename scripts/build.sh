#!/usr/bin/env bash
# Build the book: bash scripts/build.sh [--no-solutions]
# Installs what it needs on first use (.venv from requirements.txt, a local copy of MathJax from
# the npm registry), executes the notebooks (cached in _build/.jupyter_cache, two at a time),
# and writes the site to _build/html (open _build/html/index.html).
#   --no-solutions   also write the solution-free site for assignment periods to
#                    _build/html-student (the student edition; see the For instructors page)
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

bash scripts/fetch_mathjax.sh

echo "== Executing notebooks (two at a time, cached)"
python scripts/execute_cache.py . ${BOOK_EXECUTED:+--from-executed "$BOOK_EXECUTED"}

echo "== Building the site"
jupyter-book build . --builder html -W -n --keep-going
echo "The book: $(pwd)/_build/html/index.html"

if [ "$students" = 1 ]; then
  echo "== Building the solution-free site (student edition)"
  rm -rf _build/student-src _build/html-student
  python -m helpers.edition site _build/student-src
  jupyter-book build _build/student-src --builder html -W -n --keep-going
  mv _build/student-src/_build/html _build/html-student
  echo "Solution-free site: $(pwd)/_build/html-student/index.html"
fi
