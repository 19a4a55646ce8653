"""What a setting is (`Setting`, one row of backend/config.py's table) and the checks behind each:
a check takes the setting's name and its text and answers the value, or raises a ConfigError naming
the setting and what it takes. Imports nothing of the app at load time."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit


def _valid_smtp_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number from 0 to 65535)
    except ValueError:
        return False
    return parts.scheme.lower() in ("smtp", "smtps") and bool(parts.hostname) and parts.path in ("", "/")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _number(name: str, raw: str, kind=float, minimum=0, maximum=None):
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {raw!r}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name} must be at most {maximum}, not {value}")
    return value


def _choice(name: str, raw: str, choices: tuple[str, ...]) -> str:
    value = raw.strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return value


def _day_range(name: str, raw: str) -> tuple[int, int]:
    """Days as "2-3" (fewest-most) or "3" (exactly)."""
    match = re.fullmatch(r"\s*([0-9]{1,2})\s*(?:[-–]\s*([0-9]{1,2})\s*)?", raw)
    if not match:
        raise ConfigError(f"{name} must be a number of days or a range like 2-3, not {raw!r}")
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if high < low:
        raise ConfigError(f"{name}: the first number of days ({low}) must not be more than the second ({high})")
    return low, high


def _seller(get) -> dict:
    from .billing.seller_settings import seller_settings

    try:
        return seller_settings(get)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


_EMAIL = re.compile(r"[^<>@\s,;]+@[^<>@\s,;]+\.[^<>@\s,;]+")
# A phone number as a customer dials it: digits, spaces, hyphens, a leading +, 8 to 15 digits.
_PHONE = re.compile(r"\+?[0-9][0-9 -]{6,18}[0-9]")


def _contact_email(name: str, value: str) -> str:
    """SHOP_EMAIL, GRIEVANCE_OFFICER_EMAIL: optional (the policy pages show a placeholder), one address."""
    if value and not _EMAIL.fullmatch(value):
        raise ConfigError(f"{name} must be one email address, e.g. help@example.in, not {value!r}")
    return value


def _contact_phone(name: str, value: str) -> str:
    """SHOP_PHONE, GRIEVANCE_OFFICER_PHONE: optional, a number as a customer dials it."""
    digits = re.sub(r"\D", "", value)
    if value and not (_PHONE.fullmatch(value) and 8 <= len(digits) <= 15):
        raise ConfigError(f"{name} must be a phone number, e.g. +91 98765 43210, not {value!r}")
    return value


def _trusted_proxies(name: str, raw: str) -> tuple[str, ...]:
    networks = []
    for part in raw.split(","):
        if part.strip():
            try:
                networks.append(str(ipaddress.ip_network(part.strip(), strict=False)))
            except ValueError:
                raise ConfigError(
                    f"{name} takes IP addresses or networks, e.g. 127.0.0.1,10.0.0.0/8, not {part.strip()!r}"
                ) from None
    return tuple(networks)


def _alert_email(name: str, value: str) -> str:
    if value and not _EMAIL.fullmatch(value):
        raise ConfigError(f"{name} must be one email address, e.g. owner@example.in, not {value!r}")
    return value


def _attention_hours(name: str, raw: str) -> str:
    from .attention.thresholds import Thresholds

    try:
        Thresholds.parse(raw)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return raw


def _public_url(name: str, raw: str) -> str:
    """PUBLIC_URL: http(s)://host[:port][/path], as customers reach the shop; empty for the default."""
    value = raw.rstrip("/")
    if value and not re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:\d{1,5})?(/[A-Za-z0-9._~\-/]*)?", value):
        raise ConfigError(f"{name} must look like https://shop.example.in, not {raw!r}")
    return value


MONEY_SETTING_MAX = Decimal("100000")


def _percent(name: str, raw: str) -> Decimal:
    """A percentage from 0 to 100, exact to two decimal places, as a Decimal."""
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ConfigError(f"{name} must be a percentage such as 2 or 2.5, not {raw!r}") from None
    if not value.is_finite() or not 0 <= value <= 100 or value != value.quantize(Decimal("0.01")):
        raise ConfigError(f"{name} must be a percentage from 0 to 100 (at most two decimals), not {raw!r}")
    return value


