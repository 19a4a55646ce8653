"""What an order looks like from outside: to a customer, to staff, and in the 201 of a new order."""

from __future__ import annotations

from .billing.charges import stored_charges
from .clock import iso_utc
from .customer_email.outbox import public_emails
from .fulfilment.sync_state import SyncState

PUBLIC_ORDER_FIELDS = (
    "order_id",
    "customer_email",
    "shipping_address",
    "items",
    "subtotal",
    "shipping",
    "cod_fee",
    "total",
    "currency",
    "payment_method",
    "status",
    "qikink_status",
    "qikink_order_number",
    "qikink_shipment_id",
    "tracking_id",
    "courier",
    "tracking_url",
    "qikink_message",
    "created_at",
    "updated_at",
)
CREATED_MESSAGES = {
    "synced": "Order created successfully and synced with Qikink",
    "sync_pending": "Order created successfully (Qikink sync pending)",
    "action_required": "Order created; Qikink needs a structured shipping address before it can be sent",
    "sync_failed": "Order created, but Qikink refused it; an admin needs to correct it",
}
INTEGRATION_STATUS = {
    "synced": "success",
    "sync_pending": "pending",
    "action_required": "action_required",
    "sync_failed": "failed",
}


def public_order(order: dict) -> dict:
    return {field: order.get(field) for field in PUBLIC_ORDER_FIELDS} | stored_charges(order) | documents(order)


def documents(order: dict) -> dict:
    """The numbers of the order's GST documents: its invoice once issued, and the credit note that
    reverses it once the invoiced order is cancelled (null until then)."""
    return {
        "invoice_number": (order.get("invoice") or {}).get("invoice_number"),
        "credit_note_number": (order.get("credit_note") or {}).get("credit_note_number"),
    }


def admin_order(order: dict) -> dict:
    """What staff see of one order: the public fields, its events and how sending it went."""
    sync = SyncState.read(order)
    # Only an order still waiting to be sent has a next attempt (a cancelled one keeps its old date).
    next_attempt = sync.next_attempt_at if order.get("qikink_status") == "sync_pending" else None
    return {
        **public_order(order),
        "events": order.get("events", []),
        "emails": public_emails(order),
        "sync": {
            "attempts": sync.attempts,
            "last_error": sync.last_error,
            "last_attempt_at": sync.last_attempt_at,
            "synced_at": sync.synced_at,
            "next_attempt_at": iso_utc(next_attempt) if next_attempt else None,
        },
    }


def created_answer(order: dict) -> dict:
    """The body of a 201 for a new order: the order and how sending it to Qikink went."""
    qikink_status = order["qikink_status"]
    integration = {
        "status": INTEGRATION_STATUS.get(qikink_status, qikink_status),
        "qikink_shipment_id": order.get("qikink_shipment_id"),
        "tracking_id": order.get("tracking_id"),
    }
    if qikink_status != "synced":
        integration["reason"] = order.get("qikink_message") or SyncState.read(order).last_error
    return {
        "status": "success",
        "message": CREATED_MESSAGES.get(qikink_status, "Order created successfully"),
        "data": public_order(order),
        "qikink_integration": integration,
    }
