"""`python -m backend`: start the server; `python -m backend sync|db|orders|store|openapi` for the rest (and
`emulator`, the same as `python -m qikink_emulator`)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from . import logs, store_cli
from .config import Config, ConfigError
from .errors import StartupError
from .storage.errors import StoreStartupError

log = logging.getLogger("backend")


def _start_emulator(config):
    """With no credentials, run the Qikink emulator in-process on its own port (or reuse one
    already answering there, e.g. started by a second server process)."""
    import requests

    from qikink_emulator import EmulatorServer

    url = f"http://127.0.0.1:{config.qikink_emulator_port}"
    try:
        server = EmulatorServer(
            port=config.qikink_emulator_port,
            step_seconds=config.qikink_emulator_step_seconds,
            state_file=config.data_dir / "emulator-state.json",
        )
        server.start()
        return server, url
    except OSError:
        try:
            requests.get(f"{url}/_emulator/counters", timeout=2).raise_for_status()
        except requests.RequestException:
            raise StartupError(
                f"Port {config.qikink_emulator_port} is taken by something that is not the Qikink "
                "emulator; set QIKINK_EMULATOR_PORT to a free port"
            ) from None
        log.info("Using the Qikink emulator already running at %s", url)
        return None, url


def _start_razorpay_emulator(config):
    """PAYMENTS_ENV=emulator without RAZORPAY_BASE_URL: the Razorpay emulator in-process on its own
    port, with test keys of its own (kept in the data directory so that a restart keeps the
    checkouts already opened valid; never real credentials), sending webhooks to this server.
    Returns (emulator, config with its keys and address)."""
    import json
    import secrets

    from razorpay_emulator import RazorpayEmulator

    keys_file = config.data_dir / "razorpay-emulator-keys.json"
    try:
        keys = json.loads(keys_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        keys = {
            "key_id": f"rzp_test_emulator{secrets.token_hex(4)}",
            "key_secret": secrets.token_urlsafe(24),
            "webhook_secret": secrets.token_urlsafe(24),
        }
        keys_file.parent.mkdir(parents=True, exist_ok=True)
        keys_file.write_text(json.dumps(keys), encoding="utf-8")
    host = "127.0.0.1" if config.host in ("0.0.0.0", "::") else config.host
    emulator = RazorpayEmulator(
        port=config.razorpay_emulator_port,
        key_id=config.razorpay_key_id or keys["key_id"],
        key_secret=config.razorpay_key_secret or keys["key_secret"],
        webhook_secret=config.razorpay_webhook_secret or keys["webhook_secret"],
        webhook_url=f"http://{host}:{config.port}/api/payments/razorpay/webhook",
    )
    try:
        emulator.start()
    except OSError:
        raise StartupError(
            f"Port {config.razorpay_emulator_port} is taken: set RAZORPAY_EMULATOR_PORT to a free port "
            "(or RAZORPAY_BASE_URL to a Razorpay emulator already running)"
        ) from None
    state = emulator.state
    return emulator, config.with_overrides(
        razorpay_key_id=state.key_id,
        razorpay_key_secret=state.key_secret,
        razorpay_webhook_secret=state.webhook_secret,
        razorpay_base_url=emulator.url,
        razorpay_checkout_url=config.razorpay_checkout_url or emulator.checkout_url,
    )


def _serve(args) -> int:
    from .app import create_app
    from .banner import print_banner

    config = Config.from_env()
    logs.configure(config.log_format)  # now that .env is read too
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    config = config.with_overrides(**overrides)
    emulator, emulator_url = None, None
    if config.qikink_env == "emulator" and not config.qikink_base_url:
        emulator, emulator_url = _start_emulator(config)
    payments_emulator = None
    if config.payments_env == "emulator" and not config.razorpay_base_url:
        payments_emulator, config = _start_razorpay_emulator(config)
    app = create_app(config)
    fulfilment = app.extensions["shop"].fulfilment
    print_banner(config, fulfilment, emulator_url=emulator_url)
    if fulfilment.enabled and config.sync_enabled:
        fulfilment.start_worker()
    app.extensions["shop"].emails.start()
    if app.extensions["shop"].payment_worker is not None:
        app.extensions["shop"].payment_worker.start()
    app.extensions["shop"].upkeep.start()
    if config.alert_email:
        app.extensions["shop"].digest.start()
    app.extensions["shop"].webhooks.start()
    try:
        _run(app, config, debug=args.debug)
    finally:
        if emulator is not None:  # the embedded emulator (waitress in a thread) closes its port too
            emulator.stop()
        if payments_emulator is not None:
            payments_emulator.stop()
    return 0


def _run(app, config, *, debug: bool) -> None:
    """Serve until interrupted: waitress, or Flask's debug server with --debug."""
    if debug:
        app.run(host=config.host, port=config.port, debug=True, use_reloader=False)
        return
    from .serving import make_server

    # waitress warns "Task queue depth is N" for every request that waits for a free thread: under
    # load, a log line per request, written on the thread that reads every socket (measured: 7 % of
    # the interpreter's time during a burst of orders). A busy server shows in its response times.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = make_server(app, config)
    server.print_listen("Serving on http://{}:{}")
    try:
        server.run()
    finally:
        server.task_dispatcher.shutdown()


