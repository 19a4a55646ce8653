"""Send each order to Qikink exactly once.

1. Claim: under the store's lock, an order that is `sync_pending`, not claimed by a live claim and
   due (or forced) gets a claim with an expiry. Only the claim holder may send it. A claim left
   by an earlier attempt (a crash, a lost answer) means the order may have reached Qikink, so the
   order is marked `lookup_first`.
2. Send: with `lookup_first`, look the order up by its number and only create it when Qikink does
   not have it. Qikink refuses a reused number ("Duplicate order number"): the client treats that
   as found.
3. Record, still as the claim holder: accepted → `synced`; refused for good → `sync_failed`;
   anything else → released with a backoff, `lookup_first` kept unless the call surely never
   left (our budget said no, or Qikink said 429).
"""
from __future__ import annotations

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout

from ..clock import now_iso
from ..orders import add_event
from ..qikink import QikinkError, QikinkRateLimited, QikinkValidationError
from ..qikink.mapping import MappingError, to_qikink_order
from ..retry import backoff_delay
from .events import EVENT_DESCRIPTIONS

log = logging.getLogger(__name__)

BACKOFF_CAP = 10 * 60.0
_CLAIM_KEYS = ("claimed_by", "claimed_until")


class OrderSender:
    """Claims, sends and records orders; `push_new` is the order request's own quick attempt."""

    def __init__(self, config, store, client, health, index, *, clock=time.time):
        self.config = config
        self.store = store
        self.client = client
        # The order request's push makes one attempt per call: the worker retries later.
        self.fast_client = client.without_retries()
        self.health = health
        self.index = index
        self.clock = clock
        self.claim_seconds = max(60.0, 4 * (config.qikink_connect_timeout + config.qikink_read_timeout))
        self._pool = ThreadPoolExecutor(max_workers=max(4, config.threads), thread_name_prefix="qikink-push")

    def _update(self, order_id: str, mutate) -> dict:
        order = self.store.update_order(order_id, mutate)
        self.index.note(order)
        return order

    # --- 1. claim ------------------------------------------------------------------------------
    def claim(self, order_id: str, *, force: bool = False) -> tuple[str | None, dict]:
        """Take the right to send this order, under the store lock. (claim token or None, order)."""
        token = uuid.uuid4().hex
        now = self.clock()

        def claim(order):
            sync = order.setdefault("sync", {})
            if order["qikink_status"] != "sync_pending" or sync.get("claimed_until", 0) > now:
                return False
            if not force and sync.get("next_attempt_at", 0) > now:
                return False
            # Not yet known whether an earlier attempt reached Qikink: look it up before sending.
            sync["lookup_first"] = bool(sync.get("lookup_first") or sync.get("claimed_by"))
            sync.update(claimed_by=token, claimed_until=now + self.claim_seconds)
            return True

        order = self._update(order_id, claim)
        return (token if (order.get("sync") or {}).get("claimed_by") == token else None), order

    def new_claim(self) -> dict | None:
        """Claim fields to save with an order being placed, so that sending it right after needs
        no second write; None when it will not be sent now (breaker open)."""
        if not self.health.breaker.allow():
            return None
        return {"claimed_by": uuid.uuid4().hex, "claimed_until": self.clock() + self.claim_seconds}

    # --- 2. send -------------------------------------------------------------------------------
    def send(self, order: dict, token: str, client=None) -> dict:
        """Send a claimed order and record the outcome. Never raises for Qikink's answers; an
        attempt refused by the call budget is marked `rate_limited` on the returned order."""
        client = client or self.client
        try:
            payload = to_qikink_order(order, self.store.products())
            found = None
            if order["sync"].get("lookup_first"):
                found = client.find_order_by_number(order["qikink_order_number"], wait=False)
            result = {"order_id": str(found["order_id"]), "existing": True} if found else \
                client.create_order(payload, wait=False)
        except MappingError as exc:
            return self._record_failure(order["order_id"], token, str(exc), permanent=True)
        except QikinkValidationError as exc:
            self.health.note(None)
            return self._record_failure(order["order_id"], token, exc.qikink_message or exc.message, permanent=True)
        except QikinkRateLimited as exc:
            result = self._release(order["order_id"], token, exc.retry_after or 60.0)
            result["rate_limited"] = True
            return result
        except QikinkError as exc:
            self.health.note(exc)
            return self._record_failure(order["order_id"], token, str(exc), retry_after=getattr(exc, "retry_after", None))
        except Exception as exc:  # a bug must not leave the claim for ever; the order stays queued
            log.exception("Unexpected error sending %s", order["order_id"])
            return self._record_failure(order["order_id"], token, f"internal error: {type(exc).__name__}")
        self.health.note(None)
        return self._record_success(order["order_id"], result)

    # --- 3. record -----------------------------------------------------------------------------
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
            for key in (*_CLAIM_KEYS, "lookup_first", "next_attempt_at", "last_error"):
                sync.pop(key, None)
            sync["synced_at"] = timestamp
            sync["last_polled_at"] = self.clock()  # Qikink's status is known: it just took it
            add_event(order, "order_synced", EVENT_DESCRIPTIONS["order_synced"], timestamp)

        order = self._update(order_id, accepted)
        log.info("Order %s is at Qikink as %s%s", order_id, result["order_id"],
                 " (found existing)" if result.get("existing") else "")
        return order

    def _release(self, order_id: str, token: str, retry_after: float) -> dict:
        """The call never left (no budget this minute): give the order back, due when there is."""
        def release(order):
            sync = order.setdefault("sync", {})
            if sync.get("claimed_by") != token:
                return False
            for key in _CLAIM_KEYS:
                sync.pop(key, None)
            sync["next_attempt_at"] = self.clock() + retry_after
            sync["last_error"] = "waiting for Qikink's call budget (30 calls a minute)"

        return self._update(order_id, release)

    def _record_failure(self, order_id: str, token: str, message: str, *, permanent: bool = False,
                        retry_after: float | None = None) -> dict:
        timestamp = now_iso(self.clock)

        def failed(order):
            sync = order.setdefault("sync", {})
            if sync.get("claimed_by") != token:
                return False  # another sender took over after our claim expired
            attempts = sync.get("attempts", 0) + 1
            sync.update(attempts=attempts, last_error=message, last_attempt_at=timestamp, lookup_first=True)
            for key in _CLAIM_KEYS:
                sync.pop(key, None)
            if permanent:
                order["qikink_status"] = "sync_failed"
                order["qikink_message"] = message
                sync["lookup_first"] = False
                sync.pop("next_attempt_at", None)
            else:
                delay = backoff_delay(attempts - 1, base=self.config.qikink_retry_base_seconds, cap=BACKOFF_CAP,
                                      retry_after=retry_after)
                sync["next_attempt_at"] = self.clock() + delay
            order["updated_at"] = timestamp

        order = self._update(order_id, failed)
        if permanent:
            log.warning("Qikink refused order %s for good: %s", order_id, message)
        else:
            log.info("Order %s queued for a later attempt: %s", order_id, message)
        return order

    # --- the order request's own attempt -------------------------------------------------------
    def push_new(self, order: dict, claim: dict | None = None) -> dict:
        """Send a just-placed order within the time budget; past it, the order stays queued and the
        send finishes in the background. Never waits for the call budget: when this minute's
        creates are spent the order is queued at once and the worker sends it first."""
        self.index.note(order)
        if order["qikink_status"] != "sync_pending":
            return order
        order_id = order["order_id"]
        if claim is not None and (order.get("sync") or {}).get("claimed_by") == claim["claimed_by"]:
            token, claimed = claim["claimed_by"], order
        else:
            if not self.health.breaker.allow():
                order.setdefault("sync", {})["last_error"] = "Qikink is unavailable; the order will be sent when it is back"
                return order
            token, claimed = self.claim(order_id, force=True)
            if token is None:
                return claimed
        future = self._pool.submit(self.send, claimed, token, self.fast_client)
        try:
            return future.result(timeout=self.config.qikink_push_budget)
        except FutureTimeout:
            log.info("Qikink did not answer within %ss for %s; it stays queued", self.config.qikink_push_budget, order_id)
            stored = self.store.get_order(order_id) or claimed
            stored.setdefault("sync", {})["last_error"] = "Qikink is slow to answer; the order will be sent shortly"
            return stored

    def requeue_failed(self, order_id: str) -> dict:
        """An admin's retry of an order Qikink refused: pending again, due now."""
        def requeue(order):
            if order["qikink_status"] != "sync_failed":
                return False
            order["qikink_status"] = "sync_pending"
            order.setdefault("sync", {}).pop("next_attempt_at", None)
        return self._update(order_id, requeue)

    def close(self) -> None:
        self._pool.shutdown(wait=False)
