"""JSON Schemas of what comes in and goes out, built from the validation code's own rules
(backend/models.py, backend/api/*, backend/errors.py) so the document cannot drift from them."""

from __future__ import annotations

import re

from .. import errors
from ..api import BOOLEAN_WORDS
from ..api.orders import PAGE_RANGE, PER_PAGE_DEFAULT, PER_PAGE_RANGE
from ..config import QIKINK_ENVIRONMENTS
from ..models import (
    ADDRESS_REQUIRED,
    ADDRESS_TEXT_MAX,
    CONTROL_CHARS,
    COUNTRY_NAMES,
    EMAIL_MAX,
    EMAIL_RE,
    IDEMPOTENCY_KEY_RE,
    LINE_PRICE_RANGE,
    MAX_ITEMS,
    MAX_QUANTITY,
    MOBILE_FIRST_DIGITS,
    MOBILE_LENGTH,
    ORDER_ID_RE,
    ORDER_PATCH_FIELDS,
    ORDER_STATUSES,
    PAYMENT_METHODS,
    PHONE_MARKS,
    PHONE_PREFIXES,
    PINCODE_RE,
    PLAIN_ADDRESS_MAX,
    PRODUCT_PATCH_FIELDS,
    PRODUCT_PRICE_RANGE,
    QIKINK_STATUSES,
    SKU_RE,
    STATE_ALIASES,
    STATES,
    STOCK_RANGE,
)
from ..order_views import INTEGRATION_STATUS
from ..products_view import PUBLIC_FIELDS
from ..qikink.budget import KINDS


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def core(pattern: re.Pattern) -> str:
    """A validation regex without its ^...$ anchors."""
    return pattern.pattern.removeprefix("^").removesuffix("$")


def _trimmed(core: str) -> str:
    """The server trims surrounding white space before it checks a value."""
    return rf"^\s*(?:{core})\s*$"


def _number(value) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def text(max_len: int, *, required: bool = True, multiline: bool = False, **extra) -> dict:
    """A text field as `models._text` checks it: trimmed, not blank when required, at most
    `max_len` characters, no control characters (a plain-string address may hold line breaks)."""
    allowed = f"(?:[^{CONTROL_CHARS}]|\\n)" if multiline else f"[^{CONTROL_CHARS}]"
    visible = f"[^\\s{CONTROL_CHARS}]"
    core = f"{allowed}*{visible}{allowed}*" if required else f"{allowed}*"
    schema = {"type": "string", "maxLength": max_len, "pattern": _trimmed(core)}
    if required:
        schema["minLength"] = 1
    return {**schema, **extra}


def phone_pattern() -> str:
    """A PHONE_PREFIXES prefix (optional) and a mobile number, with white space (not control
    characters) and PHONE_MARKS allowed anywhere: what `normalise_phone` accepts."""
    sep = f"(?:[^\\S{CONTROL_CHARS}]|[{re.escape(PHONE_MARKS)}])"
    prefixes = "|".join(f"{sep}*".join(re.escape(c) for c in prefix) for prefix in PHONE_PREFIXES)
    number = f"[{MOBILE_FIRST_DIGITS}](?:{sep}*[0-9]){{{MOBILE_LENGTH - 1}}}"
    return _trimmed(f"{sep}*(?:(?:{prefixes}){sep}*)?{number}{sep}*")


def country_pattern() -> str:
    """COUNTRY_NAMES in any case."""
    names = "|".join("".join(f"[{c.upper()}{c.lower()}]" for c in name) for name in COUNTRY_NAMES)
    return _trimmed(names)


