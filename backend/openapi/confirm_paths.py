"""Cash on delivery confirmed first: the order's `confirmation` and staff's confirm route (the
customer's `/confirm/<token>` page is a page, not part of the API)."""

from __future__ import annotations

from .operations import ADMIN, errors, ok, order_id_param


def confirmation_paths() -> dict:
    return {
        "/api/orders/{order_id}/confirm": {
            "parameters": [order_id_param()],
            "post": {
                "operationId": "confirmOrder",
                "tags": ["orders"],
                "summary": "Confirm a cash-on-delivery order (admin)",
                "description": "For a phone confirmation, or an order above COD_REVIEW_ABOVE: the order goes "
                "to Qikink as COD. Confirming a confirmed order changes nothing; 409 "
                "`not_awaiting_confirmation` for any other order (cancelled, expired, prepaid, or "
                "COD_CONFIRMATION=off). No body.",
                "security": ADMIN,
                "responses": {
                    **ok("OrderAnswer", "The order as it now is."),
                    **errors(401, 404, only={409: ["not_awaiting_confirmation"]}),
                },
            },
        }
    }