def _db(args) -> int:
    """`python -m backend db migrate|import|export`: the PostgreSQL store of DATABASE_URL."""
    import json

    from .storage.migrations import migrate
    from .storage.postgres import open_postgres_store

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
            from .storage.transfer import import_data_dir

            report = import_data_dir(store, Path(args.source).resolve())
        else:
            from .storage.transfer import export_data_dir

            report = export_data_dir(store, Path(args.target).resolve(), config.catalogue_file)
        print(json.dumps(report, indent=2))
        return 0 if not report.get("skipped") else 1
    finally:
        store.close()


def _print_openapi(output: str | None) -> int:
    """`python -m backend openapi [--output openapi.json]`: the document /api/openapi.json serves,
    printed, or written to a file as UTF-8 (Windows PowerShell 5's `>` would write UTF-16)."""
    import json

    from .openapi import build_document
    from .storage import load_catalogue

    document = build_document(load_catalogue(Config.from_env().catalogue_file))
    text = json.dumps(document, indent=2) + "\n"  # ASCII: safe on any console or redirect
    if output:
        Path(output).write_text(text, encoding="utf-8")
        print(f"Wrote the OpenAPI document to {output}")
    else:
        sys.stdout.write(text)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend", description="The shop backend.")
    parser.add_argument("--host", help="address to listen on (default HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default PORT or 5000)")
    parser.add_argument("--debug", action="store_true", help="Flask's debug server instead of waitress")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the server (the default)")
    commands.add_parser("emulator", help="run the local Qikink emulator (python -m qikink_emulator)", add_help=False)
    commands.add_parser("sync", help="send pending orders and refresh statuses once, then exit")
    db = commands.add_parser("db", help="PostgreSQL (DATABASE_URL): migrate, import or export the data")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("migrate", help="apply the database migrations not yet applied")
    db_import = db_commands.add_parser("import", help="copy a JSON data directory into the database (idempotent)")
    db_import.add_argument("--from", dest="source", required=True, help="the data directory, e.g. data/")
    db_export = db_commands.add_parser("export", help="write the database out as a JSON data directory")
    db_export.add_argument("--to", dest="target", required=True, help="a new or empty folder")
    openapi = commands.add_parser("openapi", help="print the API's OpenAPI 3.1 document (JSON)")
    openapi.add_argument("--output", "-o", help="write it to this file (UTF-8) instead of printing it")
    store_cli.add_commands(commands)
    args, rest = parser.parse_known_args(argv)
    logs.configure("json" if os.environ.get("LOG_FORMAT", "").lower() == "json" else "text")
    try:
        if args.command == "emulator":
            from qikink_emulator.__main__ import main as emulator_main

            return emulator_main(rest, prog="python -m backend emulator")
        if rest:
            parser.error(f"unrecognised arguments: {' '.join(rest)}")
        if args.command == "openapi":
            return _print_openapi(args.output)
        if args.command == "sync":
            from .fulfilment import run_once

            return run_once(Config.from_env())
        if args.command == "db":
            return _db(args)
        if args.command in ("orders", "store"):
            return store_cli.run(args)
        return _serve(args)
    except (ConfigError, StartupError, StoreStartupError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr, flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
