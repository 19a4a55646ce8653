"""The order's life in one place: which statuses exist, what each allows, and how an order moves.

Every order carries two statuses, stored as plain strings (the enums below are `str`s, so stored
values and comparisons with text are unchanged):

- `status`: where the order is, as the customer and staff read it. It moves forward only, along
  the happy path `pending → confirmed → processing → ready_to_ship → in_transit → out_for_delivery
  → delivered`, with detours (`on_hold`, `action_required`, `exception`), the return to origin
  (`rto_initiated → returned`) and the way out (`cancel_requested → cancelled`).
- `qikink_status`: whether Qikink has it. `action_required` (cannot be sent as it is) →
  `sync_pending` (queued) → `synced` (Qikink has it), or `sync_failed` (Qikink refused it: an
  admin's turn), or `not_sent` (cancelled before Qikink had it, so it never will).

Everything else asks this module: the service (place, edit, cancel), the sender, the tracker, the
worker's index, the invoices and the answers' `actions`, which the pages show instead of copying
these rules.
"""

from __future__ import annotations

import time
from datetime import datetime
from enum import StrEnum


class OrderStatus(StrEnum):
    """An order's `status`."""

    AWAITING_PAYMENT = "awaiting_payment"  # prepaid, not paid yet: not sent, stock held
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # cash on delivery, not confirmed yet: likewise
    PENDING = "pending"
    CONFIRMED = "confirmed"
    PROCESSING = "processing"
    READY_TO_SHIP = "ready_to_ship"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    ON_HOLD = "on_hold"
    ACTION_REQUIRED = "action_required"
    EXCEPTION = "exception"
    RTO_INITIATED = "rto_initiated"
    RETURNED = "returned"
    CANCEL_REQUESTED = "cancel_requested"
    CANCEL_PENDING = "cancel_pending"  # cancel asked, undecidable now (Qikink may have it): never sent meanwhile
    CANCELLED = "cancelled"


class QikinkStatus(StrEnum):
    """An order's `qikink_status`: how far sending it to Qikink has come."""

    ACTION_REQUIRED = "action_required"
    SYNC_PENDING = "sync_pending"
    SYNCED = "synced"
    SYNC_FAILED = "sync_failed"
    NOT_SENT = "not_sent"


class PaymentStatus(StrEnum):
    """An order's `payment_status`: forward only, nothing moves a paid order back."""

    NOT_REQUIRED = "not_required"  # cash on delivery
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    EXPIRED = "expired"  # unpaid in time: cancelled, never sent
    REFUND_PENDING = "refund_pending"
    REFUNDED = "refunded"
    REFUND_FAILED = "refund_failed"  # an admin's task


class Action(StrEnum):
    """What a caller may do with an order now (the answers' `actions`)."""

    CANCEL = "cancel"  # the customer's: cancelled at once; an admin's may be a request to Qikink
    EDIT = "edit"  # an admin's correction of the address, email or payment method
    PAY = "pay"  # a prepaid order awaiting payment: open the checkout (again)
    CONFIRM = "confirm"  # a COD order awaiting confirmation: an admin's (the customer's is the emailed link)
    RESEND_CONFIRMATION = "resend_confirmation"  # the customer's: the emailed link again (rate-limited)
    EXCHANGE_SIZE = "exchange_size"  # an admin's: a delivered order's replacement in other sizes, at the shop's cost
    RESHIP = "reship"  # an admin's: a returned (or returning) order sent again, at the shop's cost


S, Q, P = OrderStatus, QikinkStatus, PaymentStatus

# As plain text, for filters, counts and the OpenAPI document.
ORDER_STATUSES = tuple(s.value for s in OrderStatus)
QIKINK_STATUSES = tuple(s.value for s in QikinkStatus)
PAYMENT_STATUSES = tuple(s.value for s in PaymentStatus)
ACTIONS = tuple(a.value for a in Action)

