"""`python -m backend store check|compact|backup`: the JSON data directory (safe while the server runs)."""

from __future__ import annotations

import json
from pathlib import Path

from ..config import Config, ConfigError
from ..storage import JournalOrderStore, load_catalogue


def add(commands) -> None:
    store = commands.add_parser("store", help="the JSON data directory: check, compact, back up")
    sub = store.add_subparsers(dest="store_command", required=True)
    sub.add_parser("check", help="verify the journal and every order in it; exit 1 when something is wrong")
    sub.add_parser("compact", help="rewrite the journal as one record per order (safe while the server runs)")
    backup = sub.add_parser("backup", help="a consistent copy of the data, taken while the server runs")
    backup.add_argument("destination", type=Path, help="a new or empty folder; start from it with DATA_DIR=<it>")
    store.set_defaults(run=run)


def run(args) -> int:
    config = Config.from_env()
    if config.database_url:
        raise ConfigError(
            "`store` commands are for the JSON data directory; DATABASE_URL is set (use the database's own tools)"
        )
    if args.store_command == "check":
        from ..storage.journal_check import check_data_dir

        report = check_data_dir(config.data_dir, load_catalogue(config.catalogue_file))
        print(json.dumps(report, indent=2))
        return 1 if report["problems"] else 0
    store = JournalOrderStore(
        config.data_dir, load_catalogue(config.catalogue_file), lock_timeout=max(config.lock_timeout, 30)
    )
    if args.store_command == "compact":
        report = store.compact()
    else:
        report = store.backup(args.destination.resolve(), config.catalogue_file)
    print(json.dumps(report, indent=2))
    return 0
