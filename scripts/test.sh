#!/usr/bin/env bash
# Run every test of the book: bash scripts/test.sh
# On first use it creates .venv from requirements.txt and installs Chromium (Debian's package,
# with apt-get) when it is missing. Then, in order:
#   1. unit tests of the helper package and of the tooling (pytest, 2 workers);
#   2. every notebook in book/ with nbval (lax mode, 2 at a time), with a table of execution
#      times; a notebook over 90 s fails;
#   3. the book build (scripts/build.sh: jupyter-book build -W -n --keep-going);
#   4. the browser test of every built page (scripts/check_site.py, headless Chromium),
#      with screenshots in _build/screenshots/;
#   5. a check that every notebook is stored without outputs.
# Set SKIP_BUILD=1 to run only steps 1, 2 and 5.
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

start=$(date +%s)
step() { echo; echo "== [$(( $(date +%s) - start )) s] $*"; }

step "1/5 Unit tests"
python -m pytest tests -q -n 2 -p no:cacheprovider

step "2/5 Notebooks (nbval, lax mode, 2 workers)"
python -m pytest -q -p no:cacheprovider -p scripts.nbtiming --nbval-lax --nbval-current-env \
  -n 2 --dist loadfile --nb-time-limit 90 book/

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  step "3/5 Book build"
  bash scripts/build.sh
  step "4/5 Browser test of every page"
  python scripts/check_site.py _build/html --screenshots _build/screenshots
fi

step "5/5 Notebooks stored without outputs"
python scripts/normalize_notebooks.py --check

step "All tests passed"