HAPPY_PATH = (S.PENDING, S.CONFIRMED, S.PROCESSING, S.READY_TO_SHIP, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED)
# Nothing moves an order out of these.
FINAL_STATUSES = frozenset({S.DELIVERED, S.RETURNED, S.CANCELLED})
# Packed for shipping or later: Qikink ships the order, so it can no longer be cancelled.
PACKED_STATUSES = frozenset(
    {S.READY_TO_SHIP, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.EXCEPTION, S.RTO_INITIATED, S.RETURNED}
)
# On its way to the customer: first seen in one of these, the "shipped" email goes.
ON_ITS_WAY = frozenset({S.IN_TRANSIT, S.OUT_FOR_DELIVERY})
# Not yet at Qikink: it may be edited, cancelled at once, and (when queued) sent.
NOT_AT_QIKINK = frozenset({Q.ACTION_REQUIRED, Q.SYNC_PENDING, Q.SYNC_FAILED})
# Waiting for a person before it can be sent.
WAITING_FOR_ADMIN = frozenset({Q.ACTION_REQUIRED, Q.SYNC_FAILED})

# Qikink keeps a returned parcel this many days: a reship within them reuses the printed goods.
RETURN_KEPT_DAYS = 100
# A replacement may be asked for a delivered order (other sizes: Qikink exchanges nothing) or for
# one coming back or back (sent again). Not for a delivery exception: the courier may still deliver.
REPLACEMENT_REASONS = ("exchange_size", "reship")
_REPLACEABLE_FROM = {"exchange_size": {S.DELIVERED}, "reship": {S.RTO_INITIATED, S.RETURNED}}

# Detours off the happy path: which statuses may enter them, and where they may resume.
_DETOURS: dict[str, tuple[set[OrderStatus], OrderStatus]] = {
    S.ON_HOLD: ({S.PENDING, S.CONFIRMED, S.PROCESSING}, S.CONFIRMED),
    S.ACTION_REQUIRED: ({S.PENDING, S.CONFIRMED, S.PROCESSING, S.READY_TO_SHIP, S.ON_HOLD}, S.CONFIRMED),
    S.EXCEPTION: ({S.READY_TO_SHIP, S.IN_TRANSIT, S.OUT_FOR_DELIVERY}, S.IN_TRANSIT),
}
_RTO_FROM = {S.READY_TO_SHIP, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.EXCEPTION}


# --- what an order is and allows -------------------------------------------------------------------
def is_final(order: dict) -> bool:
    """Nothing will move this order any more (delivered, returned, cancelled)."""
    return order["status"] in FINAL_STATUSES


def is_cancelled(order: dict) -> bool:
    return order.get("status") == S.CANCELLED


def awaits_payment(order: dict) -> bool:
    """A prepaid order not paid yet: it is not sent, and its stock is held until it expires."""
    return order["status"] == S.AWAITING_PAYMENT


def awaits_confirmation(order: dict) -> bool:
    """A cash-on-delivery order the customer (or, above the review threshold, staff) has not
    confirmed yet: it is not sent, and its stock is held until it expires."""
    return order["status"] == S.AWAITING_CONFIRMATION


def holds_stock_unsent(order: dict) -> bool:
    """Waiting for its payment or its confirmation: stock held, nothing at Qikink yet."""
    return order["status"] in (S.AWAITING_PAYMENT, S.AWAITING_CONFIRMATION)


def is_paid(order: dict) -> bool:
    """Money was taken for it (paid; or paid and since refunded or being refunded)."""
    return order.get("payment_status") in (P.PAID, P.REFUND_PENDING, P.REFUNDED, P.REFUND_FAILED)


def is_packed(order: dict) -> bool:
    """Qikink has packed it for shipping (or shipped it): too late to cancel."""
    return order["status"] in PACKED_STATUSES


def not_at_qikink(order: dict) -> bool:
    """Qikink does not have it (yet): a cancel takes effect at once."""
    return order["qikink_status"] in NOT_AT_QIKINK or holds_stock_unsent(order)


def is_queued(order: dict) -> bool:
    """Waiting to be sent to Qikink (the sender's and the worker's work)."""
    return order["qikink_status"] == Q.SYNC_PENDING


def is_at_qikink(order: dict) -> bool:
    return order["qikink_status"] == Q.SYNCED


def waits_for_admin(order: dict) -> bool:
    """It cannot be sent until a person corrects it (an address to complete, a refusal)."""
    return order["qikink_status"] in WAITING_FOR_ADMIN


def is_cancelling(order: dict) -> bool:
    """Cancelled, its cancellation asked of Qikink, or recorded until Qikink can be asked:
    cancelling again changes nothing."""
    return order["status"] in (S.CANCELLED, S.CANCEL_REQUESTED, S.CANCEL_PENDING)


def is_cancel_pending(order: dict) -> bool:
    """A cancel was accepted while an earlier send's outcome is unknown and Qikink cannot be asked:
    carried out once Qikink answers; the order is never sent meanwhile."""
    return order["status"] == S.CANCEL_PENDING


