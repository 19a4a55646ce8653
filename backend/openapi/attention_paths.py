"""GET /api/attention: what needs a person now."""

from __future__ import annotations

from ..attention.items import KINDS
from .operations import ADMIN, JSON, errors

ITEM = {
    "type": "object",
    "required": ["kind", "order_id", "since", "severity", "message", "action", "link", "order_link"],
    "properties": {
        "kind": {"type": "string", "enum": list(KINDS)},
        "order_id": {
            "type": ["string", "null"],
            "description": "null for a shop-wide item (a webhook endpoint turned off).",
        },
        "subject": {"type": "string", "description": "What a shop-wide item is about."},
        "since": {"type": "string", "format": "date-time", "description": "When the order entered this state."},
        "severity": {"type": "string", "enum": ["warning", "critical"]},
        "message": {"type": "string", "description": "What is wrong, in plain words."},
        "action": {"type": "string", "description": "What to do about it."},
        "link": {
            "type": ["string", "null"],
            "description": "Where to do it (Qikink's or Razorpay's dashboard, the courier's tracking), when elsewhere.",
        },
        "order_link": {"type": "string", "description": "The order (or the panel) in the console."},
    },
}


def attention_paths() -> dict:
    return {
        "/api/attention": {
            "get": {
                "operationId": "getAttention",
                "tags": ["operations"],
                "summary": "What needs a person now (admin)",
                "description": "Every order a person must act on, newest first: on hold at Qikink (the wallet), "
                "action required, refused by Qikink, not sent for hours, stuck with the courier, a delivery "
                "problem or RTO, a COD order waiting for review, a payment that did not match, a failed "
                "customer email or refund. Each kind has a threshold (ATTENTION_HOURS) and turns `critical` "
                "at twice it. Also mailed to ALERT_EMAIL, at most hourly and only when something is new.",
                "security": ADMIN,
                "responses": {
                    "200": {
                        "description": "The list, and counts.",
                        "content": {
                            JSON: {
                                "schema": {
                                    "type": "object",
                                    "required": ["status", "data", "summary"],
                                    "properties": {
                                        "status": {"const": "success"},
                                        "data": {"type": "array", "items": ITEM},
                                        "summary": {
                                            "type": "object",
                                            "required": ["total", "critical", "by_kind"],
                                            "properties": {
                                                "total": {"type": "integer", "minimum": 0},
                                                "critical": {"type": "integer", "minimum": 0},
                                                "by_kind": {
                                                    "type": "object",
                                                    "additionalProperties": {"type": "integer", "minimum": 1},
                                                },
                                            },
                                        },
                                    },
                                }
                            }
                        },
                    },
                    **errors(401),
                },
            }
        }
    }
