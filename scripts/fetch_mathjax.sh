#!/usr/bin/env bash
# Copy MathJax (from the npm registry, once) into _mathjax/mathjax/, served by the built site as
# mathjax/ so that math typesets with no network (see _config.yml, mathjax_path).
# Only what the site loads is copied (about 1.5 MB of the package's 24 MB): the startup and
# loader, the core, the TeX input and HTML (CHTML) output components with their web fonts, the
# TeX extensions loaded on demand (\boldsymbol, \cancel, ...) and the assistive-MathML module
# for screen readers. _config.yml loads them by name (mathjax3_config.loader.load): 0.8 MB per
# page instead of the 1.2 MB of tex-chtml.js, which also carries the right-click menu. The
# browser test (scripts/check_site.py) fails on any request the site cannot answer.
set -euo pipefail
cd "$(dirname "$0")/.."
MATHJAX_VERSION=3.2.2
SUBSET_VERSION=3    # bump when the list of copied files changes
want="$MATHJAX_VERSION/$SUBSET_VERSION"
if [ -f _mathjax/mathjax/tex-chtml.js ] && [ "$(cat .cache/mathjax/SUBSET 2>/dev/null)" = "$want" ]; then
  exit 0
fi
if [ ! -f .cache/mathjax/node_modules/mathjax/es5/tex-chtml.js ] || [ "$(cat .cache/mathjax/VERSION 2>/dev/null)" != "$MATHJAX_VERSION" ]; then
  echo "== Fetching MathJax $MATHJAX_VERSION from the npm registry"
  if ! command -v npm >/dev/null; then
    echo "fetch_mathjax.sh: npm is needed once to fetch MathJax (Debian: apt-get install npm)" >&2
    exit 1
  fi
  mkdir -p .cache/mathjax
  npm install --silent --no-audit --no-fund --prefix .cache/mathjax "mathjax@$MATHJAX_VERSION" >/dev/null
  echo "$MATHJAX_VERSION" > .cache/mathjax/VERSION
fi
src=.cache/mathjax/node_modules/mathjax
rm -rf _mathjax && mkdir -p _mathjax/mathjax/output/chtml/fonts _mathjax/mathjax/input/tex _mathjax/mathjax/a11y
cp "$src/es5/startup.js" "$src/es5/core.js" _mathjax/mathjax/
cp "$src/es5/input/tex.js" _mathjax/mathjax/input/
cp -r "$src/es5/input/tex/extensions" _mathjax/mathjax/input/tex/
cp "$src/es5/output/chtml.js" _mathjax/mathjax/output/
cp "$src/es5/output/chtml/fonts/tex.js" _mathjax/mathjax/output/chtml/fonts/
cp -r "$src/es5/output/chtml/fonts/woff-v2" _mathjax/mathjax/output/chtml/fonts/
cp "$src/es5/a11y/assistive-mml.js" _mathjax/mathjax/a11y/
cp "$src/LICENSE" _mathjax/mathjax/LICENSE
echo "$want" > .cache/mathjax/SUBSET
