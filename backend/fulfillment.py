"""Fulfilment: send orders to Qikink exactly once, poll their statuses, record events.

Exactly once: an order is claimed under the store's lock before it is sent, so no two threads or
processes send it at the same time; a claim records that the order may have reached Qikink, and
any later attempt after an unknown outcome looks the order up by its order number before
sending. Qikink also refuses a reused order number ("Duplicate order number"), which the client
treats as found.
"""
from __future__ import annotations

import logging
import os
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout
from datetime import datetime, timezone

from filelock import Timeout

from .circuit_breaker import CircuitBreaker
from .errors import NotFound
from .models import ORDER_ID_RE
from .orders import add_event, now_iso
from .qikink import QikinkError, QikinkNotFound, QikinkRateLimited, QikinkValidationError
from .qikink.mapping import MappingError, TERMINAL_STATUSES, is_forward, is_terminal_raw, to_fulfilment, to_qikink_order
from .storage import mapping_problem

log = logging.getLogger(__name__)

EVENT_DESCRIPTIONS = {
    "order_synced": "Sent to Qikink", "order_on_hold": "On hold at Qikink (wallet balance too low)",
    "order_processing": "Printing", "ready_to_ship": "Packed and manifested for pickup",
    "in_transit": "Shipped and in transit", "out_for_delivery": "Out for delivery", "delivered": "Delivered",
    "delivery_exception": "Delivery problem reported by the courier", "rto_initiated": "Return to origin started",
    "returned": "Returned to origin", "cancelled": "Cancelled", "action_required": "Qikink needs action on this order",
}
BACKOFF_CAP = 10 * 60.0
FULFILMENT_REFRESH_SECONDS = 60.0


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds") if ts else None


