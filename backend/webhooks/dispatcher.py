"""The webhook thread: fans each order's queued events out to the delivery log, then delivers what
is due, in order per order, at least once.

1. Fan-out (any process): an order's outbox (`order["webhooks"]`, written with the change that
   caused each event) becomes one delivery per subscribed endpoint, with the body fixed then; only
   after that commit is the outbox emptied. A crash in between fans the same events out again,
   which adds nothing (one row per endpoint and event id).
2. Delivery (one process of a data directory or fleet, under the `webhooks` worker lock): the
   oldest undelivered event of each order and endpoint, POSTed signed; 2xx is delivered. Other
   answers and failures are tried again on SCHEDULE (about three days in all); the next event of
   that order waits, so a receiver sees an order's events in the order they happened. 410 Gone
   disables the endpoint at once; a delivery that used up the schedule disables it too (with an
   item in the "needs attention" list). A disabled endpoint keeps its undelivered events: enabling
   it again delivers them.
"""

from __future__ import annotations

import json
import logging
import time

from filelock import Timeout

from ..background import BackgroundThread
from ..clock import iso_utc, timestamp_of
from ..storage.interface import OrderStore
from ..tally import Tally
from .events import OUTBOX
from .store import DELIVERED, FAILED, PENDING

log = logging.getLogger(__name__)

# Seconds to wait after each failed attempt: Standard Webhooks' (Svix's) schedule, then two daily
# attempts: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 24 h, 24 h (10 attempts over ~3.1 days).
SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000, 86400, 86400)
INTERVAL = 1.0  # seconds between rounds when nothing is due sooner
KEEP_DAYS = 30  # delivered and failed deliveries are forgotten after this
BATCH = 100
MAX_ATTEMPTS_A_ROUND = 1000


