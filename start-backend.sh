#!/usr/bin/env bash
# Start the shop backend on a fresh clone: creates .venv, installs requirements.txt (again only
# when it changed), copies .env.example to .env if missing, then runs `python -m backend`.
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts/bootstrap.sh
exec "$VENV_PYTHON" -m backend "$@"
