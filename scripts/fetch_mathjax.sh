#!/usr/bin/env bash
# Copy MathJax (from the npm registry, once) into _mathjax/mathjax/, served by the built site as
# mathjax/ so that math typesets with no network (see _config.yml, mathjax_path).
set -euo pipefail
cd "$(dirname "$0")/.."
MATHJAX_VERSION=3.2.2
if [ -f _mathjax/mathjax/tex-chtml.js ] && [ "$(cat .cache/mathjax/VERSION 2>/dev/null)" = "$MATHJAX_VERSION" ]; then
  exit 0
fi
echo "== Fetching MathJax $MATHJAX_VERSION from the npm registry"
if ! command -v npm >/dev/null; then
  echo "fetch_mathjax.sh: npm is needed once to fetch MathJax (Debian: apt-get install npm)" >&2
  exit 1
fi
mkdir -p .cache/mathjax
npm install --silent --no-audit --no-fund --prefix .cache/mathjax "mathjax@$MATHJAX_VERSION" >/dev/null
rm -rf _mathjax && mkdir -p _mathjax
cp -r .cache/mathjax/node_modules/mathjax/es5 _mathjax/mathjax
echo "$MATHJAX_VERSION" > .cache/mathjax/VERSION
