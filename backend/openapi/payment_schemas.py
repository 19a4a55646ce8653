"""The payment parts of an order (`payment_status`, `payment`, `refund`), the checkout a page opens,
and the checkout's signed answer."""

from __future__ import annotations

from ..orders.lifecycle import PAYMENT_STATUSES
from .fields import STRING_OR_NULL, TIME_OR_NULL, obj, ref

PAISE = {"type": "integer", "minimum": 0, "description": "Integer paise (₹1,299.50 is 129950)."}
PAISE_OR_NULL = {**PAISE, "type": ["integer", "null"]}
SUCCESS = {"type": "string", "const": "success"}


def order_payment_fields() -> dict:
    """What every order answer says of its payment."""
    return {
        "payment_status": {
            "type": "string",
            "enum": list(PAYMENT_STATUSES),
            "description": "`not_required` (cash on delivery) · `awaiting_payment` → `paid` | `expired` "
            "(unpaid in time, or cancelled before it was paid); `paid` → `refund_pending` → `refunded` "
            "(or `refund_failed`, for an admin). Forward only. A prepaid order goes to Qikink once `paid`.",
        },
        "payment": {
            "anyOf": [
                {"type": "null"},
                obj(
                    ("provider", "amount", "currency"),
                    {
                        "provider": {
                            "type": "string",
                            "enum": ["razorpay", "outside"],
                            "description": "`outside`: paid another way (staff's `paid_outside`, or PAYMENTS_ENV=off).",
                        },
                        "amount": PAISE,
                        "currency": {"type": "string", "const": "INR"},
                        "razorpay_order_id": STRING_OR_NULL,
                        "razorpay_payment_id": STRING_OR_NULL,
                        "method": STRING_OR_NULL,
                        "paid_at": TIME_OR_NULL,
                        "expires_at": {**TIME_OR_NULL, "description": "Unpaid by then, the order expires."},
                    },
                ),
            ],
            "description": "Null for cash on delivery.",
        },
        "refund": {
            "anyOf": [
                {"type": "null"},
                obj(
                    ("id", "amount", "status", "reason"),
                    {
                        "id": {**STRING_OR_NULL, "description": "Razorpay's refund id (rfnd_…) once it has it."},
                        "amount": PAISE,
                        "status": {"type": "string", "enum": ["pending", "processed", "failed"]},
                        "reason": {"type": "string"},
                    },
                ),
            ],
            "description": "The order's latest refund through Razorpay, if any.",
        },
    }


def payment_schemas() -> dict:
    checkout = obj(
        ("provider", "key_id", "razorpay_order_id", "amount", "currency", "checkout_url"),
        {
            "provider": {"type": "string", "const": "razorpay"},
            "key_id": {"type": "string", "description": "The key id Razorpay Checkout is opened with (public)."},
            "razorpay_order_id": {"type": "string"},
            "amount": PAISE,
            "currency": {"type": "string", "const": "INR"},
            "checkout_url": {"type": "string", "description": "The checkout script to load."},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "prefill": obj(
                ("name", "email", "contact"),
                {"name": STRING_OR_NULL, "email": {"type": "string"}, "contact": STRING_OR_NULL},
            ),
            "expires_at": TIME_OR_NULL,
        },
    )
    return {
        "Checkout": checkout,
        "CheckoutAnswer": obj(("status", "data"), {"status": SUCCESS, "data": ref("Checkout")}),
        "CheckoutResponse": obj(
            ("razorpay_order_id", "razorpay_payment_id", "razorpay_signature"),
            {
                "razorpay_order_id": {"type": "string"},
                "razorpay_payment_id": {"type": "string"},
                "razorpay_signature": {
                    "type": "string",
                    "description": "Hex HMAC-SHA256, as Razorpay Checkout gives it.",
                },
            },
        ),
        "RazorpayEvent": {
            "type": "object",
            "description": "Razorpay's event: `event` (order.paid, payment.captured, payment.failed, "
            "refund.processed, refund.failed, …) and its `payload`; the raw body is what is signed.",
            "properties": {"event": {"type": "string"}, "payload": {"type": "object"}},
        },
        "WebhookAnswer": obj(("status",), {"status": SUCCESS, "message": {"type": "string"}}),
    }
