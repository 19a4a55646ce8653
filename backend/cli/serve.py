"""`python -m backend` (or `serve`): the server, with the local emulators when there are no
credentials, its background threads, and the start-up banner."""

from __future__ import annotations

import logging

from .. import logs
from ..config import Config
from ..errors import StartupError

log = logging.getLogger("backend")


def add(commands) -> None:
    parser = commands.add_parser("serve", help="run the server (the default)")
    parser.set_defaults(run=run)


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


def run(args) -> int:
    """Serve until interrupted (also what `python -m backend` alone does)."""
    from ..app import create_app
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
    from ..serving import make_server

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
