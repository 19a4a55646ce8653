"""Every setting, read once from the environment (and `.env`), typed and validated.

Each setting is written once, as a field of `Config` made by `setting(...)`: its environment
variable, its default as `.env` would write it, its limits and one line of help. `SETTINGS` is that
table; `Config.from_env()` reads it in order, then checks the settings that go together."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from pathlib import Path

from .delivery_estimate import DEFAULT_PRINT_DAYS, DEFAULT_TRANSIT_DAYS
from .settings_checks import (  # noqa: F401  (ConfigError and Setting are imported from here)
    MONEY_SETTING_MAX,
    ConfigError,
    Setting,
    _admin_key,
    _alert_email,
    _attention_hours,
    _base_url,
    _bool,
    _choice,
    _comma_list,
    _contact_email,
    _contact_phone,
    _database_url,
    _day_range,
    _host_names,
    _mail_from,
    _money,
    _number,
    _optional,
    _percent,
    _public_url,
    _rate,
    _seller,
    _smtp_url,
    _trusted_proxies,
    setting,
)
from .storage.urls import mask_database_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent

APP_ENVIRONMENTS = ("development", "production", "test")
QIKINK_ENVIRONMENTS = ("emulator", "sandbox", "live", "off")
PAYMENTS_ENVIRONMENTS = ("emulator", "razorpay", "off")
RAZORPAY_API = "https://api.razorpay.com"
RAZORPAY_CHECKOUT = "https://checkout.razorpay.com/v1/checkout.js"


def mask_url_password(url: str) -> str:
    """`smtp://user:secret@host:587` → `smtp://user:***@host:587`: any URL without its password."""
    return mask_database_url(url)


def _data_dir(name: str, raw: str) -> Path:
    path = Path(raw)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _path(name: str, raw: str) -> Path:
    return Path(raw)


def _minutes(name: str, raw: str) -> float:
    return 60 * _number(name, raw)


def _days(days: tuple[int, int]) -> str:
    """(2, 3) as .env writes it: 2-3."""
    return f"{days[0]}-{days[1]}"


@dataclass(frozen=True)
class Config:
    """The backend's settings. Tests build one directly; the server uses `Config.from_env()`."""

    # APP_ENV first: other settings' defaults and checks depend on it.
    app_env: str = setting(
        "APP_ENV",
        "development",
        "development, production (needs ADMIN_API_KEY, refuses a '*' CORS origin) or test",
        choices=APP_ENVIRONMENTS,
    )

    # Qikink
    qikink_client_id: str = setting("QIKINK_CLIENT_ID", "", "Qikink API client id; empty: the local emulator")
    qikink_client_secret: str = setting("QIKINK_CLIENT_SECRET", "", "Qikink API client secret", secret=True)
    qikink_env: str = setting(
        "QIKINK_ENV",
        "",
        "where orders go: emulator, sandbox, live or off",
        choices=QIKINK_ENVIRONMENTS,
        derived="emulator without credentials, sandbox with them",
        built="off",
    )
    qikink_base_url: str = setting("QIKINK_BASE_URL", "", "Qikink's host; empty: by environment", parse=_base_url)
    qikink_sign_requests: bool = setting("QIKINK_SIGN_REQUESTS", "true", "sign calls with HMAC-SHA256", kind=bool)
    qikink_connect_timeout: float = setting("QIKINK_CONNECT_TIMEOUT", "3.05", "seconds to connect", kind=float)
    qikink_read_timeout: float = setting("QIKINK_READ_TIMEOUT", "10", "seconds to wait for an answer", kind=float)
    qikink_rate_limit_per_minute: int = setting(
        "QIKINK_RATE_LIMIT_PER_MINUTE", "30", "calls a minute, shared by every process", kind=int
    )
    qikink_create_reserve_per_minute: int | None = setting(
        "QIKINK_CREATE_RESERVE_PER_MINUTE", "", "calls a minute tracking leaves for new orders", kind=int
    )
    qikink_tracking_freshness_seconds: float = setting(
        "QIKINK_TRACKING_FRESHNESS_MINUTES",
        "0",
        "minutes between status polls of an order in transit (0: by environment)",
        parse=_minutes,
        derived="60 minutes, the emulator's step on the emulator",
    )
    qikink_push_budget: float = setting(
        "QIKINK_PUSH_BUDGET_SECONDS", "5", "seconds POST /api/orders waits for Qikink", kind=float
    )
    qikink_emulator_port: int = setting("QIKINK_EMULATOR_PORT", "5001", "port of the embedded emulator", kind=int)
    qikink_emulator_step_seconds: float = setting(
        "QIKINK_EMULATOR_STEP_SECONDS", "5", "seconds an emulated order spends in each status", kind=float
    )
    sync_interval: float = setting(
        "SYNC_INTERVAL_SECONDS", "15", "longest pause between worker passes", kind=float, minimum=0.1
    )
    qikink_retry_base_seconds: float = setting(
        "QIKINK_RETRY_BASE_SECONDS", "10", "first delay before a failed send is retried", kind=float
    )
    qikink_breaker_cooldown_seconds: float = setting(
        "QIKINK_BREAKER_COOLDOWN_SECONDS", "30", "seconds new orders skip Qikink after 3 failures", kind=float
    )
    sync_enabled: bool = setting("SYNC_ENABLED", "true", "run the sync worker inside the server", kind=bool)

    # Server
    host: str = setting("HOST", "127.0.0.1", "address to listen on")
    port: int = setting("PORT", "5000", "port to listen on", kind=int, minimum=1, maximum=65535)
    admin_api_key: str = setting(
        "ADMIN_API_KEY", "", "key for admin routes, 16+ characters; empty: loopback only", parse=_admin_key, secret=True
    )
    allowed_hosts: tuple[str, ...] = setting(
        "ALLOWED_HOSTS", "", "host names answered besides localhost, 127.0.0.1, [::1]", parse=_host_names
    )
    trusted_proxies: tuple[str, ...] = setting(
        "TRUSTED_PROXIES", "", "reverse proxies whose X-Forwarded-* count", parse=_trusted_proxies
    )
    access_log: bool = setting(
        "ACCESS_LOG", "false", "one log line a request", kind=bool, derived="true with APP_ENV=production"
    )
    log_format: str = setting("LOG_FORMAT", "text", "text, or json (one object a line)", choices=("text", "json"))
    cors_origins: tuple[str, ...] = setting(
        "CORS_ORIGINS",
        "http://localhost:*,http://127.0.0.1:*",
        "browser origins allowed to call the API",
        parse=_comma_list,
    )
    data_dir: Path = setting("DATA_DIR", "data", "the catalogue and the order journal", parse=_data_dir)
    catalogue_path: Path | None = setting(
        "CATALOGUE_FILE", "", "the catalogue; empty: DATA_DIR/products.json", parse=_optional(_path)
    )
    size_charts_path: Path | None = setting(
        "SIZE_CHARTS_FILE", "", "size charts; empty: the project's data/size_charts.json", parse=_optional(_path)
    )
    ratelimit_enabled: bool = setting("RATELIMIT_ENABLED", "true", "the per-client-address limits", kind=bool)
    order_rate_limit: str = setting("ORDER_RATE_LIMIT", "30 per minute", "orders per client address", parse=_rate)
    max_connections_per_client: int = setting(
        "MAX_CONNECTIONS_PER_CLIENT", "64", "connections a client address may hold (0: no cap)", kind=int
    )
    header_timeout: float = setting("HEADER_TIMEOUT", "15", "seconds for a request's headers", kind=float, minimum=1)
    body_timeout: float = setting("BODY_TIMEOUT", "60", "seconds for a request's body", kind=float, minimum=1)
    lock_timeout: float = setting("STORAGE_LOCK_TIMEOUT", "5", "seconds to wait for the storage lock", kind=float)
    threads: int = setting("SERVER_THREADS", "8", "worker threads of the server", kind=int, minimum=1)
    max_body_bytes: int = 64 * 1024  # not a setting: the contract's limit

    # Payments (Razorpay)
    razorpay_key_id: str = setting("RAZORPAY_KEY_ID", "", "Razorpay key id; empty: the local emulator")
    razorpay_key_secret: str = setting("RAZORPAY_KEY_SECRET", "", "Razorpay key secret", secret=True)
    razorpay_webhook_secret: str = setting(
        "RAZORPAY_WEBHOOK_SECRET", "", "the secret of Razorpay's webhook", secret=True
    )
    payments_env: str = setting(
        "PAYMENTS_ENV",
        "",
        "emulator, razorpay, or off (prepaid counts as paid outside the shop)",
        choices=PAYMENTS_ENVIRONMENTS,
        derived="emulator without keys, razorpay with them",
        built="off",
    )
    payment_window_minutes: float = setting(
        "PAYMENT_WINDOW_MINUTES", "30", "minutes an unpaid order keeps its stock", kind=float, minimum=1
    )
    razorpay_base_url: str = setting("RAZORPAY_BASE_URL", "", "Razorpay's API host (tests)", parse=_base_url)
    razorpay_checkout_url: str = setting("RAZORPAY_CHECKOUT_URL", "", "Razorpay's checkout script (tests)")
    razorpay_emulator_port: int = setting(
        "RAZORPAY_EMULATOR_PORT", "5002", "port of the embedded Razorpay emulator", kind=int
    )

    # Customer emails
    smtp_url: str = setting(
        "SMTP_URL", "", "the SMTP server; empty: emails go to the log", parse=_smtp_url, secret=True
    )
    mail_from: str = setting(
        "MAIL_FROM", "Bharat Heritage Prints <orders@localhost>", "the sender customers see", parse=_mail_from
    )
    smtp_timeout: float = setting(
        "SMTP_TIMEOUT_SECONDS", "10", "seconds for each step with the SMTP server", kind=float, minimum=0.1
    )

    # PostgreSQL
    database_url: str = setting(
        "DATABASE_URL", "", "PostgreSQL; empty: JSON files in DATA_DIR", parse=_database_url, secret=True
    )
    database_pool_min: int = setting("DATABASE_POOL_MIN", "1", "connections kept open, at least", kind=int)
    database_pool_max: int = setting("DATABASE_POOL_MAX", "10", "connections open, at most", kind=int, minimum=1)
    database_pool_timeout: float = setting(
        "DATABASE_POOL_TIMEOUT", "5", "seconds to wait for a free connection", kind=float, minimum=0.1
    )
    database_connect_timeout: float = setting(
        "DATABASE_CONNECT_TIMEOUT", "3", "seconds to connect", kind=float, minimum=1
    )
    database_statement_timeout: float = setting(
        "DATABASE_STATEMENT_TIMEOUT", "10", "seconds one SQL statement may run", kind=float, minimum=0.1
    )

    # Charges and delivery
    shipping_fee: Decimal = setting("SHIPPING_FEE", "0", "rupees added to every order", parse=_money)
    free_shipping_above: Decimal | None = setting(
        "FREE_SHIPPING_ABOVE", "", "shipping is free from this total; empty: never", parse=_optional(_money)
    )
    cod_fee: Decimal = setting("COD_FEE", "0", "rupees added for cash on delivery", parse=_money)

    # The console's margin check (backend/catalogue/margin.py): rupees, and percent of the price
    margin_qikink_cost: Decimal = setting(
        "MARGIN_QIKINK_COST", "300", "rupees Qikink charges a piece when a variant names no cost", parse=_money
    )
    margin_shipping_cost: Decimal = setting(
        "MARGIN_SHIPPING_COST", "65", "rupees Qikink charges to ship a piece", parse=_money
    )
    margin_gateway_percent: Decimal = setting(
        "MARGIN_GATEWAY_PERCENT", "2", "the payment gateway's fee, percent of the price", parse=_percent
    )
    margin_warn_percent: Decimal = setting(
        "MARGIN_WARN_PERCENT", "10", "a margin below this percent of the price is a warning", parse=_percent
    )
    delivery_print_days: tuple[int, int] = setting(
        "DELIVERY_PRINT_DAYS", _days(DEFAULT_PRINT_DAYS), "working days to print, fewest-most", parse=_day_range
    )
    delivery_transit_days: tuple[int, int] = setting(
        "DELIVERY_TRANSIT_DAYS", _days(DEFAULT_TRANSIT_DAYS), "days in transit, fewest-most", parse=_day_range
    )

    # Cash on delivery
    cod_confirmation: str = setting(
        "COD_CONFIRMATION",
        "email",
        "email: a COD order waits for the customer's click",
        choices=("email", "off"),
        built="off",
    )
    cod_confirm_hours: float = setting(
        "COD_CONFIRM_HOURS", "24", "hours the customer has to confirm", kind=float, minimum=0.01
    )
    cod_max_order_value: Decimal | None = setting(
        "COD_MAX_ORDER_VALUE", "", "no COD above this total; empty: no limit", parse=_optional(_money)
    )
    cod_review_above: Decimal | None = setting(
        "COD_REVIEW_ABOVE", "", "COD above this total waits for staff; empty: none", parse=_optional(_money)
    )
    public_url: str = setting(
        "PUBLIC_URL",
        "",
        "the shop's address as customers reach it, for links in emails",
        parse=_public_url,
        derived="http://localhost:<PORT>",
    )

    # What needs attention, webhooks
    alert_email: str = setting("ALERT_EMAIL", "", "where the attention digest goes; empty: none", parse=_alert_email)
    attention_hours: str = setting(
        "ATTENTION_HOURS", "", "thresholds other than the defaults, e.g. on_hold=12", parse=_attention_hours
    )
    webhook_allow_private: bool = setting(
        "WEBHOOK_ALLOW_PRIVATE",
        "true",
        "may webhooks go to private or loopback addresses",
        kind=bool,
        derived="false with APP_ENV=production",
    )

    # The seller (GST invoices: all four or none) and the policy pages' contacts
    seller_legal_name: str = setting("SHOP_LEGAL_NAME", "", "legal name as registered for GST")
    seller_gstin: str = setting("SHOP_GSTIN", "", "15-character GSTIN")
    seller_address: str = setting("SHOP_ADDRESS", "", "registered address on one line")
    seller_state: str = setting("SHOP_STATE", "", "state of registration, by name or code")
    shop_email: str = setting("SHOP_EMAIL", "", "the shop's email for customers", parse=_contact_email)
    shop_phone: str = setting("SHOP_PHONE", "", "the shop's phone for customers", parse=_contact_phone)
    grievance_officer_name: str = setting("GRIEVANCE_OFFICER_NAME", "", "the grievance officer's name")
    grievance_officer_email: str = setting(
        "GRIEVANCE_OFFICER_EMAIL", "", "the grievance officer's email", parse=_contact_email
    )
    grievance_officer_phone: str = setting(
        "GRIEVANCE_OFFICER_PHONE", "", "the grievance officer's phone", parse=_contact_phone
    )
    damage_report_days: int | None = setting(
        "DAMAGE_REPORT_DAYS", "", "days after delivery to report a damaged item", kind=int, minimum=1
    )

    @property
    def database_url_display(self) -> str:
        """DATABASE_URL without its password, for the banner and logs."""
        return mask_database_url(self.database_url)

    @property
    def shop_url(self) -> str:
        """The shop's address as customers reach it, for links in emails (no trailing slash)."""
        return (self.public_url or f"http://localhost:{self.port}").rstrip("/")

    @property
    def catalogue_file(self) -> Path:
        return self.catalogue_path or (self.data_dir / "products.json")

    @property
    def size_charts_file(self) -> Path:
        """The size charts ship with the code (they describe Qikink's garments), not with the data."""
        return self.size_charts_path or (PROJECT_ROOT / "data" / "size_charts.json")

    def with_overrides(self, **changes) -> Config:
        """A copy with some settings changed (tests, command-line flags)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ=None, *, load_dotenv_file: bool = True) -> Config:
        """Read every setting from the environment, `.env` first loaded when present."""
        if environ is None:
            if load_dotenv_file:
                from dotenv import load_dotenv

                load_dotenv(PROJECT_ROOT / ".env", override=False)
            environ = os.environ
        raw = {spec.env: (environ.get(spec.env) or "").strip() for spec in SETTINGS}
        production = raw["APP_ENV"].lower() == "production"
        # Defaults that depend on other settings (each setting's `derived` says which).
        raw["QIKINK_ENV"] = raw["QIKINK_ENV"] or ("sandbox" if raw["QIKINK_CLIENT_ID"] else "emulator")
        raw["PAYMENTS_ENV"] = raw["PAYMENTS_ENV"] or ("razorpay" if raw["RAZORPAY_KEY_ID"] else "emulator")
        raw["ACCESS_LOG"] = raw["ACCESS_LOG"] or ("true" if production else "")
        raw["WEBHOOK_ALLOW_PRIVATE"] = raw["WEBHOOK_ALLOW_PRIVATE"] or ("false" if production else "")
        values = {name: spec.read(raw[spec.env]) for name, spec in FIELD_SETTINGS.items()}
        _check_together(values, {k: (environ.get(k) or "").strip() for k in raw})
        return cls(**values)


SETTINGS: tuple[Setting, ...] = tuple(f.metadata["setting"] for f in fields(Config) if "setting" in f.metadata)
FIELD_SETTINGS: dict[str, Setting] = {f.name: f.metadata["setting"] for f in fields(Config) if "setting" in f.metadata}


def _check_together(values: dict, given: dict[str, str]) -> None:
    """The rules between settings (`given`: what the environment set, before any default);
    the seller's four settings are normalised in `values`."""
    production = values["app_env"] == "production"
    client_id, qikink_env = values["qikink_client_id"], values["qikink_env"]
    if bool(client_id) != bool(values["qikink_client_secret"]):
        raise ConfigError("QIKINK_CLIENT_ID and QIKINK_CLIENT_SECRET must be set together")
    if production and qikink_env == "emulator" and not given["QIKINK_ENV"]:
        raise ConfigError(
            "APP_ENV=production needs QIKINK_CLIENT_ID and QIKINK_CLIENT_SECRET: without them "
            "orders would go to the local emulator and never be printed "
            "(set QIKINK_ENV=emulator to run on the emulator on purpose)"
        )
    if qikink_env in ("sandbox", "live") and not client_id:
        raise ConfigError(f"QIKINK_ENV={qikink_env} needs QIKINK_CLIENT_ID and QIKINK_CLIENT_SECRET")

    key_id, payments_env = values["razorpay_key_id"], values["payments_env"]
    if bool(key_id) != bool(values["razorpay_key_secret"]):
        raise ConfigError("RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET must be set together")
    if payments_env == "razorpay" and not key_id:
        raise ConfigError("PAYMENTS_ENV=razorpay needs RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET")
    if key_id and not re.fullmatch(r"rzp_(test|live)_[A-Za-z0-9]+", key_id):
        raise ConfigError("RAZORPAY_KEY_ID looks like rzp_test_… or rzp_live_… (Razorpay's dashboard, API keys)")
    if production and payments_env == "emulator" and not given["PAYMENTS_ENV"]:
        raise ConfigError(
            "APP_ENV=production needs RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET: without them "
            "customers would pay the local emulator and no money would be taken "
            "(set PAYMENTS_ENV=emulator to run on the emulator on purpose, or PAYMENTS_ENV=off "
            "to take payments outside the shop)"
        )

    if production and not values["admin_api_key"]:
        raise ConfigError("ADMIN_API_KEY must be set when APP_ENV=production")
    if production and "*" in values["cors_origins"]:
        raise ConfigError("CORS_ORIGINS may not be '*' when APP_ENV=production")
    if production and values["smtp_url"] and not given["MAIL_FROM"]:
        raise ConfigError("MAIL_FROM must be set when SMTP_URL is (the address customers see and reply to)")
    if values["database_pool_max"] < values["database_pool_min"]:
        raise ConfigError(
            f"DATABASE_POOL_MAX ({values['database_pool_max']}) must be at least "
            f"DATABASE_POOL_MIN ({values['database_pool_min']})"
        )
    values.update(_seller(lambda name: given.get(name, "")))
