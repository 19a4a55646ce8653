"""JSON Schemas of the Qikink answers: the connection status (with call budget, queue and
tracking), authentication, the sync report and an order's fulfilment status."""

from __future__ import annotations

from ..config import QIKINK_ENVIRONMENTS
from ..models import ORDER_ID_RE
from ..orders.lifecycle import ACTIONS
from ..qikink.budget import KINDS
from .fields import COUNT, SECONDS_OR_NULL, STRING_OR_NULL, TIME_OR_NULL, obj, ref


def qikink_response_schemas() -> dict:
    """The answers of /api/qikink/*."""
    event = obj(
        ("event", "timestamp", "description"),
        {
            "event": {"type": "string", "examples": ["order_received", "order_synced", "order_processing"]},
            "timestamp": {"type": "string", "format": "date-time"},
            "location": STRING_OR_NULL,
            "description": {"type": "string"},
        },
    )
    by_kind = obj(KINDS, {kind: {"type": ["integer", "null"], "minimum": 0} for kind in KINDS})
    return {
        "QikinkStatus": obj(
            (
                "status",
                "environment",
                "qikink_api",
                "client_id",
                "last_check",
                "token_valid_until",
                "pending_orders",
                "last_error",
            ),
            {
                "status": {"type": "string", "enum": ["connected", "disconnected", "not_configured", "off"]},
                "environment": {"type": "string", "enum": list(QIKINK_ENVIRONMENTS)},
                "qikink_api": STRING_OR_NULL,
                "client_id": {**STRING_OR_NULL, "description": "The first 8 characters and `...`."},
                "last_check": TIME_OR_NULL,
                "token_valid_until": TIME_OR_NULL,
                "pending_orders": {"type": ["integer", "null"], "minimum": 0},
                "last_error": STRING_OR_NULL,
                "budget": obj(
                    ("per_minute", "last_minute", "last_minute_total", "available_now"),
                    {
                        "per_minute": {
                            "type": ["integer", "null"],
                            "description": "Qikink calls a minute (null: no limit).",
                        },
                        "last_minute": by_kind,
                        "last_minute_total": COUNT,
                        "available_now": {**by_kind, "description": "What each kind of call could still take now."},
                    },
                    description="The account's budget of Qikink calls, shared by every process (and server).",
                ),
                "queue": obj(
                    ("pending", "oldest_pending_age_seconds", "estimated_seconds_to_send_all"),
                    {
                        "pending": COUNT,
                        "oldest_pending_age_seconds": SECONDS_OR_NULL,
                        "estimated_seconds_to_send_all": {"type": "number", "minimum": 0},
                        "creates_per_minute": {"type": ["integer", "null"]},
                    },
                ),
                "tracking": obj(
                    ("in_flight", "due_now", "freshness_target_seconds"),
                    {
                        "in_flight": COUNT,
                        "due_now": COUNT,
                        "freshness_target_seconds": {"type": "number", "minimum": 0},
                        "median_age_seconds": SECONDS_OR_NULL,
                        "oldest_age_seconds": SECONDS_OR_NULL,
                    },
                ),
            },
        ),
        "Authenticated": obj(
            ("status", "client_id", "api_endpoint", "timestamp", "token_valid_until"),
            {
                "status": {"type": "string", "const": "authenticated"},
                "client_id": {"type": "string"},
                "api_endpoint": {"type": "string"},
                "timestamp": {"type": "string", "format": "date-time"},
                "token_valid_until": {"type": "string", "format": "date-time"},
            },
        ),
        "SyncReport": obj(
            ("sync_id", "timestamp", "products_synced", "qikink_integration", "products", "orders"),
            {
                "sync_id": {"type": "string", "pattern": "^SYNC-[0-9]+$"},
                "timestamp": {"type": "string", "format": "date-time"},
                "products_synced": COUNT,
                "qikink_integration": obj(
                    ("status", "qikink_response"),
                    {
                        "status": {"type": "string", "enum": ["success", "partial", "error"]},
                        "qikink_response": obj(
                            ("products_synced", "sync_timestamp"),
                            {"products_synced": COUNT, "sync_timestamp": {"type": "string", "format": "date-time"}},
                        ),
                        "last_error": STRING_OR_NULL,
                    },
                ),
                "products": obj(
                    ("valid", "invalid"),
                    {
                        "valid": COUNT,
                        "invalid": {
                            "type": "array",
                            "items": obj(
                                ("sku", "problem"), {"sku": {"type": "string"}, "problem": {"type": "string"}}
                            ),
                        },
                    },
                ),
                "orders": obj(
                    ("pushed", "failed", "still_pending", "refreshed"),
                    {
                        "pushed": COUNT,
                        "failed": COUNT,
                        "still_pending": COUNT,
                        "refreshed": COUNT,
                        "not_refreshed": {
                            **COUNT,
                            "description": "Orders in flight left for the worker (see reasons).",
                        },
                        "waiting_for_budget": {
                            **COUNT,
                            "description": "Orders left to send or refresh because Qikink's call budget is "
                            "spent this minute (the sync never waits for it; `Retry-After` says when it frees).",
                        },
                        "reasons": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "Why something was left undone (call budget spent, Qikink down).",
                        },
                    },
                ),
            },
        ),
        "Fulfilment": obj(
            (
                "order_id",
                "qikink_shipment_id",
                "status",
                "qikink_raw_status",
                "qikink_status",
                "tracking_number",
                "courier",
                "tracking_url",
                "estimated_delivery",
                "last_update",
                "events",
                "actions",
            ),
            {
                "order_id": {"type": "string", "pattern": ORDER_ID_RE.pattern},
                "qikink_shipment_id": STRING_OR_NULL,
                "status": ref("OrderStatus"),
                "qikink_raw_status": {**STRING_OR_NULL, "description": "Qikink's own words, e.g. `In-Transit`."},
                "qikink_status": ref("QikinkStatusName"),
                "tracking_number": STRING_OR_NULL,
                "courier": STRING_OR_NULL,
                "tracking_url": STRING_OR_NULL,
                "estimated_delivery": STRING_OR_NULL,
                "last_update": TIME_OR_NULL,
                "events": {
                    "type": "array",
                    "items": event,
                    "description": "Transitions seen, oldest first, each once.",
                },
                "last_checked": {**TIME_OR_NULL, "description": "When Qikink was last asked about this order."},
                "stale": {"type": "boolean", "description": "Present (true) when Qikink could not be asked."},
                "actions": {
                    "type": "array",
                    "items": {"type": "string", "enum": list(ACTIONS)},
                    "description": "What the customer may do now (this is their tracking view): `cancel` "
                    "while Qikink does not have the order.",
                },
            },
        ),
    }
