"""Cancelling an order: at once while Qikink does not have it, else a request to cancel it in
Qikink's dashboard (Qikink has no cancel API)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import partial

from ..billing.credit_note import issue_credit_note
from ..customer_email.outbox import NoEmails, queue_email
from ..errors import NotCancellable, OrderBusy
from ..fulfilment.events import CANCEL_IN_DASHBOARD, add_event, now_iso
from ..fulfilment.sync_state import SyncState
from ..payments.records import add_refund
from ..storage import OrderFilter, every_order
from ..storage.interface import OrderStore
from . import lifecycle
from .dispatch import Dispatcher, SendsNothing
from .lifecycle import PaymentStatus

# A cancel that finds the order being sent waits this long for the send's outcome, then answers a
# retryable 409 (order_busy).
CANCEL_WAIT_SECONDS = 5.0
# After an attempt that got no answer (a timeout), Qikink may still be taking the order: a cancel
# asks Qikink whether it has it only this long after the attempt (until then: order_busy).
UNKNOWN_OUTCOME_GRACE_SECONDS = 30.0
CANCEL_PENDING_MESSAGE = (
    "Cancellation recorded: an earlier attempt to send this order may have reached our printer, "
    "who cannot be asked right now. It is completed as soon as they answer, and the order is not "
    "sent meanwhile"
)
MAYBE_AT_QIKINK = (
    "Cancelled here, but an earlier attempt to send it may have reached Qikink: check Qikink's "
    "dashboard for order number {number} and cancel it there if it is listed"
)


class _AskQikinkFirst(Exception):
    """A cancel found that an earlier attempt may have sent the order: Qikink must say first."""


class _OutcomeUnknown(OrderBusy):
    """An earlier send's outcome is unknown and Qikink cannot say yet: if that lasts past the
    cancel's wait, the cancel is recorded as pending (202) instead of refused."""