def may_edit(order: dict) -> bool:
    """Staff may complete or correct it: Qikink has not accepted it, and it is not waiting for
    its payment (correcting an order queues it to be sent), nor being cancelled."""
    return order["qikink_status"] in NOT_AT_QIKINK and not is_cancel_pending(order)


def may_cancel(order: dict, *, admin: bool) -> bool:
    """Whether a cancel can be asked now: a customer's while Qikink does not have the order, an
    admin's until Qikink packs it (then a request to cancel it in Qikink's dashboard)."""
    if is_cancelling(order) or is_packed(order):
        return False
    return admin or not_at_qikink(order)


def is_replacement(order: dict) -> bool:
    """Sent in place of another order at the shop's cost: nothing to pay, no invoice to issue."""
    return bool(order.get("replacement_of"))


def returned_at(order: dict) -> str | None:
    """When the parcel came back to Qikink (its `returned` event), or None."""
    return next((e["timestamp"] for e in order.get("events") or [] if e.get("event") == S.RETURNED), None)


def replacement_problem(order: dict, reason: str, now: float) -> str | None:
    """Why this order cannot be replaced for `reason` now (None: it can): exchanged once
    delivered; reshipped while returning, or within RETURN_KEPT_DAYS of its return."""
    if order["status"] not in _REPLACEABLE_FROM[reason]:
        wanted = " or ".join(sorted(_REPLACEABLE_FROM[reason]))
        return f"This order is {order['status']}: a {reason.replace('_', ' ')} needs it {wanted}"
    back = returned_at(order) if order["status"] == S.RETURNED else None
    if back is not None and now - datetime.fromisoformat(back).timestamp() > RETURN_KEPT_DAYS * 86400:
        return (
            f"This order came back more than {RETURN_KEPT_DAYS} days ago: Qikink no longer "
            "keeps the parcel; place a new order instead"
        )
    return None


def actions(order: dict, *, admin: bool, now: float | None = None) -> list[str]:
    """What this caller (the customer, or staff) may do with the order now, for the pages."""
    allowed: list[str] = []
    if may_cancel(order, admin=admin):
        allowed.append(Action.CANCEL)
    if admin and may_edit(order):
        allowed.append(Action.EDIT)
    if awaits_payment(order):
        allowed.append(Action.PAY)
    if admin and awaits_confirmation(order):
        allowed.append(Action.CONFIRM)
    if (
        not admin
        and awaits_confirmation(order)
        and not (order.get("cod_confirmation") or {}).get("customer_confirmed_at")
    ):
        allowed.append(Action.RESEND_CONFIRMATION)
    if admin:
        moment = time.time() if now is None else now
        allowed.extend(Action(r) for r in REPLACEMENT_REASONS if replacement_problem(order, r, moment) is None)
    return allowed


def is_forward(old: str, new: str) -> bool:
    """Whether moving from `old` to `new` is progress rather than a late or repeated answer."""
    if new == old or old in FINAL_STATUSES:
        return False
    if new == S.CANCELLED:
        return True
    if new == S.RETURNED:
        return old in _RTO_FROM or old == S.RTO_INITIATED
    if new == S.RTO_INITIATED:
        return old in _RTO_FROM
    if old == S.RTO_INITIATED:
        return False
    if new in _DETOURS:
        return old in _DETOURS[new][0]
    if new not in HAPPY_PATH:
        return False
    if old in _DETOURS:
        return HAPPY_PATH.index(new) >= HAPPY_PATH.index(_DETOURS[old][1])
    return old in HAPPY_PATH and HAPPY_PATH.index(new) > HAPPY_PATH.index(old)


# --- how an order moves ----------------------------------------------------------------------------
def start(
    *, sendable: bool, awaiting_payment: bool = False, awaiting_confirmation: bool = False, paid: bool = False
) -> dict:
    """A new order's statuses: waiting for its payment (prepaid, online) or its confirmation (cash
    on delivery), else queued to be sent, or (an address Qikink cannot take) waiting for an
    admin. `paid`: paid outside the shop."""
    if awaiting_payment:
        return {"status": S.AWAITING_PAYMENT, "qikink_status": Q.NOT_SENT, "payment_status": P.AWAITING_PAYMENT}
    if awaiting_confirmation:
        return {"status": S.AWAITING_CONFIRMATION, "qikink_status": Q.NOT_SENT, "payment_status": P.NOT_REQUIRED}
    payment = P.PAID if paid else P.NOT_REQUIRED
    if sendable:
        return {"status": S.PENDING, "qikink_status": Q.SYNC_PENDING, "payment_status": payment}
    return {"status": S.ACTION_REQUIRED, "qikink_status": Q.ACTION_REQUIRED, "payment_status": payment}


