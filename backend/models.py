"""Parsing and validation of what comes in: request bodies, orders, addresses, products."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from typing import TypeGuard

from .errors import InvalidJson, ValidationError
from .storage.order_fields import ORDER_ID_RE, SKU_RE, email_key, is_order_id  # noqa: F401  (storage needs them too)

STATES = {
    "AN": "Andaman and Nicobar Islands",
    "AP": "Andhra Pradesh",
    "AR": "Arunachal Pradesh",
    "AS": "Assam",
    "BR": "Bihar",
    "CH": "Chandigarh",
    "CT": "Chhattisgarh",
    "DH": "Dadra and Nagar Haveli and Daman and Diu",
    "DL": "Delhi",
    "GA": "Goa",
    "GJ": "Gujarat",
    "HR": "Haryana",
    "HP": "Himachal Pradesh",
    "JK": "Jammu and Kashmir",
    "JH": "Jharkhand",
    "KA": "Karnataka",
    "KL": "Kerala",
    "LA": "Ladakh",
    "LD": "Lakshadweep",
    "MP": "Madhya Pradesh",
    "MH": "Maharashtra",
    "MN": "Manipur",
    "ML": "Meghalaya",
    "MZ": "Mizoram",
    "NL": "Nagaland",
    "OR": "Odisha",
    "PY": "Puducherry",
    "PB": "Punjab",
    "RJ": "Rajasthan",
    "SK": "Sikkim",
    "TN": "Tamil Nadu",
    "TG": "Telangana",
    "TR": "Tripura",
    "UP": "Uttar Pradesh",
    "UK": "Uttarakhand",
    "WB": "West Bengal",
}
# Codes and spellings people commonly use besides the ones above.
STATE_ALIASES = {
    "CG": "Chhattisgarh",
    "TS": "Telangana",
    "UT": "Uttarakhand",
    "OD": "Odisha",
    "DD": "Dadra and Nagar Haveli and Daman and Diu",
    "DN": "Dadra and Nagar Haveli and Daman and Diu",
    "ORISSA": "Odisha",
    "PONDICHERRY": "Puducherry",
    "NCT OF DELHI": "Delhi",
    "NEW DELHI": "Delhi",
    "UTTARANCHAL": "Uttarakhand",
}
_STATE_LOOKUP = {name.upper(): name for name in STATES.values()}
_STATE_LOOKUP.update(STATES)
_STATE_LOOKUP.update(STATE_ALIASES)

# The rules below are also what the OpenAPI document says (backend/openapi builds it from them).
# A mailbox as customers type it: RFC 5322's dot-atom without `=` and `?`, so an RFC 2047 encoded
# word (=?utf-8?q?…?=) can never reach an email's headers; no spaces, commas or angle brackets,
# so never a second address.
EMAIL_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/^_`{|}~-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
PINCODE_RE = re.compile(r"^[1-9][0-9]{5}$")
MOBILE_FIRST_DIGITS, MOBILE_LENGTH = "6-9", 10  # an Indian mobile number: 10 digits, the first 6-9
MOBILE_RE = re.compile(f"^[{MOBILE_FIRST_DIGITS}][0-9]{{{MOBILE_LENGTH - 1}}}$")
PHONE_PREFIXES = ("+91", "91", "0")  # country code or trunk prefix, dropped when normalising
PHONE_MARKS = "-()"  # ignored in a phone number, like white space
IDEMPOTENCY_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")
# A regex character-class body: refused in any text field. Control characters (C0, DEL, C1) and
# every Unicode format character (category Cf), which changes how text reads without being seen:
# the bidirectional overrides, embeddings and isolates ("Asha \u202egnp.exe\u202c" shows as
# "Asha exe.png"), the marks, zero-width space, word joiner, invisible operators, BOM, soft hyphen,
# interlinear annotation, the deprecated shaping controls and the invisible tag characters (plane 14,
# which can smuggle a hidden ASCII text). Zero-width (non-)joiners U+200C/U+200D stay: Malayalam,
# Devanagari and other Indian scripts need them in ordinary names (a chillu, a half form).
# The plane-1 and plane-14 ones are literal characters: one syntax for Python, the OpenAPI validator
# and ECMAScript's Unicode mode. tests/security checks this against Python's own Unicode tables.
_ASTRAL_FORMAT: tuple[tuple[int, int], ...] = (
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
)
_ASTRAL_FORMAT += ((0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F))
CONTROL_CHARS = (
    r"\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200e\u200f"
    r"\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
) + "".join(chr(first) if first == last else f"{chr(first)}-{chr(last)}" for first, last in _ASTRAL_FORMAT)
_CONTROL_RE = re.compile(f"[{CONTROL_CHARS}]")

# Longest accepted text (after trimming surrounding white space), by field.
EMAIL_MAX = 254
EMAIL_LOCAL_MAX = 64  # RFC 5321, part of JSON Schema's `format: email`
PLAIN_ADDRESS_MAX = 500
ADDRESS_TEXT_MAX = {"name": 100, "line1": 200, "line2": 200, "city": 100, "state": 60, "pincode": 10, "phone": 20}
ADDRESS_REQUIRED = ("name", "line1", "city", "state", "pincode", "phone")
COUNTRY_NAMES = ("IN", "IND", "INDIA")  # any case: Qikink ships only within India

MAX_ITEMS = 50
MAX_QUANTITY = 99
LINE_PRICE_RANGE = (Decimal("0"), Decimal("10000000"))
PRODUCT_PRICE_RANGE = (Decimal("1"), Decimal("1000000"))
STOCK_RANGE = (0, 1_000_000)
PRODUCT_PATCH_FIELDS = ("price", "stock_quantity")
ORDER_PATCH_FIELDS = ("shipping_address", "customer_email", "payment_method")
PAYMENT_METHODS = ("prepaid", "cod")
# The words a yes/no query parameter accepts (any case).
BOOLEAN_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def parse_json_body(raw: bytes) -> dict:
    """Decode a request body strictly: UTF-8, no NaN/Infinity, no duplicate keys, an object."""

    def reject_constant(name):
        raise ValueError(f"{name} is not allowed")

    def no_duplicates(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen[key] = value
        return seen

    try:
        text = raw.decode("utf-8")
        body = json.loads(text, parse_float=Decimal, parse_constant=reject_constant, object_pairs_hook=no_duplicates)
        # A lone surrogate (\ud800) is valid JSON but not text: it could never be saved as UTF-8.
        json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")
    except (UnicodeError, ValueError, RecursionError) as exc:
        reason = str(exc).split("\n")[0][:200] if not isinstance(exc, RecursionError) else "nesting too deep"
        raise InvalidJson(f"Request body is not valid JSON: {reason}") from None
    except ArithmeticError:  # decimal.InvalidOperation: an exponent beyond what Decimal holds
        raise InvalidJson("Request body is not valid JSON: a number is out of range") from None
    if not isinstance(body, dict):
        raise InvalidJson("Request body must be a JSON object")
    return body


def fingerprint(body: dict) -> str:
    """A stable hash of a parsed body, to tell a replay from a different request."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Problems:
    """Collects every broken field, so one 422 names them all."""

    def __init__(self):
        self.items: list[dict] = []

    def add(self, field: str, message: str) -> None:
        self.items.append({"field": field, "message": message})

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationError.from_fields(self.items)


