# Sourced by scripts/build.sh and scripts/test.sh: make sure the project's virtual environment
# exists and matches requirements.txt, then put it first on PATH.
#   PYTHON=python3.11   the interpreter used to create .venv (default: python3.11, else python3)
#   VENV=.venv          where the environment lives
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
if [ -z "${PYTHON:-}" ]; then
  if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi
stamp="$VENV/.requirements.sha256"
want="$(sha256sum "$ROOT/requirements.txt" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "== Setting up $VENV from requirements.txt (first use; a few minutes)"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  (cd "$ROOT" && "$VENV/bin/python" -m pip install --quiet -r requirements.txt)
  echo "$want" > "$stamp"
fi
export PATH="$VENV/bin:$PATH"
export JAX_PLATFORMS=cpu
export PYTHONHASHSEED=0
# One BLAS thread per process: the tests run two notebooks at once on two cores, and a threaded
# BLAS would oversubscribe them (a 256x256 SVD went from 25 ms to over 0.7 s).
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
export PYDEVD_DISABLE_FILE_VALIDATION=1