def paid(order: dict, *, sendable: bool) -> bool:
    """Its payment was captured: queued to be sent (or waiting for an admin's address). False
    when it was not awaiting payment (already paid, expired, cancelled): nothing changes."""
    if not awaits_payment(order):
        return False
    order.update(start(sendable=sendable, paid=True))
    return True


def confirmed(order: dict, *, sendable: bool) -> bool:
    """The customer (or staff) confirmed the COD order: queued to be sent (or waiting for an
    admin's address). False when it was not awaiting confirmation: nothing changes."""
    if not awaits_confirmation(order):
        return False
    order.update(start(sendable=sendable))
    return True


def expire(order: dict) -> None:
    """Unpaid in time: cancelled and never sent."""
    order["status"], order["qikink_status"], order["payment_status"] = S.CANCELLED, Q.NOT_SENT, P.EXPIRED


def requeue(order: dict) -> None:
    """Corrected by staff: queued to be sent again, pending as when it was placed."""
    order["qikink_status"] = Q.SYNC_PENDING
    order["status"] = S.PENDING


def retry_refused(order: dict) -> bool:
    """An admin's retry of an order Qikink refused: queued again. False when it was not refused."""
    if order["qikink_status"] != Q.SYNC_FAILED:
        return False
    order["qikink_status"] = Q.SYNC_PENDING
    return True


def sent(order: dict) -> bool:
    """Qikink accepted it. True when it had been cancelled meanwhile (a send that outlived its
    claim): it becomes `cancel_requested`, since only Qikink's dashboard can still cancel it."""
    cancelled_meanwhile = order["qikink_status"] == Q.NOT_SENT
    pending = is_cancel_pending(order)  # found at Qikink by the look-up that decides the cancel
    order["qikink_status"] = Q.SYNCED
    if order["status"] == S.PENDING:
        order["status"] = S.CONFIRMED
    if pending:
        request_cancel(order)
    elif cancelled_meanwhile:
        order["status"] = S.CANCEL_REQUESTED
    return cancelled_meanwhile or pending


def refused(order: dict) -> None:
    """Qikink refused it for good: an admin must correct it (a cancelled order stays cancelled)."""
    if order["qikink_status"] == Q.SYNC_PENDING:
        order["qikink_status"] = Q.SYNC_FAILED


def cancel_unsent(order: dict) -> None:
    """Cancelled before Qikink had it: it never will (nor can it be paid any more)."""
    order.pop("cancel_pending_from", None)
    if order.get("payment_status") == P.AWAITING_PAYMENT:
        order["payment_status"] = P.EXPIRED
    order["status"], order["qikink_status"] = S.CANCELLED, Q.NOT_SENT


def pend_cancel(order: dict) -> None:
    """Record a cancel that cannot be decided yet (see is_cancel_pending)."""
    order["cancel_pending_from"] = order["status"]
    order["status"] = S.CANCEL_PENDING


def request_cancel(order: dict) -> None:
    """Qikink has it and has no cancel API: cancelled when Qikink reports it, in its dashboard."""
    before = order.pop("cancel_pending_from", None) if is_cancel_pending(order) else None
    order["cancel_requested_from"] = before or order["status"]
    order["status"] = S.CANCEL_REQUESTED


def qikink_reported(order: dict, new: str) -> bool:
    """Move the order to the status Qikink reports, forward only; True when that is news (an
    event to record). While a cancellation is requested the order stays `cancel_requested`
    (remembering Qikink's progress) until Qikink cancels it, or packs it: too late to cancel."""
    requested = order["status"] == S.CANCEL_REQUESTED
    if not is_forward(order.get("cancel_requested_from", S.CONFIRMED) if requested else order["status"], new):
        return False
    if requested and new != S.CANCELLED and new not in PACKED_STATUSES:
        order["cancel_requested_from"] = new  # Qikink is still working on it
        return True
    order["status"] = new
    if requested:
        order.pop("cancel_requested_from", None)
    return True
