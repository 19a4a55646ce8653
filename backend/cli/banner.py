"""The start-up banner, as the integration guide shows it, in plain ASCII where ✓ cannot print."""

from __future__ import annotations

import sys

from ..billing.charges import banner_lines
from ..config import mask_url_password
from ..hosts import EVERY_ADDRESS, LOOPBACK_NAMES, answered_hosts
from ..policies.details import missing_settings, warning


def symbols(stream=None) -> tuple[str, str]:
    """(ok, fail) marks the console can print: ✓/✗, or [OK]/[!!] on a Windows code page."""
    stream = stream or sys.stdout
    try:
        "✓✗".encode(getattr(stream, "encoding", None) or "ascii")
        return "✓", "✗"
    except (UnicodeEncodeError, LookupError):
        return "[OK]", "[!!]"


def budget_line(config, fulfilment) -> str:
    """The arithmetic of Qikink's call budget, in one line."""
    per_minute = config.qikink_rate_limit_per_minute
    if not per_minute:
        return "Qikink call budget: unlimited (QIKINK_RATE_LIMIT_PER_MINUTE=0)"
    budget = fulfilment.client.budget
    freshness = fulfilment.index.freshness
    return (
        f"Qikink call budget: {per_minute}/minute = {per_minute * 1440:,}/day, one per new order first; "
        f"tracking reads 10 orders a call within {budget.limit('tracking')}/minute, "
        f"aiming at statuses under {_duration(freshness)} old in transit ({_duration(freshness * 2)} while printing)"
    )


def print_banner(config, fulfilment, *, emulator_url: str | None, stream=None) -> None:
    stream = stream or sys.stdout
    ok, fail = symbols(stream)

    def say(mark, text):
        line = f"{mark} {text}" if mark else text
        # A path or name outside the console's code page must not stop the server from starting.
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            line.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            line = line.encode("ascii", "replace").decode("ascii")
        print(line, file=stream, flush=True)

    say(ok, "Flask server starting...")
    if not getattr(fulfilment, "enabled", False):  # None: a banner printed without an app
        say(fail, "Qikink integration: DISABLED (QIKINK_ENV=off); orders are kept as sync_pending")
    else:
        client_config = fulfilment.client.config
        say(ok, "Qikink integration: ENABLED")
        environment = config.qikink_env.upper()
        if emulator_url:
            environment += f" (local emulator at {emulator_url}, no account needed)"
        say(ok, f"Environment: {environment}")
        say(ok, f"Client ID: {client_config.masked_client_id}")
        say(None, "")
        say(None, "Testing Qikink connection...")
        connected, detail = fulfilment.probe(timeout=4.0)
        say(ok if connected else fail, f"Qikink authentication: {detail}")
        say(ok, f"API Endpoint: {client_config.api_base}")
        say(ok, "Request signing (X-Signature): " + ("on" if client_config.sign_requests else "off"))
        if config.app_env == "production" and config.qikink_env == "emulator":
            say(
                fail,
                "WARNING: APP_ENV=production on the Qikink EMULATOR (QIKINK_ENV=emulator): "
                "orders are NOT sent to Qikink and will NOT be printed",
            )
        say(ok, budget_line(config, fulfilment))
    say(None, "")
    for good, line in (*payment_lines(config), *cod_lines(config)):
        say(ok if good else fail, line)
    say(
        ok,
        "Customer emails: "
        + (
            f"SMTP {mask_url_password(config.smtp_url)}, from {config.mail_from}"
            if config.smtp_url
            else "written to the log (no SMTP_URL set)"
        ),
    )
    if config.admin_api_key:
        say(ok, "Admin routes: protected by ADMIN_API_KEY")
    else:
        say(ok, "Admin routes: loopback only (no ADMIN_API_KEY set; only this machine may call them)")
    for line in banner_lines(config):
        say(ok, line)
    for good, line in policy_lines(config):
        say(ok if good else fail, line)
    answered = answered_hosts(config)
    if len(answered) > len(LOOPBACK_NAMES):
        say(ok, "Host names answered: " + ", ".join(answered))
    elif config.host in EVERY_ADDRESS:
        say(
            fail,
            f"HOST={config.host} listens on every network, but only localhost, 127.0.0.1 and [::1] are "
            "answered: set ALLOWED_HOSTS to the names or addresses other machines use",
        )
    if config.database_url:
        say(ok, f"Storage: PostgreSQL at {config.database_url_display} (catalogue: {config.catalogue_file})")
    else:
        say(ok, f"Data directory: {config.data_dir}")
    say(ok, f"Listening on http://{config.host}:{config.port}  (Ctrl+C to stop)")
    say(None, "")
    for line in pages_lines(config):
        say(ok, line)