def request_schemas(skus) -> dict:
    """Request bodies. `skus`: the catalogue's SKUs (an order line must name one of them)."""
    limits = ADDRESS_TEXT_MAX
    address = {
        "type": "object",
        "description": "Where Qikink ships the order. Unknown keys are ignored.",
        "required": list(ADDRESS_REQUIRED),
        "properties": {
            "name": text(limits["name"], examples=["Asha Verma"]),
            "line1": text(limits["line1"], examples=["12 MG Road"]),
            "line2": nullable(text(limits["line2"], required=False)),
            "city": text(limits["city"], examples=["Mumbai"]),
            "state": {
                "description": "One of India's 36 states and union territories, by name or two-letter code, in "
                "any case; stored as the full name.",
                "anyOf": [
                    {"title": "name", "type": "string", "enum": list(STATES.values())},
                    {"title": "code or other usual spelling", "type": "string", "enum": [*STATES, *STATE_ALIASES]},
                ],
                "examples": ["Maharashtra", "MH"],
            },
            "pincode": {
                "description": "A 6-digit Indian PIN code not starting with 0 (a string, or a number).",
                "anyOf": [
                    {"type": "string", "maxLength": limits["pincode"], "pattern": _trimmed(core(PINCODE_RE))},
                    {"type": "integer", "minimum": 100000, "maximum": 999999},
                ],
                "examples": ["400001"],
            },
            "phone": {
                "type": "string",
                "maxLength": limits["phone"],
                "pattern": phone_pattern(),
                "description": "An Indian mobile number: 10 digits starting 6-9; +91, 91 or 0 in front, "
                "spaces, dashes and brackets are accepted and removed.",
                "examples": ["9876543210", "+91 98765-43210"],
            },
            "country": {
                "type": "string",
                "pattern": country_pattern(),
                "default": "IN",
                "description": "IN (Qikink ships only within India).",
            },
        },
    }
    plain_address = text(
        PLAIN_ADDRESS_MAX,
        multiline=True,
        description=(
            "The integration guide's one-line address: kept as written, but Qikink cannot ship to it, so the order "
            "is `action_required` until an admin completes it with PATCH /api/orders/{order_id}."
        ),
        examples=["Test Address, Delhi"],
    )
    payment = {
        "description": "`prepaid` (also when absent or null) or `cod`.",
        "anyOf": [{"type": "string", "enum": list(PAYMENT_METHODS)}, {"type": "null"}],
        "default": PAYMENT_METHODS[0],
    }
    email = {
        "type": "string",
        "format": "email",
        "maxLength": EMAIL_MAX,
        "pattern": EMAIL_RE.pattern,
        "examples": ["test@bharat.com"],
    }
    low, high = LINE_PRICE_RANGE
    line = {
        "type": "object",
        "required": ["sku", "quantity"],
        "properties": {
            "sku": {
                "type": "string",
                "pattern": SKU_RE.pattern,
                "enum": sorted(skus),
                "description": "A SKU of the catalogue (GET /api/products).",
            },
            "quantity": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_QUANTITY,
                "description": f"Lines with the same SKU are merged; their total must also be at most {MAX_QUANTITY}.",
            },
            "price": nullable(
                {
                    "type": "number",
                    "minimum": _number(low),
                    "maximum": _number(high),
                    "description": "Optional: the price the customer saw. When it differs from the "
                    "catalogue price the answer is 409 `price_mismatch`.",
                }
            ),
        },
    }
    low, high = PRODUCT_PRICE_RANGE
    return {
        "Address": address,
        "PlainAddress": plain_address,
        "OrderLine": line,
        "NewOrder": {
            "type": "object",
            "required": ["customer_email", "shipping_address", "items"],
            "properties": {
                "customer_email": email,
                "shipping_address": {"oneOf": [ref("Address"), ref("PlainAddress")]},
                "payment_method": payment,
                "items": {"type": "array", "minItems": 1, "maxItems": MAX_ITEMS, "items": ref("OrderLine")},
            },
        },
        "OrderPatch": {
            "type": "object",
            "description": "Only while Qikink has not accepted the order (qikink_status action_required, "
            "sync_pending or sync_failed); the order is then queued to be sent.",
            "minProperties": 1,
            "additionalProperties": False,
            "properties": dict(zip(ORDER_PATCH_FIELDS, (ref("Address"), email, payment), strict=False)),
        },
        "ProductPatch": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": False,
            "properties": dict(
                zip(
                    PRODUCT_PATCH_FIELDS,
                    (
                        {
                            "type": "number",
                            "minimum": _number(low),
                            "maximum": _number(high),
                            "multipleOf": 0.01,
                            "description": "Rupees, at most two decimal places (paise).",
                        },
                        {"type": "integer", "minimum": STOCK_RANGE[0], "maximum": STOCK_RANGE[1]},
                    ),
                    strict=False,
                )
            ),
        },
    }


