"""The in-memory twin of the order stores: the same rules, no files. For tests, and as the
reference behaviour the journal and PostgreSQL stores are held to."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Iterable
from decimal import Decimal

from .errors import OrderMissing, ProductMissing, outcomes
from .interface import BuildOrder, MutateOnly, MutateOrder, OrderMatcher
from .local_fleet import OneMachine
from .order_fields import hash_key, is_order_id, new_order_number
from .order_filter import OrderFilter
from .stored_catalogue import CatalogueSnapshot, ChangeCatalogue, MemoryCatalogue


class OrderTransaction:
    """What one order change asks of the rest of the store, committed with it (transact_order):
    stock given back, numbers drawn from named gap-free sequences."""

    def __init__(self, current_number):
        self._current_number = current_number  # sequence name → its last number in the store
        self.stock: dict[str, int] = {}
        self.sequences: dict[str, int] = {}  # sequence name → its last number after this change

    def return_stock(self, sku: str, quantity: int) -> None:
        """Put `quantity` of `sku` back in stock when the change commits."""
        if int(quantity) < 0:
            raise ValueError("quantity must not be negative")
        self.stock[sku] = self.stock.get(sku, 0) + int(quantity)

    def next_number(self, sequence: str) -> int:
        """The next number of a gap-free sequence (1, 2, 3 …), used up only if the change commits."""
        number = self.sequences.get(sequence, self._current_number(sequence)) + 1
        self.sequences[sequence] = number
        return number


class MemoryOrderStore:
    """Products, stock and orders in dictionaries, every change made under one lock."""

    def __init__(self, catalogue: dict[str, dict], *, clock=time.time):
        self._catalogue = MemoryCatalogue()
        self._catalogue.seed(catalogue, [])
        self.clock = clock
        self.quarantined: list[dict] = []
        self.fleet = OneMachine()  # one process: no worker lock, nothing shared
        self._lock = threading.RLock()
        self._stock: dict[str, int] = {}
        self._prices: dict[str, Decimal] = {}
        self._sequences: dict[str, int] = {}
        self._orders: dict[str, dict] = {}
        self._keys: dict[str, str] = {}

    # --- the catalogue ---------------------------------------------------------------------------
    @property
    def catalogue(self) -> dict[str, dict]:
        return self._catalogue.snapshot().products

    def catalogue_snapshot(self) -> CatalogueSnapshot:
        return self._catalogue.snapshot()

    def change_catalogue(self, mutate: ChangeCatalogue):
        return self._catalogue.change(mutate)

    def seed_catalogue(self, products: dict[str, dict], designs: list[dict]) -> None:
        self._catalogue.seed(products, designs)

    # --- products ----------------------------------------------------------------------------
    def _stock_of(self, sku: str) -> int:
        return int(self._stock.get(sku, self.catalogue.get(sku, {}).get("stock_quantity", 0)))

    def _product(self, sku: str, catalogue: dict[str, dict] | None = None) -> dict:
        product = dict((catalogue or self.catalogue)[sku])
        product["price"] = Decimal(str(self._prices.get(sku, product["price"])))
        product["stock_quantity"] = self._stock_of(sku)
        return product

    def products(self) -> dict[str, dict]:
        with self._lock:
            catalogue = self.catalogue
            return {sku: self._product(sku, catalogue) for sku in catalogue}

    def update_product(self, sku: str, changes: dict) -> dict:
        if sku not in self.catalogue:
            raise ProductMissing(f"No product with SKU {sku}")
        with self._lock:
            if "price" in changes:
                self._prices[sku] = Decimal(str(changes["price"]))
            if "stock_quantity" in changes:
                self._stock[sku] = int(changes["stock_quantity"])
            return self._product(sku)

    def create_order(self, build: BuildOrder, *, idempotency_key: str | None = None) -> tuple[dict, bool]:
        """Save a new order with the stock it takes; `(order, created)`, the existing order for a used key."""
        key_hash = hash_key(idempotency_key) if idempotency_key else None
        with self._lock:
            if key_hash in self._keys:
                return copy.deepcopy(self._orders[self._keys[key_hash]]), False
            number = new_order_number()
            while f"BHRT-{number}" in self._orders:
                number = new_order_number()
            catalogue = self.catalogue
            products = {sku: self._product(sku, catalogue) for sku in catalogue}
            order, taken = build(products, f"BHRT-{number}")
            for sku, quantity in taken.items():
                self._stock[sku] = self._stock_of(sku) - quantity
            self._orders[order["order_id"]] = copy.deepcopy(order)
            if key_hash:
                self._keys[key_hash] = order["order_id"]
            return order, True

    def find_by_idempotency_key(self, key: str) -> dict | None:
        order_id = self._keys.get(hash_key(key))
        return self.get_order(order_id) if order_id else None

    def get_order(self, order_id: str) -> dict | None:
        if not is_order_id(order_id):
            return None
        order = self._orders.get(order_id)
        return copy.deepcopy(order) if order is not None else None

    def transact_order(self, order_id: str, mutate: MutateOrder) -> dict:
        """`mutate(order, tx)` changes the order, may give stock back and draw numbers; all commit
        together, or nothing when it returns False or raises."""
        with self._lock:
            order = self.get_order(order_id)
            if order is None:
                raise OrderMissing(f"No order {order_id}")
            tx = OrderTransaction(lambda name: self._sequences.get(name, 0))
            if mutate(order, tx) is False:
                return order
            for sku, quantity in tx.stock.items():
                self._stock[sku] = self._stock_of(sku) + quantity
            self._sequences.update(tx.sequences)
            self._orders[order_id] = copy.deepcopy(order)
            return order

    def update_order(self, order_id: str, mutate: MutateOnly) -> dict:
        return self.transact_order(order_id, lambda order, _tx: mutate(order))

    def update_orders(self, changes: Iterable[tuple[str, MutateOnly]]) -> list:
        """Several `update_order(order_id, mutate)` at once: each one's order, or the exception it raised."""
        return outcomes(self.update_order, changes)

    def order_ids(self) -> list[str]:
        """Newest first: the dict keeps the order they were created in (ids are random)."""
        return list(reversed(self._orders))

    def list_orders(self, matches: OrderMatcher = None, *, page: int = 1, per_page: int = 50) -> tuple[list[dict], int]:
        """(orders on the page, total matching), newest first."""
        with self._lock:
            chosen = [self._orders[i] for i in self.order_ids() if matches is None or matches(self._orders[i])]
        start = (page - 1) * per_page
        return [copy.deepcopy(o) for o in chosen[start : start + per_page]], len(chosen)

    def orders_with_outbox(self, limit: int = 100) -> list[dict]:
        """Orders holding webhook events not yet fanned out, oldest first."""
        with self._lock:
            found = [order for order in self._orders.values() if order.get("webhooks")][:limit]
            return copy.deepcopy(found)

    def count_by_qikink_status(self, matches: OrderFilter | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self._lock:
            for order in self._orders.values():
                if matches is None or matches(order):
                    counts[order["qikink_status"]] = counts.get(order["qikink_status"], 0) + 1
        return counts

    def check_writable(self) -> str | None:
        return None  # memory is always writable
