"""The payment routes: an order's checkout and its answer, staff's look-up, Razorpay's webhook."""

from __future__ import annotations

from .fields import ref
from .operations import ADMIN, JSON, body, errors, ok, order_id_param
from .order_paths import CUSTOMER_EMAIL

CHECKOUT_RESPONSE_EXAMPLE = {
    "razorpay_order_id": "order_NxYz1234567890",
    "razorpay_payment_id": "pay_NxYz0987654321",
    "razorpay_signature": "0" * 64,
}


def payment_paths() -> dict:
    order_id = order_id_param()
    return {
        "/api/orders/{order_id}/payment": {
            "parameters": [order_id],
            "get": {
                "operationId": "getPayment",
                "tags": ["payments"],
                "summary": 'The checkout of an order awaiting payment ("Pay now")',
                "description": "The same Razorpay order every time (no second shop order). 409 "
                "`payment_not_required` once the order is paid, expired or cancelled, or when it is cash "
                "on delivery; 503 `payment_unavailable` while Razorpay cannot be reached (the order is kept).",
                "security": [{}, *ADMIN],
                "parameters": [CUSTOMER_EMAIL],
                "responses": {
                    **ok("CheckoutAnswer", "What the page opens Razorpay Checkout with."),
                    **errors(404, 503, only={409: ["payment_not_required"]}),
                },
            },
            "post": {
                "operationId": "postPayment",
                "tags": ["payments"],
                "summary": "The checkout's signed answer",
                "description": "Verified against the Razorpay order id kept on the order (the signature is the "
                "proof: no email needed); the payment is then read from Razorpay and settles the order "
                "(captured for the full total: `paid`, and it goes to Qikink). A bad signature: 400 "
                "`payment_signature_invalid`, nothing changes.",
                "requestBody": body(
                    "CheckoutResponse", {"answer": ("Razorpay Checkout's handler", CHECKOUT_RESPONSE_EXAMPLE)}
                ),
                "responses": {
                    **ok("OrderAnswer", "The order (paid, or still being confirmed with Razorpay)."),
                    **errors(
                        404,
                        413,
                        415,
                        only={400: ["payment_signature_invalid", "invalid_json"], 409: ["payment_not_required"]},
                    ),
                },
            },
        },
        "/api/orders/{order_id}/payment/check": {
            "parameters": [order_id],
            "post": {
                "operationId": "checkPayment",
                "tags": ["payments"],
                "summary": "Ask Razorpay about this order now (admin)",
                "description": "Settles a payment Razorpay has and sends any refund due. No body.",
                "security": ADMIN,
                "responses": {**ok("OrderAnswer", "The order as it now is."), **errors(401, 404, 409)},
            },
        },
        "/api/payments/razorpay/webhook": {
            "post": {
                "operationId": "razorpayWebhook",
                "tags": ["payments"],
                "summary": "Razorpay's webhook",
                "description": "`X-Razorpay-Signature`: hex HMAC-SHA256 of the raw body with RAZORPAY_WEBHOOK_SECRET. "
                "A bad or missing signature: 400 `webhook_signature_invalid`, nothing changes. A good one: "
                "200 whatever the event (known, unknown, a duplicate); events may come in any order.",
                "parameters": [
                    {
                        "name": "X-Razorpay-Signature",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    },
                    {"name": "X-Razorpay-Event-Id", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {"required": True, "content": {JSON: {"schema": ref("RazorpayEvent")}}},
                "responses": {
                    "200": {"description": "Received.", "content": {JSON: {"schema": ref("WebhookAnswer")}}},
                    **errors(404, 413, only={400: ["webhook_signature_invalid"]}),
                },
            },
        },
    }