def payment_lines(config) -> list[tuple[bool, str]]:
    """How prepaid orders are paid: Razorpay, its local emulator, or outside the shop (a warning)."""
    if config.payments_env == "off":
        return [
            (
                False,
                "Payments: OFF (PAYMENTS_ENV=off): a prepaid order counts as paid outside the shop and goes "
                "to Qikink at once, which charges your wallet for it: take the money another way",
            )
        ]
    key = config.razorpay_key_id
    lines = []
    if config.payments_env == "emulator":
        url = config.razorpay_base_url or f"http://127.0.0.1:{config.razorpay_emulator_port}"
        lines.append((True, f"Payments: Razorpay EMULATOR at {url} (test payments only, no money is taken)"))
        if config.app_env == "production":
            lines.append((False, "WARNING: APP_ENV=production on the Razorpay EMULATOR: customers pay NOTHING"))
    else:
        mode = "TEST mode" if key.startswith("rzp_test_") else "LIVE"
        lines.append((True, f"Payments: Razorpay {mode}, key {key}"))
        if not config.razorpay_webhook_secret:
            lines.append(
                (
                    False,
                    "RAZORPAY_WEBHOOK_SECRET is not set: webhooks are refused; payments are still settled "
                    "by asking Razorpay (a few minutes later)",
                )
            )
    minutes = config.payment_window_minutes
    lines.append((True, f"Unpaid prepaid orders expire after {minutes:g} minutes (PAYMENT_WINDOW_MINUTES)"))
    return lines


def cod_lines(config) -> list[tuple[bool, str]]:
    """Whether cash-on-delivery orders wait for the customer's confirmation before Qikink."""
    if config.cod_confirmation == "off":
        return [
            (
                False,
                "Cash on delivery: sent to Qikink at once, unconfirmed (COD_CONFIRMATION=off): Qikink charges "
                "your wallet for each one, and unconfirmed COD orders often come back undelivered",
            )
        ]
    words = f"Cash on delivery: confirmed by the customer's emailed link within {config.cod_confirm_hours:g} hours"
    if config.cod_review_above is not None:
        words += f", and by you above ₹{config.cod_review_above:,.2f}"
    if config.cod_max_order_value is not None:
        words += f"; none above ₹{config.cod_max_order_value:,.2f}"
    lines = [(True, words), (True, f"Links in emails point to {config.shop_url} (PUBLIC_URL)")]
    return lines


def policy_lines(config) -> list[tuple[bool, str]]:
    """Whether the policy pages have every seller detail India's e-commerce rules ask for."""
    problem = warning(missing_settings(config))
    if problem:
        return [(False, f"WARNING: {problem}")]
    return [(True, "Policy pages: seller, contact and grievance officer details set (/contact)")]


def pages_lines(config) -> list[str]:
    """Where the shop's pages are, and how a front end served elsewhere can call the API."""
    host = "localhost" if config.host in ("127.0.0.1", "0.0.0.0", "::", "::1") else config.host
    origins = ", ".join(config.cors_origins)
    lines = [
        f"Shop: open http://{host}:{config.port}/ and buy a T-shirt (order tracking: /track)",
        f"Your own front end: serve it from an allowed origin ({origins}) and set its API address to "
        f"http://{host}:{config.port}",
    ]
    if config.app_env == "development":
        lines.append(
            "Pages opened from disk (file://, Origin: null) may use the customer routes; admin routes never answer them"
        )
    return lines


def _duration(seconds: float) -> str:
    """90 → "1.5 min", 5 → "5 s" (the emulator's accelerated clock polls in seconds)."""
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"
