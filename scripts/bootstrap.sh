# Sourced by start-backend.sh and run-tests.sh from the project root: make .venv, install the
# pinned requirements when they changed, create .env. $REQUIREMENTS names the file; by default
# requirements.txt, or requirements-postgres.txt when DATABASE_URL is set (environment or .env).
# scripts/bootstrap.bat does the same on Windows, with the same messages.
if [ ! -f requirements.txt ] || [ ! -f backend/__main__.py ]; then
  echo "The project files are not next to this script (requirements.txt, backend/): run it from the unpacked project folder (a ZIP must be extracted first: right-click, Extract All)." >&2
  exit 1
fi
if [ -z "${REQUIREMENTS:-}" ]; then
  REQUIREMENTS=requirements.txt
  if [ -n "${DATABASE_URL:-}" ] || { [ -f .env ] && grep -Eq '^[[:space:]]*DATABASE_URL[[:space:]]*=[[:space:]]*[^[:space:]#]' .env; }; then
    REQUIREMENTS=requirements-postgres.txt
  fi
fi
find_python() {
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}
if { [ -e .venv/bin/python ] || [ -L .venv/bin/python ] || [ -f .venv/pyvenv.cfg ]; } && ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "The .venv folder is broken (its Python was removed or moved, or is older than 3.11): delete the .venv folder and run this again." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  PYTHON=$(find_python) || { echo "Python 3.11 or newer is needed: install it from https://www.python.org/downloads/ (or your package manager: python3 python3-venv), then run this again." >&2; exit 1; }
  echo "Creating the virtual environment in .venv ..."
  "$PYTHON" -m venv .venv || { echo "Could not create .venv: install the venv module (e.g. apt-get install python3-venv)" >&2; exit 1; }
fi
VENV_PYTHON="$PWD/.venv/bin/python"
if ! "$VENV_PYTHON" scripts/requirements_stamp.py check "$REQUIREMENTS"; then
  echo "Installing $REQUIREMENTS into .venv ..."
  "$VENV_PYTHON" -m pip install --disable-pip-version-check -q -r "$REQUIREMENTS" \
    || { echo "Installing the requirements failed (see pip's message above)." >&2; exit 1; }
  "$VENV_PYTHON" scripts/requirements_stamp.py write "$REQUIREMENTS"
fi
if [ ! -f .env ]; then
  cp .env.example .env
  echo "Created .env from .env.example (no Qikink credentials: the local emulator is used)."
fi
export VENV_PYTHON
