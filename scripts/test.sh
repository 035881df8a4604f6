#!/usr/bin/env bash
# Run every test of the book: bash scripts/test.sh
# On first use it creates .venv from requirements.txt and installs Chromium (Debian's package,
# with apt-get) when it is missing. Then:
#   1. unit tests of the helper package and of the tooling (pytest, 2 workers);
#   2. every notebook in book/ with nbval (lax mode, 2 at a time), with a table of execution
#      times; a notebook over 90 s fails;
#   3. the student edition: every notebook with its solutions removed runs (nbval), each
#      exercise check reports "not answered yet", and no solution text is left in it;
#   4. the book build (scripts/build.sh: jupyter-book build -W -n --keep-going), reusing the
#      notebooks executed in step 2, and the solution-free site, checked for solution text;
#   5. the browser test of every built page (scripts/check_site.py, headless Chromium, no
#      network), with screenshots in _build/screenshots/;
#   6. a check that every notebook is stored without outputs.
# SKIP_BUILD=1 runs steps 1-3 and 6 only.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

if ! command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "== Installing Chromium (Debian package) for the browser tests"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
bash scripts/fetch_mathjax.sh
# Instructor tools for the nbgrader round-trip test, without moving any pinned package.
python -m pip install --quiet -c <(grep -v '^-e' requirements.txt) -r instructor/requirements.txt

start=$(date +%s)
step() { echo; echo "== [$(( $(date +%s) - start )) s] $*"; }
NBVAL=(python -m pytest -q -p no:cacheprovider -p scripts.nbtiming --nbval-lax --nbval-current-env
       -n 2 --dist loadfile --nb-time-limit 90)

step "1/6 Unit tests"
python -m pytest tests -q -n 2 -p no:cacheprovider

step "2/6 Notebooks (nbval, lax mode, 2 workers)"
rm -rf _build/executed
"${NBVAL[@]}" --save-executed _build/executed book/

step "3/6 Student edition: runs with every exercise unanswered, and leaks no solution"
rm -rf _build/student-notebooks
python -m helpers.edition student _build/student-notebooks
"${NBVAL[@]}" --expect-unanswered _build/student-notebooks/book/
python -m helpers.edition leaks _build/student-notebooks

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  step "4/6 Book build, and the solution-free site"
  BOOK_EXECUTED=_build/executed bash scripts/build.sh --no-solutions
  python -m helpers.edition leaks _build/html-student --public-outputs _build/student-src
  step "5/6 Browser test of every page"
  python scripts/check_site.py _build/html --screenshots _build/screenshots
fi

step "6/6 Notebooks stored without outputs"
python scripts/normalize_notebooks.py --check

step "All tests passed"
