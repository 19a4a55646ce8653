"""Every setting, read once from the environment (and `.env`), typed and validated."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from .delivery_estimate import DEFAULT_PRINT_DAYS, DEFAULT_TRANSIT_DAYS
from .settings_checks import (  # noqa: F401  (ConfigError is imported from here everywhere)
    MONEY_SETTING_MAX,
    ConfigError,
    _alert_email,
    _attention_hours,
    _bool,
    _choice,
    _contact,
    _day_range,
    _money,
    _number,
    _public_url,
    _seller,
    _trusted_proxies,
    _valid_smtp_url,
)
from .storage.urls import mask_database_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent

QIKINK_ENVIRONMENTS = ("emulator", "sandbox", "live", "off")
PAYMENTS_ENVIRONMENTS = ("emulator", "razorpay", "off")
RAZORPAY_API = "https://api.razorpay.com"
RAZORPAY_CHECKOUT = "https://checkout.razorpay.com/v1/checkout.js"
DEFAULT_CORS_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*")
# A name as werkzeug's TRUSTED_HOSTS matches it: a leading dot also admits every subdomain.
_HOST_NAME = re.compile(r"\.?[a-z0-9-]+(\.[a-z0-9-]+)*")


def mask_url_password(url: str) -> str:
    """`smtp://user:secret@host:587` → `smtp://user:***@host:587`: any URL without its password."""
    return mask_database_url(url)


@dataclass(frozen=True)
class Config:
    """The backend's settings. Tests build one directly; the server uses `Config.from_env()`."""

    data_dir: Path = PROJECT_ROOT / "data"
    catalogue_path: Path | None = None  # default: <data_dir>/products.json
    size_charts_path: Path | None = None  # SIZE_CHARTS_FILE; default: the project's data/size_charts.json
    host: str = "127.0.0.1"
    port: int = 5000
    app_env: str = "development"
    admin_api_key: str = field(default="", repr=False)
    cors_origins: tuple[str, ...] = DEFAULT_CORS_ORIGINS
    allowed_hosts: tuple[str, ...] = ()  # host names answered besides localhost, 127.0.0.1 and [::1]
    ratelimit_enabled: bool = True
    log_format: str = "text"  # LOG_FORMAT: text, or json (one object a line)
    access_log: bool = False  # ACCESS_LOG: one line a request (on by default in production)
    trusted_proxies: tuple[str, ...] = ()  # TRUSTED_PROXIES: addresses/networks whose X-Forwarded-* count
    order_rate_limit: str = "30 per minute"
    max_body_bytes: int = 64 * 1024
    lock_timeout: float = 5.0
    threads: int = 8
    max_connections_per_client: int = 64  # MAX_CONNECTIONS_PER_CLIENT (0: no cap), see backend/serving.py
    header_timeout: float = 15.0  # HEADER_TIMEOUT: seconds for a request's headers
    body_timeout: float = 60.0  # BODY_TIMEOUT: seconds for a request's body once its headers are in

    qikink_env: str = "off"
    qikink_client_id: str = ""
    qikink_client_secret: str = field(default="", repr=False)
    qikink_base_url: str = ""
    qikink_sign_requests: bool = True
    qikink_connect_timeout: float = 3.05
    qikink_read_timeout: float = 10.0
    qikink_rate_limit_per_minute: int = 30
    qikink_push_budget: float = 5.0
    qikink_emulator_port: int = 5001
    qikink_emulator_step_seconds: float = 5.0
    sync_interval: float = 15.0
    sync_enabled: bool = True
    qikink_retry_base_seconds: float = 10.0
    qikink_breaker_cooldown_seconds: float = 30.0
    qikink_tracking_freshness_seconds: float = 0.0  # 0: by environment (see fulfilment.tracking_freshness)
    qikink_create_reserve_per_minute: int | None = None  # None: 5 of 30 (budget.default_create_reserve)

    # Payments: "off" here (tests build a Config directly); from the environment, the local
    # Razorpay emulator without keys, Razorpay with them.
    payments_env: str = "off"
    razorpay_key_id: str = ""
    razorpay_key_secret: str = field(default="", repr=False)
    razorpay_webhook_secret: str = field(default="", repr=False)
    razorpay_base_url: str = ""  # empty: Razorpay's own (or the embedded emulator's)
    razorpay_checkout_url: str = ""  # empty: Razorpay's own (or the embedded emulator's)
    razorpay_emulator_port: int = 5002
    payment_window_minutes: float = 30.0

    # Cash on delivery: "off" here (tests build a Config directly); from the environment, "email"
    # (a COD order waits for the customer's click on the emailed link, or an admin).
    cod_confirmation: str = "off"
    cod_confirm_hours: float = 24.0
    cod_max_order_value: Decimal | None = None  # None: no maximum
    cod_review_above: Decimal | None = None  # None: no COD order waits for an admin
    public_url: str = ""  # empty: http://localhost:<port> (links in emails)
    alert_email: str = ""  # where the "needs attention" digest goes; empty: no digest
    webhook_allow_private: bool = (
        True  # WEBHOOK_ALLOW_PRIVATE: webhooks to private/loopback addresses (off in production)
    )
    attention_hours: str = ""  # ATTENTION_HOURS: thresholds other than the defaults, e.g. "on_hold=12"

    smtp_url: str = field(default="", repr=False)  # empty: customer emails are written to the log
    mail_from: str = "Bharat Heritage Prints <orders@localhost>"
    smtp_timeout: float = 10.0

    database_url: str = field(default="", repr=False)  # empty: the JSON-file store in data_dir
    database_pool_min: int = 1
    database_pool_max: int = 10
    database_pool_timeout: float = 5.0
    database_connect_timeout: float = 3.0
    database_statement_timeout: float = 10.0

    shipping_fee: Decimal = Decimal("0")
    free_shipping_above: Decimal | None = None  # None: shipping is never free
    cod_fee: Decimal = Decimal("0")
    # The console's margin check (backend/catalogue/margin.py): rupees, and percent of the price.
    margin_qikink_cost: Decimal = Decimal("300")
    margin_shipping_cost: Decimal = Decimal("65")
    margin_gateway_percent: Decimal = Decimal("2")
    margin_warn_percent: Decimal = Decimal("10")
    # (fewest, most) days: printing in working days, then transit (DELIVERY_PRINT_DAYS, DELIVERY_TRANSIT_DAYS)
    delivery_print_days: tuple[int, int] = DEFAULT_PRINT_DAYS
    delivery_transit_days: tuple[int, int] = DEFAULT_TRANSIT_DAYS
    seller_legal_name: str = ""  # the four seller settings: all set, or none (then no invoices)
    seller_gstin: str = ""
    seller_address: str = ""
    seller_state: str = ""
    # The policy pages' contacts (each optional; a missing one is a placeholder and a warning).
    shop_email: str = ""
    shop_phone: str = ""
    grievance_officer_name: str = ""
    grievance_officer_email: str = ""
    grievance_officer_phone: str = ""
    damage_report_days: int | None = None  # DAMAGE_REPORT_DAYS: days to report a damaged print; None: unset

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
        env = {k: v for k, v in environ.items() if v is not None}

        def get(name: str, default: str = "") -> str:
            return env.get(name, default).strip()

        data_dir = Path(get("DATA_DIR") or "data")
        if not data_dir.is_absolute():
            data_dir = PROJECT_ROOT / data_dir
        catalogue = get("CATALOGUE_FILE")
        size_charts = get("SIZE_CHARTS_FILE")

        app_env = get("APP_ENV", "development").lower()
        if app_env not in ("development", "production", "test"):
            raise ConfigError(f"APP_ENV must be development, production or test, not {app_env!r}")

        client_id = get("QIKINK_CLIENT_ID")
        secret = get("QIKINK_CLIENT_SECRET")
        if bool(client_id) != bool(secret):
            raise ConfigError("QIKINK_CLIENT_ID and QIKINK_CLIENT_SECRET must be set together")
        qikink_env = get("QIKINK_ENV").lower() or ("sandbox" if client_id else "emulator")
        if qikink_env not in QIKINK_ENVIRONMENTS:
            raise ConfigError(f"QIKINK_ENV must be one of {', '.join(QIKINK_ENVIRONMENTS)}, not {qikink_env!r}")
        if app_env == "production" and qikink_env == "emulator" and not get("QIKINK_ENV"):
            raise ConfigError(
                "APP_ENV=production needs QIKINK_CLIENT_ID and QIKINK_CLIENT_SECRET: without them "
                "orders would go to the local emulator and never be printed "
                "(set QIKINK_ENV=emulator to run on the emulator on purpose)"
            )
        if qikink_env in ("sandbox", "live") and not client_id:
            raise ConfigError(f"QIKINK_ENV={qikink_env} needs QIKINK_CLIENT_ID and QIKINK_CLIENT_SECRET")

        key_id, key_secret = get("RAZORPAY_KEY_ID"), get("RAZORPAY_KEY_SECRET")
        if bool(key_id) != bool(key_secret):
            raise ConfigError("RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET must be set together")
        payments_env = get("PAYMENTS_ENV").lower() or ("razorpay" if key_id else "emulator")
        if payments_env not in PAYMENTS_ENVIRONMENTS:
            raise ConfigError(f"PAYMENTS_ENV must be one of {', '.join(PAYMENTS_ENVIRONMENTS)}, not {payments_env!r}")
        if payments_env == "razorpay" and not key_id:
            raise ConfigError("PAYMENTS_ENV=razorpay needs RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET")
        if key_id and not re.fullmatch(r"rzp_(test|live)_[A-Za-z0-9]+", key_id):
            raise ConfigError("RAZORPAY_KEY_ID looks like rzp_test_… or rzp_live_… (Razorpay's dashboard, API keys)")
        if app_env == "production" and payments_env == "emulator" and not get("PAYMENTS_ENV"):
            raise ConfigError(
                "APP_ENV=production needs RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET: without them "
                "customers would pay the local emulator and no money would be taken "
                "(set PAYMENTS_ENV=emulator to run on the emulator on purpose, or PAYMENTS_ENV=off "
                "to take payments outside the shop)"
            )

        admin_key = get("ADMIN_API_KEY")
        if app_env == "production" and not admin_key:
            raise ConfigError("ADMIN_API_KEY must be set when APP_ENV=production")
        if admin_key and len(admin_key) < 16:
            raise ConfigError("ADMIN_API_KEY must be at least 16 characters")

        origins = tuple(o.strip() for o in get("CORS_ORIGINS").split(",") if o.strip()) or DEFAULT_CORS_ORIGINS
        if app_env == "production" and "*" in origins:
            raise ConfigError("CORS_ORIGINS may not be '*' when APP_ENV=production")

        allowed_hosts = tuple(h.strip().lower() for h in get("ALLOWED_HOSTS").split(",") if h.strip())
        for name in allowed_hosts:
            if not _HOST_NAME.fullmatch(name):
                raise ConfigError(
                    f"ALLOWED_HOSTS takes host names or IPv4 addresses without scheme or port "
                    f"(e.g. shop.example.in,192.168.1.20), not {name!r}"
                )

        port = _number("PORT", get("PORT", "5000"), int, 1)
        if port > 65535:
            raise ConfigError(f"PORT must be at most 65535, not {port}")
        rate_limit = get("ORDER_RATE_LIMIT", "30 per minute")
        if not re.fullmatch(r"\d+\s*(per|/)\s*(second|minute|hour|day)", rate_limit):
            raise ConfigError(f"ORDER_RATE_LIMIT must look like '30 per minute', not {rate_limit!r}")

        smtp_url = get("SMTP_URL")
        if smtp_url and not _valid_smtp_url(smtp_url):
            raise ConfigError(
                "SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465 (or be "
                f"empty), not {mask_url_password(smtp_url)!r}"
            )
        mail_from = get("MAIL_FROM") or cls.mail_from
        if not re.fullmatch(r"[^<>@\s]+@[^<>@\s]+|[^<>\r\n]*<[^<>@\s]+@[^<>@\s]+>", mail_from):
            raise ConfigError(f"MAIL_FROM must be an email address, e.g. Shop <orders@example.in>, not {mail_from!r}")
        if smtp_url and app_env == "production" and not get("MAIL_FROM"):
            raise ConfigError("MAIL_FROM must be set when SMTP_URL is (the address customers see and reply to)")

        database_url = get("DATABASE_URL")
        if database_url and not re.match(r"postgres(ql)?://", database_url):
            raise ConfigError(
                f"DATABASE_URL must start with postgresql:// (or be empty), not {mask_database_url(database_url)!r}"
            )
        pool_min = _number("DATABASE_POOL_MIN", get("DATABASE_POOL_MIN", "1"), int, 0)
        pool_max = _number("DATABASE_POOL_MAX", get("DATABASE_POOL_MAX", "10"), int, 1)
        if pool_max < pool_min:
            raise ConfigError(f"DATABASE_POOL_MAX ({pool_max}) must be at least DATABASE_POOL_MIN ({pool_min})")

        return cls(
            data_dir=data_dir,
            catalogue_path=Path(catalogue) if catalogue else None,
            size_charts_path=Path(size_charts) if size_charts else None,
            host=get("HOST", "127.0.0.1"),
            port=port,
            app_env=app_env,
            admin_api_key=admin_key,
            cors_origins=origins,
            allowed_hosts=allowed_hosts,
            max_connections_per_client=_number(
                "MAX_CONNECTIONS_PER_CLIENT", get("MAX_CONNECTIONS_PER_CLIENT") or "64", int, 0
            ),
            header_timeout=_number("HEADER_TIMEOUT", get("HEADER_TIMEOUT") or "15", float, 1),
            body_timeout=_number("BODY_TIMEOUT", get("BODY_TIMEOUT") or "60", float, 1),
            log_format=_choice("LOG_FORMAT", (get("LOG_FORMAT") or "text").lower(), ("text", "json")),
            access_log=_bool("ACCESS_LOG", get("ACCESS_LOG") or ("true" if app_env == "production" else "false")),
            trusted_proxies=_trusted_proxies(get("TRUSTED_PROXIES")),
            ratelimit_enabled=_bool("RATELIMIT_ENABLED", get("RATELIMIT_ENABLED", "true")),
            order_rate_limit=rate_limit,
            lock_timeout=_number("STORAGE_LOCK_TIMEOUT", get("STORAGE_LOCK_TIMEOUT", "5")),
            threads=_number("SERVER_THREADS", get("SERVER_THREADS", "8"), int, 1),
            qikink_env=qikink_env,
            qikink_client_id=client_id,
            qikink_client_secret=secret,
            qikink_base_url=get("QIKINK_BASE_URL").rstrip("/"),
            qikink_sign_requests=_bool("QIKINK_SIGN_REQUESTS", get("QIKINK_SIGN_REQUESTS", "true")),
            qikink_connect_timeout=_number("QIKINK_CONNECT_TIMEOUT", get("QIKINK_CONNECT_TIMEOUT", "3.05")),
            qikink_read_timeout=_number("QIKINK_READ_TIMEOUT", get("QIKINK_READ_TIMEOUT", "10")),
            qikink_rate_limit_per_minute=_number(
                "QIKINK_RATE_LIMIT_PER_MINUTE", get("QIKINK_RATE_LIMIT_PER_MINUTE", "30"), int
            ),
            qikink_push_budget=_number("QIKINK_PUSH_BUDGET_SECONDS", get("QIKINK_PUSH_BUDGET_SECONDS", "5")),
            qikink_emulator_port=_number("QIKINK_EMULATOR_PORT", get("QIKINK_EMULATOR_PORT", "5001"), int, 0),
            qikink_emulator_step_seconds=_number(
                "QIKINK_EMULATOR_STEP_SECONDS", get("QIKINK_EMULATOR_STEP_SECONDS", "5")
            ),
            sync_interval=_number("SYNC_INTERVAL_SECONDS", get("SYNC_INTERVAL_SECONDS", "15"), float, 0.1),
            sync_enabled=_bool("SYNC_ENABLED", get("SYNC_ENABLED", "true")),
            qikink_retry_base_seconds=_number("QIKINK_RETRY_BASE_SECONDS", get("QIKINK_RETRY_BASE_SECONDS", "10")),
            qikink_breaker_cooldown_seconds=_number(
                "QIKINK_BREAKER_COOLDOWN_SECONDS", get("QIKINK_BREAKER_COOLDOWN_SECONDS", "30")
            ),
            qikink_tracking_freshness_seconds=60
            * _number("QIKINK_TRACKING_FRESHNESS_MINUTES", get("QIKINK_TRACKING_FRESHNESS_MINUTES") or "0"),
            qikink_create_reserve_per_minute=_number("QIKINK_CREATE_RESERVE_PER_MINUTE", reserve, int)
            if (reserve := get("QIKINK_CREATE_RESERVE_PER_MINUTE"))
            else None,
            payments_env=payments_env,
            razorpay_key_id=key_id,
            razorpay_key_secret=key_secret,
            razorpay_webhook_secret=get("RAZORPAY_WEBHOOK_SECRET"),
            razorpay_base_url=get("RAZORPAY_BASE_URL").rstrip("/"),
            razorpay_checkout_url=get("RAZORPAY_CHECKOUT_URL"),
            razorpay_emulator_port=_number("RAZORPAY_EMULATOR_PORT", get("RAZORPAY_EMULATOR_PORT", "5002"), int, 0),
            payment_window_minutes=_number("PAYMENT_WINDOW_MINUTES", get("PAYMENT_WINDOW_MINUTES", "30"), float, 1),
            smtp_url=smtp_url,
            mail_from=mail_from,
            smtp_timeout=_number("SMTP_TIMEOUT_SECONDS", get("SMTP_TIMEOUT_SECONDS", "10"), float, 0.1),
            database_url=database_url,
            database_pool_min=pool_min,
            database_pool_max=pool_max,
            database_pool_timeout=_number("DATABASE_POOL_TIMEOUT", get("DATABASE_POOL_TIMEOUT", "5"), float, 0.1),
            database_connect_timeout=_number(
                "DATABASE_CONNECT_TIMEOUT", get("DATABASE_CONNECT_TIMEOUT", "3"), float, 1
            ),
            database_statement_timeout=_number(
                "DATABASE_STATEMENT_TIMEOUT", get("DATABASE_STATEMENT_TIMEOUT", "10"), float, 0.1
            ),
            shipping_fee=_money("SHIPPING_FEE", get("SHIPPING_FEE") or "0"),
            free_shipping_above=_money("FREE_SHIPPING_ABOVE", free) if (free := get("FREE_SHIPPING_ABOVE")) else None,
            cod_fee=_money("COD_FEE", get("COD_FEE") or "0"),
            margin_qikink_cost=_money("MARGIN_QIKINK_COST", get("MARGIN_QIKINK_COST") or "300"),
            margin_shipping_cost=_money("MARGIN_SHIPPING_COST", get("MARGIN_SHIPPING_COST") or "65"),
            margin_gateway_percent=_money("MARGIN_GATEWAY_PERCENT", get("MARGIN_GATEWAY_PERCENT") or "2"),
            margin_warn_percent=_money("MARGIN_WARN_PERCENT", get("MARGIN_WARN_PERCENT") or "10"),
            delivery_print_days=_day_range("DELIVERY_PRINT_DAYS", get("DELIVERY_PRINT_DAYS"), DEFAULT_PRINT_DAYS),
            delivery_transit_days=_day_range(
                "DELIVERY_TRANSIT_DAYS", get("DELIVERY_TRANSIT_DAYS"), DEFAULT_TRANSIT_DAYS
            ),
            cod_confirmation=_choice("COD_CONFIRMATION", get("COD_CONFIRMATION") or "email", ("email", "off")),
            cod_confirm_hours=_number("COD_CONFIRM_HOURS", get("COD_CONFIRM_HOURS") or "24", float, 0.01),
            cod_max_order_value=_money("COD_MAX_ORDER_VALUE", cap) if (cap := get("COD_MAX_ORDER_VALUE")) else None,
            cod_review_above=_money("COD_REVIEW_ABOVE", review) if (review := get("COD_REVIEW_ABOVE")) else None,
            public_url=_public_url(get("PUBLIC_URL")),
            alert_email=_alert_email(get("ALERT_EMAIL")),
            webhook_allow_private=_bool(
                "WEBHOOK_ALLOW_PRIVATE",
                get("WEBHOOK_ALLOW_PRIVATE") or ("false" if app_env == "production" else "true"),
            ),
            attention_hours=_attention_hours(get("ATTENTION_HOURS")),
            **_seller(get),
            **_contact(get),
            damage_report_days=_number("DAMAGE_REPORT_DAYS", days, int, 1)
            if (days := get("DAMAGE_REPORT_DAYS"))
            else None,
        )
