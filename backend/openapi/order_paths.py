"""The orders' paths: placing, listing, reading, correcting and cancelling orders, an order's
invoice and credit note, and the charges shown before checkout."""

from __future__ import annotations

from ..orders.lifecycle import PAYMENT_STATUSES
from . import examples
from .fields import ref
from .operations import ADMIN, JSON, body, errors, ok, order_id_param, param

# Who may read one order (and its invoice and credit note) without the admin key.
CUSTOMER_EMAIL = {
    "name": "email",
    "in": "query",
    "description": "The order's customer_email (any case); not needed by an admin.",
    "schema": {"type": "string"},
}


def order_paths() -> dict:
    order_id = order_id_param()
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
    created = ok(
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
        "/api/orders": {
            "post": {
                "operationId": "createOrder",
                "tags": ["orders"],
                "summary": "Place an order",
                "description": "Prices come from the catalogue; stock is taken atomically with saving the order. "
                "The order is then sent to Qikink within a few seconds, or kept `sync_pending` "
                "and sent by the background worker.",
                "parameters": [
                    param(
                        "Idempotency-Key",
                        "header",
                        "1-255 visible ASCII characters; makes a retry safe.",
                        "idempotency_key",
                    )
                ],
                "requestBody": body(
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
                    **errors(
                        400,
                        413,
                        415,
                        422,
                        429,
                        503,
                        only={
                            409: [
                                "out_of_stock",
                                "price_mismatch",
                                "idempotency_conflict",
                                "cod_not_allowed",
                                "too_many_open_orders",
                            ]
                        },
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
                    {
                        "name": "payment_status",
                        "in": "query",
                        "description": "e.g. `paid` with `qikink_status=sync_failed`: paid but not at Qikink; "
                        "`refund_failed`: refunds to make by hand.",
                        "schema": {"type": "string", "enum": list(PAYMENT_STATUSES)},
                    },
                    email_filter,
                    param("page", "query", "From 1."),
                    param("per_page", "query", "Orders per page."),
                ],
                "responses": {**ok("OrderList", "One page of orders."), **errors(401, 422)},
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
                "parameters": [CUSTOMER_EMAIL],
                "responses": {
                    **ok(
                        "OrderAnswer",
                        "The order.",
                        examples.ORDER_ANSWER,
                        links={"GetFulfilment": order_links["GetFulfilment"]},
                    ),
                    **errors(404),
                },
            },
            "patch": {
                "operationId": "patchOrder",
                "tags": ["orders"],
                "summary": "Complete or correct an order Qikink has not accepted (admin)",
                "security": ADMIN,
                "requestBody": body(
                    "OrderPatch", {"address": ("Complete the guide's one-line address", examples.ORDER_PATCH)}
                ),
                "responses": {
                    **ok("OrderAnswer", "Updated; queued to be sent to Qikink."),
                    **errors(400, 401, 404, 413, 415, 422, 503, only={409: ["order_not_editable"]}),
                },
            },
        },
        "/api/orders/{order_id}/invoice": _gst_document(
            order_id,
            "getInvoice",
            "The order's GST tax invoice (admin, or its customer's email)",
            "Issued at the first request, with the next number of the shop's gap-free invoice sequence, "
            "and never changed afterwards. A printable HTML page, or this JSON with `Accept: "
            "application/json`. Same access rule as the order: 404 for anyone else. 409 "
            "`invoice_unavailable` (with the reason) for a cancelled order not invoiced before, a "
            "one-line address (no place of supply), or a shop without SHOP_GSTIN.",
            ("Invoice", "The invoice.", examples.INVOICE),
        ),
        "/api/orders/{order_id}/credit-note": _gst_document(
            order_id,
            "getCreditNote",
            "The credit note of a cancelled order that was invoiced (admin, or its customer's email)",
            "Issued when the invoiced order is cancelled, in the same write as the status, with the next "
            "number of the shop's gap-free credit note sequence (an order cancelled before credit notes "
            "existed gets it at the first request). It reverses the invoice in full and never changes "
            "afterwards. A printable HTML page, or this JSON with `Accept: application/json`. Same "
            "access rule as the order: 404 for anyone else. 409 `invoice_unavailable` (with the "
            "reason) for an order that is not cancelled, or was cancelled before it was invoiced.",
            ("CreditNote", "The credit note.", examples.CREDIT_NOTE),
        ),
        "/api/charges": {
            "get": {
                "operationId": "getCharges",
                "tags": ["orders"],
                "summary": "Shipping and COD fee, shown before checkout",
                "description": "The order's total is subtotal + shipping + COD fee; the server computes it again.",
                "responses": {**ok("Charges", "The charge settings.", examples.CHARGES), **errors()},
            }
        },
        "/api/orders/{order_id}/replacement": {
            "parameters": [order_id],
            "post": {
                "operationId": "replaceOrder",
                "tags": ["orders"],
                "summary": "Exchange a size or reship an order, at the shop's cost (admin)",
                "description": "A new order linked to this one (`replacement_of`; this order's `replacements`), "
                "for the same customer and address (or `shipping_address`), every amount 0: no payment, no COD "
                "confirmation, no invoice; the shop pays Qikink from its wallet. Stock is taken and the order "
                "is sent to Qikink like any other. `exchange_size` needs the order `delivered`; `reship` needs it "
                "`rto_initiated` or `returned` (within 100 days of the return: Qikink keeps returns that long); "
                "otherwise 409 `not_replaceable` with the reason, as while another replacement is on its way "
                "(unless `force`). The order's `actions` say which are allowed now. With an Idempotency-Key a "
                "repeat answers the first replacement.",
                "security": ADMIN,
                "parameters": [
                    param(
                        "Idempotency-Key",
                        "header",
                        "1-255 visible ASCII characters; a double click makes one replacement.",
                        "idempotency_key",
                    )
                ],
                "requestBody": body(
                    "ReplacementRequest",
                    {
                        "exchange": ("Another size of a delivered order", examples.EXCHANGE_SIZE),
                        "reship": ("A returned order sent again", {"reason": "reship", "note": "Customer was away"}),
                    },
                ),
                "responses": {
                    **ok("OrderCreated", "The replacement, created and handed to Qikink.", status="201"),
                    **errors(
                        400,
                        401,
                        404,
                        413,
                        415,
                        422,
                        503,
                        only={409: ["not_replaceable", "out_of_stock", "idempotency_conflict"]},
                    ),
                },
            },
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
                "attempt may have reached Qikink, Qikink is asked first; when Qikink cannot be asked, 202 "
                "with the order `cancel_pending`: it is never sent meanwhile, and the cancel is carried "
                "out once Qikink answers (not there: `cancelled`, stock back, refunded; there: "
                "`cancel_requested`). Cancelling again answers the same order. No body.",
                "security": [{}, *ADMIN],
                "parameters": [CUSTOMER_EMAIL],
                "responses": {
                    **ok("OrderAnswer", "Cancelled, or cancel_requested (see `message`).", examples.ORDER_CANCELLED),
                    **ok(
                        "OrderAnswer",
                        "Recorded as `cancel_pending`: decided once Qikink can be asked.",
                        status="202",
                    ),
                    **errors(401, 404, 503, only={409: ["not_cancellable", "order_busy"]}),
                },
            },
        },
    }


def _gst_document(order_id: dict, operation_id: str, summary: str, description: str, answer: tuple) -> dict:
    """GET of one of an order's GST documents: HTML to print, or JSON; the order's access rule."""
    schema, what, example = answer
    return {
        "parameters": [order_id],
        "get": {
            "operationId": operation_id,
            "tags": ["orders"],
            "summary": summary,
            "description": description,
            "security": [{}, *ADMIN],
            "parameters": [CUSTOMER_EMAIL],
            "responses": {
                "200": {
                    "description": what,
                    "content": {
                        JSON: {"schema": ref(schema), "example": example},
                        "text/html": {"schema": {"type": "string"}},
                    },
                },
                **errors(404, only={409: ["invoice_unavailable"]}),
            },
        },
    }
