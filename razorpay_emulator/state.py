"""The Razorpay emulator's memory: keys, orders, payments, refunds, and the fault switches.

Everything a request changes happens under one lock; webhooks are queued here and sent by
webhooks.py. Amounts are integer paise; ids look like Razorpay's (`order_` + 14 characters).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import threading
import time

ALPHABET = string.ascii_letters + string.digits
WEBHOOK_MODES = ("deliver", "drop", "duplicate", "reorder")


def new_id(prefix: str) -> str:
    return f"{prefix}_{''.join(secrets.choice(ALPHABET) for _ in range(14))}"


def hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class EmulatorState:
    def __init__(
        self,
        *,
        key_id: str,
        key_secret: str,
        webhook_secret: str = "",
        webhook_url: str | None = None,
        refund_seconds: float = 1.0,
        clock=time.time,
    ):
        self.key_id = key_id
        self.key_secret = key_secret
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        self.refund_seconds = refund_seconds
        self.clock = clock
        self.lock = threading.RLock()
        self.orders: dict[str, dict] = {}
        self.payments: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.idempotency: dict[str, str] = {}  # X-Refund-Idempotency → refund id
        self.faults = {"down": False, "slow_seconds": 0.0, "webhooks": "deliver", "capture": "auto"}
        self.counters: dict[str, int] = {}
        self.outbox = None  # webhooks.WebhookSender, set by the app

    def count(self, name: str) -> None:
        with self.lock:
            self.counters[name] = self.counters.get(name, 0) + 1

    def now(self) -> int:
        return int(self.clock())

    # --- orders -----------------------------------------------------------------------------------
    def create_order(self, amount: int, receipt: str | None, notes: dict) -> dict:
        order = {
            "id": new_id("order"),
            "entity": "order",
            "amount": amount,
            "amount_paid": 0,
            "amount_due": amount,
            "currency": "INR",
            "receipt": receipt,
            "offer_id": None,
            "status": "created",
            "attempts": 0,
            "notes": notes,
            "created_at": self.now(),
        }
        with self.lock:
            self.orders[order["id"]] = order
        return dict(order)

    # --- what the checkout does -------------------------------------------------------------------
    def pay(self, order_id: str, *, outcome: str = "pay", method: str = "upi", email=None, contact=None) -> dict:
        """A payment attempt on an order, as the checkout makes it: captured (auto-capture, the
        account default), left authorised (fault `capture: manual`), or failed. Returns the
        payment and, for a successful one, the checkout's signed answer."""
        with self.lock:
            order = self.orders[order_id]
            order["attempts"] += 1
            order["status"] = "attempted" if order["status"] == "created" else order["status"]
            failed = outcome == "fail"
            status = "failed" if failed else ("captured" if self.faults["capture"] == "auto" else "authorized")
            payment = {
                "id": new_id("pay"),
                "entity": "payment",
                "amount": order["amount"],
                "currency": "INR",
                "status": status,
                "order_id": order_id,
                "invoice_id": None,
                "international": False,
                "method": method,
                "amount_refunded": 0,
                "refund_status": None,
                "captured": status == "captured",
                "description": None,
                "email": email or "customer@example.com",
                "contact": contact or "+919876543210",
                "notes": dict(order["notes"]),
                "fee": None,
                "tax": None,
                "error_code": "BAD_REQUEST_ERROR" if failed else None,
                "error_description": "Payment failed: the bank declined it (emulator)" if failed else None,
                "error_reason": "payment_failed" if failed else None,
                "created_at": self.now(),
            }
            self.payments[payment["id"]] = payment
            events = []
            if failed:
                events.append(("payment.failed", {"payment": payment}))
            else:
                events.append(("payment.authorized", {"payment": dict(payment, status="authorized", captured=False)}))
                if status == "captured":
                    events += self._captured(payment)
        if self.outbox is not None:
            self.outbox.send_all(events)
        answer = {"payment": dict(payment)}
        if not failed:
            answer["checkout"] = {
                "razorpay_payment_id": payment["id"],
                "razorpay_order_id": order_id,
                "razorpay_signature": hex_hmac(self.key_secret, f"{order_id}|{payment['id']}".encode()),
            }
        return answer

    def _captured(self, payment: dict) -> list:
        """A payment captured (under the lock): the order is paid; the events that say so."""
        payment["status"], payment["captured"] = "captured", True
        order = self.orders[payment["order_id"]]
        order["amount_paid"] += payment["amount"]
        order["amount_due"] = max(order["amount"] - order["amount_paid"], 0)
        order["status"] = "paid"
        payment, order = dict(payment), dict(order)  # the events say what was true now
        return [("payment.captured", {"payment": payment}), ("order.paid", {"payment": payment, "order": order})]

    def capture(self, payment_id: str) -> tuple[dict, list]:
        with self.lock:
            payment = self.payments[payment_id]
            events = self._captured(payment)
            return dict(payment), events

    # --- refunds ----------------------------------------------------------------------------------
    def refund(self, payment: dict, amount: int, receipt, notes: dict, key: str | None) -> dict:
        with self.lock:
            if key and key in self.idempotency:
                return dict(self.refunds[self.idempotency[key]])
            refund = {
                "id": new_id("rfnd"),
                "entity": "refund",
                "amount": amount,
                "currency": "INR",
                "payment_id": payment["id"],
                "notes": notes,
                "receipt": receipt,
                "acquirer_data": {},
                "created_at": self.now(),
                "batch_id": None,
                "status": "pending",
                "speed_processed": "normal",
                "speed_requested": "normal",
            }
            self.refunds[refund["id"]] = refund
            if key:
                self.idempotency[key] = refund["id"]
            payment["amount_refunded"] += amount
            payment["refund_status"] = "full" if payment["amount_refunded"] >= payment["amount"] else "partial"
            if payment["refund_status"] == "full":
                payment["status"] = "refunded"
        if self.outbox is not None:
            self.outbox.later(self.refund_seconds, lambda: self.process_refund(refund["id"]))
        return dict(refund)

    def process_refund(self, refund_id: str) -> list:
        with self.lock:
            refund = self.refunds[refund_id]
            if refund["status"] != "pending":
                return []
            refund["status"] = "processed"
            payment = self.payments[refund["payment_id"]]
            events = [("refund.processed", {"refund": dict(refund), "payment": dict(payment)})]
        if self.outbox is not None:
            self.outbox.send_all(events)
        return events
