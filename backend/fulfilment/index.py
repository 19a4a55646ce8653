"""The worker's index of unsettled orders: a pass costs what is due, not what is stored.

Built once from the store (at start, in the worker's thread), then kept up to date by every
change this process makes, by the new order ids other processes add, and by a periodic re-read
of the few orders that wait for someone (pending, action required, failed).
"""

from __future__ import annotations

import bisect
import heapq
import threading
from dataclasses import dataclass, field

from ..orders import lifecycle
from ..orders.lifecycle import OrderStatus as S
from .sync_state import SyncState

PAGE_SIZE = 10  # orders on one page of Qikink's list, newest first
# Orders whose status changes within hours are polled at the freshness target; the rest (printing
# takes days) at twice it.
FAST_STAGES = frozenset(
    {S.READY_TO_SHIP, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.EXCEPTION, S.RTO_INITIATED, S.CANCEL_REQUESTED}
)
SLOW_STAGE_FACTOR = 2.0
# Qikink's first status (often "On Hold": the wallet needs money) is read this soon after a send.
FIRST_POLL_SECONDS = 300.0


@dataclass
class Tracked:
    """An order at Qikink that has not reached a final status."""

    order_id: str
    shipment_id: int
    status: str
    raw_status: str | None
    tracking_id: str | None
    polled_at: float
    due_at: float = 0.0
    missed: bool = field(default=False)  # not on the page where it was expected: read it by id


def is_settled(order: dict) -> bool:
    """Nothing more to send or poll: a final status, or Qikink reported it final."""
    return lifecycle.is_final(order) or SyncState.read(order).terminal


