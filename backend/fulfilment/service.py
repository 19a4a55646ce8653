"""Fulfilment: the parts of this package wired together for the app, the worker thread and
`python -m backend sync` (run_once)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ..clock import iso_utc, timestamp_of
from ..errors import NotFound, OrderBusy
from ..models import is_order_id
from ..orders import lifecycle
from ..orders.dispatch import LookUp
from ..qikink import QikinkError
from ..qikink.mapping import mapping_problem
from ..storage.interface import OrderStore
from .circuit_breaker import CircuitBreaker
from .health import QikinkHealth
from .index import OrderIndex
from .push import OrderPush
from .sender import OrderSender
from .tracker import StatusTracker
from .worker import CATCH_UP_SECONDS, SyncWorker

if TYPE_CHECKING:
    from ..config import Config
    from ..qikink import QikinkClient


def tracking_freshness(config) -> float:
    """Seconds between polls of an order whose status changes within hours (twice that while it
    is printing): QIKINK_TRACKING_FRESHNESS_MINUTES, or the emulator's step when emulated."""
    if config.qikink_tracking_freshness_seconds:
        return config.qikink_tracking_freshness_seconds
    if config.qikink_env == "emulator":
        return max(2.0, config.qikink_emulator_step_seconds)
    return 3600.0


class Fulfilment:
    """Sends orders to Qikink and keeps their fulfilment status, for the app and the worker."""

    def __init__(
        self,
        config: Config,
        store: OrderStore,
        client: QikinkClient,
        *,
        clock=time.time,
        poll_interval: float | None = None,
        breaker: CircuitBreaker | None = None,
        catch_up_seconds: float | None = CATCH_UP_SECONDS,
        emails=None,
    ):
        self.config = config
        self.store = store
        self.client = client
        self.clock = clock
        clock = self._now  # the parts read the time through here, so a test can swap `clock`
        self.health = QikinkHealth(config, client, clock=clock, breaker=breaker)
        self.index = OrderIndex(poll_interval if poll_interval is not None else tracking_freshness(config))
        self.sender = OrderSender(config, store, client, self.health, self.index, clock=clock)
        self.push = OrderPush(config, store, self.sender, self.health, self.index)
        self.tracker = StatusTracker(store, client, self.health, self.index, clock=clock, emails=emails)
        self.worker = SyncWorker(
            config,
            store,
            self.health,
            self.sender,
            self.tracker,
            self.index,
            clock=clock,
            catch_up_seconds=catch_up_seconds,
        )

    def _now(self) -> float:
        return self.clock()

    # --- connection -----------------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        return self.client is not None

    @property
    def breaker(self) -> CircuitBreaker:
        return self.health.breaker

    @property
    def last_error(self) -> str | None:
        return self.health.last_error

    def connection_state(self) -> str:
        return self.health.connection_state()

    def authenticate(self, force: bool = False, *, wait: bool = False):
        """Check the credentials; never waits for the call budget unless asked (a request thread)."""
        return self.health.authenticate(force=force, wait=wait)

    def probe(self, timeout: float = 3.0) -> tuple[bool, str]:
        return self.health.probe(timeout)

    def status(self) -> dict:
        """What GET /api/qikink/status shows: the connection, the call budget, the queue and the
        tracking freshness. Mints a token only when none is valid."""
        if not self.health.client.has_valid_token() and self.breaker.allow():
            self.probe(timeout=3.0)
        self.worker.catch_up()
        valid_until = self.client.token_valid_until
        return {
            "status": self.connection_state(),
            "environment": self.config.qikink_env,
            "qikink_api": self.client.config.api_base,
            "client_id": self.client.config.masked_client_id,
            "last_check": iso_utc(self.health.last_check or None),
            "token_valid_until": iso_utc(valid_until),
            "pending_orders": len(self.index.pending),
            "last_error": self.last_error,
            "budget": self.client.budget.usage(),
            "queue": self._queue(),
            "tracking": self._tracking(),
        }

    def _queue(self) -> dict:
        now = self.clock()
        pending = sorted(self.index.pending, key=lambda order_id: (self.index.placed.get(order_id, ""), order_id))
        oldest = self.store.get_order(pending[0]) if pending else None
        created = timestamp_of(oldest["created_at"]) if oldest else None
        per_minute = self.client.budget.creates_per_minute()
        return {
            "pending": len(pending),
            "oldest_pending_age_seconds": round(now - created) if created else None,
            "estimated_seconds_to_send_all": (60.0 * len(pending) / per_minute) if per_minute else 0.0,
            "creates_per_minute": per_minute or None,
        }

    def _tracking(self) -> dict:
        now = self.clock()
        ages = sorted(now - entry.polled_at for entry in list(self.index.tracked.values()))
        return {
            "in_flight": len(ages),
            "due_now": self.index.due_count(now),
            "freshness_target_seconds": self.index.freshness,
            "median_age_seconds": round(ages[len(ages) // 2]) if ages else None,
            "oldest_age_seconds": round(ages[-1]) if ages else None,
        }

    # --- orders ---------------------------------------------------------------------------------
    def new_claim(self) -> dict | None:
        return self.sender.new_claim()

    def push_new(self, order: dict, claim: dict | None = None) -> dict:
        """Send a just-placed order now; one left pending (no budget, Qikink slow or down) wakes
        the worker, which sends pending orders before anything else."""
        order = self.push.push_new(order, claim)
        if lifecycle.is_queued(order):
            self.worker.wake()
        return order

    def order_changed(self, order: dict) -> None:
        """An order was edited (an admin completed its address): take it in and send it soon."""
        self.index.note(order)
        self.worker.wake()

    def confirm_not_sent(self, order_id: str) -> LookUp:
        """Before cancelling an order an earlier attempt may have sent: ask Qikink now, as the
        claim holder. "asked" (a found order is recorded as synced), or "busy" when someone else
        holds the claim or it is no longer pending. OrderBusy when Qikink cannot say."""
        token, claimed = self.sender.claim(order_id, force=True, lookup_only=True)
        if token is None:
            return "busy"
        try:
            self.sender.look_up(claimed, token)
        except QikinkError:
            raise OrderBusy(
                "An earlier attempt may have sent this order to Qikink, and Qikink cannot be asked "
                "right now; try again in a minute",
                retry_after=60,
            ) from None
        return "asked"

    def refresh(self, order_id: str, *, wait: bool = False) -> dict:
        """Read one order from Qikink now and store what changed."""
        order = self.tracker.refresh(order_id, wait=wait)
        if order is None:
            raise NotFound(f"No order {order_id}")
        return order

    def fulfilment_view(self, order_id: str) -> dict:
        """GET /api/qikink/fulfillment/<id>: stored view, refreshed when older than a minute."""
        order = self.store.get_order(order_id) if is_order_id(order_id) else None
        if order is None:
            raise NotFound(f"No order {order_id}")
        return self.tracker.fulfilment_view(order, enabled=self.enabled)

    def run_pass(self, *, retry_failed: bool = False, force: bool = False) -> dict:
        return self.worker.run_pass(force=force, retry_failed=retry_failed)

    def check_products(self) -> dict:
        """Qikink has no product API: 'product sync' checks every product's Qikink mapping."""
        products = self.store.products()
        invalid = [
            {"sku": sku, "problem": problem}
            for sku, product in products.items()
            if (problem := mapping_problem(product))
        ]
        return {"valid": len(products) - len(invalid), "invalid": invalid}

    # --- the background worker ------------------------------------------------------------------
    def wake(self) -> None:
        self.worker.wake()

    def start_worker(self) -> None:
        if self.enabled:
            self.worker.start()

    def close(self) -> None:
        self.worker.stop()
        self.push.close()


def run_once(config) -> int:
    """`python -m backend sync`: one pass (send pending orders, refresh statuses), then exit."""
    import json

    from filelock import Timeout

    from ..qikink import QikinkClient
    from ..storage import open_store

    store = open_store(config)
    if config.qikink_env == "off":
        print("Qikink is off (QIKINK_ENV=off): nothing to sync")
        return 1
    fulfilment = Fulfilment(
        config, store, QikinkClient.from_config(config, store)
    )  # with PostgreSQL: the fleet's token
    lock = store.fleet.worker_lock()
    assert lock is not None, "a store on disk or in a database always has a worker lock"
    try:
        lock.acquire(timeout=60)
    except Timeout:
        print("Another sync worker holds the data directory; try again later")
        return 1
    try:
        report = fulfilment.run_pass(force=True)
        report["products"] = fulfilment.check_products()
    finally:
        lock.release()
        fulfilment.close()
    print(json.dumps(report, indent=2))
    return 0 if not report["errors"] and fulfilment.last_error is None else 1
