#!/usr/bin/env bash
# Run the whole test suite with the same self-set-up as start-backend.sh.
set -euo pipefail
cd "$(dirname "$0")"
REQUIREMENTS=requirements-dev.txt . ./scripts/bootstrap.sh
exec "$VENV_PYTHON" -m pytest "$@"