class OrderIndex:
    """Pending and in-flight orders, with a heap of when each in-flight order is due a poll."""

    def __init__(self, freshness: float):
        self.freshness = freshness
        self.pending: dict[str, float] = {}  # order id -> next attempt (epoch seconds)
        self.placed: dict[str, str] = {}  # pending order id -> when it was placed (ids are random)
        self.waiting: set[str] = set()  # action_required, sync_failed (an admin's turn), awaiting payment
        self.tracked: dict[str, Tracked] = {}
        self.by_shipment: dict[int, str] = {}  # Qikink id -> order id, for tracked orders
        self.shipments: list[int] = []  # every Qikink id of ours, sorted (page estimates)
        self.page_offset = 0  # orders on Qikink's list that are not ours
        self.known: set[str] = set()
        self.built = False
        # (due at, Qikink's id, order id): ties go to the order Qikink received first.
        self._due: list[tuple[float, int, str]] = []
        self._lock = threading.RLock()

    # --- keeping it up to date ----------------------------------------------------------------
    def cadence(self, status: str) -> float:
        return self.freshness if status in FAST_STAGES else self.freshness * SLOW_STAGE_FACTOR

    def note(self, order: dict, *, polled_at: float | None = None) -> None:
        """Take in the stored state of one order (after any change this process made or saw)."""
        with self._lock:
            order_id = order["order_id"]
            self.known.add(order_id)
            sync = SyncState.read(order)
            self.pending.pop(order_id, None)
            self.placed.pop(order_id, None)
            self.waiting.discard(order_id)
            shipment_text = str(order.get("qikink_shipment_id") or "")
            shipment = int(shipment_text) if shipment_text.isdigit() else None
            if shipment is not None and shipment not in self.by_shipment and order_id not in self.tracked:
                position = bisect.bisect_left(self.shipments, shipment)
                if position == len(self.shipments) or self.shipments[position] != shipment:
                    self.shipments.insert(position, shipment)
            settled = is_settled(order)
            if lifecycle.is_queued(order) and not settled:
                self.pending[order_id] = float(sync.next_attempt_at or 0.0)
                self.placed[order_id] = order.get("created_at") or ""
            elif (lifecycle.waits_for_admin(order) or lifecycle.holds_stock_unsent(order)) and not settled:
                # Re-read now and then: an admin's fix, or a payment settled by another process of
                # a fleet (its webhook or checkout answer), or a COD confirmation, queues it to be sent.
                self.waiting.add(order_id)
            if not lifecycle.is_at_qikink(order) or shipment is None or settled:
                self._untrack(order_id)
                return
            entry = self.tracked.get(order_id)
            if entry is None:
                entry = Tracked(
                    order_id,
                    shipment,
                    order["status"],
                    order.get("qikink_raw_status"),
                    order.get("tracking_id"),
                    sync.last_polled_at,
                )
                self.tracked[order_id] = entry
                self.by_shipment[shipment] = order_id
            else:
                entry.status, entry.raw_status = order["status"], order.get("qikink_raw_status")
                entry.tracking_id = order.get("tracking_id")
            if polled_at is not None:
                entry.polled_at = polled_at
                entry.missed = False
            self._schedule(entry)

    def _untrack(self, order_id: str) -> None:
        entry = self.tracked.pop(order_id, None)
        if entry is not None:
            self.by_shipment.pop(entry.shipment_id, None)

    def _schedule(self, entry: Tracked) -> None:
        cadence = self.cadence(entry.status)
        if entry.raw_status is None:  # never read since it was sent
            cadence = min(cadence, FIRST_POLL_SECONDS)
        entry.due_at = entry.polled_at + cadence
        heapq.heappush(self._due, (entry.due_at, entry.shipment_id, entry.order_id))

    def polled(self, order_id: str, now: float) -> None:
        """A poll found nothing new: the order is due again one cadence from now."""
        with self._lock:
            entry = self.tracked.get(order_id)
            if entry is not None:
                entry.polled_at, entry.missed = now, False
                self._schedule(entry)

    def make_all_due(self, now: float) -> None:
        """An admin's "sync now": every order in flight is due at once."""
        with self._lock:
            for entry in self.tracked.values():
                entry.polled_at = min(entry.polled_at, now - self.cadence(entry.status))
                self._schedule(entry)

    def build(self, store) -> None:
        """Read every stored order once (start-up); later passes read only what changed."""
        ids = store.order_ids()
        for order_id in ids:
            if order_id not in self.known:
                order = store.get_order(order_id)
                if order is not None:
                    self.note(order)
        self.built = True

    def reread(self, store, order_ids) -> None:
        """Re-read orders another process may have changed (an admin's edit, a send)."""
        for order_id in list(order_ids):
            order = store.get_order(order_id)
            if order is not None:
                self.note(order)

    # --- what is due ---------------------------------------------------------------------------
    def pending_due(self, now: float, *, force: bool = False) -> list[str]:
        """Pending orders whose next attempt is due (all of them when forced), oldest first."""
        with self._lock:
            due = [order_id for order_id, at in self.pending.items() if force or at <= now]
        return sorted(due, key=lambda order_id: (self.placed.get(order_id, ""), order_id))

    def next_attempt_at(self) -> float | None:
        """When the earliest pending order is due another attempt, or None when none is pending."""
        with self._lock:
            return min(self.pending.values(), default=None)

    def next_due(self, now: float) -> Tracked | None:
        """The most overdue order in flight, or None when nothing is due."""
        with self._lock:
            while self._due:
                due_at, _, order_id = self._due[0]
                entry = self.tracked.get(order_id)
                if entry is None or entry.due_at != due_at:
                    heapq.heappop(self._due)  # a superseded schedule
                    continue
                return entry if due_at <= now else None
            return None

    def due_count(self, now: float) -> int:
        with self._lock:
            return sum(1 for entry in self.tracked.values() if entry.due_at <= now)

    # --- where an order is on Qikink's list ----------------------------------------------------
    def page_of(self, shipment_id: int) -> int:
        """Estimated page (from 1) of Qikink's newest-first list that holds this order."""
        with self._lock:
            newer = len(self.shipments) - bisect.bisect_right(self.shipments, shipment_id)
            return max(0, newer + self.page_offset) // PAGE_SIZE + 1

    def tracked_on_page(self, page: int) -> int:
        """How many orders in flight the estimated page holds."""
        with self._lock:
            low = len(self.shipments) - page * PAGE_SIZE + self.page_offset
            ids = self.shipments[max(0, low) : max(0, low + PAGE_SIZE)]
            return sum(1 for shipment in ids if shipment in self.by_shipment)

    def calibrate(self, page: int, shipment_ids: list[int]) -> None:
        """Learn from a page read how many orders on Qikink's list are not ours."""
        with self._lock:
            for position, shipment in enumerate(shipment_ids, start=(page - 1) * PAGE_SIZE):
                index = bisect.bisect_left(self.shipments, shipment)
                if index < len(self.shipments) and self.shipments[index] == shipment:
                    self.page_offset = position - (len(self.shipments) - index - 1)
                    return