def error_codes() -> dict[int, list[str]]:
    """HTTP status → the error codes errors.py answers it with."""
    codes: dict[int, list[str]] = {}
    pending = [errors.ApiError]
    while pending:
        cls = pending.pop(0)
        pending.extend(cls.__subclasses__())
        if cls.code not in codes.setdefault(cls.status, []):
            codes[cls.status].append(cls.code)
    return codes


def _object(required, properties: dict, **extra) -> dict:
    """A response object; more keys may come (newer servers add them), so they are allowed."""
    return {"type": "object", "required": list(required), "properties": properties, **extra}


def _invoice_schema(money: dict) -> dict:
    """GET /api/orders/{order_id}/invoice as JSON: the document kept on the order when it was issued."""
    text = {"type": "string"}
    place = _object(("state", "state_code"), {"state": text, "state_code": {"type": "string", "pattern": "^[0-9]{2}$"}})
    amounts = ("taxable_value", "cgst", "sgst", "igst", "tax")
    line = _object(
        ("kind", "description", "sku", "hsn", "quantity", "unit_price", "amount", "gst_rate", *amounts),
        {
            "kind": {"type": "string", "enum": ["goods", "shipping", "cod_fee"]},
            "description": text,
            "sku": {"type": ["string", "null"]},
            "hsn": {"type": "string", "description": "HSN code (for shipping and COD fee, the principal supply's)."},
            "quantity": {"type": "integer", "minimum": 1},
            "unit_price": {**money, "description": "Price of one piece, GST included."},
            "amount": {**money, "description": "unit_price × quantity = taxable_value + tax."},
            "gst_rate": {"type": "number", "minimum": 0, "maximum": 100, "description": "Percent."},
            **{name: money for name in amounts},
        },
    )
    return _object(
        (
            "invoice_number",
            "invoice_date",
            "order_id",
            "seller",
            "buyer",
            "place_of_supply",
            "supply",
            "lines",
            "totals",
            "tax_names",
            "total_in_words",
        ),
        {
            "invoice_number": {
                "type": "string",
                "pattern": "^INV-[0-9]{6,}$",
                "description": "From the shop's own gap-free sequence, given at the first request.",
            },
            "invoice_date": {"type": "string", "format": "date", "description": "India time."},
            "issued_at": {"type": "string", "format": "date-time"},
            "order_id": {"type": "string"},
            "order_date": {"type": "string", "format": "date-time"},
            "payment_method": {"type": "string", "enum": list(PAYMENT_METHODS)},
            "currency": {"type": "string", "const": "INR"},
            "prices_include_tax": {"type": "boolean"},
            "reverse_charge": {"type": "boolean"},
            "seller": _object(
                ("legal_name", "gstin", "address", "state", "state_code"),
                {"legal_name": text, "gstin": text, "address": text, "state": text, "state_code": text},
            ),
            "buyer": _object(
                ("name", "email", "address"),
                {"name": text, "email": text, "address": {"type": "object"}, "gstin": {"type": ["string", "null"]}},
            ),
            "place_of_supply": place,
            "supply": {
                "type": "string",
                "enum": ["intra_state", "inter_state"],
                "description": "intra_state: CGST + SGST (UTGST in a union territory without a legislature); "
                "inter_state: IGST.",
            },
            "tax_names": _object(
                ("cgst", "sgst", "igst"),
                {"cgst": text, "sgst": {"type": "string", "enum": ["SGST", "UTGST"]}, "igst": text},
            ),
            "lines": {"type": "array", "minItems": 1, "items": line},
            "totals": _object((*amounts, "total"), {**{name: money for name in amounts}, "total": money}),
            "total_in_words": text,
            "charges_rate_rule": text,
        },
    )


