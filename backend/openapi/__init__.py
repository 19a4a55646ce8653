"""The API's OpenAPI 3.1 document, generated from the code that validates requests (schemas.py)
so that one source of truth serves both; tests/openapi/ checks that they agree.

The document's parts: the paths in paths.py (one module per resource: product_paths.py,
order_paths.py, qikink_paths.py, docs_paths.py; shared pieces in operations.py), the schemas in
schemas.py (and the modules it names), the examples in examples.py."""

from __future__ import annotations

from ..models import ORDER_ID_RE
from ..version import __version__
from .docs_paths import DOCS_ASSETS
from .error_schemas import error_codes
from .fields import core
from .operations import error_response
from .paths import paths
from .schemas import request_schemas, response_schemas

__all__ = ["DOCS_ASSETS", "build_document"]

DESCRIPTION = """\
The shop backend of Bharat Heritage Prints: catalogue, orders with server-side prices and stock,
and their fulfilment by Qikink (print-on-demand, shipped within India).

* JSON in and out, UTF-8; money is Indian rupees as JSON numbers, exact to the paisa; times are
  ISO 8601 with an offset.
* Every error, 404/405/413/500 included, is the envelope
  `{"status": "error", "error": {"code": "...", "message": "...", "details": [...]}}`;
  a 422 lists every broken field in `details`.
* **Admin** operations need `Authorization: Bearer <ADMIN_API_KEY>` or `X-Admin-Key: <ADMIN_API_KEY>`.
  A server with no key set answers them only from its own machine (loopback).
* `POST /api/orders` is limited per client address (429 with `Retry-After`) and takes an optional
  `Idempotency-Key`: the same key with the same body answers the first answer again
  (`Idempotent-Replayed: true`), with another body 409 `idempotency_conflict`.
* Customer look-ups of an order are limited per client address (60 a minute), and an order is
  refused to everyone for the rest of the minute after 10 failed look-ups of it (404); a client
  that sent 5 wrong admin keys in a minute is refused, even with the right one, for the rest of it.
  Each answers 429 `rate_limited` with `Retry-After`.
"""


def build_document(skus) -> dict:
    """The OpenAPI 3.1 document; `skus` are the catalogue's (an order line must name one)."""
    responses = {f"Error{status}": error_response(status) for status in error_codes()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Bharat Heritage Prints shop API", "version": __version__, "description": DESCRIPTION},
        "servers": [
            {"url": "/", "description": "this server"},
            {"url": "http://localhost:5000", "description": "the default local server"},
        ],
        "tags": [
            {"name": "health"},
            {"name": "products"},
            {"name": "orders"},
            {"name": "payments", "description": "Prepaid orders are paid through Razorpay before they go to Qikink."},
            {"name": "shop", "description": "The seller's details the policy pages show."},
            {"name": "qikink", "description": "The integration guide's five testing steps."},
            {"name": "operations", "description": "Running the shop: what needs attention, webhooks for order events."},
            {"name": "docs"},
        ],
        "paths": paths(),
        "components": {
            "schemas": {**request_schemas(skus), **response_schemas()},
            "responses": responses,
            "headers": {
                "Location": {
                    "description": "The new order's URL.",
                    "required": True,
                    "schema": {"type": "string", "pattern": f"^/api/orders/{core(ORDER_ID_RE)}$"},
                },
                "IdempotentReplayed": {
                    "description": "`true` when this is the kept answer to an earlier request "
                    "with the same Idempotency-Key.",
                    "schema": {"type": "string", "const": "true"},
                },
                "RetryAfter": {
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "string", "pattern": "^[0-9]+$"},
                },
                "RetryAfterRequired": {
                    "description": "Seconds to wait before trying again.",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[0-9]+$"},
                },
            },
            "securitySchemes": {
                "adminBearer": {"type": "http", "scheme": "bearer", "description": "ADMIN_API_KEY as a bearer token."},
                "adminKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Admin-Key",
                    "description": "ADMIN_API_KEY in its own header.",
                },
            },
        },
    }