def _text(problems: Problems, field: str, value, *, required=True, max_len=200, multiline=False):
    # The length counts white space too (what a schema's maxLength states); trimmed after.
    if isinstance(value, str) and len(value) > max_len:
        problems.add(field, f"must be at most {max_len} characters")
        return ""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(field, "is required")
        return ""
    if not isinstance(value, str):
        problems.add(field, "must be a string")
        return ""
    value = value.strip()
    if _CONTROL_RE.search(value.replace("\n", " ") if multiline else value):
        problems.add(
            field, "must not contain control characters or invisible formatting (such as text-direction marks)"
        )
    return value


def text_field(problems: Problems, field: str, value, *, required=True, max_len=200) -> str:
    """A text field checked as every other one: length, required, no control characters; trimmed."""
    return _text(problems, field, value, required=required, max_len=max_len)


def same_email(given, stored: str) -> bool:
    """Does `given` (what a customer typed, e.g. ?email=) name the order's email? Compared as
    `email_key` says: ASCII letters without case, nothing else folded (no Kelvin sign for "k")."""
    key = email_key(given)
    return key is not None and key == email_key(stored)


def is_number(value) -> TypeGuard[int | Decimal]:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def is_integral(value) -> TypeGuard[int | Decimal]:
    """A JSON integer, also written as 5.0 (JSON Schema's `integer` includes it)."""
    return is_number(value) and to_decimal(value) == to_decimal(value).to_integral_value()


