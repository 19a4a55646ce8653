"""Razorpay's webhooks, once verified: events in any order, any number of times, all harmless.

A payment event settles the order it is for (`PaymentService.settle`, forward only); a refund
event settles the refund. Whatever the event (known, unknown, a duplicate), the caller answers
200 at once: Razorpay retries anything else for a day and then disables the webhook. An event for
an order or refund the shop does not have is logged once.
"""

from __future__ import annotations

import json
import logging

from .client import RazorpayError

log = logging.getLogger(__name__)

PAYMENT_EVENTS = ("payment.captured", "payment.authorized", "payment.failed", "order.paid")
REFUND_EVENTS = ("refund.processed", "refund.failed")


class Webhooks:
    def __init__(self, payments):
        self.payments = payments
        self._logged: set[str] = set()

    def receive(self, raw: bytes, event_id: str | None) -> str:
        """What a verified webhook came to: the event's name, "ignored" or "unknown ..."."""
        payments = self.payments
        try:
            event = json.loads(raw)
            kind = event["event"]
            payload = event.get("payload") or {}
        except (ValueError, KeyError, TypeError):
            log.warning("Razorpay webhook %s is not an event; ignored", event_id)
            return "ignored"
        if kind in PAYMENT_EVENTS:
            payment = (payload.get("payment") or {}).get("entity") or {}
            order_entity = (payload.get("order") or {}).get("entity") or {}
            order_id = order_entity.get("receipt") or (payment.get("notes") or {}).get("order_id")
            order_id = order_id or self._order_of(payment.get("order_id"))
            if not order_id or payments.store.get_order(order_id) is None:
                self._log_once(event_id, f"Razorpay webhook {kind} for an order we do not have; ignored")
                return "unknown order"
            payments.settle(order_id, payment)
            return kind
        if kind in REFUND_EVENTS:
            refund = (payload.get("refund") or {}).get("entity") or {}
            order_id = (refund.get("notes") or {}).get("order_id")
            if not order_id or payments.store.get_order(order_id) is None:
                self._log_once(event_id, f"Razorpay webhook {kind} for a refund we do not have; ignored")
                return "unknown refund"
            payments.refunds.reported(order_id, refund)
            return kind
        self._log_once(kind, f"Razorpay webhook event {kind!r} is not one the shop uses; ignored")
        return "ignored"

    def _order_of(self, razorpay_order_id: str | None) -> str | None:
        """Our order id for a Razorpay order (its receipt), asked of Razorpay."""
        if not razorpay_order_id:
            return None
        try:
            return self.payments.client.fetch_order(razorpay_order_id).get("receipt")
        except RazorpayError:
            return None

    def _log_once(self, key, message: str) -> None:
        if key not in self._logged and len(self._logged) < 10_000:
            self._logged.add(key)
            log.warning(message)
