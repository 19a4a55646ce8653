"""What an order looks like from outside: to a customer, to staff, and in the 201 of a new order."""

from __future__ import annotations

from dataclasses import dataclass

from ..billing.charges import stored_charges
from ..billing.credit_note import credit_note_problem
from ..clock import iso_utc
from ..customer_email.outbox import public_emails
from ..fulfilment.sync_state import SyncState
from ..payments.records import public_payment
from . import lifecycle
from .confirmation import public_confirmation
from .lifecycle import QikinkStatus as Q


@dataclass
class PlaceOutcome:
    """What placing an order came to: the order, whether this request created it, and the answer
    (status and body) to give; a replay gives the first request's answer again."""

    order: dict
    created: bool
    status: int
    body: dict


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
AWAITING_PAYMENT_MESSAGE = "Order created: awaiting payment"
AWAITING_CONFIRMATION_MESSAGE = "Order created: confirm it with the link we emailed (cash on delivery)"
# An order held before Qikink: (the 201's message, why it is not sent yet).
WAITING = {
    lifecycle.OrderStatus.AWAITING_PAYMENT: (AWAITING_PAYMENT_MESSAGE, "Sent to Qikink once the payment is received"),
    lifecycle.OrderStatus.AWAITING_CONFIRMATION: (
        AWAITING_CONFIRMATION_MESSAGE,
        "Sent to Qikink once the order is confirmed (cash on delivery)",
    ),
}
CREATED_MESSAGES = {
    Q.SYNCED: "Order created successfully and synced with Qikink",
    Q.SYNC_PENDING: "Order created successfully (Qikink sync pending)",
    Q.ACTION_REQUIRED: "Order created; Qikink needs a structured shipping address before it can be sent",
    Q.SYNC_FAILED: "Order created, but Qikink refused it; an admin needs to correct it",
}
INTEGRATION_STATUS = {
    Q.SYNCED: "success",
    Q.SYNC_PENDING: "pending",
    Q.ACTION_REQUIRED: "action_required",
    Q.SYNC_FAILED: "failed",
}


def public_order(order: dict, *, admin: bool = False, invoicing: bool = False) -> dict:
    """An order as its customer (or, with `admin`, staff) may read it, with what the reader may do
    with it now (`actions`) and where its GST documents are (`documents`; `invoicing`: whether the
    shop issues invoices at all)."""
    return (
        {field: order.get(field) for field in PUBLIC_ORDER_FIELDS}
        | stored_charges(order)
        | public_payment(order)
        | public_confirmation(order)
        | document_numbers(order)
        | replacement_links(order)
        | {"actions": lifecycle.actions(order, admin=admin), "documents": document_links(order, invoicing=invoicing)}
    )


def replacement_links(order: dict) -> dict:
    """How the order is tied to others: the order it replaces (and why), and its replacements."""
    return {
        "replacement_of": order.get("replacement_of"),
        "replacement_reason": order.get("replacement_reason"),
        "replacements": list(order.get("replacements") or []),
    }


def document_numbers(order: dict) -> dict:
    """The numbers of the order's GST documents: its invoice once issued, and the credit note that
    reverses it once the invoiced order is cancelled (null until then)."""
    return {
        "invoice_number": (order.get("invoice") or {}).get("invoice_number"),
        "credit_note_number": (order.get("credit_note") or {}).get("credit_note_number"),
    }


def document_links(order: dict, *, invoicing: bool) -> dict:
    """Where the order's invoice and credit note can be read (a customer adds `?email=`), null when
    it has none: an invoice once issued (at the supply: when Qikink accepts the order), a credit
    note once the invoiced order is cancelled. `invoicing` is kept for callers; an order is only
    ever linked to what it has."""
    path = f"/api/orders/{order['order_id']}"
    issued = bool(order.get("invoice"))
    return {
        "invoice": f"{path}/invoice" if issued else None,
        "credit_note": f"{path}/credit-note" if issued and credit_note_problem(order) is None else None,
    }


def admin_order(order: dict, *, invoicing: bool = False) -> dict:
    """What staff see of one order: the public fields, its events and how sending it went."""
    sync = SyncState.read(order)
    # Only an order still waiting to be sent has a next attempt (a cancelled one keeps its old date).
    next_attempt = sync.next_attempt_at if lifecycle.is_queued(order) else None
    return {
        **public_order(order, admin=True, invoicing=invoicing),
        "events": order.get("events", []),
        "replacement_note": order.get("replacement_note"),
        "emails": public_emails(order),
        "sync": {
            "attempts": sync.attempts,
            "last_error": sync.last_error,
            "last_attempt_at": sync.last_attempt_at,
            "synced_at": sync.synced_at,
            "next_attempt_at": iso_utc(next_attempt) if next_attempt else None,
        },
    }


def created_answer(order: dict, *, invoicing: bool = False, checkout: dict | None = None) -> dict:
    """The body of a 201 for a new order: the order (as its customer reads it) and how sending it
    to Qikink went; for an order awaiting payment, what the page needs to open the checkout
    (`payment`, null while Razorpay cannot be reached)."""
    qikink_status = order["qikink_status"]
    integration = {
        "status": INTEGRATION_STATUS.get(qikink_status, qikink_status),
        "qikink_shipment_id": order.get("qikink_shipment_id"),
        "tracking_id": order.get("tracking_id"),
    }
    waiting = WAITING.get(order["status"])
    if waiting is not None:  # not sent until paid, or confirmed
        message, integration["reason"] = waiting
        integration["status"] = order["status"]
        answer = {
            "status": "success",
            "message": message,
            "data": public_order(order, invoicing=invoicing),
            "qikink_integration": integration,
        }
        return answer | ({"payment": checkout} if lifecycle.awaits_payment(order) else {})
    if qikink_status != Q.SYNCED:
        integration["reason"] = order.get("qikink_message") or SyncState.read(order).last_error
    return {
        "status": "success",
        "message": CREATED_MESSAGES.get(qikink_status, "Order created successfully"),
        "data": public_order(order, invoicing=invoicing),
        "qikink_integration": integration,
    }
