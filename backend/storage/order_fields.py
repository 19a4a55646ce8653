"""What storage knows of an order and a product: the id and SKU formats, the fields an order must
have to be usable, and the key under which an Idempotency-Key is kept. Imports nothing."""

from __future__ import annotations

import hashlib
import re
import secrets

# In JSON Schema's (ECMAScript's) syntax for the OpenAPI document; in Python, only ever with
# fullmatch (`is_order_id`): `$` alone would also match before a final newline ("BHRT-1\n").
ORDER_ID_RE = re.compile(r"^BHRT-[0-9]{1,10}$")
SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
ORDER_REQUIRED_KEYS = ("order_id", "customer_email", "items", "status", "qikink_status", "created_at")


def is_order_id(value) -> bool:
    """Is `value` an order id, exactly (nothing before or after it, not even a newline)?"""
    return isinstance(value, str) and ORDER_ID_RE.fullmatch(value) is not None


def email_key(value) -> str | None:
    """The one form in which emails are compared (customer look-ups, listings, the open-order
    limit): ASCII white space trimmed, ASCII letters lower-cased, nothing else folded; None for
    anything but ASCII text, which then matches nothing. Stored emails are ASCII (EMAIL_RE);
    Unicode case-folding would let the Kelvin sign (U+212A) stand for "k", or "ſ" for "s"."""
    if not isinstance(value, str):
        return None
    value = value.strip(" \t\r\n")
    return value.lower() if value.isascii() else None


def hash_key(key: str) -> str:
    """The SHA-256 of an Idempotency-Key: the key itself is never stored."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_order_number() -> int:
    """A new order's number: 10 random digits (9 × 10⁹ of them), so `BHRT-<number>` cannot be
    guessed from another order's; "BHRT" and the number make 14 characters, within Qikink's
    `order_number` limit of 15 letters and digits. Orders from before are numbered from the clock;
    both forms are the same pattern. The store checks that a number is free before using it."""
    return 1_000_000_000 + secrets.randbelow(9_000_000_000)


def order_number(order_id: str) -> int:
    return int(order_id.split("-", 1)[1])


def check_order(order: dict, order_id: str) -> str | None:
    """The problem with a stored order, or None when it is usable."""
    if not isinstance(order, dict):
        return "order is not a JSON object"
    missing = [key for key in ORDER_REQUIRED_KEYS if key not in order]
    if missing:
        return f"order is missing {', '.join(missing)}"
    if order["order_id"] != order_id:
        return f"order_id {order['order_id']!r} does not match {order_id}"
    if not isinstance(order["items"], list) or not all(isinstance(item, dict) for item in order["items"]):
        return "items is not a list of objects"
    # A hand-edited value of the wrong type would otherwise fail later, in every reader of the order.
    wrong = [key for key in ORDER_REQUIRED_KEYS if key != "items" and not isinstance(order[key], str)]
    if wrong:
        return f"{', '.join(wrong)} must be text"
    if not isinstance(order.get("sync") or {}, dict):
        return "sync is not an object"
    return None
