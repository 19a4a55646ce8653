"""JSON Schemas of the order request bodies (POST /api/orders, PATCH /api/orders/{order_id}): the
address, its one-line form, an order line, a new order and an order patch, built from the rules
backend/models.py checks them with."""

from __future__ import annotations

from typing import Any

from ..models import (
    ADDRESS_REQUIRED,
    ADDRESS_TEXT_MAX,
    EMAIL_MAX,
    EMAIL_RE,
    LINE_PRICE_RANGE,
    MAX_ITEMS,
    MAX_QUANTITY,
    ORDER_PATCH_FIELDS,
    PAYMENT_METHODS,
    PINCODE_RE,
    PLAIN_ADDRESS_MAX,
    SKU_RE,
    STATE_ALIASES,
    STATES,
)
from ..orders.lifecycle import REPLACEMENT_REASONS
from ..orders.replacement import NOTE_MAX as REPLACEMENT_NOTE_MAX
from .fields import core, country_pattern, nullable, number, phone_pattern, ref, text, trimmed


def order_request_schemas(skus) -> dict:
    """Order request bodies. `skus`: the catalogue's SKUs (an order line must name one of them)."""
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
                    {"type": "string", "maxLength": limits["pincode"], "pattern": trimmed(core(PINCODE_RE))},
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
    line: dict[str, Any] = {
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
                    "minimum": number(low),
                    "maximum": number(high),
                    "description": "Optional: the price the customer saw. When it differs from the "
                    "catalogue price the answer is 409 `price_mismatch`.",
                }
            ),
        },
    }
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
        "ReplacementRequest": {
            "type": "object",
            "description": "A replacement at the shop's cost: `exchange_size` for a delivered order (items: "
            "the sizes to send instead), `reship` for one returning or returned (items default to the "
            "original's). The replacement costs the customer nothing (total 0, no payment, no invoice).",
            "required": ["reason"],
            "additionalProperties": False,
            "if": {"properties": {"reason": {"const": "exchange_size"}}},
            "then": {"required": ["reason", "items"]},
            "properties": {
                "reason": {"type": "string", "enum": list(REPLACEMENT_REASONS)},
                "items": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_ITEMS,
                    "items": {
                        "type": "object",
                        "required": ["sku", "quantity"],
                        "additionalProperties": False,
                        "properties": {"sku": line["properties"]["sku"], "quantity": line["properties"]["quantity"]},
                    },
                },
                "note": {"type": "string", "maxLength": REPLACEMENT_NOTE_MAX, "description": "For staff only."},
                "shipping_address": {**ref("Address"), "description": "A corrected address (default: the order's)."},
                "force": {
                    "type": "boolean",
                    "default": False,
                    "description": "Place it although another replacement of the order is on its way.",
                },
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
    }
