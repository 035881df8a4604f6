#!/usr/bin/env bash
# Run every test of the book (maintainers and CI): bash scripts/test.sh
# Readers who only want to run the notebooks need none of this: see "How to use this book".
# On first use it creates .venv from requirements.txt and installs Chromium (Debian's package,
# with apt-get) when it is missing. Then:
#   1. unit tests of the helper package and of the tooling (pytest, 2 workers);
#   2. every notebook in book/ with nbval (lax mode, 2 at a time), with a table of execution
#      times; a notebook over 90 s fails;
#   3. the figures of the executed notebooks: at most about 7 inches wide, high-resolution
#      (scripts/check_figures.py lists every offender by notebook and cell);
#   4. the student edition: every chapter with its solutions removed runs (nbval), each
#      exercise check reports "not answered yet", and no solution text is left in it;
#   5. the book build (scripts/build.sh --pdf: jupyter-book build -W -n --keep-going), reusing
#      the notebooks executed in step 2: the site, the solution-free site (checked for
#      solution text), the notebook downloads and the two PDFs;
#   6. the browser test of every page of both sites (scripts/check_site.py, headless Chromium,
#      no network): navigation at phone, tablet and laptop widths, math, links, launch buttons,
#      page weight; screenshots in _build/screenshots/;
#   7. the PDFs (scripts/check_pdf.py): pages, bookmarks, glyphs, raw TeX, solutions;
#   8. a check that every notebook is stored without outputs.
# SKIP_BUILD=1 runs steps 1-4 and 8 only. Each step's duration is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

if ! command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "== Installing Chromium (Debian package) for the browser tests"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
  fi
fi
bash scripts/fetch_mathjax.sh
# Instructor tools for the nbgrader round-trip test, without moving any pinned package.
python -m pip install --quiet -c <(grep -v '^-e' requirements.txt) -r instructor/requirements.txt

start=$(date +%s)
last=$start
names=()
times=()
summary() {
  local now; now=$(date +%s)
  [ ${#names[@]} -gt 0 ] && times+=($(( now - last )))
  echo
  echo "== Step timings"
  for i in "${!names[@]}"; do printf "  %5d s  %s\n" "${times[$i]:-0}" "${names[$i]}"; done
  printf "  %5d s  total\n" $(( now - start ))
}
trap summary EXIT
step() {
  local now; now=$(date +%s)
  [ ${#names[@]} -gt 0 ] && times+=($(( now - last )))
  last=$now
  names+=("$*")
  echo; echo "== [$(( now - start )) s] $*"
}
NBVAL=(python -m pytest -q -p no:cacheprovider -p scripts.nbtiming --nbval-lax --nbval-current-env
       -n 2 --dist loadfile --nb-time-limit 90)

step "1/8 Unit tests"
python -m pytest tests -q -n 2 -p no:cacheprovider

step "2/8 Notebooks (nbval, lax mode, 2 workers)"
rm -rf _build/executed
"${NBVAL[@]}" --save-executed _build/executed book/

step "3/8 Figures: at most about 7 inches wide, high-resolution"
if [ "${ALLOW_WIDE_FIGURES:-0}" = 1 ]; then
  python scripts/check_figures.py _build/executed/book || echo "(ALLOW_WIDE_FIGURES=1: reported, not failed)"
else
  python scripts/check_figures.py _build/executed/book
fi

step "4/8 Student edition: runs with every exercise unanswered, and leaks no solution"
rm -rf _build/student-notebooks
python -m helpers.edition student _build/student-notebooks
"${NBVAL[@]}" --expect-unanswered _build/student-notebooks/book/
python -m helpers.edition leaks _build/student-notebooks

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  step "5/8 Book build: the site, the solution-free site, downloads and PDFs"
  BOOK_EXECUTED=_build/executed bash scripts/build.sh --pdf
  python -m helpers.edition leaks _build/html-student --public-outputs _build/student-src
  step "6/8 Browser test of every page of both sites"
  python scripts/check_site.py _build/html --screenshots _build/screenshots
  python scripts/check_site.py _build/html-student --book-root _build/student-src --no-navigation \
      --screenshots _build/screenshots/student
  step "7/8 PDFs: pages, bookmarks, glyphs, raw TeX, solutions"
  chapters=()
  for t in $(python -c "import re,pathlib;[print(re.sub(r'[^0-9]','',p.name[2:4]).lstrip('0')) for p in sorted(pathlib.Path('book').rglob('ch[0-9][0-9]_*.ipynb'))]"); do
    chapters+=(--outline "$t. ")
  done
  python scripts/check_pdf.py _build/pdf/differentiate-everything.pdf --min-pages 150 --solutions \
      --require-text "微分" "${chapters[@]}"
  python scripts/check_pdf.py _build/pdf/differentiate-everything-student.pdf --min-pages 100 --no-solutions \
      --require-text "微分" "${chapters[@]}"
fi

step "8/8 Notebooks stored without outputs"
python scripts/normalize_notebooks.py --check

step "All tests passed"
