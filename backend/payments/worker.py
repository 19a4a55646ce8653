"""The payment worker: asks Razorpay about every order awaiting payment (a shop that never receives
webhooks still settles every paid order), expires the ones unpaid in time after a last look-up,
and sends the refunds still due.

Look-ups and expiries are one machine's work at a time (the payments lock: a file lock, or a
PostgreSQL advisory lock for a fleet); refunds are sent by whichever process recorded them (the
idempotency key and the look-up before a retry keep that exactly once), and the lock holder also
picks up any refund left pending when it starts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from filelock import Timeout

from ..background import BackgroundThread
from ..clock import timestamp_of
from ..orders.lifecycle import OrderStatus
from ..storage import OrderFilter, every_order
from . import records
from .client import RazorpayError
from .service import LOOKUP_EVERY_SECONDS, PaymentService

log = logging.getLogger(__name__)

PASS_SECONDS = 30.0
PAGE = 200


class PaymentWorker(BackgroundThread):
    """One thread: a pass every PASS_SECONDS (sooner when woken)."""

    THREAD_NAME = "payments"

    def __init__(self, payments: PaymentService, *, clock: Callable[[], float] = time.time, interval=PASS_SECONDS):
        self.payments = payments
        self.store = payments.store
        self.clock = clock
        self.interval = interval
        self._picked_up = False
        self._init_thread()

    def awaiting(self) -> list[dict]:
        """Every order awaiting payment (the store answers the status filter from its index)."""
        return every_order(self.store, OrderFilter(status=OrderStatus.AWAITING_PAYMENT), per_page=PAGE)

    def run_pass(self) -> dict:
        """Look up what is due, expire what is over, send refunds due: counts of each."""
        report = {"looked_up": 0, "paid": 0, "expired": 0, "refunds_sent": 0, "errors": 0}
        now = self.clock()
        for order in self.awaiting():
            payment = order.get("payment") or {}
            expires_at = timestamp_of(payment["expires_at"]) if payment.get("expires_at") else None
            due = payment.get("next_lookup_at") or 0
            over = expires_at is not None and now >= expires_at
            # The first pass after a start asks about every order: a payment may have been captured
            # while this process was down (or killed between Razorpay's capture and our record).
            if not over and now < due and self._picked_up:
                continue
            try:
                report["looked_up"] += 1
                order = self.payments.look_up(order["order_id"]) or order
                if order["status"] != OrderStatus.AWAITING_PAYMENT:
                    report["paid"] += 1
                    continue
                if over:
                    self.payments.expire(order["order_id"])
                    report["expired"] += 1
                else:
                    self._next_lookup(order["order_id"], now + LOOKUP_EVERY_SECONDS)
            except RazorpayError as exc:
                # Razorpay unreachable: not expired on a guess; asked again at the next pass.
                report["errors"] += 1
                log.warning("Payment look-up for %s failed: %s", order["order_id"], exc)
        if not self._picked_up:
            self._pick_up_refunds()
        for order_id in sorted(self.payments.refunds.queue):
            try:
                self.payments.refunds.send(order_id)
                self.payments.refunds.refresh(order_id)
                report["refunds_sent"] += 1
            except RazorpayError as exc:
                report["errors"] += 1
                log.warning("Refund for %s not sent: %s", order_id, exc)
        return report

    def _next_lookup(self, order_id: str, when: float) -> None:
        def later(order):
            records.payment_of(order)["next_lookup_at"] = when

        self.store.update_order(order_id, later)

    def _pick_up_refunds(self) -> None:
        """Once, at the first pass: refunds another (stopped) process recorded and did not finish."""
        page = 1
        while True:
            chunk, total = self.store.list_orders(OrderFilter(status=OrderStatus.CANCELLED), page=page, per_page=PAGE)
            for order in chunk:
                if records.pending_refunds(order):
                    self.payments.refunds.queue.add(order["order_id"])
            if not chunk or page * PAGE >= total:
                break
            page += 1
        self._picked_up = True

    def send_own_refunds(self) -> None:
        for order_id in sorted(self.payments.refunds.queue):
            try:
                self.payments.refunds.send(order_id)
            except RazorpayError as exc:
                log.warning("Refund for %s not sent: %s", order_id, exc)

    def _work(self) -> None:
        lock = self.store.fleet.worker_lock("payments")
        while not self._stop.is_set():
            try:
                if lock is not None and not lock.is_locked:
                    lock.acquire(timeout=0)
                report = self.run_pass()
                if any(report.values()):
                    log.info("Payments pass: %s", {k: v for k, v in report.items() if v})
            except Timeout:
                self.send_own_refunds()  # another process does the look-ups; this one's refunds go
            except Exception:
                log.exception("Payments pass failed; trying again later")
            self._wake.wait(self.interval)
            self._wake.clear()
        if lock is not None and lock.is_locked:
            lock.release()