def to_decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def money_json(value: Decimal | int):
    """Money as a JSON number: an int when whole rupees, else a float with the exact paise."""
    value = to_decimal(value).quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


def validate_email(problems: Problems, field: str, value) -> str:
    email = _text(problems, field, value, max_len=EMAIL_MAX)
    if email and (not EMAIL_RE.match(email) or len(email.partition("@")[0]) > EMAIL_LOCAL_MAX):
        problems.add(field, "must be a valid email address")
    return email


def normalise_phone(raw: str) -> str | None:
    digits = re.sub(f"[\\s{re.escape(PHONE_MARKS)}]", "", raw)
    for prefix in PHONE_PREFIXES:
        # "+91" always goes; "91" and "0" only in front of ten digits (9198765432 is a number).
        if digits.startswith(prefix) and (prefix == "+91" or len(digits) == len(prefix) + MOBILE_LENGTH):
            digits = digits[len(prefix) :]
            break
    return digits if MOBILE_RE.match(digits) else None


def state_name(raw: str) -> str | None:
    return _STATE_LOOKUP.get(re.sub(r"\s+", " ", raw.strip()).upper().replace("&", "AND"))


def validate_address(problems: Problems, value, field="shipping_address"):
    """A structured address (normalised) or the guide's plain string (kept as written)."""
    if isinstance(value, str):
        return _text(problems, field, value, max_len=PLAIN_ADDRESS_MAX, multiline=True)
    if not isinstance(value, dict):
        problems.add(field, "is required: an object with name, line1, city, state, pincode and phone")
        return None
    limits = ADDRESS_TEXT_MAX
    address = {
        name: _text(
            problems, f"{field}.{name}", value.get(name), required=name in ADDRESS_REQUIRED, max_len=limits[name]
        )
        for name in ("name", "line1", "line2", "city")
    }
    address.update(
        {
            "state": "",
            "pincode": "",
            "phone": "",
            "country": "IN",
        }
    )
    state = _text(problems, f"{field}.state", value.get("state"), max_len=limits["state"])
    if state:
        address["state"] = state_name(state) or ""
        if not address["state"]:
            problems.add(f"{field}.state", "must be an Indian state or union territory, by name or two-letter code")
    pincode = value.get("pincode")
    if isinstance(pincode, int) and not isinstance(pincode, bool):
        pincode = str(pincode)
    pincode = _text(problems, f"{field}.pincode", pincode, max_len=limits["pincode"])
    if pincode:
        if PINCODE_RE.match(pincode):
            address["pincode"] = pincode
        else:
            problems.add(f"{field}.pincode", "must be a 6-digit Indian PIN code not starting with 0")
    phone = _text(problems, f"{field}.phone", value.get("phone"), max_len=limits["phone"])
    if phone:
        address["phone"] = normalise_phone(phone) or ""
        if not address["phone"]:
            problems.add(f"{field}.phone", "must be an Indian mobile number: 10 digits starting 6-9")
    country = value.get("country", "IN")
    if not isinstance(country, str) or country.strip().upper() not in COUNTRY_NAMES:
        problems.add(f"{field}.country", "must be IN: Qikink ships only within India")
    return address


