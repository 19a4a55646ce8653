"""JSON Schemas of what comes in and goes out, built from the validation code's own rules
(backend/models.py, backend/api/*, backend/errors.py) so the document cannot drift from them.

This module puts them together in the document's order; the schemas themselves are in
order_request_schemas.py, product_schemas.py, error_schemas.py, order_schemas.py (with
invoice_schemas.py) and qikink_schemas.py, their building blocks in fields.py."""

from __future__ import annotations

from ..models import BOOLEAN_WORDS, IDEMPOTENCY_KEY_RE, ORDER_ID_RE, SKU_RE
from ..orders.service import PAGE_RANGE, PER_PAGE_DEFAULT, PER_PAGE_RANGE
from .catalogue_schemas import catalogue_request_schemas, catalogue_response_schemas
from .error_schemas import error_schemas
from .fields import core, obj
from .order_request_schemas import order_request_schemas
from .order_schemas import order_response_schemas, order_status_schemas
from .payment_schemas import payment_schemas
from .photo_schemas import photo_request_schemas, photo_response_schemas
from .pincode_schemas import pincode_schemas
from .product_schemas import product_request_schemas, product_response_schemas
from .qikink_schemas import qikink_response_schemas
from .seller_schemas import seller_schemas
from .webhook_schemas import webhook_request_schemas


def request_schemas(skus) -> dict:
    """Request bodies. `skus`: the catalogue's SKUs (an order line must name one of them)."""
    return {
        **order_request_schemas(skus),
        **product_request_schemas(),
        **catalogue_request_schemas(),
        **photo_request_schemas(skus),
        **webhook_request_schemas(),
    }


def response_schemas() -> dict:
    return {
        **order_status_schemas(),
        **error_schemas(),
        "Health": obj(
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
        **product_response_schemas(),
        **catalogue_response_schemas(),
        **photo_response_schemas(),
        **order_response_schemas(),
        **payment_schemas(),
        **pincode_schemas(),
        **seller_schemas(),
        **qikink_response_schemas(),
    }


def parameter_schemas() -> dict:
    """Query, path and header parameters, by name."""
    return {
        "order_id": {"type": "string", "pattern": ORDER_ID_RE.pattern, "examples": ["BHRT-4817302956"]},
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
