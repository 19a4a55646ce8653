"""An in-memory stand-in for RazorpayClient: Razorpay's orders, payments and refunds as the shop's
payment service sees them, with switches for the faults the tests need (down, a refund whose answer
is lost after Razorpay made it). The protocol itself is held to the spec by the emulator's tests
and the client's `responses` tests; this fake keeps the service's tests fast and exact."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading

from backend.payments.client import RazorpayError

KEY_ID = "rzp_test_FakeKey1234"
KEY_SECRET = "fake-key-secret-for-tests"  # not a credential: only this fake knows it
WEBHOOK_SECRET = "fake-webhook-secret-for-tests"


class Down(RazorpayError):
    """Razorpay cannot be reached (the client's own errors subclass RazorpayError too)."""


def checkout_signature(order_id: str, payment_id: str, secret: str = KEY_SECRET) -> str:
    return hmac.new(secret.encode(), f"{order_id}|{payment_id}".encode(), hashlib.sha256).hexdigest()


def signed_webhook(event: str, payment: dict | None = None, order: dict | None = None, refund: dict | None = None):
    """(raw body, headers) of a webhook as Razorpay signs it."""
    payload = {}
    if payment is not None:
        payload["payment"] = {"entity": payment}
    if order is not None:
        payload["order"] = {"entity": order}
    if refund is not None:
        payload["refund"] = {"entity": refund}
    raw = json.dumps({"entity": "event", "event": event, "payload": payload}).encode()
    signature = hmac.new(WEBHOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Razorpay-Signature": signature, "X-Razorpay-Event-Id": f"evt_{hashlib.sha1(raw).hexdigest()[:14]}"}


class FakeRazorpay:
    def __init__(self):
        self.orders: dict[str, dict] = {}
        self.payments: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.calls: list[tuple] = []
        self.down = False
        self.lose_refund_answer = 0  # refunds made whose answer is then lost (a timeout)
        self.refund_status = "processed"
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def _call(self, name, *args):
        with self._lock:
            self.calls.append((name, *args))
        if self.down:
            raise Down("Razorpay is down (fake)")

    def _id(self, prefix):
        return f"{prefix}_{next(self._ids):014d}"

    # --- the client's API ------------------------------------------------------------------------
    def create_order(self, amount, receipt, notes=None):
        self._call("create_order", amount, receipt)
        order = {
            "id": self._id("order"),
            "entity": "order",
            "amount": amount,
            "amount_paid": 0,
            "currency": "INR",
            "receipt": receipt,
            "status": "created",
            "notes": notes or {},
        }
        self.orders[order["id"]] = order
        return dict(order)

    def fetch_order(self, order_id):
        self._call("fetch_order", order_id)
        return dict(self.orders[order_id])

    def order_payments(self, order_id):
        self._call("order_payments", order_id)
        return [dict(p) for p in self.payments.values() if p["order_id"] == order_id]

    def fetch_payment(self, payment_id):
        self._call("fetch_payment", payment_id)
        return dict(self.payments[payment_id])

    def capture(self, payment_id, amount, currency="INR"):
        self._call("capture", payment_id, amount)
        self.payments[payment_id]["status"] = "captured"
        return dict(self.payments[payment_id])

    def refund(self, payment_id, amount, idempotency_key, receipt=None, notes=None):
        self._call("refund", payment_id, amount, idempotency_key)
        existing = next((r for r in self.refunds.values() if r["idempotency_key"] == idempotency_key), None)
        if existing is None:
            existing = {
                "id": self._id("rfnd"),
                "entity": "refund",
                "amount": amount,
                "currency": "INR",
                "payment_id": payment_id,
                "receipt": receipt,
                "notes": notes or {},
                "status": self.refund_status,
                "idempotency_key": idempotency_key,
            }
            self.refunds[existing["id"]] = existing
        if self.lose_refund_answer:
            self.lose_refund_answer -= 1
            raise Down("timed out waiting for Razorpay's answer (fake)")
        return dict(existing)

    def payment_refunds(self, payment_id):
        self._call("payment_refunds", payment_id)
        return [dict(r) for r in self.refunds.values() if r["payment_id"] == payment_id]

    # --- what a customer does in the checkout ---------------------------------------------------
    def pay(self, order_id, *, amount=None, status="captured", method="upi"):
        """A payment for a Razorpay order; the checkout's signed answer."""
        order = self.orders[order_id]
        payment = {
            "id": self._id("pay"),
            "entity": "payment",
            "amount": order["amount"] if amount is None else amount,
            "currency": "INR",
            "status": status,
            "order_id": order_id,
            "method": method,
            "captured": status == "captured",
        }
        self.payments[payment["id"]] = payment
        if status == "captured":
            order["status"], order["amount_paid"] = "paid", payment["amount"]
        return dict(payment), {
            "razorpay_order_id": order_id,
            "razorpay_payment_id": payment["id"],
            "razorpay_signature": checkout_signature(order_id, payment["id"]),
        }

    def count(self, name):
        return sum(1 for call in self.calls if call[0] == name)
