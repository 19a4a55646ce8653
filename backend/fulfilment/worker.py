"""The background worker: each pass sends what is due, then polls what is due, within budget.

New orders come first: tracking runs only when no order is waiting for the create budget. An
admin's sync (`force`) sends every pending order now (whatever its backoff; claims still guard
against double sending), probes Qikink once when the circuit breaker is open, and makes every
order in flight due at once.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from filelock import Timeout

from ..background import BackgroundThread
from ..orders import lifecycle
from ..orders.lifecycle import QikinkStatus as Q
from ..storage.interface import OrderStore

log = logging.getLogger(__name__)

# How often the worker looks for orders that other processes added or an admin edited.
CATCH_UP_SECONDS = 30.0
STOP_REASONS = {
    "budget": "Qikink's call budget (30 calls a minute) is spent for now; the worker goes on as it frees",
    "qikink_unavailable": "Qikink did not answer; the shop asks again by itself in a little while",
}


class SyncWorker(BackgroundThread):
    """Runs passes on a daemon thread; one process per data directory works at a time."""

    THREAD_NAME = "qikink-sync"

    def __init__(
        self,
        config,
        store: OrderStore,
        health,
        sender,
        tracker,
        index,
        *,
        clock=time.time,
        catch_up_seconds: float | None = CATCH_UP_SECONDS,
    ):
        self.config = config
        self.store = store
        self.health = health
        self.sender = sender
        self.tracker = tracker
        self.index = index
        self.clock = clock
        self.catch_up_seconds = catch_up_seconds
        self._caught_up_at = 0.0
        self.last_stop: str | None = None
        self.waiting_for = "create"  # the kind of call the last pass stopped for want of budget
        self._init_thread()
        self._index_lock = threading.Lock()

    # --- the index -----------------------------------------------------------------------------
    def catch_up(self, *, now: bool = False) -> None:
        """Build the index once, then pick up what other processes added or an admin changed."""
        with self._index_lock:
            if not self.index.built:
                self.index.build(self.store)
                self._caught_up_at = self.clock()
                return
            if self.catch_up_seconds is None:
                return
            if now or self.clock() - self._caught_up_at >= self.catch_up_seconds:
                self._caught_up_at = self.clock()
                self.index.reread(self.store, set(self.index.pending) | self.index.waiting)
                self.index.build(self.store)

    # --- one pass ------------------------------------------------------------------------------
    def run_pass(self, *, force: bool = False, retry_failed: bool = False) -> dict:
        """Send due orders (all pending ones when forced), then refresh orders in flight."""
        self.catch_up(now=force)
        report: dict[str, Any] = {
            "pushed": 0,
            "failed": 0,
            "still_pending": 0,
            "refreshed": 0,
            "not_refreshed": 0,
            "errors": 0,
            "reasons": [],
        }
        stopped = None
        if force and not self.health.breaker.allow():
            if self.health.probe_call():
                report["reasons"].append("Qikink answered a probe call: the circuit breaker is closed again")
        if retry_failed:
            for order_id in sorted(self.index.waiting):
                self.sender.requeue_failed(order_id)
        for order_id in self.index.pending_due(self.clock(), force=force or retry_failed):
            if not self.health.breaker.allow():
                stopped = "qikink_unavailable"
                break
            token, claimed = self.sender.claim(order_id, force=force or retry_failed)
            if token is None:
                continue  # another thread or process is sending it, or it is no longer pending
            result = self.sender.send(claimed, token)
            if lifecycle.is_at_qikink(result):
                report["pushed"] += 1
            elif result["qikink_status"] == Q.SYNC_FAILED:
                report["failed"] += 1
            elif result.get("rate_limited"):
                stopped, self.waiting_for = "budget", "create"
                break
            else:
                report["errors"] += 1
        if force:
            self.index.make_all_due(self.clock())
        if stopped is None:  # no new order waits for the budget: tracking may use what is left
            sweep = self.tracker.sweep()
            report["refreshed"] = sweep["refreshed"]
            stopped, self.waiting_for = sweep["stopped"], "tracking"
            report["errors"] += stopped == "qikink_unavailable"
        self.last_stop = stopped
        report["still_pending"] = len(self.index.pending)
        if force:  # counting costs a look at every order in flight: only an admin's sync asks
            report["not_refreshed"] = self.index.due_count(self.clock())
        if stopped and (report["still_pending"] or report["not_refreshed"]):
            report["reasons"].append(STOP_REASONS[stopped])
        if force:  # what waits for the call budget, and for how long: the pass never waits for it
            left = stopped == "budget" and report["still_pending"] + report["not_refreshed"]
            report["waiting_for_budget"] = left or 0
            report["budget_frees_in"] = self._budget_wait() if left else None
        return report

    def _budget_wait(self) -> float:
        """Seconds until the call budget has room for the kind the last pass stopped for."""
        return self.sender.client.budget.wait_for(self.waiting_for)

    def seconds_to_next_pass(self) -> float:
        """Sooner than the sync interval when an order attempt or a poll falls due before it, or
        when the budget frees after a pass it stopped; the full interval when Qikink is down."""
        now = self.clock()
        soonest = self.config.sync_interval
        if self.last_stop == "qikink_unavailable":
            return soonest
        if self.last_stop == "budget":  # an order placed meanwhile and left pending wakes the worker
            return min(soonest, max(self._budget_wait(), 0.05))
        next_attempt = self.index.next_attempt_at()
        if next_attempt is not None:
            soonest = min(soonest, next_attempt - now)
        entry = self.index.next_due(now + soonest)
        if entry is not None:
            soonest = min(soonest, entry.due_at - now)
        return max(soonest, 0.05)

    # --- the thread ----------------------------------------------------------------------------
    def _work(self) -> None:
        lock = self.store.fleet.worker_lock()  # a file lock, or a PostgreSQL advisory lock for a fleet
        while not self._stop.is_set():
            wait = self.config.sync_interval
            try:
                if lock is not None and not lock.is_locked:
                    lock.acquire(timeout=0)
                report = self.run_pass()
                if any(report[k] for k in ("pushed", "failed", "refreshed")):
                    log.info("Sync pass: %s", {k: v for k, v in report.items() if v})
                wait = self.seconds_to_next_pass()
            except Timeout:
                pass  # another process is the worker for this data directory
            except Exception:
                log.exception("Sync pass failed; trying again later")
            self._wake.wait(wait)
            self._wake.clear()
        if lock is not None and lock.is_locked:
            lock.release()
