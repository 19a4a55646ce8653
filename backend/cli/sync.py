"""`python -m backend sync`: send pending orders and refresh statuses once, then exit."""

from __future__ import annotations

from ..config import Config


def add(commands) -> None:
    parser = commands.add_parser("sync", help="send pending orders and refresh statuses once, then exit")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..fulfilment import run_once

    return run_once(Config.from_env())
