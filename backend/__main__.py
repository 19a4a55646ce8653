"""`python -m backend`: start the server; `python -m backend sync|db|orders|store|openapi|emulator`
for the rest (backend/cli/, one module per command)."""

from __future__ import annotations

import sys

from .cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
