"""What one journal file says, held in memory: where each order is in the file and the fields the
admin list filters on, the Idempotency-Keys, stock, prices and sequences."""
from __future__ import annotations

import bisect
import os
from collections import defaultdict

from .journal import Record
from .order_fields import order_number

# meta keys of an order record: the order's id and the fields the admin list filters on
ORDER_ID, STATUS, QIKINK_STATUS, EMAIL = "id", "s", "q", "e"


def order_meta(order: dict) -> dict:
    """The index fields of `order`, as a record's meta carries them."""
    return {ORDER_ID: order["order_id"], STATUS: order.get("status"), QIKINK_STATUS: order.get("qikink_status"),
            EMAIL: str(order.get("customer_email", "")).lower()}


class JournalIndex:
    """The state a journal's records add up to. Owns the journal's file descriptor: an order is
    read back with one pread of its (offset, length), so orders are not held in memory."""

    def __init__(self, fd: int, inode: int):
        self.fd, self.inode = fd, inode
        self.end = 0  # offset just past the last record applied
        self.records = 0
        self.orders: dict[str, tuple] = {}  # id → (offset, length, status, qikink_status, email)
        self.numbers: list[int] = []  # order numbers, ascending
        self.by_field: dict[str, dict[str, set]] = {STATUS: defaultdict(set), QIKINK_STATUS: defaultdict(set),
                                                    EMAIL: defaultdict(set)}
        self.keys: dict[str, str] = {}  # Idempotency-Key hash → order id
        self.stock: dict[str, int] = {}
        self.prices: dict[str, str] = {}
        self.last_order_seq = 0
        self.sequences: dict[str, int] = {}

    def __del__(self):
        if self.fd >= 0:
            try:
                os.close(self.fd)
            except OSError:
                pass

    def apply(self, record: Record) -> None:
        """Add one record's changes (records are applied once each, in file order)."""
        if record.offset < self.end:
            return  # already applied (a reader caught up with this process's own append first)
        meta = record.meta
        order_id = meta.get(ORDER_ID)
        if order_id:
            self._index_order(order_id, record.order_offset, record.order_length, meta)
            if "k" in meta:
                self.keys[meta["k"]] = order_id
        if "stock" in meta:
            self.stock.update(meta["stock"])
        if "price" in meta:
            self.prices.update(meta["price"])
        if "seq" in meta:
            self.last_order_seq = max(self.last_order_seq, int(meta["seq"]))
        if "seqs" in meta:
            self.sequences.update(meta["seqs"])
        self.end = record.end
        self.records += 1

    def _index_order(self, order_id: str, offset: int, length: int, meta: dict) -> None:
        number = order_number(order_id)
        old = self.orders.get(order_id)
        fields = (meta.get(STATUS), meta.get(QIKINK_STATUS), meta.get(EMAIL))
        if old is None:
            if not self.numbers or number > self.numbers[-1]:
                self.numbers.append(number)
            else:
                bisect.insort(self.numbers, number)
        else:
            for name, value in zip((STATUS, QIKINK_STATUS, EMAIL), old[2:]):
                members = self.by_field[name].get(value)
                if members is not None:
                    members.discard(number)
                    if not members:
                        del self.by_field[name][value]
        for name, value in zip((STATUS, QIKINK_STATUS, EMAIL), fields):
            self.by_field[name][value].add(number)
        self.orders[order_id] = (offset, length, *fields)

    def matching(self, status=None, qikink_status=None, email=None) -> list[int]:
        """Order numbers matching every given field, newest first."""
        wanted = [(STATUS, status), (QIKINK_STATUS, qikink_status), (EMAIL, email.lower() if email else None)]
        sets = [self.by_field[name].get(value, set()) for name, value in wanted if value is not None]
        if not sets:
            return self.numbers[::-1]
        sets.sort(key=len)
        chosen = sets[0].intersection(*sets[1:]) if len(sets) > 1 else sets[0]
        return sorted(chosen, reverse=True)

    def superseded(self) -> int:
        """Records a compaction would drop: every record but the last of each order (roughly)."""
        return max(0, self.records - len(self.orders) - 1)
