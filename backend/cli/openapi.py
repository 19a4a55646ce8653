"""`python -m backend openapi [--output openapi.json]`: the API's OpenAPI 3.1 document."""

from __future__ import annotations

import sys
from pathlib import Path

from ..config import Config


def add(commands) -> None:
    parser = commands.add_parser("openapi", help="print the API's OpenAPI 3.1 document (JSON)")
    parser.add_argument("--output", "-o", help="write it to this file (UTF-8) instead of printing it")
    parser.set_defaults(run=lambda args: print_openapi(args.output))


def print_openapi(output: str | None) -> int:
    """`python -m backend openapi [--output openapi.json]`: the document /api/openapi.json serves,
    printed, or written to a file as UTF-8 (Windows PowerShell 5's `>` would write UTF-16)."""
    import json

    from ..openapi import build_document
    from ..storage import load_catalogue

    document = build_document(load_catalogue(Config.from_env().catalogue_file))
    text = json.dumps(document, indent=2) + "\n"  # ASCII: safe on any console or redirect
    if output:
        Path(output).write_text(text, encoding="utf-8")
        print(f"Wrote the OpenAPI document to {output}")
    else:
        sys.stdout.write(text)
    return 0