class WebhookDispatcher(BackgroundThread):
    """Fans out and delivers webhook events; `run_round()` is one pass (tests call it directly)."""

    THREAD_NAME = "webhooks"

    def __init__(
        self, store: OrderStore, webhooks, poster, *, order_body, clock=time.time, schedule=SCHEDULE, interval=INTERVAL
    ):
        self.store = store  # the order store (the outboxes)
        self.webhooks = webhooks  # endpoints and deliveries (store.py)
        self.poster = poster
        self.order_body = order_body  # order → the `data.order` an event carries (the admin answer)
        self.clock = clock
        self.schedule = tuple(schedule)
        self.interval = interval
        self.tally = Tally()  # deliveries by outcome (GET /metrics)
        self._pruned_at = float("-inf")
        self._init_thread()

    # --- 1. fan-out ----------------------------------------------------------------------------
    def fan_out(self) -> int:
        """Move the queued events of up to BATCH orders into the delivery log; events moved."""
        orders = self.store.orders_with_outbox(BATCH)
        if not orders:
            return 0
        events = [self._event(order, queued) for order in orders for queued in order.get(OUTBOX) or []]
        self.webhooks.fan_out(events, self.clock())
        moved = {order["order_id"]: {queued["id"] for queued in order.get(OUTBOX) or []} for order in orders}
        self.store.update_orders([(order_id, _emptier(ids)) for order_id, ids in moved.items()])
        return len(events)

    def _event(self, order: dict, queued: dict) -> dict:
        payload = {
            "type": queued["type"],
            "timestamp": queued["at"],
            "data": {"order": self.order_body(order), "reason": queued.get("reason")},
        }
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str)
        return {
            "id": queued["id"],
            "order_id": order["order_id"],
            "type": queued["type"],
            "at": timestamp_of(queued["at"]),
            "body": body,
        }

    # --- 2. delivery ---------------------------------------------------------------------------
    def deliver_due(self) -> int:
        """Attempt every delivery due now (the oldest of each order, then the next once that one
        is delivered); attempts made. Each attempt moves its row on (delivered, or due later), so
        the loop ends; at most MAX_ATTEMPTS_A_ROUND, so a fan-out is never long behind."""
        made = 0
        while not self._stop.is_set() and made < MAX_ATTEMPTS_A_ROUND:
            due = self.webhooks.due(self.clock(), BATCH)
            if not due:
                break
            endpoints: dict[str, dict | None] = {}
            for delivery in due:
                endpoint = endpoints.get(delivery["endpoint_id"]) or self.webhooks.endpoint(delivery["endpoint_id"])
                if endpoint is None or not endpoint["enabled"]:
                    continue
                endpoints[endpoint["id"]] = endpoint
                self.attempt(endpoint, delivery)
                made += 1
        return made

    def attempt(self, endpoint: dict, delivery: dict) -> str:
        """POST one delivery and record what came of it: delivered, pending (again later) or failed."""
        now = self.clock()
        result = self.poster.post(
            endpoint["url"], endpoint["secret"], delivery["message_id"], delivery["body"].encode()
        )
        attempts = delivery["attempts"] + 1
        if result.delivered:
            outcome, retry_at = DELIVERED, None
        elif result.gone:
            outcome, retry_at = FAILED, None
            self._disable(endpoint, "The receiver answered 410 Gone: it asked for no more events", now)
        elif attempts > len(self.schedule):
            outcome, retry_at = FAILED, None
            self._disable(endpoint, f"No event delivered for {_days(now - delivery['created_at'])}", now)
        else:
            outcome, retry_at = PENDING, now + self.schedule[attempts - 1]
        self.webhooks.record(
            delivery["id"],
            status=outcome,
            http_status=result.http_status,
            error=result.error,
            now=now,
            retry_at=retry_at,
        )
        self.tally.add("delivered" if outcome == DELIVERED else "gave_up" if outcome == FAILED else "retrying")
        if outcome != DELIVERED:
            log.warning(
                "Webhook %s for order %s to endpoint %s not delivered (attempt %d): %s",
                delivery["type"],
                delivery["order_id"],
                endpoint["id"],
                attempts,
                result.error,
            )
        return outcome

    def _disable(self, endpoint: dict, reason: str, now: float) -> None:
        if self.webhooks.disable(endpoint["id"], reason, now):
            endpoint["enabled"] = False
            log.error("Webhook endpoint %s disabled: %s", endpoint["id"], reason)

    # --- the thread ----------------------------------------------------------------------------
    def run_round(self, *, deliver: bool = True) -> dict:
        """One pass: fan out every queued event, then (when `deliver`) deliver what is due."""
        fanned = 0
        while True:
            moved = self.fan_out()
            fanned += moved
            if moved == 0 or self._stop.is_set():
                break
        delivered = self.deliver_due() if deliver else 0
        if self.clock() - self._pruned_at > 3600:
            self._pruned_at = self.clock()
            self.webhooks.prune(self.clock() - KEEP_DAYS * 86400)
        return {"fanned_out": fanned, "attempts": delivered}

    def _work(self) -> None:
        lock = self.store.fleet.worker_lock("webhooks")  # None: an in-memory store (one process)
        while not self._stop.is_set():
            leader = lock is None
            try:
                if lock is not None:
                    if not lock.is_locked:
                        lock.acquire(timeout=0)
                    leader = True
            except Timeout:
                pass  # another process delivers; this one still fans out its own orders' events
            try:
                self.run_round(deliver=leader)
            except Exception:
                log.exception("Webhook round failed; trying again shortly")
            next_due = self.webhooks.next_due_at() if leader else None
            wait = self.interval if next_due is None else min(self.interval, max(0.05, next_due - self.clock()))
            self._wake.wait(wait)
            self._wake.clear()
        if lock is not None and lock.is_locked:
            lock.release()

    def public_delivery(self, delivery: dict) -> dict:
        """A delivery as the console's log shows it (without the body's personal data)."""
        return {
            "id": delivery["id"],
            "event_id": delivery["message_id"],
            "type": delivery["type"],
            "order_id": delivery["order_id"],
            "status": delivery["status"],
            "attempts": delivery["attempts"],
            "created_at": iso_utc(delivery["created_at"]),
            "last_attempt_at": iso_utc(delivery["last_attempt_at"]),
            "next_attempt_at": iso_utc(delivery["next_attempt_at"]) if delivery["status"] == PENDING else None,
            "delivered_at": iso_utc(delivery["delivered_at"]),
            "last_status": delivery["last_status"],
            "last_error": delivery["last_error"],
        }


def _emptier(ids: set[str]):
    def empty(order):
        left = [queued for queued in order.get(OUTBOX) or [] if queued["id"] not in ids]
        if left == (order.get(OUTBOX) or []):
            return False
        if left:
            order[OUTBOX] = left
        else:
            order.pop(OUTBOX, None)

    return empty


def _days(seconds: float) -> str:
    days = seconds / 86400
    return f"{days:.1f} days" if days >= 1 else f"{seconds / 3600:.1f} hours"


def describe(endpoint: dict, counts: dict) -> dict:
    """An endpoint as staff see it: the secret masked, delivery counts by status."""
    secret = endpoint["secret"]
    return {
        "id": endpoint["id"],
        "url": endpoint["url"],
        "description": endpoint["description"],
        "events": endpoint["events"],
        "enabled": endpoint["enabled"],
        "disabled_reason": endpoint["disabled_reason"],
        "disabled_at": iso_utc(endpoint["disabled_at"]) if endpoint["disabled_at"] else None,
        "created_at": iso_utc(endpoint["created_at"]),
        "secret_hint": f"{secret[:6]}…{secret[-4:]}",
        "deliveries": {status: counts.get((endpoint["id"], status), 0) for status in (PENDING, DELIVERED, FAILED)},
    }
