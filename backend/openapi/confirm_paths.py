"""Cash on delivery confirmed first: the order's `confirmation` and staff's confirm route (the
customer's `/confirm/<token>` page is a page, not part of the API)."""

from __future__ import annotations

from ..customer_email.messages import KINDS
from .operations import ADMIN, JSON, errors, ok, order_id_param
from .order_paths import CUSTOMER_EMAIL


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
        },
        "/api/orders/{order_id}/emails/{kind}/resend": {
            "parameters": [
                order_id_param(),
                {"name": "kind", "in": "path", "required": True, "schema": {"type": "string", "enum": list(KINDS)}},
            ],
            "post": {
                "operationId": "resendEmail",
                "tags": ["orders"],
                "summary": "Send a failed customer email again (admin)",
                "description": "An email given up (`failed`: refused by the mail server, or not accepted for "
                "days) goes back to the outbox and is tried again from its first attempt, e.g. after "
                "the customer's address was corrected. 409 `email_not_failed` when the order has no such "
                "failed email. No body.",
                "security": ADMIN,
                "responses": {
                    **ok("OrderAnswer", "Queued again; the order as it now is.", status="202"),
                    **errors(401, 404, only={409: ["email_not_failed"]}),
                },
            },
        },
        "/api/orders/{order_id}/confirmation-email": {
            "parameters": [order_id_param()],
            "post": {
                "operationId": "resendConfirmationEmail",
                "tags": ["orders"],
                "summary": "Send a COD order's confirmation email again (its customer)",
                "description": "While the order waits for its customer's click (`actions` holds "
                "`resend_confirmation`): the same email with the same link, sent again. At most 3 times, "
                "10 minutes apart (429 `rate_limited` with `Retry-After`); asked while the email is still "
                "on its way, nothing more is sent (`queued`: false). 409 `not_awaiting_confirmation` once "
                "the order is confirmed, cancelled or expired. No body.",
                "parameters": [{**CUSTOMER_EMAIL, "required": True, "description": "The order's customer_email."}],
                "responses": {
                    "202": {
                        "description": "Queued again (or already on its way).",
                        "content": {JSON: {"schema": RESENT}},
                    },
                    **errors(404, 429, only={409: ["not_awaiting_confirmation"]}),
                },
            },
        },
    }


RESENT = {
    "type": "object",
    "required": ["status", "message", "data"],
    "properties": {
        "status": {"const": "success"},
        "message": {"type": "string"},
        "data": {
            "type": "object",
            "required": ["order_id", "queued"],
            "properties": {"order_id": {"type": "string"}, "queued": {"type": "boolean"}},
        },
    },
}
