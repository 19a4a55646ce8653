"""Prepaid orders are paid through Razorpay before they go to Qikink.

A prepaid order is placed `awaiting_payment` (its stock held) and gets one Razorpay order for its
total, receipt = our order id. Three independent paths settle it, all through `settle()`, one
forward-only change in the order's own transaction:

1. the checkout's signed answer (`checkout_answer`, POST /api/orders/<id>/payment);
2. a verified webhook (`webhook`, POST /api/payments/razorpay/webhook), in any order, any number
   of times;
3. the server's own look-up (`look_up`, by the payment worker) of every order awaiting payment: a
   shop on a home connection never receives webhooks.

Only a captured amount equal to the order's total makes it `paid`; then it is queued for Qikink
(as `Prepaid`) and the dispatcher is told at once. A payment captured for an order that can no
longer take it (expired, cancelled, or paid already by another payment) is refunded in full.
Refunds go out exactly once: the record and its idempotency key are written with the change that
calls for them, and a refund whose first call got no answer is looked up before it is sent again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ..clock import iso_utc, now_iso, timestamp_of
from ..config import RAZORPAY_API, RAZORPAY_CHECKOUT
from ..customer_email.outbox import NoEmails, queue_email
from ..errors import (
    NotFound,
    PaymentNotRequired,
    PaymentSignatureInvalid,
    PaymentUnavailable,
    WebhookSignatureInvalid,
)
from ..fulfilment.events import add_event
from ..fulfilment.sync_state import SyncState
from ..orders import lifecycle
from ..orders.dispatch import Dispatcher, SendsNothing
from ..storage.interface import OrderStore
from ..tally import Tally
from . import records
from .client import BadRequest, RazorpayError
from .client import NotFound as NotFoundAtRazorpay
from .refunds import Refunds
from .signatures import verify_checkout, verify_webhook
from .webhooks import Webhooks

log = logging.getLogger(__name__)

EMULATOR_CHECKOUT_PATH = "/v1/checkout.js"

FIRST_LOOKUP_SECONDS = 120.0  # a payment not reported by then is asked for
LOOKUP_EVERY_SECONDS = 300.0


class PaymentService:
    """Razorpay payments for prepaid orders: open, settle (three ways), expire, refund."""

    enabled = True

    def __init__(
        self,
        store: OrderStore,
        client,
        *,
        key_id: str,
        key_secret: str,
        webhook_secret: str,
        checkout_url: str,
        window_seconds: float = 30 * 60,
        shop_name: str = "Bharat Heritage Prints",
        dispatcher: Dispatcher | None = None,
        emails=None,
        clock: Callable[[], float] = time.time,
    ):
        self.store = store
        self.client = client
        self.key_id = key_id
        self._key_secret = key_secret
        self._webhook_secret = webhook_secret
        self.checkout_url = checkout_url
        self.window_seconds = window_seconds
        self.shop_name = shop_name
        self.dispatcher = dispatcher or SendsNothing()
        self.emails = emails or NoEmails()
        self.clock = clock
        self.tally = Tally()  # payments by outcome, webhooks by outcome (GET /metrics)
        self.refunds = Refunds(store, client, emails=self.emails, clock=clock)
        self.webhooks = Webhooks(self)

    @classmethod
    def from_config(cls, config, store, *, dispatcher=None, emails=None, client=None) -> PaymentService:
        """Razorpay, or the local emulator (its port, unless RAZORPAY_BASE_URL says otherwise)."""
        from ..errors import StartupError
        from .client import RazorpayClient

        if not config.razorpay_key_id or not config.razorpay_key_secret:
            raise StartupError(f"PAYMENTS_ENV={config.payments_env} needs RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET")
        base_url = config.razorpay_base_url
        checkout_url = config.razorpay_checkout_url
        if config.payments_env == "emulator":
            base_url = base_url or f"http://127.0.0.1:{config.razorpay_emulator_port}"
            checkout_url = checkout_url or f"{base_url}{EMULATOR_CHECKOUT_PATH}"
        client = client or RazorpayClient(
            config.razorpay_key_id, config.razorpay_key_secret, base_url=base_url or RAZORPAY_API
        )
        return cls(
            store,
            client,
            key_id=config.razorpay_key_id,
            key_secret=config.razorpay_key_secret,
            webhook_secret=config.razorpay_webhook_secret,
            checkout_url=checkout_url or RAZORPAY_CHECKOUT,
            window_seconds=config.payment_window_minutes * 60,
            dispatcher=dispatcher,
            emails=emails,
        )

    def __repr__(self):
        return f"PaymentService(key_id={self.key_id!r})"

    # --- opening -------------------------------------------------------------------------------
    def new_payment(self, order: dict) -> dict:
        """The payment record of a new prepaid order (before it is written)."""
        created = timestamp_of(order["created_at"])
        return {
            "provider": "razorpay",
            "amount": records.order_paise(order),
            "currency": "INR",
            "razorpay_order_id": None,
            "razorpay_payment_id": None,
            "expires_at": iso_utc(created + self.window_seconds),
            "next_lookup_at": created + min(FIRST_LOOKUP_SECONDS, self.window_seconds / 2),
        }

    def open(self, order: dict) -> dict:
        """Give the order its Razorpay order (once; a second one made by a race is never shown).
        Razorpay down: the order is kept as it is, and the page is told payment is not possible now."""
        if not lifecycle.awaits_payment(order) or order["payment"].get("razorpay_order_id"):
            return order
        try:
            created = self.client.create_order(
                order["payment"]["amount"], receipt=order["order_id"], notes={"order_id": order["order_id"]}
            )
        except RazorpayError as exc:
            log.warning("Razorpay order for %s not created: %s", order["order_id"], exc)
            problem = f"Razorpay: {exc}"

            def note(o):
                records.payment_of(o)["last_error"] = problem

            return self.store.update_order(order["order_id"], note)

        def keep(o):
            payment = records.payment_of(o)
            if payment.get("razorpay_order_id"):
                return False  # another request made one first: that one is the order's
            payment["razorpay_order_id"] = created["id"]
            payment["last_error"] = None
            return True

        return self.store.update_order(order["order_id"], keep)

    def checkout(self, order: dict) -> dict | None:
        """What the page needs to open Razorpay Checkout; None while no Razorpay order exists."""
        payment = order.get("payment") or {}
        if not lifecycle.awaits_payment(order) or not payment.get("razorpay_order_id"):
            return None
        address = order["shipping_address"]
        return {
            "provider": "razorpay",
            "key_id": self.key_id,
            "razorpay_order_id": payment["razorpay_order_id"],
            "amount": payment["amount"],
            "currency": payment.get("currency", "INR"),
            "checkout_url": self.checkout_url,
            "name": self.shop_name,
            "description": f"Order {order['order_id']}",
            "prefill": {
                "name": address.get("name") if isinstance(address, dict) else None,
                "email": order["customer_email"],
                "contact": address.get("phone") if isinstance(address, dict) else None,
            },
            "expires_at": payment.get("expires_at"),
        }

    def payment_for(self, order: dict) -> dict:
        """GET /api/orders/<id>/payment: the checkout again ("Pay now"), creating the Razorpay
        order now if Razorpay was down when the order was placed."""
        if not lifecycle.awaits_payment(order):
            raise PaymentNotRequired(
                f"Order {order['order_id']} is not awaiting payment ({records.payment_status(order)})"
            )
        order = self.open(order)
        details = self.checkout(order)
        if details is None:
            raise PaymentUnavailable()
        return details

    # --- settling --------------------------------------------------------------------------------
    def checkout_answer(self, order_id: str, body: dict) -> dict | None:
        """The checkout's signed answer, verified against the Razorpay order id kept on our order
        (never one taken from the request); then the payment is read from Razorpay and settled."""
        order = self.store.get_order(order_id)
        if order is None:
            raise NotFound(f"No order {order_id}")
        stored_id = (order.get("payment") or {}).get("razorpay_order_id")
        payment_id = body.get("razorpay_payment_id")
        fields_ok = all(
            isinstance(body.get(k), str) for k in ("razorpay_order_id", "razorpay_payment_id", "razorpay_signature")
        )
        if (
            not fields_ok
            or not stored_id
            or body["razorpay_order_id"] != stored_id
            or not verify_checkout(self._key_secret, stored_id, payment_id, body["razorpay_signature"])
        ):
            raise PaymentSignatureInvalid("The payment's signature does not match this order")
        try:
            payment = self.client.fetch_payment(payment_id)
        except RazorpayError as exc:
            # The signature proves the payment was authorised; the look-up settles it later.
            log.warning("Payment %s of %s not read from Razorpay: %s", payment_id, order_id, exc)
            return order
        return self.settle(order_id, payment) or self.store.get_order(order_id)

    def settle(self, order_id: str, payment: dict) -> dict | None:
        """Fold one Razorpay payment into the order: captured for the full total → `paid` (once);
        captured for an order that cannot take it → refunded; authorised → captured first. The
        order as stored after, or None when it is unknown."""
        if payment.get("status") == "authorized":
            payment = self._capture(order_id, payment)
        timestamp = now_iso(self.clock)
        outcome: dict = {}

        def apply(order, tx):
            outcome.update(paid=False, refund=False)
            stored = records.payment_of(order)
            if payment.get("order_id") != stored.get("razorpay_order_id"):
                log.warning("Payment %s is for another Razorpay order than %s's", payment.get("id"), order_id)
                return False
            if payment.get("status") == "failed":
                if stored.get("last_failure") == payment.get("id"):
                    return False
                stored["last_failure"] = payment.get("id")
                add_event(order, "payment_failed", _failure_words(payment), timestamp)
                outcome["failed"] = True
                return True
            if payment.get("status") not in ("captured", "refunded"):
                return False
            if stored.get("razorpay_payment_id") == payment["id"]:
                return False  # settled before: a duplicate, or a second path
            amount, expected = payment.get("amount"), stored.get("amount")
            if lifecycle.awaits_payment(order):
                if amount != expected or payment.get("currency", "INR") != "INR":
                    if (stored.get("mismatch") or {}).get("payment_id") == payment["id"]:
                        return False
                    stored["mismatch"] = {"payment_id": payment["id"], "amount": amount, "expected": expected}
                    add_event(
                        order,
                        "payment_mismatch",
                        f"Payment of {amount} paise for {expected} due: not accepted",
                        timestamp,
                    )
                    outcome["mismatch"] = True
                    log.error(
                        "Order %s: payment %s captured %s paise of %s; an admin must act",
                        order_id,
                        payment["id"],
                        amount,
                        expected,
                    )
                    return True
                lifecycle.paid(order, sendable=isinstance(order["shipping_address"], dict))
                stored.update(razorpay_payment_id=payment["id"], method=payment.get("method"), paid_at=timestamp)
                stored.pop("next_lookup_at", None)
                SyncState.of(order).due_now()
                add_event(order, "payment_received", "Payment received", timestamp)
                queue_email(order, "confirmation", timestamp)
                outcome["paid"] = True
            elif payment.get("status") == "captured":
                # Expired, cancelled, or paid already by another payment: give the money back.
                reason = "paid after the order was cancelled" if lifecycle.is_cancelled(order) else "paid twice"
                if records.add_refund(order, payment["id"], amount, reason, timestamp) is None:
                    return False
                add_event(order, "refund_started", f"Payment {payment['id']} {reason}: refunding it in full", timestamp)
                outcome["refund"] = True
            else:
                return False
            order["updated_at"] = timestamp
            return True

        order = self.store.transact_order(order_id, apply)
        if order is None:
            return None
        for name in ("paid", "failed", "mismatch", "refund"):
            if outcome.get(name):
                self.tally.add("payment", "refunded_late_or_twice" if name == "refund" else name)
        if outcome.get("paid"):
            log.info("Order %s is paid (%s): queued for Qikink", order_id, payment["id"])
            self.dispatcher.order_changed(order)
            self.emails.note(order)
        if outcome.get("refund"):
            order = self.refunds.send(order_id)
        return order

    def _capture(self, order_id: str, payment: dict) -> dict:
        """An authorised payment (the account does not auto-capture): capture it for its amount."""
        try:
            return self.client.capture(payment["id"], payment["amount"], currency=payment.get("currency", "INR"))
        except RazorpayError as exc:
            log.warning("Payment %s of %s not captured yet: %s", payment.get("id"), order_id, exc)
            return payment

    # --- webhooks -------------------------------------------------------------------------------
    def webhook(self, raw: bytes, signature: str | None, event_id: str | None = None) -> str:
        """A webhook, verified over its raw body (see webhooks.py); what it came to, for the log."""
        if not verify_webhook(self._webhook_secret, raw, signature or ""):
            self.tally.add("webhook", "bad_signature")
            raise WebhookSignatureInvalid("The webhook's signature does not match")
        outcome = self.webhooks.receive(raw, event_id)
        self.tally.add("webhook", "ignored" if outcome in ("ignored", "unknown order", "unknown refund") else "applied")
        return outcome

    # --- look-ups and expiry ----------------------------------------------------------------------
    def look_up(self, order_id: str) -> dict | None:
        """Ask Razorpay for the order's payments and settle what it says (the third path)."""
        order = self.store.get_order(order_id)
        if order is None or not order.get("payment"):
            return order
        if lifecycle.awaits_payment(order) and not order["payment"].get("razorpay_order_id"):
            return self.open(order)
        razorpay_order_id = order["payment"].get("razorpay_order_id")
        if not razorpay_order_id:
            return order
        try:
            payments = self.client.order_payments(razorpay_order_id)
        except (BadRequest, NotFoundAtRazorpay) as exc:
            # An answer, not an outage: Razorpay has no such order (an emulator restarted), so nothing was paid.
            log.warning("Razorpay does not know %s of order %s: %s", razorpay_order_id, order_id, exc)
            return order
        for payment in sorted(payments, key=lambda p: p.get("status") != "captured"):
            order = self.settle(order_id, payment) or order
        return order

    def expire(self, order_id: str) -> dict:
        """Unpaid in time, after a last look-up: cancelled, its stock back once, never sent."""
        timestamp = now_iso(self.clock)

        def apply(order, tx):
            if not lifecycle.awaits_payment(order):
                return False
            lifecycle.expire(order)
            if not order.get("stock_returned"):
                for item in order["items"]:
                    tx.return_stock(item["sku"], item["quantity"])
                order["stock_returned"] = True
            add_event(order, "payment_expired", "Not paid in time: cancelled, nothing charged", timestamp)
            order["updated_at"] = timestamp
            return True

        order = self.store.transact_order(order_id, apply)
        self.tally.add("payment", "expired")
        log.info("Order %s expired unpaid", order_id)
        return order

    def check(self, order_id: str) -> dict | None:
        """An admin's "Check payment": ask Razorpay now, send any refund due."""
        order = self.look_up(order_id)
        if order is not None and records.pending_refunds(order):
            order = self.refunds.send(order_id)
        return order

    def cancelled(self, order: dict) -> dict:
        """After a cancel: a paid order's refund (recorded with the cancel) goes out now."""
        return self.refunds.send(order["order_id"]) if records.pending_refunds(order) else order


def _failure_words(payment: dict) -> str:
    reason = payment.get("error_description") or (payment.get("error") or {}).get("description")
    return f"Payment failed{': ' + reason if reason else ''}; the customer may pay again"
