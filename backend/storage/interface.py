"""The storage seams as Protocols: what every order store offers (`OrderStore`), and what the
servers sharing one store share besides orders (`Fleet`: the worker's lock, the Qikink token,
the Qikink call window). Implementations match by shape; none inherits from these.

    OrderStore  JournalOrderStore (journal_store.py), MemoryOrderStore (memory_store.py),
                PostgresOrderStore (postgres.py)
    Fleet       OneMachine (local_fleet.py: the journal and in-memory stores),
                PostgresFleet (fleet.py: a fleet of servers on one database)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, runtime_checkable

if TYPE_CHECKING:
    from .memory_store import OrderTransaction
    from .order_filter import OrderFilter
    from .stored_catalogue import CatalogueSnapshot, ChangeCatalogue

# build(products, order_id) → (the order, {sku: quantity taken from stock})
BuildOrder = Callable[[dict[str, dict], str], tuple[dict, dict[str, int]]]
# mutate(order, tx) changes the order in place; False: nothing changed, nothing is written
MutateOrder = Callable[[dict, "OrderTransaction"], "bool | None"]
# mutate(order), the same without the transaction (update_order)
MutateOnly = Callable[[dict], "bool | None"]
# which orders list_orders answers: an OrderFilter (from an index or as SQL), any predicate, or all
OrderMatcher: TypeAlias = "OrderFilter | Callable[[dict], bool] | None"


class WorkerLock(Protocol):
    """Held by the one process doing a worker's rounds (filelock.FileLock, or fleet.LeaderLock);
    `acquire` raises filelock.Timeout when another holds it."""

    @property
    def is_locked(self) -> bool: ...

    def acquire(self, timeout: float = ...) -> object: ...

    def release(self) -> None: ...


class SharedToken(Protocol):
    """One Qikink access token for every server (minting one invalidates the last): TokenCache's `shared`."""

    def minting(self) -> AbstractContextManager[None]: ...

    def load(self) -> tuple[str, float] | None: ...

    def save(self, token: str, expires_at: float) -> None: ...

    def discard(self, token: str) -> None: ...


class CallWindow(Protocol):
    """The calls of the Qikink budget's window: `transact(update)` runs `update(calls)` →
    (result, new calls or None) atomically for every process sharing it (CallBudget's `window`)."""

    def transact(self, update: Callable[[list[list]], tuple[Any, list | None]]) -> Any: ...


class Fleet(Protocol):
    """What the servers sharing one store share besides orders. None from a method: nothing is
    shared (each process keeps its own token and call window; one process needs no lock)."""

    def worker_lock(self, name: str = "qikink") -> WorkerLock | None:
        """The lock of one worker's rounds: `qikink` (send, poll), `payments`, `attention`, `webhooks`."""
        ...

    def token_store(self, client_id: str, client_secret: str) -> SharedToken | None: ...

    def call_window(self, account: str) -> CallWindow | None: ...


@runtime_checkable
class OrderStore(Protocol):
    """Products (price, stock) and orders, each change all or nothing. Orders are plain dicts in
    their stored JSON shape; an unknown or malformed order id reads as None."""

    quarantined: list[dict]  # what was set aside at start-up: {"file", "problem", "moved_to"}

    @property
    def fleet(self) -> Fleet:
        """What the servers sharing this store share besides orders."""
        ...

    # --- the catalogue (stored_catalogue.py) ---------------------------------------------------
    @property
    def catalogue(self) -> dict[str, dict]:
        """The stored catalogue's products by SKU, published or not (prices and stock as first stored)."""
        ...

    def catalogue_snapshot(self) -> CatalogueSnapshot:
        """The stored catalogue now: its version, design entries and products."""
        ...

    def change_catalogue(self, mutate: ChangeCatalogue) -> Any:
        """`mutate(document)` on the stored catalogue, saved all or nothing; what it returned."""
        ...

    def seed_catalogue(self, products: dict[str, dict], designs: list[dict]) -> None:
        """Add the SKUs and design entries the stored catalogue lacks (it keeps its edits)."""
        ...

    # --- products ---------------------------------------------------------------------------
    def products(self) -> dict[str, dict]:
        """Every product with its current price (Decimal) and stock, keyed by SKU."""
        ...

    def update_product(self, sku: str, changes: dict) -> dict:
        """Set `price` and/or `stock_quantity`; the product as it now is (ProductMissing)."""
        ...

    # --- orders -----------------------------------------------------------------------------
    def create_order(self, build: BuildOrder, *, idempotency_key: str | None = None) -> tuple[dict, bool]:
        """Save a new order with the stock it takes: (order, created); a used key's order, False."""
        ...

    def find_by_idempotency_key(self, key: str) -> dict | None: ...

    def get_order(self, order_id: str) -> dict | None: ...

    def transact_order(self, order_id: str, mutate: MutateOrder) -> dict:
        """Change one order, the stock it gives back and the numbers it draws, all or nothing (OrderMissing)."""
        ...

    def update_order(self, order_id: str, mutate: MutateOnly) -> dict:
        """Read-modify-write one order (OrderMissing)."""
        ...

    def update_orders(self, changes: Iterable[tuple[str, MutateOnly]]) -> list:
        """Several update_order at once: each one's order, or the exception it raised."""
        ...

    def order_ids(self) -> list[str]:
        """Every stored order id, newest first."""
        ...

    def list_orders(self, matches: OrderMatcher = None, *, page: int = 1, per_page: int = 50) -> tuple[list[dict], int]:
        """(orders on the page, total matching), newest first."""
        ...

    def count_by_qikink_status(self, matches: OrderFilter | None = None) -> dict[str, int]: ...

    def orders_with_outbox(self, limit: int = 100) -> list[dict]:
        """Orders holding webhook events not yet fanned out, oldest first."""
        ...

    # --- upkeep -----------------------------------------------------------------------------
    def check_writable(self) -> str | None:
        """None when a change can be saved now, else the reason (GET /api/health)."""
        ...


if TYPE_CHECKING:  # mypy holds each implementation to its Protocol here (nothing of it runs)
    from .fleet import PostgresFleet
    from .journal_store import JournalOrderStore
    from .local_fleet import OneMachine
    from .memory_store import MemoryOrderStore
    from .postgres import PostgresOrderStore

    def _implementations(
        journal: JournalOrderStore, memory: MemoryOrderStore, postgres: PostgresOrderStore
    ) -> tuple[list[OrderStore], list[Fleet]]:
        return [journal, memory, postgres], [OneMachine(), PostgresFleet(postgres)]