def response_schemas() -> dict:
    string_or_null = {"type": ["string", "null"]}
    time_or_null = {"type": ["string", "null"], "format": "date-time"}
    money = {"type": "number", "minimum": 0}
    success = {"type": "string", "const": "success"}
    seconds_or_null = {"type": ["number", "null"], "minimum": 0}
    stored_address = _object(
        ADDRESS_REQUIRED,
        {
            **{name: {"type": "string"} for name in ("name", "line1", "line2", "city", "state", "pincode", "phone")},
            "country": {"type": "string"},
        },
    )
    order_fields = {
        "order_id": {
            "type": "string",
            "pattern": ORDER_ID_RE.pattern,
            "maxLength": 15,
            "examples": ["BHRT-1733304000"],
        },
        "customer_email": {"type": "string"},
        "shipping_address": {"anyOf": [stored_address, {"type": "string"}]},
        "items": {
            "type": "array",
            "items": _object(
                ("sku", "name", "quantity", "price", "line_total"),
                {
                    "sku": {"type": "string"},
                    "name": {"type": "string"},
                    "quantity": {"type": "integer", "minimum": 1},
                    "price": money,
                    "line_total": money,
                },
            ),
        },
        "subtotal": {**money, "description": "The items' prices added up."},
        "shipping": {**money, "description": "SHIPPING_FEE, or 0 when the items reach FREE_SHIPPING_ABOVE."},
        "cod_fee": {**money, "description": "COD_FEE for cash on delivery, else 0."},
        "total": {
            **money,
            "description": "What the customer pays: subtotal + shipping + cod_fee (for cash on "
            "delivery, what the courier collects).",
        },
        "currency": {"type": "string", "const": "INR"},
        "payment_method": {"type": "string", "enum": list(PAYMENT_METHODS)},
        "status": ref("OrderStatus"),
        "qikink_status": ref("QikinkStatusName"),
        "qikink_order_number": {"type": "string", "description": "The order id without its hyphen."},
        "qikink_shipment_id": {"type": ["string", "null"], "description": "Qikink's own order id."},
        "tracking_id": string_or_null,
        "courier": string_or_null,
        "tracking_url": string_or_null,
        "qikink_message": string_or_null,
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    }
    event = _object(
        ("event", "timestamp", "description"),
        {
            "event": {"type": "string", "examples": ["order_received", "order_synced", "order_processing"]},
            "timestamp": {"type": "string", "format": "date-time"},
            "location": string_or_null,
            "description": {"type": "string"},
        },
    )
    count = {"type": "integer", "minimum": 0}
    by_kind = _object(KINDS, {kind: {"type": ["integer", "null"], "minimum": 0} for kind in KINDS})
    return {
        "OrderStatus": {"type": "string", "enum": list(ORDER_STATUSES)},
        "QikinkStatusName": {"type": "string", "enum": list(QIKINK_STATUSES)},
        "Error": _object(
            ("status", "error"),
            {
                "status": {"type": "string", "const": "error"},
                "error": _object(
                    ("code", "message"),
                    {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "details": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "description": "One broken rule: the field and what is wrong (409 answers "
                                "add sku, current_price, requested, available, order_id).",
                                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                            },
                        },
                    },
                ),
            },
        ),
        "Health": _object(
            ("status", "storage", "qikink", "version"),
            {
                "status": {"type": "string", "enum": ["ok", "degraded"]},
                "storage": {"type": "string", "enum": ["ok", "unavailable"]},
                "qikink": {"type": "string", "enum": ["connected", "disconnected", "not_configured", "off"]},
                "version": {"type": "string"},
                "storage_error": {"type": "string"},
                "quarantined_files": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Corrupt order files moved aside.",
                },
            },
        ),
        "Product": _object(
            (*PUBLIC_FIELDS, "in_stock"),
            {
                "sku": {"type": "string", "pattern": SKU_RE.pattern, "examples": ["BHRT-001-M"]},
                "name": {"type": "string"},
                "description": {"type": "string"},
                "price": money,
                "stock_quantity": count,
                "category": {"type": "string"},
                "manufacturer": {"type": "string"},
                "origin": {"type": "string"},
                "in_stock": {"type": "boolean"},
                "size": {"type": "string"},
                "print": {"type": "string"},
            },
        ),
        "ProductList": _object(
            ("status", "data", "count"),
            {"status": success, "data": {"type": "array", "items": ref("Product")}, "count": count},
        ),
        "ProductAnswer": _object(("status", "data"), {"status": success, "data": ref("Product")}),
        "Order": _object(order_fields, order_fields),
        "Charges": _object(
            ("status", "data"),
            {
                "status": success,
                "data": _object(
                    ("currency", "shipping_fee", "free_shipping_above", "cod_fee"),
                    {
                        "currency": {"type": "string", "const": "INR"},
                        "shipping_fee": money,
                        "free_shipping_above": {
                            "type": ["number", "null"],
                            "minimum": 0,
                            "description": "Shipping is free from this items subtotal; null: never.",
                        },
                        "cod_fee": money,
                    },
                ),
            },
        ),
        "Invoice": _object(("status", "data"), {"status": success, "data": _invoice_schema(money)}),
        "OrderCreated": _object(
            ("status", "message", "data", "qikink_integration"),
            {
                "status": success,
                "message": {"type": "string"},
                "data": ref("Order"),
                "qikink_integration": _object(
                    ("status", "qikink_shipment_id", "tracking_id"),
                    {
                        "status": {"type": "string", "enum": sorted(set(INTEGRATION_STATUS.values()))},
                        "qikink_shipment_id": string_or_null,
                        "tracking_id": string_or_null,
                        "reason": {**string_or_null, "description": "Why the order is not at Qikink yet."},
                    },
                ),
            },
        ),
        "OrderAnswer": _object(
            ("status", "data"), {"status": success, "message": {"type": "string"}, "data": ref("Order")}
        ),
        "OrderList": _object(
            ("status", "data", "pagination"),
            {
                "status": success,
                "data": {"type": "array", "items": ref("Order")},
                "pagination": _object(
                    ("page", "per_page", "total"),
                    {
                        "page": {"type": "integer", "minimum": PAGE_RANGE[0]},
                        "per_page": {"type": "integer", "minimum": PER_PAGE_RANGE[0], "maximum": PER_PAGE_RANGE[1]},
                        "total": count,
                    },
                ),
            },
        ),
        "QikinkStatus": _object(
            (
                "status",
                "environment",
                "qikink_api",
                "client_id",
                "last_check",
                "token_valid_until",
                "pending_orders",
                "last_error",
            ),
            {
                "status": {"type": "string", "enum": ["connected", "disconnected", "not_configured", "off"]},
                "environment": {"type": "string", "enum": list(QIKINK_ENVIRONMENTS)},
                "qikink_api": string_or_null,
                "client_id": {**string_or_null, "description": "The first 8 characters and `...`."},
                "last_check": time_or_null,
                "token_valid_until": time_or_null,
                "pending_orders": {"type": ["integer", "null"], "minimum": 0},
                "last_error": string_or_null,
                "budget": _object(
                    ("per_minute", "last_minute", "last_minute_total", "available_now"),
                    {
                        "per_minute": {
                            "type": ["integer", "null"],
                            "description": "Qikink calls a minute (null: no limit).",
                        },
                        "last_minute": by_kind,
                        "last_minute_total": count,
                        "available_now": {**by_kind, "description": "What each kind of call could still take now."},
                    },
                    description="The account's budget of Qikink calls, shared by every process (and server).",
                ),
                "queue": _object(
                    ("pending", "oldest_pending_age_seconds", "estimated_seconds_to_send_all"),
                    {
                        "pending": count,
                        "oldest_pending_age_seconds": seconds_or_null,
                        "estimated_seconds_to_send_all": {"type": "number", "minimum": 0},
                        "creates_per_minute": {"type": ["integer", "null"]},
                    },
                ),
                "tracking": _object(
                    ("in_flight", "due_now", "freshness_target_seconds"),
                    {
                        "in_flight": count,
                        "due_now": count,
                        "freshness_target_seconds": {"type": "number", "minimum": 0},
                        "median_age_seconds": seconds_or_null,
                        "oldest_age_seconds": seconds_or_null,
                    },
                ),
            },
        ),
        "Authenticated": _object(
            ("status", "client_id", "api_endpoint", "timestamp", "token_valid_until"),
            {
                "status": {"type": "string", "const": "authenticated"},
                "client_id": {"type": "string"},
                "api_endpoint": {"type": "string"},
                "timestamp": {"type": "string", "format": "date-time"},
                "token_valid_until": {"type": "string", "format": "date-time"},
            },
        ),
        "SyncReport": _object(
            ("sync_id", "timestamp", "products_synced", "qikink_integration", "products", "orders"),
            {
                "sync_id": {"type": "string", "pattern": "^SYNC-[0-9]+$"},
                "timestamp": {"type": "string", "format": "date-time"},
                "products_synced": count,
                "qikink_integration": _object(
                    ("status", "qikink_response"),
                    {
                        "status": {"type": "string", "enum": ["success", "partial", "error"]},
                        "qikink_response": _object(
                            ("products_synced", "sync_timestamp"),
                            {"products_synced": count, "sync_timestamp": {"type": "string", "format": "date-time"}},
                        ),
                        "last_error": string_or_null,
                    },
                ),
                "products": _object(
                    ("valid", "invalid"),
                    {
                        "valid": count,
                        "invalid": {
                            "type": "array",
                            "items": _object(
                                ("sku", "problem"), {"sku": {"type": "string"}, "problem": {"type": "string"}}
                            ),
                        },
                    },
                ),
                "orders": _object(
                    ("pushed", "failed", "still_pending", "refreshed"),
                    {
                        "pushed": count,
                        "failed": count,
                        "still_pending": count,
                        "refreshed": count,
                        "not_refreshed": {
                            **count,
                            "description": "Orders in flight left for the worker (see reasons).",
                        },
                        "reasons": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "Why something was left undone (call budget spent, Qikink down).",
                        },
                    },
                ),
            },
        ),
        "Fulfilment": _object(
            (
                "order_id",
                "qikink_shipment_id",
                "status",
                "qikink_raw_status",
                "qikink_status",
                "tracking_number",
                "courier",
                "tracking_url",
                "estimated_delivery",
                "last_update",
                "events",
            ),
            {
                "order_id": {"type": "string", "pattern": ORDER_ID_RE.pattern},
                "qikink_shipment_id": string_or_null,
                "status": ref("OrderStatus"),
                "qikink_raw_status": {**string_or_null, "description": "Qikink's own words, e.g. `In-Transit`."},
                "qikink_status": ref("QikinkStatusName"),
                "tracking_number": string_or_null,
                "courier": string_or_null,
                "tracking_url": string_or_null,
                "estimated_delivery": string_or_null,
                "last_update": time_or_null,
                "events": {
                    "type": "array",
                    "items": event,
                    "description": "Transitions seen, oldest first, each once.",
                },
                "last_checked": {**time_or_null, "description": "When Qikink was last asked about this order."},
                "stale": {"type": "boolean", "description": "Present (true) when Qikink could not be asked."},
            },
        ),
    }


def parameter_schemas() -> dict:
    """Query, path and header parameters, by name."""
    return {
        "order_id": {"type": "string", "pattern": ORDER_ID_RE.pattern, "examples": ["BHRT-1733304000"]},
        "sku": {"type": "string", "pattern": SKU_RE.pattern, "examples": ["BHRT-001-M"]},
        "page": {"type": "integer", "minimum": PAGE_RANGE[0], "maximum": PAGE_RANGE[1], "default": PAGE_RANGE[0]},
        "per_page": {
            "type": "integer",
            "minimum": PER_PAGE_RANGE[0],
            "maximum": PER_PAGE_RANGE[1],
            "default": PER_PAGE_DEFAULT,
        },
        "yes_no": {"type": "string", "enum": list(BOOLEAN_WORDS), "default": "false"},
        # Spaces and tabs around a header value are not part of it (RFC 9110, 5.5): HTTP drops them.
        "idempotency_key": {
            "type": "string",
            "pattern": rf"^[ \t]*(?:{core(IDEMPOTENCY_KEY_RE)})[ \t]*$",
            "examples": ["checkout-8f14e45fceea167a5a36dedd4bea2543"],
        },
    }