class Fulfilment:
    """Sends orders to Qikink and keeps their fulfilment status, for the app and the worker."""

    def __init__(self, config, store, client, *, clock=time.time, poll_interval: float | None = None,
                 breaker: CircuitBreaker | None = None):
        self.config = config
        self.store = store
        self.client = client
        # The order request's push makes one attempt per call: the worker retries later.
        self.fast_client = client.without_retries() if client is not None else None
        self.clock = clock
        self.instance = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.breaker = breaker or CircuitBreaker(threshold=3, cooldown=config.qikink_breaker_cooldown_seconds)
        default_poll = max(2.0, config.qikink_emulator_step_seconds) if config.qikink_env == "emulator" else 180.0
        self.poll_interval = poll_interval if poll_interval is not None else default_poll
        self.claim_seconds = max(60.0, 4 * (config.qikink_connect_timeout + config.qikink_read_timeout))
        self._pool = ThreadPoolExecutor(max_workers=max(4, config.threads), thread_name_prefix="qikink-push")
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._settled: set[str] = set()
        self._pending: set[str] = set()
        self.last_check: float | None = None
        self.last_error: str | None = None

    # --- connection -------------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        return self.client is not None

    def _note(self, error: Exception | None) -> None:
        if isinstance(error, QikinkRateLimited):
            return  # our own budget, or Qikink's: not a sign that Qikink is down
        self.last_check = self.clock()
        self.last_error = None if error is None else str(error)
        if error is None:
            self.breaker.record_success()
        elif getattr(error, "transient", False) or getattr(error, "http_status", None) in (401, 403):
            self.breaker.record_failure()

    def connection_state(self) -> str:
        """From the last contact with Qikink, without calling it: a quiet hour in which the token
        expired is still "connected" when the last call succeeded."""
        if not self.enabled:
            return "not_configured" if self.config.qikink_env != "off" else "off"
        if self.last_error is not None:
            return "disconnected"
        return "connected" if self.last_check is not None or self.client.has_valid_token() else "disconnected"

    def authenticate(self, force: bool = False):
        """Check the credentials (mint only if no valid token is cached, unless forced)."""
        try:
            info = self.client.authenticate(force=force)
        except QikinkError as exc:
            self._note(exc)
            raise
        self._note(None)
        return info

    def probe(self, timeout: float = 3.0) -> tuple[bool, str]:
        """Authenticate (minting only if no valid token is cached) in a thread, waiting at most
        `timeout` seconds: the client's own retries must not hold start-up or a status check."""
        outcome: dict = {}

        def attempt():
            try:
                self.authenticate()
                outcome["ok"] = True
            except QikinkError as exc:
                outcome["error"] = exc.message

        thread = threading.Thread(target=attempt, name="qikink-probe", daemon=True)
        thread.start()
        thread.join(timeout)
        if outcome.get("ok"):
            return True, "SUCCESS"
        if "error" in outcome:
            return False, f"FAILED ({outcome['error']}); orders are kept and sent when Qikink answers"
        self.last_error = f"no answer within {timeout:.0f}s"
        return False, f"NO ANSWER within {timeout:.0f}s; orders are kept and sent when Qikink answers"

    def status(self) -> dict:
        """What GET /api/qikink/status shows. Mints a token only when none is valid."""
        if not self.enabled:
            return {"status": "not_configured", "environment": self.config.qikink_env, "qikink_api": None,
                    "client_id": None, "last_check": None, "token_valid_until": None,
                    "pending_orders": len(self._pending), "last_error": None}
        if not self.client.has_valid_token() and self.breaker.allow():
            self.probe(timeout=3.0)
        valid_until = self.client.token_valid_until
        return {"status": self.connection_state(), "environment": self.config.qikink_env,
                "qikink_api": self.client.config.api_base, "client_id": self.client.config.masked_client_id,
                "last_check": _iso(self.last_check), "token_valid_until": valid_until.isoformat() if valid_until else None,
                "pending_orders": len(self._pending), "last_error": self.last_error}

    # --- sending ----------------------------------------------------------------------------
    def _claim(self, order_id: str, *, force: bool = False) -> tuple[str | None, dict]:
        """Take the right to send this order, under the store lock. (claim token or None, order)."""
        token = uuid.uuid4().hex
        now = self.clock()

        def claim(order):
            sync = order.setdefault("sync", {})
            if order["qikink_status"] != "sync_pending":
                return False
            if sync.get("claimed_until", 0) > now:
                return False
            if not force and sync.get("next_attempt_at", 0) > now:
                return False
            # Not yet known whether an earlier attempt reached Qikink: look it up before sending.
            sync["lookup_first"] = bool(sync.get("lookup_first") or sync.get("claimed_by"))
            sync.update(claimed_by=token, claimed_until=now + self.claim_seconds)
            return True

        order = self.store.update_order(order_id, claim)
        return (token if (order.get("sync") or {}).get("claimed_by") == token else None), order

    def _send(self, order: dict, token: str, client=None) -> dict:
        """Send a claimed order and record the outcome. Never raises for Qikink's answers; a
        rate-limited attempt is marked `rate_limited` on the returned (not stored) order."""
        order_number = order["qikink_order_number"]
        client = client or self.client
        try:
            payload = to_qikink_order(order, self.store.products())
            found = None
            if order["sync"].get("lookup_first"):
                found = client.find_order_by_number(order_number, wait=False)
            result = {"order_id": str(found["order_id"]), "existing": True} if found else \
                client.create_order(payload, wait=False)
        except MappingError as exc:
            return self._record_failure(order["order_id"], token, str(exc), permanent=True)
        except QikinkValidationError as exc:
            self._note(None)
            return self._record_failure(order["order_id"], token, exc.qikink_message or exc.message, permanent=True)
        except QikinkError as exc:
            self._note(exc)
            limited = isinstance(exc, QikinkRateLimited)
            result = self._record_failure(order["order_id"], token, str(exc), known_unsent=limited,
                                          retry_after=getattr(exc, "retry_after", None))
            result["rate_limited"] = limited
            return result
        except Exception as exc:  # a bug must not leave the claim for ever; the order stays queued
            log.exception("Unexpected error sending %s", order["order_id"])
            return self._record_failure(order["order_id"], token, f"internal error: {type(exc).__name__}")
        self._note(None)
        return self._record_success(order["order_id"], result)

    def _record_success(self, order_id: str, result: dict) -> dict:
        timestamp = now_iso(self.clock)

        def accepted(order):
            order["qikink_status"] = "synced"
            order["qikink_shipment_id"] = result["order_id"]
            order["qikink_message"] = None
            if order["status"] == "pending":
                order["status"] = "confirmed"
            order["updated_at"] = timestamp
            sync = order.setdefault("sync", {})
            for key in ("claimed_by", "claimed_until", "lookup_first", "next_attempt_at", "last_error"):
                sync.pop(key, None)
            sync["synced_at"] = timestamp
            add_event(order, "order_synced", EVENT_DESCRIPTIONS["order_synced"], timestamp)

        order = self.store.update_order(order_id, accepted)
        self._pending.discard(order_id)
        log.info("Order %s is at Qikink as %s%s", order_id, result["order_id"],
                 " (found existing)" if result.get("existing") else "")
        return order

    def _record_failure(self, order_id: str, token: str, message: str, *, permanent: bool = False,
                        retry_after: float | None = None, known_unsent: bool = False) -> dict:
        timestamp = now_iso(self.clock)

        def failed(order):
            sync = order.setdefault("sync", {})
            if sync.get("claimed_by") != token:
                return False  # another sender took over after our claim expired
            attempts = sync.get("attempts", 0) + 1
            sync.update(attempts=attempts, last_error=message, last_attempt_at=timestamp)
            sync.pop("claimed_by", None)
            sync.pop("claimed_until", None)
            # Unless the call surely never left (our own rate limiter), it may have reached Qikink.
            sync["lookup_first"] = not known_unsent or bool(sync.get("lookup_first"))
            if permanent:
                order["qikink_status"] = "sync_failed"
                order["qikink_message"] = message
                sync["lookup_first"] = False
                sync.pop("next_attempt_at", None)
            else:
                delay = min(BACKOFF_CAP, self.config.qikink_retry_base_seconds * 2 ** min(attempts - 1, 16))
                delay = max(retry_after or 0.0, delay * (0.5 + random.random() / 2))
                sync["next_attempt_at"] = self.clock() + delay
            order["updated_at"] = timestamp

        order = self.store.update_order(order_id, failed)
        if permanent:
            self._pending.discard(order_id)
            log.warning("Qikink refused order %s for good: %s", order_id, message)
        else:
            self._pending.add(order_id)
            log.info("Order %s queued for a later attempt: %s", order_id, message)
        return order

    def new_claim(self) -> dict | None:
        """Claim fields to save with an order being placed, so that sending it right after needs
        no second write; None when it will not be sent now (Qikink off, breaker open)."""
        if not self.enabled or not self.breaker.allow():
            return None
        return {"claimed_by": uuid.uuid4().hex, "claimed_until": self.clock() + self.claim_seconds}

    def push_new(self, order: dict, claim: dict | None = None) -> dict:
        """Send a just-placed order within the time budget; past it, the order stays queued and the
        send finishes in the background. Never waits for the rate limiter. `claim` is what
        `new_claim()` gave and the order was saved with."""
        if not self.enabled or order["qikink_status"] != "sync_pending":
            return order
        order_id = order["order_id"]
        self._pending.add(order_id)
        if claim is not None and (order.get("sync") or {}).get("claimed_by") == claim["claimed_by"]:
            token, claimed = claim["claimed_by"], order
        else:
            if not self.breaker.allow():
                order.setdefault("sync", {})["last_error"] = "Qikink is unavailable; the order will be sent when it is back"
                return order
            token, claimed = self._claim(order_id, force=True)
            if token is None:
                return claimed
        future = self._pool.submit(self._send, claimed, token, self.fast_client)
        try:
            return future.result(timeout=self.config.qikink_push_budget)
        except FutureTimeout:
            log.info("Qikink did not answer within %ss for %s; it stays queued", self.config.qikink_push_budget, order_id)
            stored = self.store.get_order(order_id) or claimed
            stored.setdefault("sync", {})["last_error"] = "Qikink is slow to answer; the order will be sent shortly"
            return stored

    # --- polling ----------------------------------------------------------------------------
    def apply_view(self, order: dict, view: dict, timestamp: str) -> None:
        """Fold Qikink's view of an order into ours: only forwards, each event once."""
        order["qikink_raw_status"] = view["raw_status"]
        if view["tracking_number"]:
            order["tracking_id"] = view["tracking_number"]
            order["courier"] = view["courier"] or order.get("courier")
            order["tracking_url"] = view["tracking_url"] or order.get("tracking_url")
        new = view["status"]
        if new is None:
            if order.get("unknown_raw_status") != view["raw_status"]:
                log.warning("Order %s: unknown Qikink status %r kept as raw", order["order_id"], view["raw_status"])
                order["unknown_raw_status"] = view["raw_status"]
        elif is_forward(order["status"], new):
            order["status"] = new
            add_event(order, view["event"], EVENT_DESCRIPTIONS.get(view["event"], view["raw_status"]), timestamp)
        if is_terminal_raw(view["raw_status"]) or view["cancelled"]:
            order.setdefault("sync", {})["terminal"] = True
        order.setdefault("sync", {})["last_polled_at"] = self.clock()
        order["updated_at"] = timestamp

    def refresh(self, order_id: str, *, wait: bool = False) -> dict:
        """Read the order from Qikink and store what changed. Raises QikinkError when unreachable."""
        order = self.store.get_order(order_id)
        if order is None:
            raise NotFound(f"No order {order_id}")
        if not order.get("qikink_shipment_id"):
            return order
        try:
            remote = self.client.get_order(order["qikink_shipment_id"], wait=wait)
        except QikinkNotFound:
            # Qikink answered, so the connection is fine; the order is polled again only later.
            self._note(None)
            log.warning("Qikink does not know order %s (id %s)", order_id, order["qikink_shipment_id"])

            def missing(o):
                o.setdefault("sync", {}).update(last_polled_at=self.clock(), last_error="Qikink does not know this order")
            return self.store.update_order(order_id, missing)
        except QikinkError as exc:
            self._note(exc)
            raise
        self._note(None)
        view = to_fulfilment(remote)
        timestamp = now_iso(self.clock)
        return self.store.update_order(order_id, lambda o: self.apply_view(o, view, timestamp))

    def fulfilment_view(self, order_id: str) -> dict:
        """GET /api/qikink/fulfillment/<id>: stored view, refreshed when older than a minute."""
        if not ORDER_ID_RE.match(order_id or ""):
            raise NotFound(f"No order {order_id}")
        order = self.store.get_order(order_id)
        if order is None:
            raise NotFound(f"No order {order_id}")
        stale = False
        sync = order.get("sync") or {}
        due = self.clock() - sync.get("last_polled_at", 0) > FULFILMENT_REFRESH_SECONDS
        if self.enabled and order.get("qikink_shipment_id") and not sync.get("terminal") and due:
            # A public route: while the breaker is open, Qikink is known to be down, so serve what
            # is stored at once rather than spend calls (and seconds of retries) on every request.
            stale = not self.breaker.allow()
            try:
                order = order if stale else self.refresh(order_id)
            except QikinkError:
                stale = True
        view = {"order_id": order["order_id"], "qikink_shipment_id": order.get("qikink_shipment_id"),
                "status": order["status"], "qikink_raw_status": order.get("qikink_raw_status"),
                "qikink_status": order["qikink_status"],
                "tracking_number": order.get("tracking_id"), "courier": order.get("courier"),
                "tracking_url": order.get("tracking_url"), "estimated_delivery": None,
                "last_update": order.get("updated_at"), "events": order.get("events", [])}
        if stale:
            view["stale"] = True
        return view

    # --- one pass of the worker --------------------------------------------------------------
    def run_pass(self, *, retry_failed: bool = False) -> dict:
        """Send due orders and refresh orders in flight, within Qikink's rate budget."""
        report = {"pushed": 0, "failed": 0, "still_pending": 0, "refreshed": 0, "errors": 0}
        if not self.enabled:
            return report
        budget_exhausted = False
        pending = set()
        for order_id in reversed(self.store.order_ids()):  # oldest first
            if order_id in self._settled:
                continue
            order = self.store.get_order(order_id)
            if order is None:
                continue
            if order["status"] in TERMINAL_STATUSES or (order.get("sync") or {}).get("terminal"):
                self._settled.add(order_id)
                continue
            if retry_failed and order["qikink_status"] == "sync_failed":
                order = self._requeue(order_id)
            if order["qikink_status"] == "sync_pending":
                if budget_exhausted or not self.breaker.allow():
                    pending.add(order_id)
                    continue
                token, claimed = self._claim(order_id, force=retry_failed)
                if token is None:
                    pending.add(order_id)
                    continue
                result = self._send(claimed, token)
                if result["qikink_status"] == "synced":
                    report["pushed"] += 1
                elif result["qikink_status"] == "sync_failed":
                    report["failed"] += 1
                else:
                    pending.add(order_id)
                    budget_exhausted = result.get("rate_limited", False)
            elif order["qikink_status"] == "synced" and not budget_exhausted:
                if self.clock() - (order.get("sync") or {}).get("last_polled_at", 0) < self.poll_interval:
                    continue
                try:
                    self.refresh(order_id)
                    report["refreshed"] += 1
                except QikinkRateLimited:
                    budget_exhausted = True
                except QikinkError:
                    report["errors"] += 1
        self._pending = pending
        report["still_pending"] = len(pending)
        return report

    def _requeue(self, order_id: str) -> dict:
        def requeue(order):
            if order["qikink_status"] != "sync_failed":
                return False
            order["qikink_status"] = "sync_pending"
            order.setdefault("sync", {}).pop("next_attempt_at", None)
        return self.store.update_order(order_id, requeue)

    def check_products(self) -> dict:
        """Qikink has no product API: 'product sync' checks every product's Qikink mapping."""
        invalid = []
        for sku, product in self.store.products().items():
            problem = mapping_problem(product)
            if problem:
                invalid.append({"sku": sku, "problem": problem})
        return {"valid": len(self.store.catalogue) - len(invalid), "invalid": invalid}

    # --- the background worker ---------------------------------------------------------------
    def wake(self) -> None:
        self._wake.set()

    def start_worker(self) -> None:
        """A daemon thread; only one process per data directory works at a time (lock file)."""
        if not self.enabled or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._work, name="qikink-sync", daemon=True)
        self._thread.start()

    def stop_worker(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _work(self) -> None:
        lock = self.store.worker_lock()  # a file lock, or a PostgreSQL advisory lock for a fleet
        while not self._stop.is_set():
            try:
                if lock is not None and not lock.is_locked:
                    lock.acquire(timeout=0)
                report = self.run_pass()
                if any(report[k] for k in ("pushed", "failed", "refreshed")):
                    log.info("Sync pass: %s", report)
            except Timeout:
                pass  # another process is the worker for this data directory
            except Exception:
                log.exception("Sync pass failed; trying again later")
            self._wake.wait(min(self.config.sync_interval, self.poll_interval))
            self._wake.clear()
        if lock is not None and lock.is_locked:
            lock.release()

    def close(self) -> None:
        self.stop_worker()
        self._pool.shutdown(wait=False)


def run_once(config) -> int:
    """`python -m backend sync`: one pass (send pending orders, refresh statuses), then exit."""
    import json

    from . import build_qikink_client
    from .storage import open_store

    store = open_store(config)
    client = build_qikink_client(config, store)  # with PostgreSQL: the fleet's shared token
    if client is None:
        print("Qikink is off (QIKINK_ENV=off): nothing to sync")
        return 1
    fulfilment = Fulfilment(config, store, client)
    lock = store.worker_lock()
    try:
        lock.acquire(timeout=60)
    except Timeout:
        print("Another sync worker holds the data directory; try again later")
        return 1
    try:
        report = fulfilment.run_pass()
        report["products"] = fulfilment.check_products()
    finally:
        lock.release()
    print(json.dumps(report, indent=2))
    return 0 if not report["errors"] and fulfilment.last_error is None else 1
