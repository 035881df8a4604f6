#!/usr/bin/env bash
# Build the book: bash scripts/build.sh [--no-solutions] [--pdf]
# Installs what it needs on first use (.venv from requirements.txt, a local copy of MathJax from
# the npm registry), executes the notebooks (cached in _build/.jupyter_cache, two at a time),
# and writes the site to _build/html (open _build/html/index.html), with the notebooks as a
# download (_build/html/downloads/differentiate-everything-notebooks.zip: every edition).
#   --no-solutions   also write the solution-free site for assignment periods to
#                    _build/html-student (the student edition; see the For instructors page),
#                    with only the student notebooks as its download, and _build/publish: the
#                    full site with the solution-free one under student/, as deployed
#   --pdf            also print the whole book (solutions included) and the student edition
#                    (no solutions) to PDF with Chromium: _build/pdf/differentiate-everything.pdf
#                    and _build/pdf/differentiate-everything-student.pdf, also offered as
#                    downloads on the two sites (implies --no-solutions)
# The deploy workflow (.github/workflows/deploy.yml) runs `build.sh --pdf` and publishes
# _build/publish and _build/editions (the branch the launch buttons open).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

students=0
pdf=0
for arg in "$@"; do
  case "$arg" in
    --no-solutions) students=1 ;;
    --pdf) pdf=1; students=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $arg (expected --no-solutions or --pdf)" >&2; exit 2 ;;
  esac
done

start=$(date +%s)
step() { echo "== [$(( $(date +%s) - start )) s] $*"; }

bash scripts/fetch_mathjax.sh

step "Executing notebooks (two at a time, cached)"
python scripts/execute_cache.py . ${BOOK_EXECUTED:+--from-executed "$BOOK_EXECUTED"}

step "Building the site"
jupyter-book build . --builder html -W -n --keep-going
echo "The book: $(pwd)/_build/html/index.html"

step "Notebook downloads (every edition) and the published-notebooks tree"
python -m helpers.edition editions _build/editions
python -m helpers.edition zip _build/html/downloads/differentiate-everything-notebooks.zip --editions _build/editions

if [ "$students" = 1 ]; then
  step "Building the solution-free site (student edition)"
  rm -rf _build/student-src _build/html-student
  python -m helpers.edition site _build/student-src
  jupyter-book build _build/student-src --builder html -W -n --keep-going
  mv _build/student-src/_build/html _build/html-student
  python -m helpers.edition zip _build/html-student/downloads/differentiate-everything-notebooks.zip \
      --student --editions _build/editions
  echo "Solution-free site: $(pwd)/_build/html-student/index.html"
fi

if [ "$pdf" = 1 ]; then
  step "PDF of the whole book (single-page HTML printed by Chromium)"
  rm -rf _build/singlehtml _build/student-src/_build/singlehtml
  jupyter-book build . --builder custom --custom-builder singlehtml -W -n --keep-going >/dev/null
  python scripts/build_pdf.py _build/singlehtml _build/pdf/differentiate-everything.pdf --solutions
  step "PDF of the student edition"
  jupyter-book build _build/student-src --builder custom --custom-builder singlehtml -W -n --keep-going >/dev/null
  python scripts/build_pdf.py _build/student-src/_build/singlehtml _build/pdf/differentiate-everything-student.pdf \
      --no-solutions
  cp _build/pdf/differentiate-everything.pdf _build/html/downloads/
  cp _build/pdf/differentiate-everything-student.pdf _build/html-student/downloads/differentiate-everything.pdf
fi

if [ "$students" = 1 ]; then
  rm -rf _build/publish
  cp -r _build/html _build/publish
  cp -r _build/html-student _build/publish/student
  touch _build/publish/.nojekyll
  step "Site to publish: _build/publish (the solution-free site under student/)"
fi
