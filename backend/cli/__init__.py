"""The command line, `python -m backend [command]`: one module per command (serve, sync, db,
openapi, orders, store; `emulator` hands over to `python -m qikink_emulator`). Each module's
`add(commands)` adds its subparser and sets its `run(args) -> exit status`."""

from __future__ import annotations

import argparse
import os
import sys

from .. import logs
from ..config import ConfigError
from ..errors import StartupError
from ..storage.errors import StoreStartupError
from . import db, openapi, orders, serve, store, sync


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend", description="The shop backend.")
    parser.add_argument("--host", help="address to listen on (default HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default PORT or 5000)")
    parser.add_argument("--debug", action="store_true", help="Flask's debug server instead of waitress")
    parser.set_defaults(run=serve.run)  # no command: serve
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("emulator", help="run the local Qikink emulator (python -m qikink_emulator)", add_help=False)
    for command in (serve, sync, db, openapi, orders, store):
        command.add(commands)
    args, rest = parser.parse_known_args(argv)
    logs.configure("json" if os.environ.get("LOG_FORMAT", "").lower() == "json" else "text")
    try:
        if args.command == "emulator":
            from qikink_emulator.__main__ import main as emulator_main

            return emulator_main(rest, prog="python -m backend emulator")
        if rest:
            parser.error(f"unrecognised arguments: {' '.join(rest)}")
        return args.run(args)
    except (ConfigError, StartupError, StoreStartupError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr, flush=True)
        return 2
