"""The request bodies of /api/webhooks (components: webhook_paths.py refers to them)."""

from __future__ import annotations

from ..webhooks.delivery import URL_RE
from ..webhooks.events import EVENT_TYPES

EVENTS = {"type": "array", "items": {"type": "string", "enum": list(EVENT_TYPES)}, "minItems": 1}
FIELDS = {
    "url": {
        "type": "string",
        "maxLength": 2000,
        "pattern": f"^{URL_RE.pattern}$",
        "description": "http(s); https in production; a public address unless WEBHOOK_ALLOW_PRIVATE.",
    },
    "events": {**EVENTS, "description": "Default: every event type."},
    "description": {"type": "string", "maxLength": 200},
}


def webhook_request_schemas() -> dict:
    return {
        "WebhookEndpointNew": {
            "type": "object",
            "required": ["url"],
            "properties": FIELDS,
            "additionalProperties": False,
        },
        "WebhookEndpointChange": {
            "type": "object",
            "properties": {**FIELDS, "enabled": {"type": "boolean"}},
            "additionalProperties": False,
        },
    }
