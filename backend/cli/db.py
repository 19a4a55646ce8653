"""`python -m backend db migrate|import|export`: the PostgreSQL store of DATABASE_URL."""

from __future__ import annotations

from pathlib import Path

from ..config import Config, ConfigError


def add(commands) -> None:
    db = commands.add_parser("db", help="PostgreSQL (DATABASE_URL): migrate, import or export the data")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("migrate", help="apply the database migrations not yet applied")
    db_import = db_commands.add_parser("import", help="copy a JSON data directory into the database (idempotent)")
    db_import.add_argument("--from", dest="source", required=True, help="the data directory, e.g. data/")
    db_export = db_commands.add_parser("export", help="write the database out as a JSON data directory")
    db_export.add_argument("--to", dest="target", required=True, help="a new or empty folder")
    db.set_defaults(run=run)


def run(args) -> int:
    """Migrate, import or export."""
    import json

    from ..storage.migrations import migrate
    from ..storage.postgres import open_postgres_store

    config = Config.from_env()
    if not config.database_url:
        raise ConfigError('DATABASE_URL is empty: set it to the PostgreSQL database (see README, "PostgreSQL")')
    store = open_postgres_store(config)  # applies the migrations it lacks
    try:
        if args.db_command == "migrate":
            applied = migrate(store.pool)
            print(
                f"Database {config.database_url_display} is up to date"
                + (f" (applied {', '.join(applied)})" if applied else "")
            )
            return 0
        if args.db_command == "import":
            from ..storage.transfer import import_data_dir

            report = import_data_dir(store, Path(args.source).resolve())
        else:
            from ..storage.transfer import export_data_dir

            report = export_data_dir(store, Path(args.target).resolve(), config.catalogue_file)
        print(json.dumps(report, indent=2))
        return 0 if not report.get("skipped") else 1
    finally:
        store.close()
