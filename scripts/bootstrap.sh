# Sourced by start-backend.sh and run-tests.sh from the project root: make .venv, install the
# pinned requirements ($REQUIREMENTS, default requirements.txt) when they changed, create .env.
REQUIREMENTS="${REQUIREMENTS:-requirements.txt}"
find_python() {
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}
if [ ! -x .venv/bin/python ]; then
  PYTHON=$(find_python) || { echo "Python 3.10 or newer is needed: install it from https://www.python.org/downloads/ (or your package manager: python3 python3-venv)" >&2; exit 1; }
  echo "Creating the virtual environment in .venv ..."
  "$PYTHON" -m venv .venv || { echo "Could not create .venv: install the venv module (e.g. apt-get install python3-venv)" >&2; exit 1; }
fi
VENV_PYTHON="$PWD/.venv/bin/python"
if ! "$VENV_PYTHON" scripts/requirements_stamp.py check "$REQUIREMENTS"; then
  echo "Installing $REQUIREMENTS into .venv ..."
  "$VENV_PYTHON" -m pip install --disable-pip-version-check -q -r "$REQUIREMENTS"
  "$VENV_PYTHON" scripts/requirements_stamp.py write "$REQUIREMENTS"
fi
if [ ! -f .env ]; then
  cp .env.example .env
  echo "Created .env from .env.example (no Qikink credentials: the local emulator is used)."
fi
export VENV_PYTHON
