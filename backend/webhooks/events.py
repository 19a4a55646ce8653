"""Which order changes are webhook events, and the outbox on the order that holds them.

An event is queued in the same order write as the change that causes it: `add_event` (the order's
timeline) calls `queue_webhook`, so an event exists exactly when its change is durable. The
dispatcher later moves it from the order to the delivery log (fan-out) and empties the outbox.
"""

from __future__ import annotations

EVENT_TYPES = (
    "order.created",
    "order.paid",
    "order.sent_to_qikink",
    "order.shipped",
    "order.delivered",
    "order.cancelled",
    "order.refunded",
    "order.needs_attention",
)

# timeline event (backend/fulfilment/events.py, payments, COD) → webhook event type
FROM_TIMELINE = {
    "order_received": "order.created",
    "payment_received": "order.paid",
    "order_synced": "order.sent_to_qikink",
    "in_transit": "order.shipped",
    "delivered": "order.delivered",
    "cancelled": "order.cancelled",
    "payment_expired": "order.cancelled",
    "confirmation_expired": "order.cancelled",
    "refunded": "order.refunded",
    # what a person must act on at once (the attention list's immediate kinds)
    "order_on_hold": "order.needs_attention",
    "action_required": "order.needs_attention",
    "delivery_exception": "order.needs_attention",
    "rto_initiated": "order.needs_attention",
    "refund_failed": "order.needs_attention",
    "payment_mismatch": "order.needs_attention",
}
OUTBOX = "webhooks"  # the order's field holding events not yet fanned out
# Qikink may report a parcel first when it is already out for delivery or delivered (its status
# is read every few minutes): the first of these stages is also the order's `order.shipped`.
SHIPPED_STAGES = ("in_transit", "out_for_delivery", "delivered")


def message_id(order_id: str, timeline_event: str) -> str:
    """The event's `webhook-id`: the same on every attempt and every endpoint, so receivers can
    drop a duplicate (delivery is at least once)."""
    return f"msg_{order_id}_{timeline_event}"


def queue_webhook(order: dict, timeline_event: str, description: str, timestamp: str) -> bool:
    """Put the webhook event of a new timeline event in the order's outbox (inside the order write
    that records it). False when the timeline event is not a webhook event, or when its type was
    already sent for this order (an order is cancelled once, whichever way)."""
    if timeline_event in SHIPPED_STAGES and not any(e["event"] in SHIPPED_STAGES for e in order.get("events", [])):
        _queue(order, "in_transit", "order.shipped", None, timestamp)
    kind = FROM_TIMELINE.get(timeline_event)
    if kind is None or kind == "order.shipped":
        return kind is not None
    if kind != "order.needs_attention":
        earlier = [e["event"] for e in order.get("events", []) if e["event"] != timeline_event]
        if any(FROM_TIMELINE.get(name) == kind for name in earlier):
            return False
    _queue(order, timeline_event, kind, description if kind == "order.needs_attention" else None, timestamp)
    return True


def _queue(order: dict, timeline_event: str, kind: str, reason: str | None, timestamp: str) -> None:
    entry = {"id": message_id(order["order_id"], timeline_event), "type": kind, "reason": reason, "at": timestamp}
    order.setdefault(OUTBOX, []).append(entry)


def pending(order: dict) -> list[dict]:
    """The order's events not yet fanned out."""
    return list(order.get(OUTBOX) or [])
