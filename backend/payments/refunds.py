"""Refunds through Razorpay, exactly once.

The refund's record and its idempotency key are written with the change that calls for it (a
cancel, a payment that came too late or twice), so every retry, from any process, sends the same
key; a refund whose earlier call got no answer is looked up (by its receipt) before it is sent
again. Razorpay's answer, a webhook or a look-up settles it: processed, or failed (an admin's task).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ..clock import now_iso
from ..customer_email.outbox import NoEmails, queue_email
from ..fulfilment.events import add_event
from ..storage.errors import OrderMissing
from ..storage.interface import OrderStore
from ..tally import Tally
from . import records
from .client import RazorpayError

log = logging.getLogger(__name__)


class Refunds:
    """Sends and follows the refunds recorded on orders."""

    def __init__(self, store: OrderStore, client, *, emails=None, clock: Callable[[], float] = time.time):
        self.store = store
        self.client = client
        self.emails = emails or NoEmails()
        self.clock = clock
        self.queue: set[str] = set()  # orders of this process with a refund still to send
        self.tally = Tally()  # refunds by outcome (GET /metrics)

    def send(self, order_id: str) -> dict:
        """Send each pending refund of the order exactly once: one that was tried before is
        looked up first (same idempotency key on every call as well)."""
        self.queue.add(order_id)
        order = self._stored(order_id)
        for refund in records.pending_refunds(order):
            if refund.get("id"):
                continue  # Razorpay has it; its webhook or the worker's look-up will say processed
            try:
                found = self._existing_refund(refund) if refund["attempts"] else None
                if found is None:
                    self._note_refund(order_id, refund["payment_id"], attempt=True)
                    found = self.client.refund(
                        refund["payment_id"],
                        refund["amount"],
                        idempotency_key=refund["idempotency_key"],
                        receipt=refund["idempotency_key"][:40],
                        notes={"order_id": order_id, "reason": refund["reason"]},
                    )
                self.reported(order_id, found)
            except RazorpayError as exc:
                final = getattr(exc, "status", None) == 400
                log.warning(
                    "Refund of %s for %s %s: %s",
                    refund["payment_id"],
                    order_id,
                    "refused" if final else "not sent",
                    exc,
                )
                self._note_refund(order_id, refund["payment_id"], error=str(exc), failed=final)
        order = self._stored(order_id)
        if not any(not r.get("id") for r in records.pending_refunds(order)):
            self.queue.discard(order_id)
        return order

    def _stored(self, order_id: str) -> dict:
        """The order as stored (a refund is only ever queued for an order, and orders are never deleted)."""
        order = self.store.get_order(order_id)
        if order is None:
            raise OrderMissing(f"No order {order_id}")
        return order

    def _existing_refund(self, refund: dict) -> dict | None:
        for existing in self.client.payment_refunds(refund["payment_id"]):
            if existing.get("receipt") == refund["idempotency_key"][:40]:
                return existing
        return None

    def _note_refund(self, order_id: str, payment_id: str, *, attempt=False, error=None, failed=False) -> None:
        timestamp = now_iso(self.clock)

        def apply(order):
            refund = next((r for r in order.get("refunds") or [] if r["payment_id"] == payment_id), None)
            if refund is None or refund["status"] != records.REFUND_PENDING:
                return False
            if attempt:
                refund["attempts"] += 1
            if error is not None:
                refund["last_error"] = error
            if failed:
                records.refund_settled(order, refund, records.REFUND_FAILED)
                add_event(order, "refund_failed", f"Refund refused by Razorpay: {error}", timestamp)
                self.tally.add("failed")
            elif error is not None:
                self.tally.add("not_sent")
            order["updated_at"] = timestamp
            return True

        self.store.update_order(order_id, apply)

    def reported(self, order_id: str, razorpay_refund: dict) -> None:
        """What Razorpay says of a refund: kept; processed or failed settles it."""
        timestamp = now_iso(self.clock)
        status = razorpay_refund.get("status")

        def apply(order):
            refund = next(
                (r for r in order.get("refunds") or [] if r["payment_id"] == razorpay_refund.get("payment_id")), None
            )
            if refund is None or refund["status"] != records.REFUND_PENDING:
                return False
            refund["id"] = razorpay_refund.get("id") or refund["id"]
            refund["last_error"] = None
            if status == "processed":
                records.refund_settled(order, refund, records.REFUND_PROCESSED)
                add_event(order, "refunded", f"Refunded {refund['amount'] / 100:.2f} rupees", timestamp)
                queue_email(order, "refunded", timestamp)
                self.tally.add("processed")
            elif status == "failed":
                records.refund_settled(order, refund, records.REFUND_FAILED)
                add_event(order, "refund_failed", "Razorpay could not refund this payment: an admin must", timestamp)
                self.tally.add("failed")
            order["updated_at"] = timestamp
            return True

        order = self.store.update_order(order_id, apply)
        self.emails.note(order)

    def refresh(self, order_id: str) -> None:
        """Ask Razorpay how the order's refunds it has are going (no webhook reached us)."""
        order = self.store.get_order(order_id)
        for refund in records.pending_refunds(order or {}):
            if refund.get("id"):
                found = self._existing_refund(refund)
                if found is not None:
                    self.reported(order_id, found)
