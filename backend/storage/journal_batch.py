"""One group-committed batch of the journal store: the new orders and order changes queued while
another thread held the lock, applied in arrival order and saved in one append and one fsync.

Within a batch each change sees the ones before it: an order changed twice, stock taken by a new
order and given back by a cancel, a number drawn twice from one sequence. Nobody is answered until
the append is durable; when it fails, every queued call of the batch gets the error.
"""

from __future__ import annotations

from typing import Any

from .atomic import dumps, loads
from .errors import OrderMissing
from .group_commit import PendingChange, PendingCreate
from .journal_index import order_meta
from .journal_transaction import Products, Transaction
from .order_fields import check_order, is_order_id, new_order_number


class _Batch:
    """What the batch has changed so far, over the index: orders, stock and sequences."""

    def __init__(self, writer: BatchWriter, index):
        self.writer, self.index = writer, index
        self.catalogue = writer.catalogue()  # once a batch: the stored catalogue is read from a file
        self.products = Products(lambda sku: writer.product(index, sku))
        self.other_stock: dict[str, int] = {}  # SKUs no longer in the catalogue
        self.sequences = dict(index.sequences)
        self.orders: dict[str, bytes] = {}  # order id -> its JSON as this batch last wrote it
        self.seq = index.last_order_seq
        self.created: set[int] = set()  # order numbers drawn in this batch
        self.lines: list[tuple[dict, bytes]] = []
        self.keys: set[str] = set()

    def stock_of(self, sku: str) -> int:
        if sku in self.catalogue:
            return self.products[sku]["stock_quantity"]
        return self.other_stock.get(sku, self.writer.stock_of(self.index, sku))

    def set_stock(self, sku: str, quantity: int) -> None:
        if sku in self.catalogue:
            self.products[sku]["stock_quantity"] = quantity
        else:
            self.other_stock[sku] = quantity

    def read(self, order_id: str) -> dict | None:
        if order_id in self.orders:
            return loads(self.orders[order_id])
        return self.writer.read(self.index, order_id)

    def write(self, order: dict, meta: dict) -> None:
        order_json = dumps(order)
        self.orders[order["order_id"]] = order_json
        self.lines.append((meta, order_json))


class BatchWriter:
    """Commits one group of queued calls for the journal store (GroupCommit's `commit`). The store
    hands it what it needs: its catalogue, the index brought up to date under the lock, reading an
    order and a product from an index, and the durable append of the batch's lines."""

    def __init__(self, *, catalogue, fresh_index, read, product, stock_of, append):
        self.catalogue = catalogue  # () -> SKU → product, the stored catalogue now
        self.fresh_index = fresh_index  # () -> the JournalIndex, current (the store's lock is held)
        self.read = read  # (index, order_id) -> order or None
        self.product = product  # (index, sku) -> product with price and stock
        self.stock_of = stock_of  # (index, sku) -> stock, also of a SKU gone from the catalogue
        self.append = append  # [(meta, order_json)] -> None, durable when it returns

    def commit(self, batch: list[PendingCreate]) -> None:
        state = _Batch(self, self.fresh_index())
        answers: list[tuple[PendingCreate, Any]] = []
        deferred: list[PendingCreate] = []
        for pending in batch:
            try:
                if isinstance(pending, PendingChange):
                    answers.append((pending, self._change(state, pending)))
                    continue
                if pending.key_hash and pending.key_hash in state.keys:
                    deferred.append(pending)  # the same key twice in one batch: the next batch replays it
                    continue
                created = self._create(state, pending)
                if created is not None:
                    answers.append((pending, created))
            except Exception as exc:  # this call's own problem (a refused build or change): only it fails
                pending.fail(exc)
        if state.lines:
            try:
                self.append(state.lines)
            except Exception as exc:
                for pending in [p for p, _ in answers] + deferred:
                    pending.fail(exc)
                return
        for pending, answer in answers:
            pending.finish(answer)
        if deferred:
            self.commit(deferred)

    def _create(self, state: _Batch, pending: PendingCreate):
        """(order, True) for a new order written to the batch, or None when the call is answered
        already (its Idempotency-Key's order)."""
        index = state.index
        if pending.key_hash:
            existing = index.keys.get(pending.key_hash)
            order = self.read(index, existing) if existing is not None else None
            if order is not None:
                pending.finish((order, False))
                return None
        candidate = new_order_number()  # random: an order id tells nothing of the others
        while candidate in index.orders or candidate in state.created:
            candidate = new_order_number()
        order, taken = pending.build(state.products, f"BHRT-{candidate}")
        state.created.add(candidate)
        for sku, quantity in taken.items():
            state.products[sku]["stock_quantity"] -= quantity
        meta = order_meta(order)
        meta["stock"] = {sku: state.products[sku]["stock_quantity"] for sku in taken}
        if pending.key_hash:
            meta["k"] = pending.key_hash
            state.keys.add(pending.key_hash)
        state.write(order, meta)
        return order, True

    def _change(self, state: _Batch, pending: PendingChange) -> dict:
        """The order after `mutate(order, tx)`, written to the batch unless it returned False."""
        order_id = pending.order_id
        order = state.read(order_id) if is_order_id(order_id) else None
        if order is None:
            raise OrderMissing(f"No order {order_id}")
        tx = Transaction(state.stock_of, state.sequences)
        if pending.mutate(order, tx) is False:
            return order
        problem = check_order(order, order_id)
        if problem:
            raise ValueError(f"Order {order_id} would not be usable: {problem}")
        meta = order_meta(order)
        if tx.stock:
            meta["stock"] = tx.stock
        if tx.sequences:
            meta["seqs"] = tx.sequences
        state.write(order, meta)
        for sku, quantity in tx.stock.items():
            state.set_stock(sku, quantity)
        state.sequences.update(tx.sequences)
        return order
