"""What one journal file says, held in memory: where each order is in the file and the fields the
admin list filters on, the Idempotency-Keys, stock, prices and sequences."""

from __future__ import annotations

import os

from .journal import Record
from .order_fields import email_key, order_number

# meta keys of an order record: the order's id and the fields the admin list filters on; OUTBOX
# present (1) while the order holds webhook events not yet fanned out (backend/webhooks)
ORDER_ID, STATUS, QIKINK_STATUS, EMAIL, OUTBOX = "id", "s", "q", "e", "w"
_FIELDS = (STATUS, QIKINK_STATUS, EMAIL)
_POSITION_BITS = 32  # an order's (offset, length) packed in one int: length < 4 GiB


def order_meta(order: dict) -> dict:
    """The index fields of `order`, as a record's meta carries them."""
    return {
        ORDER_ID: order["order_id"],
        STATUS: order.get("status"),
        QIKINK_STATUS: order.get("qikink_status"),
        # As journals always held it for ASCII emails; any other is kept as it is: matched by nothing.
        EMAIL: email_key(order.get("customer_email")) or str(order.get("customer_email", "")),
    } | ({OUTBOX: 1} if order.get("webhooks") else {})


class JournalIndex:
    """The state a journal's records add up to. Owns the journal's file descriptor: an order is
    read back with one pread of its (offset, length), so orders are not held in memory; per order
    the index keeps a small tuple keyed by the order's number (about 300 bytes an order)."""

    def __init__(self, fd: int, inode: int):
        self.fd, self.inode = fd, inode
        self.end = 0  # offset just past the last record applied
        self.records = 0
        self.orders: dict[int, tuple] = {}  # number → (position, status, qikink_status, email)
        self.numbers: list[int] = []  # order numbers, in the order the orders were created
        self.rank: dict[int, int] = {}  # number → its place in `numbers` (ids are random: not by value)
        self.by_field: dict[str, dict[str | None, set[int]]] = {name: {} for name in _FIELDS}
        self.keys: dict[str, str] = {}  # Idempotency-Key hash → order id
        self.stock: dict[str, int] = {}
        self.prices: dict[str, str] = {}
        self.last_order_seq = 0
        self.sequences: dict[str, int] = {}
        self.pairs: dict[tuple, int] = {}  # (status, qikink_status) → orders
        self.outbox: set[int] = set()  # numbers of the orders holding webhook events not fanned out
        self._strings: dict[str, str] = {}  # one copy of each status text, shared by every order
        self.journal_id: str | None = None  # from the journal's first record; names its checkpoint
        self.checkpoint_records = 0  # records the last checkpoint covered

    def __del__(self):
        if self.fd >= 0:
            try:
                os.close(self.fd)
            except OSError:
                pass

    def where(self, order_id: str) -> tuple[int, int] | None:
        """(offset, length) of the order's JSON in the journal, or None."""
        try:
            entry = self.orders.get(order_number(order_id))
        except (ValueError, IndexError):
            return None
        if entry is None:
            return None
        return entry[0] >> _POSITION_BITS, entry[0] & ((1 << _POSITION_BITS) - 1)

    def fields(self, number: int) -> tuple:
        """(status, qikink_status, email) of an order."""
        return self.orders[number][1:]

    def apply(self, record: Record) -> None:
        """Add one record's changes (records are applied once each, in file order)."""
        offset, end, meta, order_offset, order_length = record
        if offset < self.end:
            return  # already applied (a reader caught up with this process's own append first)
        order_id = meta.get(ORDER_ID)
        if order_id:
            self._index_order(order_id, order_offset, order_length, meta)
            key = meta.get("k")
            if key:
                self.keys[key] = order_id
        stock = meta.get("stock")
        if stock:
            self.stock.update(stock)
        seq = meta.get("seq")
        if seq is not None and seq > self.last_order_seq:
            self.last_order_seq = int(seq)
        if "price" in meta:
            self.prices.update(meta["price"])
        if "seqs" in meta:
            self.sequences.update(meta["seqs"])
        self.end = end
        self.records += 1

    def _index_order(self, order_id: str, offset: int, length: int, meta: dict) -> None:
        number = int(order_id[5:])  # "BHRT-<number>"
        intern = self._strings
        status, qikink_status = meta.get(STATUS), meta.get(QIKINK_STATUS)
        status = intern.setdefault(status, status) if status is not None else None
        qikink_status = intern.setdefault(qikink_status, qikink_status) if qikink_status is not None else None
        fields = (status, qikink_status, meta.get(EMAIL))
        old = self.orders.get(number)
        by_field = self.by_field
        if old is None:
            self.rank[number] = len(self.numbers)
            self.numbers.append(number)
        else:
            self.pairs[old[1:3]] -= 1
            for name, value in zip(_FIELDS, old[1:], strict=False):
                members = by_field[name].get(value)
                if members is not None:
                    members.discard(number)
                    if not members:
                        del by_field[name][value]
        for name, value in zip(_FIELDS, fields, strict=False):
            members = by_field[name].get(value)
            if members is None:
                by_field[name][value] = {number}
            else:
                members.add(number)
        self.pairs[fields[:2]] = self.pairs.get(fields[:2], 0) + 1
        self.orders[number] = ((offset << _POSITION_BITS) | length, *fields)
        if meta.get(OUTBOX):
            self.outbox.add(number)
        else:
            self.outbox.discard(number)

    def matching(self, status=None, qikink_status=None, email=None) -> tuple[list | None, int]:
        """(sets whose intersection is the matching order numbers, or None for all; how many match).
        Large sets are never intersected here: a temporary set of 100,000 numbers would be kept by
        the allocator of every server thread that built one (about 50 MB for 8 threads)."""
        by_field = self.by_field
        empty: set[int] = set()
        if email:
            key = email_key(email)  # not ASCII: no order's
            chosen = by_field[EMAIL].get(key, empty) if key is not None else empty  # one customer's orders: few
            others = [
                by_field[name].get(value, empty)
                for name, value in ((STATUS, status), (QIKINK_STATUS, qikink_status))
                if value
            ]
            if others:
                chosen = {number for number in chosen if all(number in other for other in others)}
            return [chosen], len(chosen)
        if status is not None and qikink_status is not None:
            return (
                [by_field[STATUS].get(status, empty), by_field[QIKINK_STATUS].get(qikink_status, empty)],
                self.pairs.get((status, qikink_status), 0),
            )
        if status is not None or qikink_status is not None:
            chosen = (
                by_field[STATUS].get(status, empty)
                if status is not None
                else by_field[QIKINK_STATUS].get(qikink_status, empty)
            )
            return [chosen], len(chosen)
        return None, len(self.numbers)

    def page(self, sets: list | None, start: int, count: int) -> list[int]:
        """Numbers `start` … `start + count` of the newest-first list of the orders in every one of
        `sets` (None: every order)."""
        numbers = self.numbers
        if sets is None:
            stop = len(numbers) - start
            return numbers[max(0, stop - count) : max(0, stop)][::-1]
        if len(sets) == 1 and len(sets[0]) * 8 < len(numbers):  # few: sort them
            return sorted(sets[0], key=self.rank.__getitem__, reverse=True)[start : start + count]
        found, skipped = [], 0  # many: walk from the newest, stop at the page's end
        for number in reversed(numbers):
            if all(number in members for members in sets):
                if skipped < start:
                    skipped += 1
                    continue
                found.append(number)
                if len(found) == count:
                    break
        return found

    def count_by_qikink_status(self, status=None, qikink_status=None, email=None) -> dict[str, int]:
        """{qikink_status: orders} among the matching orders, from counters kept per (status, Qikink status)."""
        if email:
            sets, _ = self.matching(status, qikink_status, email)
            counts: dict[str, int] = {}
            for number in sets[0] if sets is not None else ():  # with an email, sets is never None
                value = self.orders[number][2]
                counts[value] = counts.get(value, 0) + 1
            return counts
        counts = {}
        for (pair_status, value), count in self.pairs.items():
            if (
                count
                and (status is None or pair_status == status)
                and (qikink_status is None or value == qikink_status)
            ):
                counts[value] = counts.get(value, 0) + count
        return counts

    def superseded(self) -> int:
        """Records a compaction would drop: every record but the last of each order (roughly)."""
        return max(0, self.records - len(self.orders) - 1)
