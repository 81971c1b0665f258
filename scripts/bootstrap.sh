#!/usr/bin/env bash
# Creates .venv with Python >= 3.12 and installs the pinned requirements (only when they
# changed since the last install). Used by `make run`, `make test` and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
  found="$("$PYTHON" --version 2>&1 || echo "no $PYTHON")"
  cat >&2 <<MSG
Shifu needs Python 3.12 or newer (Django 6); found: $found.
  With pyenv:  pyenv install 3.12 && pyenv local 3.12   (.python-version already asks for 3.12)
  Or point at one:  make run PYTHON=/path/to/python3.12
MSG
  exit 1
fi

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then
  rm -rf .venv
  "$PYTHON" -m venv .venv
fi

stamp=.venv/.requirements.sha256
want="$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements-dev.txt
  echo "$want" > "$stamp"
fi
