"""The API's OpenAPI 3.1 document, generated from the code that validates requests (schemas.py)
so that one source of truth serves both; tests/openapi/ checks that they agree."""

from __future__ import annotations

from http import HTTPStatus

from ..models import ORDER_ID_RE
from ..version import __version__
from . import examples
from .schemas import core, error_codes, parameter_schemas, ref, request_schemas, response_schemas

ADMIN = [{"adminBearer": []}, {"adminKey": []}]
JSON = "application/json"
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
"""

# The docs page's files (name → media type), served by api/docs.py; ours come from frontend/docs/,
# the others from the viewer package.
DOCS_ASSETS = {
    "docs.js": "text/javascript",
    "docs.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "LICENSE": "text/plain",
    "favicon-32x32.png": "image/png",
}


def _error_response(status: int, codes=None) -> dict:
    """The error envelope for `status`, its `code` one of `codes` (default: every code errors.py
    answers `status` with). Asking for a code errors.py does not have fails the build."""
    known = error_codes()[status]
    codes = list(codes or known)
    unknown = set(codes) - set(known)
    if unknown:
        raise ValueError(f"errors.py has no {status} error with code {', '.join(sorted(unknown))}")
    schema = {"allOf": [ref("Error"), {"properties": {"error": {"properties": {"code": {"enum": codes}}}}}]}
    response = {
        "description": f"{HTTPStatus(status).phrase}: `{'`, `'.join(codes)}`",
        "content": {JSON: {"schema": schema}},
    }
    if status in (429, 503):  # always after a 429; after a 503 when storage is busy
        header = "RetryAfterRequired" if status == 429 else "RetryAfter"
        response["headers"] = {"Retry-After": {"$ref": f"#/components/headers/{header}"}}
    return response


def _errors(*statuses, only: dict | None = None) -> dict:
    """Error answers by status, plus 500; `only={409: [codes]}` keeps some codes of a status."""
    answers = {str(status): {"$ref": f"#/components/responses/Error{status}"} for status in statuses}
    for status, codes in (only or {}).items():
        answers[str(status)] = _error_response(status, codes)
    answers.setdefault("500", {"$ref": "#/components/responses/Error500"})
    return dict(sorted(answers.items()))


def _ok(schema: str, description: str, example=None, status: str = "200", links=None) -> dict:
    media = {"schema": ref(schema)}
    if example is not None:
        media["example"] = example
    answer = {"description": description, "content": {JSON: media}}
    if links:
        answer["links"] = links
    return {status: answer}


def _body(schema: str, named_examples: dict) -> dict:
    return {
        "required": True,
        "content": {
            JSON: {
                "schema": ref(schema),
                "examples": {
                    name: {"summary": summary, "value": value} for name, (summary, value) in named_examples.items()
                },
            }
        },
    }


def _param(name: str, where: str, description: str, schema: str | None = None) -> dict:
    """A parameter whose schema is parameter_schemas()[schema or name]."""
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": parameter_schemas()[schema or name],
    }


def _paths() -> dict:
    order_id = _param("order_id", "path", "`BHRT-` and digits, as `POST /api/orders` answered it.")
    sku = _param("sku", "path", "A product's SKU.")
    email_filter = {
        "name": "email",
        "in": "query",
        "description": "Only orders of this customer email.",
        "schema": {"type": "string"},
    }
    order_links = {
        "GetOrder": {
            "operationId": "getOrder",
            "description": "Read the order just created.",
            "parameters": {"order_id": "$response.body#/data/order_id", "email": "$response.body#/data/customer_email"},
        },
        "GetFulfilment": {
            "operationId": "getFulfilment",
            "description": "Its fulfilment status.",
            "parameters": {"order_id": "$response.body#/data/order_id"},
        },
        "PatchOrder": {
            "operationId": "patchOrder",
            "description": "Correct it while Qikink has not accepted it.",
            "parameters": {"order_id": "$response.body#/data/order_id"},
        },
    }
    created = _ok(
        "OrderCreated",
        "Created and saved (durably, before this answer). Qikink sync is "
        "reported in `qikink_status` and `qikink_integration`.",
        examples.ORDER_CREATED,
        "201",
        order_links,
    )
    created["201"]["headers"] = {
        "Location": {"$ref": "#/components/headers/Location"},
        "Idempotent-Replayed": {"$ref": "#/components/headers/IdempotentReplayed"},
    }
    return {
        "/api/health": {
            "get": {
                "operationId": "getHealth",
                "tags": ["health"],
                "summary": "Can the service take orders?",
                "responses": {
                    **_ok("Health", "Storage writable."),
                    "503": {
                        "description": "Storage unusable (`status` degraded, `storage_error` says why).",
                        "content": {JSON: {"schema": ref("Health")}},
                    },
                    **_errors(),
                },
            }
        },
        "/api/products": {
            "get": {
                "operationId": "listProducts",
                "tags": ["products"],
                "summary": "The catalogue, with live price and stock",
                "parameters": [
                    {
                        "name": "category",
                        "in": "query",
                        "description": "Only this category (any case).",
                        "schema": {"type": "string", "examples": ["mens", "womens", "unisex"]},
                    }
                ],
                "responses": {**_ok("ProductList", "Every product (or those of the category)."), **_errors()},
            }
        },
        "/api/products/{sku}": {
            "parameters": [sku],
            "get": {
                "operationId": "getProduct",
                "tags": ["products"],
                "summary": "One product",
                "responses": {
                    **_ok("ProductAnswer", "The product.", {"status": "success", "data": examples.PRODUCT}),
                    **_errors(404),
                },
            },
            "patch": {
                "operationId": "patchProduct",
                "tags": ["products"],
                "summary": "Change price and/or stock (admin)",
                "security": ADMIN,
                "requestBody": _body("ProductPatch", {"both": ("New price and stock", examples.PRODUCT_PATCH)}),
                "responses": {**_ok("ProductAnswer", "Changed."), **_errors(400, 401, 404, 413, 415, 422, 503)},
            },
        },
        "/api/orders": {
            "post": {
                "operationId": "createOrder",
                "tags": ["orders"],
                "summary": "Place an order",
                "description": "Prices come from the catalogue; stock is taken atomically with saving the order. "
                "The order is then sent to Qikink within a few seconds, or kept `sync_pending` "
                "and sent by the background worker.",
                "parameters": [
                    _param(
                        "Idempotency-Key",
                        "header",
                        "1-255 visible ASCII characters; makes a retry safe.",
                        "idempotency_key",
                    )
                ],
                "requestBody": _body(
                    "NewOrder",
                    {
                        "structured": (
                            "Integration guide step 4 with a structured address (Qikink can ship it)",
                            examples.STRUCTURED_ORDER,
                        ),
                        "guide": ("The guide's own body: a one-line address (`action_required`)", examples.GUIDE_ORDER),
                    },
                ),
                "responses": {
                    **created,
                    **_errors(
                        400,
                        413,
                        415,
                        422,
                        429,
                        503,
                        only={409: ["out_of_stock", "price_mismatch", "idempotency_conflict"]},
                    ),
                },
            },
            "get": {
                "operationId": "listOrders",
                "tags": ["orders"],
                "summary": "Orders, newest first (admin)",
                "security": ADMIN,
                "parameters": [
                    {"name": "status", "in": "query", "schema": ref("OrderStatus")},
                    {"name": "qikink_status", "in": "query", "schema": ref("QikinkStatusName")},
                    email_filter,
                    _param("page", "query", "From 1."),
                    _param("per_page", "query", "Orders per page."),
                ],
                "responses": {**_ok("OrderList", "One page of orders."), **_errors(401, 422)},
            },
        },
        "/api/orders/{order_id}": {
            "parameters": [order_id],
            "get": {
                "operationId": "getOrder",
                "tags": ["orders"],
                "summary": "One order (admin, or its customer's email)",
                "description": "Anyone else gets 404, never 403: order ids cannot be confirmed by guessing.",
                "security": [{}, *ADMIN],
                "parameters": [
                    {
                        "name": "email",
                        "in": "query",
                        "description": "The order's customer_email (any case); not needed by an admin.",
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    **_ok(
                        "OrderAnswer",
                        "The order.",
                        examples.ORDER_ANSWER,
                        links={"GetFulfilment": order_links["GetFulfilment"]},
                    ),
                    **_errors(404),
                },
            },
            "patch": {
                "operationId": "patchOrder",
                "tags": ["orders"],
                "summary": "Complete or correct an order Qikink has not accepted (admin)",
                "security": ADMIN,
                "requestBody": _body(
                    "OrderPatch", {"address": ("Complete the guide's one-line address", examples.ORDER_PATCH)}
                ),
                "responses": {
                    **_ok("OrderAnswer", "Updated; queued to be sent to Qikink."),
                    **_errors(400, 401, 404, 413, 415, 422, 503, only={409: ["order_not_editable"]}),
                },
            },
        },
        "/api/orders/{order_id}/invoice": {
            "parameters": [order_id],
            "get": {
                "operationId": "getInvoice",
                "tags": ["orders"],
                "summary": "The order's GST tax invoice (admin, or its customer's email)",
                "description": "Issued at the first request, with the next number of the shop's gap-free "
                "invoice sequence, and never changed afterwards. A printable HTML page, or this "
                "JSON with `Accept: application/json`. Same access rule as the order: 404 for "
                "anyone else. 409 `invoice_unavailable` (with the reason) for a cancelled order "
                "not invoiced before, a one-line address (no place of supply), or a shop "
                "without SHOP_GSTIN.",
                "security": [{}, *ADMIN],
                "parameters": [
                    {
                        "name": "email",
                        "in": "query",
                        "description": "The order's customer_email (any case); not needed by an admin.",
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The invoice.",
                        "content": {
                            JSON: {"schema": ref("Invoice"), "example": examples.INVOICE},
                            "text/html": {"schema": {"type": "string"}},
                        },
                    },
                    **_errors(404, only={409: ["invoice_unavailable"]}),
                },
            },
        },
        "/api/charges": {
            "get": {
                "operationId": "getCharges",
                "tags": ["orders"],
                "summary": "Shipping and COD fee, shown before checkout",
                "description": "The order's total is subtotal + shipping + COD fee; the server computes it again.",
                "responses": {**_ok("Charges", "The charge settings.", examples.CHARGES), **_errors()},
            }
        },
        "/api/orders/{order_id}/cancel": {
            "parameters": [order_id],
            "post": {
                "operationId": "cancelOrder",
                "tags": ["orders"],
                "summary": "Cancel an order (admin, or its customer's email before Qikink has it)",
                "description": "Before Qikink has the order: `cancelled` at once and its stock back. After Qikink "
                "accepted it (admin only): `cancel_requested`, and the message says to cancel it "
                "in Qikink's dashboard (Qikink has no cancel API); it turns `cancelled` when "
                "Qikink reports the cancellation. Packed for shipping (`ready_to_ship`) or later: "
                "409 `not_cancellable` with the reason. While the order is being sent to Qikink "
                "the answer waits for the outcome, or is 409 `order_busy` with `Retry-After`; when an earlier "
                "attempt may have reached Qikink, Qikink is asked first. "
                "Cancelling again answers the same order. No body.",
                "security": [{}, *ADMIN],
                "parameters": [
                    {
                        "name": "email",
                        "in": "query",
                        "description": "The order's customer_email (any case); not needed by an admin.",
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    **_ok("OrderAnswer", "Cancelled, or cancel_requested (see `message`).", examples.ORDER_CANCELLED),
                    **_errors(401, 404, 503, only={409: ["not_cancellable", "order_busy"]}),
                },
            },
        },
        "/api/qikink/status": {
            "get": {
                "operationId": "getQikinkStatus",
                "tags": ["qikink"],
                "summary": "Qikink connection (step 1)",
                "description": "Mints a token only when none is valid (a new token invalidates the old one).",
                "responses": {
                    **_ok("QikinkStatus", "The connection as last seen.", examples.QIKINK_STATUS),
                    **_errors(),
                },
            }
        },
        "/api/qikink/authenticate": {
            "post": {
                "operationId": "authenticate",
                "tags": ["qikink"],
                "summary": "Check the credentials (step 2, admin)",
                "security": ADMIN,
                "parameters": [_param("force", "query", "Mint a new token even when one is valid.", "yes_no")],
                "responses": {
                    **_ok("Authenticated", "Qikink accepted the credentials.", examples.AUTHENTICATED),
                    **_errors(401, 422, 502, only={503: ["qikink_unavailable"]}),
                },
            }
        },
        "/api/qikink/sync": {
            "post": {
                "operationId": "sync",
                "tags": ["qikink"],
                "summary": "Sync now (step 3, admin)",
                "description": "Checks every product's Qikink mapping, sends every `sync_pending` order and refreshes "
                "orders in flight. 200 even when Qikink is down: the report says what happened.",
                "security": ADMIN,
                "parameters": [_param("retry_failed", "query", "Also resend `sync_failed` orders.", "yes_no")],
                "responses": {
                    **_ok("SyncReport", "What the sync did.", examples.SYNC_REPORT),
                    **_errors(401, 422, only={503: ["qikink_unavailable"]}),
                },
            }
        },
        "/api/qikink/fulfillment/{order_id}": {
            "parameters": [order_id],
            "get": {
                "operationId": "getFulfilment",
                "tags": ["qikink"],
                "summary": "Fulfilment status (step 5)",
                "description": "Public: it holds no personal data. Refreshed from Qikink when older than a "
                "minute; `stale: true` when Qikink could not be asked.",
                "parameters": [
                    {
                        "name": "email",
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": "Accepted and not needed (the JS client sends the customer's).",
                    }
                ],
                "responses": {**_ok("Fulfilment", "Where the order is.", examples.FULFILMENT), **_errors(404)},
            },
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "tags": ["docs"],
                "summary": "This document",
                "responses": {
                    "200": {"description": "OpenAPI 3.1.", "content": {JSON: {"schema": {"type": "object"}}}},
                    **_errors(),
                },
            }
        },
        "/api/docs": {
            "get": {
                "operationId": "getDocs",
                "tags": ["docs"],
                "summary": "A page to read this document and try calls",
                "responses": {
                    "200": {
                        "description": "HTML (works offline).",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    },
                    **_errors(),
                },
            }
        },
        "/api/docs/assets/{name}": {
            "get": {
                "operationId": "getDocsAsset",
                "tags": ["docs"],
                "summary": "The docs page's scripts and styles",
                "parameters": [
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": list(DOCS_ASSETS)},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The file.",
                        "content": {
                            media: {"schema": {"type": "string"}} for media in sorted(set(DOCS_ASSETS.values()))
                        },
                    },
                    **_errors(404),
                },
            }
        },
    }


def build_document(skus) -> dict:
    """The OpenAPI 3.1 document; `skus` are the catalogue's (an order line must name one)."""
    responses = {f"Error{status}": _error_response(status) for status in error_codes()}
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
            {"name": "qikink", "description": "The integration guide's five testing steps."},
            {"name": "docs"},
        ],
        "paths": _paths(),
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
