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
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..clock import now_iso
from ..orders import lifecycle
from ..qikink import QikinkError, QikinkRateLimited, QikinkValidationError
from ..qikink.mapping import MappingError, to_qikink_order
from ..retry import backoff_delay
from ..storage.interface import OrderStore
from .events import CANCEL_IN_DASHBOARD, EVENT_DESCRIPTIONS, add_event
from .sync_state import SyncState

if TYPE_CHECKING:
    from ..storage.memory_store import OrderTransaction

log = logging.getLogger(__name__)

BACKOFF_CAP = 10 * 60.0


class OrderSender:
    """Claims, sends and records orders (the order request's own quick attempt: push.py)."""

    def __init__(self, config, store: OrderStore, client, health, index, *, clock=time.time):
        # Called in the transaction that records Qikink's acceptance: (order, tx, timestamp). The
        # app sets it to issue the GST invoice at the supply (InvoiceService.issue_at_supply).
        self.on_accepted: Callable[[dict, OrderTransaction, str], bool] | None = None
        self.config = config
        self.store = store
        self.client = client
        self.health = health
        self.index = index
        self.clock = clock
        self.claim_seconds = max(60.0, 4 * (config.qikink_connect_timeout + config.qikink_read_timeout))

    def _update(self, order_id: str, mutate) -> dict:
        order = self.store.update_order(order_id, mutate)
        self.index.note(order)
        return order

    # --- 1. claim ------------------------------------------------------------------------------
    def claim(self, order_id: str, *, force: bool = False, lookup_only: bool = False) -> tuple[str | None, dict]:
        """Take the right to send this order, under the store lock. (claim token or None, order).
        An order whose cancel is pending is claimed only to look it up (`lookup_only`), never to send."""
        token = uuid.uuid4().hex
        now = self.clock()

        def claim(order):
            # A cancelled order is no longer sync_pending: cancelling and sending exclude each other.
            sync = SyncState.of(order)
            if not lifecycle.is_queued(order) or sync.is_claimed(now):
                return False
            if lifecycle.is_cancel_pending(order) and not lookup_only:
                return False
            if not force and not sync.is_due(now):
                return False
            sync.claim(token, now + self.claim_seconds)
            return True

        order = self._update(order_id, claim)
        return (token if SyncState.read(order).held_by(token) else None), order

    def new_claim(self) -> dict | None:
        """Claim fields to save with an order being placed, so that sending it right after needs
        no second write; None when it will not be sent now (breaker open)."""
        if not self.health.breaker.allow():
            return None
        return SyncState.new_claim(uuid.uuid4().hex, self.clock() + self.claim_seconds).as_dict()

    # --- 2. send -------------------------------------------------------------------------------
    def send(self, order: dict, token: str, client=None) -> dict:
        """Send a claimed order and record the outcome. Never raises for Qikink's answers; an
        attempt refused by the call budget is marked `rate_limited` on the returned order."""
        client = client or self.client
        try:
            payload = to_qikink_order(order, self.store.products())
            found = None
            if SyncState.read(order).lookup_first:
                found = client.find_order_by_number(order["qikink_order_number"], wait=False)
            result = (
                {"order_id": str(found["order_id"]), "existing": True}
                if found
                else client.create_order(payload, wait=False)
            )
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
            return self._record_failure(
                order["order_id"],
                token,
                str(exc),
                retry_after=getattr(exc, "retry_after", None),
                unanswered=exc.http_status is None,
            )
        except Exception as exc:  # a bug must not leave the claim for ever; the order stays queued
            log.exception("Unexpected error sending %s", order["order_id"])
            return self._record_failure(
                order["order_id"], token, f"internal error: {type(exc).__name__}", unanswered=True
            )
        self.health.note(None)
        return self._record_success(order["order_id"], result)

    # --- 3. record -----------------------------------------------------------------------------
    def _record_success(self, order_id: str, result: dict) -> dict:
        timestamp = now_iso(self.clock)

        def accepted(order, tx):
            order["qikink_shipment_id"] = result["order_id"]
            order["qikink_message"] = None
            if lifecycle.sent(order):
                # Only when a send outlived its claim: Qikink has the order, so only its dashboard
                # can still cancel it.
                order["qikink_message"] = CANCEL_IN_DASHBOARD
                log.warning("Order %s was cancelled while a send outlived its claim; Qikink has it", order_id)
            order["updated_at"] = timestamp
            SyncState.of(order).synced(timestamp, self.clock())  # Qikink's status is known: it just took it
            add_event(order, "order_synced", EVENT_DESCRIPTIONS["order_synced"], timestamp)
            if self.on_accepted is not None:
                self.on_accepted(order, tx, timestamp)

        order = self.store.transact_order(order_id, accepted)
        self.index.note(order)
        log.info(
            "Order %s is at Qikink as %s%s",
            order_id,
            result["order_id"],
            " (found existing)" if result.get("existing") else "",
        )
        return order

    def _release(self, order_id: str, token: str, retry_after: float) -> dict:
        """The call never left (no budget this minute): give the order back, due when there is."""

        def release(order):
            sync = SyncState.of(order)
            if not sync.held_by(token):
                return False
            sync.schedule_retry(self.clock() + retry_after, "waiting for Qikink's call budget (30 calls a minute)")

        return self._update(order_id, release)

    def _record_failure(
        self,
        order_id: str,
        token: str,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        unanswered: bool = False,
    ) -> dict:
        timestamp = now_iso(self.clock)

        def failed(order):
            sync = SyncState.of(order)
            if not sync.held_by(token):
                return False  # another sender took over after our claim expired
            if permanent:
                sync.attempt_failed(message, timestamp, retry_at=None)
                lifecycle.refused(order)
                order["qikink_message"] = message
            else:
                delay = backoff_delay(
                    sync.attempts, base=self.config.qikink_retry_base_seconds, cap=BACKOFF_CAP, retry_after=retry_after
                )
                sync.attempt_failed(message, timestamp, unanswered=unanswered, retry_at=self.clock() + delay)
            order["updated_at"] = timestamp

        order = self._update(order_id, failed)
        if permanent:
            log.warning("Qikink refused order %s for good: %s", order_id, message)
        else:
            log.info("Order %s queued for a later attempt: %s", order_id, message)
        return order

    # --- for a cancel: did an earlier attempt reach Qikink? ----------------------------------------
    def look_up(self, order: dict, token: str) -> bool:
        """As the claim holder, ask Qikink whether it has the order: found → recorded as synced
        (True); not there → the claim given back (False). Raises QikinkError when Qikink cannot say."""
        try:
            found = self.client.find_order_by_number(order["qikink_order_number"], wait=False)
        except QikinkError as exc:
            self.give_back(order["order_id"], token)
            if not isinstance(exc, QikinkRateLimited):
                self.health.note(exc)
            raise
        self.health.note(None)
        if found:
            self._record_success(order["order_id"], {"order_id": str(found["order_id"]), "existing": True})
            return True
        self.give_back(order["order_id"], token)
        return False

    def give_back(self, order_id: str, token: str) -> dict:
        """Release a claim without an attempt (nothing was sent)."""

        def give_back(order):
            sync = SyncState.of(order)
            if not sync.held_by(token):
                return False
            sync.release()

        return self._update(order_id, give_back)

    def requeue_failed(self, order_id: str) -> dict:
        """An admin's retry of an order Qikink refused: pending again, due now."""

        def requeue(order):
            if not lifecycle.retry_refused(order):
                return False
            SyncState.of(order).due_now()

        return self._update(order_id, requeue)