def validate_payment_method(problems: Problems, value, field="payment_method") -> str:
    if value is None:
        return "prepaid"
    if not isinstance(value, str) or value.strip().lower() not in PAYMENT_METHODS:
        problems.add(field, "must be prepaid or cod")
        return "prepaid"
    return value.strip().lower()


def validate_items(problems: Problems, value, catalogue: dict) -> list[dict]:
    """Lines merged by SKU: [{"sku", "quantity", "price" (Decimal or None)}]."""
    if not isinstance(value, list) or not value:
        problems.add("items", f"must be a list of 1 to {MAX_ITEMS} lines")
        return []
    if len(value) > MAX_ITEMS:
        problems.add("items", f"must have at most {MAX_ITEMS} lines")
        return []
    merged: dict[str, dict] = {}
    for index, line in enumerate(value):
        field = f"items[{index}]"
        if not isinstance(line, dict):
            problems.add(field, "must be an object with sku and quantity")
            continue
        sku = line.get("sku")
        if not isinstance(sku, str) or not sku.strip():
            problems.add(f"{field}.sku", "is required")
            sku = None
        elif sku.strip() not in catalogue:
            problems.add(f"{field}.sku", "is not a product in the catalogue")
            sku = None
        else:
            sku = sku.strip()
        quantity = line.get("quantity")
        if not is_integral(quantity) or not 1 <= quantity <= MAX_QUANTITY:
            problems.add(f"{field}.quantity", f"must be an integer between 1 and {MAX_QUANTITY}")
            quantity = None
        price = line.get("price")
        if price is not None and not (is_number(price) and to_decimal(price).is_finite()):
            problems.add(f"{field}.price", "must be a number")
            price = None
        elif price is not None and not LINE_PRICE_RANGE[0] <= to_decimal(price) <= LINE_PRICE_RANGE[1]:
            problems.add(f"{field}.price", f"must be between {LINE_PRICE_RANGE[0]} and {LINE_PRICE_RANGE[1]}")
            price = None
        if sku is None or quantity is None:
            continue
        quantity = int(quantity)
        if sku in merged:
            merged[sku]["quantity"] += quantity
            if merged[sku]["quantity"] > MAX_QUANTITY:
                problems.add(f"{field}.quantity", f"total quantity of {sku} must be at most {MAX_QUANTITY}")
            if price is not None:
                merged[sku]["prices"].append(to_decimal(price))
        else:
            merged[sku] = {"sku": sku, "quantity": quantity, "prices": [to_decimal(price)] if price is not None else []}
    return list(merged.values())


def validate_product_patch(body: dict) -> dict:
    """`price` and/or `stock_quantity` for PATCH /api/products/<sku>."""
    problems = Problems()
    changes: dict[str, Decimal | int] = {}
    unknown = sorted(set(body) - set(PRODUCT_PATCH_FIELDS))
    for key in unknown:
        problems.add(key, "cannot be changed (only price and stock_quantity)")
    if "price" in body:
        price = body["price"]
        low, high = PRODUCT_PRICE_RANGE
        if not is_number(price) or not to_decimal(price).is_finite() or not low <= to_decimal(price) <= high:
            problems.add("price", f"must be a number between {low} and {high}")
        elif to_decimal(price) != to_decimal(price).quantize(Decimal("0.01")):
            problems.add("price", "must have at most two decimal places (paise)")
        else:
            changes["price"] = to_decimal(price).quantize(Decimal("0.01"))
    if "stock_quantity" in body:
        stock = body["stock_quantity"]
        fewest, most = STOCK_RANGE
        if not is_integral(stock) or not fewest <= stock <= most:
            problems.add("stock_quantity", f"must be an integer between {fewest} and {most}")
        else:
            changes["stock_quantity"] = int(stock)
    if not changes and not problems.items:
        problems.add("body", "must contain price and/or stock_quantity")
    problems.raise_if_any()
    return changes
