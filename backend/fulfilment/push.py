"""The order request's own attempt to send a just-placed order, within a time budget."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from ..orders import lifecycle
from ..storage.interface import OrderStore
from .sync_state import SyncState

log = logging.getLogger(__name__)


class OrderPush:
    """Sends a new order through the sender's claim/send/record, waiting at most the push budget."""

    def __init__(self, config, store: OrderStore, sender, health, index):
        self.config = config
        self.store = store
        self.sender = sender
        self.health = health
        self.index = index
        # The order request's push makes one attempt per call: the worker retries later.
        self.fast_client = sender.client.without_retries()
        self._pool = ThreadPoolExecutor(max_workers=max(4, config.threads), thread_name_prefix="qikink-push")

    def push_new(self, order: dict, claim: dict | None = None) -> dict:
        """Send a just-placed order within the time budget; past it, the order stays queued and the
        send finishes in the background. Never waits for the call budget: when this minute's
        creates are spent the order is queued at once and the worker sends it first."""
        self.index.note(order)
        if not lifecycle.is_queued(order):
            return order
        order_id = order["order_id"]
        if claim is not None and SyncState.read(order).held_by(claim["claimed_by"]):
            token, claimed = claim["claimed_by"], order
        else:
            if not self.health.breaker.allow():
                SyncState.of(order).last_error = "Qikink is unavailable; the order will be sent when it is back"
                return order
            token, claimed = self.sender.claim(order_id, force=True)
            if token is None:
                return claimed
        future = self._pool.submit(self.sender.send, claimed, token, self.fast_client)
        try:
            return future.result(timeout=self.config.qikink_push_budget)
        except FutureTimeout:
            log.info(
                "Qikink did not answer within %ss for %s; it stays queued", self.config.qikink_push_budget, order_id
            )
            stored = self.store.get_order(order_id) or claimed
            SyncState.of(stored).last_error = "Qikink is slow to answer; the order will be sent shortly"
            return stored

    def close(self) -> None:
        self._pool.shutdown(wait=False)
