"""Keep the fulfilment status of orders in flight, spending as few Qikink calls as possible.

Qikink has no webhooks, so statuses are polled. One page of `GET /api/order?page_no=N` holds 10
orders (newest first) for the price of one call, so the tracker reads the page that holds the most
overdue order, and with it refreshes every order of ours on that page. An order alone on its page,
or not where its page was estimated, is read by its id instead (the same price, and exact).
Only a change is written to the store; a poll that finds nothing new only moves the index.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from ..billing.credit_note import issue_credit_note
from ..clock import iso_utc, now_iso
from ..customer_email.outbox import NoEmails, queue_email
from ..orders import lifecycle
from ..orders.lifecycle import OrderStatus as S
from ..qikink import QikinkError, QikinkNotFound, QikinkRateLimited
from ..qikink.mapping import is_terminal_raw, to_fulfilment
from ..storage.interface import OrderStore
from .events import EVENT_DESCRIPTIONS, add_event, fulfilment_body
from .sync_state import SyncState

log = logging.getLogger(__name__)

PACKED_BEFORE_CANCEL = "Qikink packed this order for shipping before it was cancelled in its dashboard"
# A customer's fulfilment view older than this asks Qikink (budget permitting).
VIEW_REFRESH_SECONDS = 60.0


class StatusTracker:
    """Folds Qikink's view of orders into ours: polls by page, reads by id, serves the view."""

    def __init__(self, store: OrderStore, client, health, index, *, clock=time.time, emails=None):
        self.store = store
        self.emails = emails or NoEmails()
        self.client = client
        self.health = health
        self.index = index
        self.clock = clock

    def apply_view(self, order: dict, view: dict, timestamp: str, tx=None) -> None:
        """Fold Qikink's view of an order into ours: only forwards, each event once. A cancelled
        order's stock goes back once (through `tx`, with the order's write)."""
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
        else:
            self._advance(order, new, view, timestamp, tx)
        sync = SyncState.of(order)
        if is_terminal_raw(view["raw_status"]) or view["cancelled"]:
            sync.mark_terminal()
        sync.polled(self.clock())
        order["updated_at"] = timestamp

    @staticmethod
    def _advance(order: dict, new: str, view: dict, timestamp: str, tx) -> None:
        """Move the order's status forward to `new` (lifecycle.qikink_reported: a requested
        cancellation waits until Qikink cancels the order, or packs it: too late to cancel)."""
        requested = order["status"] == S.CANCEL_REQUESTED
        if not lifecycle.qikink_reported(order, new):
            return
        if requested and order["status"] != S.CANCEL_REQUESTED:
            order["qikink_message"] = None if lifecycle.is_cancelled(order) else PACKED_BEFORE_CANCEL
        add_event(order, view["event"], EVENT_DESCRIPTIONS.get(view["event"], view["raw_status"]), timestamp)
        if order["status"] in lifecycle.ON_ITS_WAY:
            queue_email(order, "shipped", timestamp)  # first seen on its way: once (courier, AWB, link)
        elif lifecycle.is_cancelled(order):
            queue_email(order, "cancelled", timestamp)
        if new == S.CANCELLED and tx is not None:
            if not order.get("stock_returned"):
                for item in order["items"]:
                    tx.return_stock(item["sku"], item["quantity"])
                order["stock_returned"] = True
            issue_credit_note(order, tx, timestamp)  # when it was invoiced: with the status, once

    def _take(self, order_id: str, remote: dict) -> dict | None:
        """Store what changed in one order Qikink reported; a poll that changed nothing is noted
        in the index only (no write)."""
        view = to_fulfilment(remote)
        now = self.clock()
        entry = self.index.tracked.get(order_id)
        if (
            entry is not None
            and entry.raw_status == view["raw_status"]
            and entry.tracking_id == view["tracking_number"]
            and not view["cancelled"]
        ):
            self.index.polled(order_id, now)
            return None
        timestamp = now_iso(self.clock)
        order = self.store.transact_order(order_id, lambda o, tx: self.apply_view(o, view, timestamp, tx))
        self.index.note(order, polled_at=now)
        self.emails.note(order)
        return order

    # --- one order, by id ----------------------------------------------------------------------
    def refresh(self, order_id: str, *, wait: bool = False) -> dict | None:
        """Read one order from Qikink by its id and store what changed. Raises QikinkError (a
        QikinkRateLimited when the call budget has no room for tracking now)."""
        order = self.store.get_order(order_id)
        if order is None or not order.get("qikink_shipment_id"):
            return order
        try:
            remote = self.client.get_order(order["qikink_shipment_id"], wait=wait)
        except QikinkNotFound:
            # Qikink answered, so the connection is fine; the order is polled again only later.
            self.health.note(None)
            log.warning("Qikink does not know order %s (id %s)", order_id, order["qikink_shipment_id"])

            def missing(o):
                SyncState.of(o).polled(self.clock(), error="Qikink does not know this order")

            order = self.store.update_order(order_id, missing)
            self.index.note(order, polled_at=self.clock())
            return order
        except QikinkRateLimited:
            raise
        except QikinkError as exc:
            self.health.note(exc)
            raise
        self.health.note(None)
        return self._take(order_id, remote) or self.store.get_order(order_id)

    # --- a sweep of what is due ----------------------------------------------------------------
    def sweep(self, *, max_calls: int | None = None) -> dict:
        """Refresh due orders, most overdue first, until none is due or the budget or Qikink says
        stop. Returns what it did and, when it stopped early, why."""
        report: dict[str, Any] = {"refreshed": 0, "calls": 0, "pages": 0, "stopped": None}
        refreshed: set[str] = set()
        started = self.clock()
        while max_calls is None or report["calls"] < max_calls:
            entry = self.index.next_due(started)
            if entry is None or entry.order_id in refreshed:
                break  # each due order once a sweep
            if not self.health.breaker.allow():
                report["stopped"] = "qikink_unavailable"
                break
            page = self.index.page_of(entry.shipment_id)
            by_page = not entry.missed and self.index.tracked_on_page(page) > 1
            try:
                if by_page:
                    remote_orders = self.client.list_orders(page, wait=False)
                    report["pages"] += 1
                else:
                    self.refresh(entry.order_id)
                    remote_orders = []
                    refreshed.add(entry.order_id)
            except QikinkRateLimited:
                report["stopped"] = "budget"
                break
            except QikinkError as exc:
                self.health.note(exc)
                report["stopped"] = "qikink_unavailable"
                break
            report["calls"] += 1
            if not by_page:
                continue
            self.health.note(None)
            ids = [int(o["order_id"]) for o in remote_orders if str(o.get("order_id", "")).isdigit()]
            self.index.calibrate(page, ids)
            for remote in remote_orders:
                order_id = (
                    self.index.by_shipment.get(int(remote["order_id"]))
                    if str(remote.get("order_id", "")).isdigit()
                    else None
                )
                if order_id is not None:
                    self._take(order_id, remote)
                    refreshed.add(order_id)
            if entry.order_id not in refreshed:
                entry.missed = True  # not where the estimate put it: read it by id next time
        report["refreshed"] = len(refreshed)
        return report

    # --- the customer's view -------------------------------------------------------------------
    def fulfilment_view(self, order: dict, *, enabled: bool) -> dict:
        """GET /api/qikink/fulfillment/<id>: the stored view, refreshed when older than a minute
        and the tracking budget has room; `stale` when Qikink cannot be reached."""
        sync = SyncState.read(order)
        entry = self.index.tracked.get(order["order_id"])
        polled = max(sync.last_polled_at, entry.polled_at if entry else 0)
        stale = False
        due = self.clock() - polled > VIEW_REFRESH_SECONDS
        if enabled and order.get("qikink_shipment_id") and not sync.terminal and due:
            # A public route: while the breaker is open, Qikink is known to be down, so serve what
            # is stored at once rather than spend calls (and seconds of retries) on every request.
            stale = not self.health.breaker.allow()
            if not stale:
                try:
                    order = self.refresh(order["order_id"]) or order
                    polled = self.clock()
                except QikinkRateLimited:
                    pass  # the tracker keeps it within the freshness target
                except QikinkError:
                    stale = True
        view = fulfilment_body(order, iso_utc(polled) if polled else None)
        if stale:
            view["stale"] = True
        return view
