"""The fulfilment events recorded on an order, and the words a customer reads for each."""

from ..clock import now_iso  # noqa: F401  (the one timestamp format; callers import it from here too)
from ..orders import lifecycle
from ..webhooks.events import queue_webhook

# What the answer and the console say of an order Qikink already has: it has no cancel API.
CANCEL_IN_DASHBOARD = (
    "Qikink already has this order: cancel it in Qikink's dashboard; it turns cancelled "
    "here when Qikink reports the cancellation"
)

EVENT_DESCRIPTIONS = {
    "order_synced": "Sent to Qikink",
    "order_on_hold": "On hold at Qikink (wallet balance too low)",
    "order_processing": "Printing",
    "ready_to_ship": "Packed and manifested for pickup",
    "in_transit": "Shipped and in transit",
    "out_for_delivery": "Out for delivery",
    "delivered": "Delivered",
    "delivery_exception": "Delivery problem reported by the courier",
    "rto_initiated": "Return to origin started",
    "returned": "Returned to origin",
    "cancelled": "Cancelled",
    "action_required": "Qikink needs action on this order",
}


def add_event(order: dict, event: str, description: str, timestamp: str, location=None) -> bool:
    """Record a fulfilment event once (and its webhook event, if it is one); False when it was
    already there."""
    events = order.setdefault("events", [])
    if any(e["event"] == event for e in events):
        return False
    queue_webhook(order, event, description, timestamp)
    events.append({"event": event, "timestamp": timestamp, "location": location, "description": description})
    return True


def fulfilment_body(order: dict, last_checked: str | None = None) -> dict:
    """GET /api/qikink/fulfillment/<id>'s data: where the order is, as stored (`last_checked`: when
    Qikink was last asked, None when never or with Qikink off)."""
    return {
        "order_id": order["order_id"],
        "qikink_shipment_id": order.get("qikink_shipment_id"),
        "status": order["status"],
        "qikink_raw_status": order.get("qikink_raw_status"),
        "qikink_status": order["qikink_status"],
        "tracking_number": order.get("tracking_id"),
        "courier": order.get("courier"),
        "tracking_url": order.get("tracking_url"),
        "estimated_delivery": None,
        "last_update": order.get("updated_at"),
        "last_checked": last_checked,
        "events": order.get("events", []),
        "actions": lifecycle.actions(order, admin=False),  # the customer's: this is their tracking view
    }