class OrderCancellation:
    """Cancels orders in the store, deciding with the send claim between cancelling and sending."""

    def __init__(
        self,
        store: OrderStore,
        *,
        dispatcher: Dispatcher | None = None,
        emails=None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        wait: float = CANCEL_WAIT_SECONDS,
        unknown_outcome_grace: float = UNKNOWN_OUTCOME_GRACE_SECONDS,
        payments=None,
    ):
        self.store = store
        self.payments = payments  # refunds a paid order's payment (None: payments off)
        self.dispatcher = dispatcher or SendsNothing()
        self.emails = emails or NoEmails()
        self.clock = clock
        self.sleep = sleep
        self.wait = wait
        self.unknown_outcome_grace = unknown_outcome_grace

    def cancel(self, order_id: str, *, admin: bool) -> dict:
        """Cancel an order the caller may see: at once while Qikink does not have it (its stock
        back, exactly once), else (admins only) `cancel_requested` until Qikink reports it
        cancelled; refused (409) once it is packed for shipping. Cancelling again answers the
        same order.

        The send claim decides between cancelling and sending: an order claimed by a live send
        is not cancelled until that send's outcome is recorded (waited for up to `wait` seconds,
        then a retryable 409), and a cancelled order is never claimed. When an earlier attempt
        may have reached Qikink (a timeout, a crash), the dispatcher asks Qikink first."""
        deadline = self.clock() + self.wait
        looked = None  # after asking the dispatcher whether Qikink has it: "asked" or "cannot"
        busy: OrderBusy
        while True:
            try:
                order = self.store.transact_order(order_id, partial(self._cancel, admin=admin, looked=looked))
                break
            except _AskQikinkFirst:
                try:
                    outcome = self.dispatcher.confirm_not_sent(order_id)
                except OrderBusy as exc:  # Qikink cannot be asked now
                    busy = _OutcomeUnknown(exc.message, retry_after=int(exc.headers.get("Retry-After", 60)))
                else:
                    if outcome != "busy":
                        looked = outcome
                        continue
                    busy = OrderBusy()
            except OrderBusy as exc:
                busy = exc
            if self.clock() >= deadline:
                if not isinstance(busy, _OutcomeUnknown):
                    raise busy
                order = self._pend(order_id)
                break
            self.sleep(0.1)
        self.dispatcher.order_changed(order)
        self.emails.note(order)
        if self.payments is not None:
            order = self.payments.cancelled(order)  # its refund, recorded with the cancel, goes out
        return order

    def _pend(self, order_id: str) -> dict:
        """Record the cancel as pending: never sent from now on, decided once Qikink answers."""
        timestamp = now_iso(self.clock)

        def pend(order):
            if lifecycle.is_cancelling(order) or not lifecycle.is_queued(order):
                return False
            lifecycle.pend_cancel(order)
            order["qikink_message"] = CANCEL_PENDING_MESSAGE
            add_event(order, "cancel_pending", "Cancellation recorded; completed once our printer answers", timestamp)
            order["updated_at"] = timestamp
            return True

        return self.store.update_order(order_id, pend)

    def resolve_pending(self, order_id: str) -> dict | None:
        """Carry out a pending cancel once Qikink can be asked: not there → cancelled (stock back,
        refund); there → `cancel_requested` for Qikink's dashboard (recorded by the look-up).
        None while Qikink still cannot say (tried again at the next pass)."""
        order = self.store.get_order(order_id)
        if order is None or not lifecycle.is_cancel_pending(order):
            return order
        sync = SyncState.read(order)
        since = sync.seconds_since_attempt(self.clock()) if sync.unanswered else None
        if since is not None and since < self.unknown_outcome_grace:
            return None  # Qikink may still be taking the timed-out attempt: not asked yet
        try:
            outcome = self.dispatcher.confirm_not_sent(order_id)
        except OrderBusy:
            return None
        if outcome == "busy":
            return None
        timestamp = now_iso(self.clock)

        def decide(order, tx):
            if not lifecycle.is_cancel_pending(order):
                return False  # decided already (found at Qikink: cancel_requested), or by another process
            self._cancel_unsent(order, tx, timestamp, "asked")
            order["updated_at"] = timestamp
            return True

        order = self.store.transact_order(order_id, decide)
        self.dispatcher.order_changed(order)
        self.emails.note(order)
        if self.payments is not None:
            order = self.payments.cancelled(order)
        return order

    def pending(self) -> list[str]:
        """The ids of every order whose cancel is pending."""
        return [
            o["order_id"] for o in every_order(self.store, OrderFilter(status=lifecycle.OrderStatus.CANCEL_PENDING))
        ]

    def _cancel(self, order: dict, tx, *, admin: bool, looked: str | None = None):
        if lifecycle.is_cancelling(order):
            return False
        if lifecycle.is_packed(order):
            raise NotCancellable(
                f"Order {order['order_id']} is {order['status']}: Qikink has packed it for shipping, "
                "so it can no longer be cancelled"
            )
        timestamp = now_iso(self.clock)
        if lifecycle.not_at_qikink(order):
            self._cancel_unsent(order, tx, timestamp, looked)
        else:
            if not admin:
                raise NotCancellable(
                    f"Order {order['order_id']} is already with our print partner: ask the shop to cancel it"
                )
            lifecycle.request_cancel(order)
            order["qikink_message"] = CANCEL_IN_DASHBOARD
            add_event(
                order, "cancel_requested", "Cancellation requested; to be cancelled in Qikink's dashboard", timestamp
            )
        order["updated_at"] = timestamp
        return True

    def _cancel_unsent(self, order: dict, tx, timestamp: str, looked: str | None) -> None:
        sync = SyncState.of(order)
        if sync.is_claimed(self.clock()):
            raise OrderBusy()
        # A timed-out attempt, or a claim left by a crash: the order may have reached Qikink.
        maybe_sent = sync.lookup_first or sync.claimed_by is not None
        if maybe_sent and lifecycle.is_queued(order) and looked is None:
            since = sync.seconds_since_attempt(self.clock()) if sync.unanswered else None
            if since is not None and since < self.unknown_outcome_grace:
                wait = math.ceil(self.unknown_outcome_grace - since)
                raise _OutcomeUnknown(
                    "Sending this order to Qikink has just timed out and Qikink may still be taking "
                    f"it; try again in {wait} seconds",
                    retry_after=wait,
                )
            raise _AskQikinkFirst()
        maybe_sent = maybe_sent and looked != "asked"
        sync.release()
        for item in order["items"]:
            tx.return_stock(item["sku"], item["quantity"])
        order["stock_returned"] = True
        lifecycle.cancel_unsent(order)
        payment = order.get("payment") or {}
        if order.get("payment_status") == PaymentStatus.PAID and payment.get("razorpay_payment_id"):
            add_refund(order, payment["razorpay_payment_id"], payment["amount"], "order cancelled", timestamp)
        order["qikink_message"] = MAYBE_AT_QIKINK.format(number=order["qikink_order_number"]) if maybe_sent else None
        add_event(order, "cancelled", "Cancelled before it was sent to Qikink", timestamp)
        queue_email(order, "cancelled", timestamp)
        issue_credit_note(order, tx, timestamp)  # when it was invoiced
