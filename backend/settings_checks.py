"""The checks behind each setting (backend/config.py reads them): a wrong value is a ConfigError
naming the setting and what it takes. Imports nothing of the app at load time."""

from __future__ import annotations

import ipaddress
import re
from decimal import Decimal, InvalidOperation
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


def _number(name: str, raw: str, kind=float, minimum=0):
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {raw!r}")
    return value


def _choice(name: str, raw: str, choices: tuple[str, ...]) -> str:
    value = raw.strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return value


def _day_range(name: str, raw: str, default: tuple[int, int]) -> tuple[int, int]:
    """Days as "2-3" (fewest-most) or "3" (exactly); empty: `default`."""
    if not raw:
        return default
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
CONTACT_SETTINGS = {
    "SHOP_EMAIL": "shop_email",
    "SHOP_PHONE": "shop_phone",
    "GRIEVANCE_OFFICER_NAME": "grievance_officer_name",
    "GRIEVANCE_OFFICER_EMAIL": "grievance_officer_email",
    "GRIEVANCE_OFFICER_PHONE": "grievance_officer_phone",
}


def _contact(get) -> dict:
    """SHOP_EMAIL, SHOP_PHONE and the grievance officer's GRIEVANCE_OFFICER_NAME, _EMAIL, _PHONE:
    each optional (the policy pages show a placeholder for a missing one), checked when set."""
    values = {field: get(name) for name, field in CONTACT_SETTINGS.items()}
    for name, field in CONTACT_SETTINGS.items():
        value = values[field]
        if value and name.endswith("_EMAIL") and not _EMAIL.fullmatch(value):
            raise ConfigError(f"{name} must be one email address, e.g. help@example.in, not {value!r}")
        digits = re.sub(r"\D", "", value)
        if value and name.endswith("_PHONE") and not (_PHONE.fullmatch(value) and 8 <= len(digits) <= 15):
            raise ConfigError(f"{name} must be a phone number, e.g. +91 98765 43210, not {value!r}")
    return values


def _trusted_proxies(raw: str | None) -> tuple[str, ...]:
    networks = []
    for part in (raw or "").split(","):
        if part.strip():
            try:
                networks.append(str(ipaddress.ip_network(part.strip(), strict=False)))
            except ValueError:
                raise ConfigError(
                    f"TRUSTED_PROXIES takes IP addresses or networks, e.g. 127.0.0.1,10.0.0.0/8, not {part.strip()!r}"
                ) from None
    return tuple(networks)


def _alert_email(raw: str | None) -> str:
    value = (raw or "").strip()
    if value and not _EMAIL.fullmatch(value):
        raise ConfigError(f"ALERT_EMAIL must be one email address, e.g. owner@example.in, not {value!r}")
    return value


def _attention_hours(raw: str | None) -> str:
    from .attention.thresholds import Thresholds

    try:
        Thresholds.parse(raw)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return (raw or "").strip()


def _public_url(raw: str) -> str:
    """PUBLIC_URL: http(s)://host[:port][/path], as customers reach the shop; empty for the default."""
    value = raw.strip().rstrip("/")
    if value and not re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:\d{1,5})?(/[A-Za-z0-9._~\-/]*)?", value):
        raise ConfigError(f"PUBLIC_URL must look like https://shop.example.in, not {raw!r}")
    return value


MONEY_SETTING_MAX = Decimal("100000")


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
