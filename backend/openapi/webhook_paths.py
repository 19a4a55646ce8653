"""/api/webhooks (admin): endpoints for order events and their delivery log."""

from __future__ import annotations

from ..webhooks.events import EVENT_TYPES
from .operations import ADMIN, JSON, body, errors
from .webhook_schemas import EVENTS

ENDPOINT = {
    "type": "object",
    "required": ["id", "url", "description", "events", "enabled", "disabled_reason", "created_at", "deliveries"],
    "properties": {
        "id": {"type": "string", "pattern": "^ep_[0-9a-f]{16}$"},
        "url": {"type": "string"},
        "description": {"type": "string"},
        "events": EVENTS,
        "enabled": {"type": "boolean"},
        "disabled_reason": {
            "type": ["string", "null"],
            "description": "Why the server turned it off (410 Gone, or no delivery for days); null when on "
            "or turned off by staff.",
        },
        "disabled_at": {"type": ["string", "null"], "format": "date-time"},
        "created_at": {"type": "string", "format": "date-time"},
        "secret_hint": {"type": "string", "description": "The secret's first and last characters."},
        "secret": {
            "type": "string",
            "pattern": "^whsec_",
            "description": "The signing secret: only in the answers that create or rotate it.",
        },
        "deliveries": {
            "type": "object",
            "properties": {s: {"type": "integer", "minimum": 0} for s in ("pending", "delivered", "failed")},
        },
    },
}
DELIVERY = {
    "type": "object",
    "required": ["id", "event_id", "type", "order_id", "status", "attempts"],
    "properties": {
        "id": {"type": "integer"},
        "event_id": {"type": "string", "description": "The `webhook-id` header: the same on every attempt."},
        "type": {"type": "string", "enum": list(EVENT_TYPES)},
        "order_id": {"type": "string"},
        "status": {"type": "string", "enum": ["pending", "delivered", "failed"]},
        "attempts": {"type": "integer", "minimum": 0},
        "created_at": {"type": ["string", "null"], "format": "date-time"},
        "last_attempt_at": {"type": ["string", "null"], "format": "date-time"},
        "next_attempt_at": {"type": ["string", "null"], "format": "date-time"},
        "delivered_at": {"type": ["string", "null"], "format": "date-time"},
        "last_status": {"type": ["integer", "null"]},
        "last_error": {"type": ["string", "null"]},
    },
}
ENDPOINT_ID = {"name": "endpoint_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _answer(description: str, data: dict, status: str = "200", headers=None) -> dict:
    schema = {
        "type": "object",
        "required": ["status", "data"],
        "properties": {"status": {"const": "success"}, "data": data},
    }
    answer = {"description": description, "content": {JSON: {"schema": schema}}}
    if headers:
        answer["headers"] = headers
    return {status: answer}


def _operation(operation_id: str, summary: str, responses: dict, **more) -> dict:
    return {"operationId": operation_id, "tags": ["operations"], "summary": summary, "security": ADMIN,
            "responses": responses, **more}  # fmt: skip


def webhook_paths() -> dict:
    listing = {"type": "array", "items": ENDPOINT}
    return {
        "/api/webhooks": {
            "get": _operation(
                "listWebhooks",
                "The webhook endpoints (admin)",
                {**_answer("Every endpoint.", listing), **errors(401, 404)},
            ),
            "post": _operation(
                "addWebhook",
                "Add an endpoint for order events (admin)",
                {
                    **_answer(
                        "Added; `secret` is shown this once.",
                        ENDPOINT,
                        "201",
                        {"Location": {"schema": {"type": "string"}}},
                    ),
                    **errors(400, 401, 404, 413, 415, 422),
                },
                description="Events are POSTed signed to the Standard Webhooks specification (webhook-id, "
                "webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>), at least "
                "once and in order per order, retried for about 3 days. A receiver answers 2xx; 410 turns the "
                "endpoint off. Private and loopback addresses are refused unless WEBHOOK_ALLOW_PRIVATE.",
                requestBody=body(
                    "WebhookEndpointNew",
                    {
                        "every_event": ("Every order event", {"url": "https://hooks.zapier.com/hooks/catch/1/abc/"}),
                        "shipping_only": (
                            "Shipped and delivered, for a WhatsApp notifier",
                            {
                                "url": "https://notify.example.in/bhrt",
                                "events": ["order.shipped", "order.delivered"],
                                "description": "WhatsApp updates",
                            },
                        ),
                    },
                ),
            ),
        },
        "/api/webhooks/{endpoint_id}": {
            "parameters": [ENDPOINT_ID],
            "get": _operation(
                "getWebhook", "One endpoint (admin)", {**_answer("The endpoint.", ENDPOINT), **errors(401, 404)}
            ),
            "patch": _operation(
                "changeWebhook",
                "Change an endpoint, or turn it on or off (admin)",
                {**_answer("Changed.", ENDPOINT), **errors(400, 401, 404, 413, 415, 422)},
                requestBody=body(
                    "WebhookEndpointChange",
                    {"turn_on": ("Turn it on again (its missed events are sent)", {"enabled": True})},
                ),
            ),
            "delete": _operation(
                "deleteWebhook",
                "Delete an endpoint and its delivery log (admin)",
                {"200": {"description": "Deleted."}, **errors(401, 404)},
            ),
        },
        "/api/webhooks/{endpoint_id}/secret": {
            "parameters": [ENDPOINT_ID],
            "post": _operation(
                "rotateWebhookSecret",
                "A new signing secret, shown this once (admin)",
                {**_answer("The endpoint with its new `secret`.", ENDPOINT), **errors(401, 404)},
            ),
        },
        "/api/webhooks/{endpoint_id}/deliveries": {
            "parameters": [ENDPOINT_ID],
            "get": _operation(
                "listWebhookDeliveries",
                "An endpoint's delivery log, newest first (admin)",
                {**_answer("The deliveries.", {"type": "array", "items": DELIVERY}), **errors(401, 404, 422)},
                parameters=[
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                        "description": "1 to 200 (default 50).",
                    }
                ],  # fmt: skip
            ),
        },
        "/api/webhooks/deliveries/{delivery_id}/resend": {
            "parameters": [
                {"name": "delivery_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
            ],
            "post": _operation(
                "resendWebhookDelivery",
                "Send a delivery again, from the schedule's start (admin)",
                {**_answer("Waiting to be sent.", DELIVERY), **errors(401, 404)},
            ),
        },
    }