def _money(name: str, raw: str) -> Decimal:
    """Rupees exact to the paisa, from 0 to MONEY_SETTING_MAX, as a Decimal (never a float)."""
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ConfigError(f"{name} must be an amount in rupees such as 49 or 49.50, not {raw!r}") from None
    if not value.is_finite() or not 0 <= value <= MONEY_SETTING_MAX:
        raise ConfigError(f"{name} must be an amount from 0 to {MONEY_SETTING_MAX} rupees, not {raw!r}")
    if value != value.quantize(Decimal("0.01")):
        raise ConfigError(f"{name} must have at most two decimal places (paise), not {raw!r}")
    return value.quantize(Decimal("0.01"))


def _optional(parse):
    """`parse` for a setting that may be empty: empty text is None (no such limit, no such value)."""

    def read(name: str, raw: str):
        return parse(name, raw) if raw else None

    return read


def _comma_list(name: str, raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


# A name as werkzeug's TRUSTED_HOSTS matches it: a leading dot also admits every subdomain.
_HOST_NAME = re.compile(r"\.?[a-z0-9-]+(\.[a-z0-9-]+)*")


def _host_names(name: str, raw: str) -> tuple[str, ...]:
    names = tuple(part.lower() for part in _comma_list(name, raw))
    for host in names:
        if not _HOST_NAME.fullmatch(host):
            raise ConfigError(
                f"{name} takes host names or IPv4 addresses without scheme or port "
                f"(e.g. shop.example.in,192.168.1.20), not {host!r}"
            )
    return names


def _rate(name: str, raw: str) -> str:
    if not re.fullmatch(r"\d+\s*(per|/)\s*(second|minute|hour|day)", raw):
        raise ConfigError(f"{name} must look like '30 per minute', not {raw!r}")
    return raw


def _admin_key(name: str, raw: str) -> str:
    if raw and len(raw) < 16:
        raise ConfigError(f"{name} must be at least 16 characters")
    return raw


def _smtp_url(name: str, raw: str) -> str:
    from .storage.urls import mask_database_url

    if raw and not _valid_smtp_url(raw):
        raise ConfigError(
            f"{name} must look like smtp://user:password@host:587 or smtps://host:465 (or be "
            f"empty), not {mask_database_url(raw)!r}"
        )
    return raw


def _mail_from(name: str, raw: str) -> str:
    if not re.fullmatch(r"[^<>@\s]+@[^<>@\s]+|[^<>\r\n]*<[^<>@\s]+@[^<>@\s]+>", raw):
        raise ConfigError(f"{name} must be an email address, e.g. Shop <orders@example.in>, not {raw!r}")
    return raw


def _database_url(name: str, raw: str) -> str:
    from .storage.urls import mask_database_url

    if raw and not re.match(r"postgres(ql)?://", raw):
        raise ConfigError(f"{name} must start with postgresql:// (or be empty), not {mask_database_url(raw)!r}")
    return raw


def _base_url(name: str, raw: str) -> str:
    return raw.rstrip("/")


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, its default as written in `.env`, its limits, its help."""

    env: str
    default: str
    help: str
    kind: type = str  # str, int, float or bool; `parse` for anything else
    minimum: float = 0
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    parse: Callable[[str, str], Any] | None = None  # (name, text) -> value, or a ConfigError
    derived: str = ""  # a default that depends on other settings: which (`default` is the fallback)
    secret: bool = False

    def read(self, text: str) -> Any:
        """The value of `text` as the environment gives it (stripped); empty is the default."""
        text = text or self.default
        if self.parse is not None:
            return self.parse(self.env, text)
        if self.kind is bool:
            return _bool(self.env, text)
        if self.kind in (int, float):
            return _number(self.env, text, self.kind, self.minimum, self.maximum) if text else None
        if self.choices:
            return _choice(self.env, text, self.choices)
        return text


def setting(env: str, default: str, help: str, *, built: Any = MISSING, secret: bool = False, **limits) -> Any:
    """A Config field read from `env`. A Config built directly (tests) gets the default's value,
    or `built` where that differs on purpose (no Qikink, no payments, no COD confirmation)."""
    spec = Setting(env, default, help, secret=secret, **limits)
    value = spec.read("") if built is MISSING else built
    return field(default=value, repr=not secret, metadata={"setting": spec})
