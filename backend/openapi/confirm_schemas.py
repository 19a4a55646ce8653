"""The order's `confirmation` (cash on delivery confirmed first)."""

from __future__ import annotations

from .fields import TIME_OR_NULL, obj


def order_confirmation_field() -> dict:
    """What every order answer says of its COD confirmation (never the link's token)."""
    return {
        "confirmation": {
            "anyOf": [
                {"type": "null"},
                obj(
                    ("waiting_for", "expires_at", "confirmed_at", "confirmed_by"),
                    {
                        "waiting_for": {
                            "type": ["string", "null"],
                            "enum": ["customer", "shop", None],
                            "description": "`customer`: the emailed link not used yet; `shop`: above "
                            "COD_REVIEW_ABOVE, staff confirm too; null once confirmed, cancelled or expired.",
                        },
                        "expires_at": {**TIME_OR_NULL, "description": "Unconfirmed by then, it is cancelled."},
                        "confirmed_at": TIME_OR_NULL,
                        "confirmed_by": {"type": ["string", "null"], "enum": ["customer", "admin", None]},
                    },
                ),
            ],
            "description": "A cash-on-delivery order placed with COD_CONFIRMATION=email: it is "
            "`awaiting_confirmation` (not sent to Qikink, stock held) until confirmed. Null otherwise.",
        }
    }
