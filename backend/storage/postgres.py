"""The PostgreSQL order store: the interface of the JSON-file store, for servers on several machines.

Every change is one transaction: the stock is taken with `UPDATE … WHERE stock >= n` (no
read-modify-write race), the order number comes from a row of its own, and the order and its
Idempotency-Key are inserted together. `update_order` locks the order's row (`FOR UPDATE`), so
the fulfilment's claims keep their meaning across machines. A database that cannot be reached,
or a pool with no free connection, is a 503 `storage_unavailable` with Retry-After, never a hang.
Opening the pool, scrubbing the password from messages and the `orders` row: postgres_pool.py.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Iterable
from contextlib import contextmanager
from decimal import Decimal

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from .catalogue import load_catalogue
from .errors import (
    OrderMissing,
    ProductMissing,
    SoldOut,
    StoreStartupError,
    StoreUnavailable,
    StoreWriteFailed,
    outcomes,
)
from .fleet import PostgresFleet
from .interface import BuildOrder, MutateOnly, MutateOrder, OrderMatcher
from .memory_store import OrderTransaction
from .migrations import migrate
from .order_fields import email_key, hash_key, is_order_id, new_order_number
from .order_filter import OrderFilter
from .postgres_catalogue import PostgresCatalogue
from .postgres_pool import (
    INSERT_ORDER,
    UPSERT_ORDER,
    open_pool,
    order_columns,
    scrub,
)  # transfer.py: order_columns from here
from .stored_catalogue import CatalogueSnapshot, ChangeCatalogue

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 2
# A transaction that lost a race (deadlock, or stock that another server took between our read
# and our UPDATE) is run again from the start this many times before the answer is given up.
TRANSACTION_ATTEMPTS = 5
# The connection of the transaction this thread is in, so that nested steps (`_write_order`) join it.
_current = contextvars.ContextVar("postgres_transaction", default=None)


class _Unchanged(Exception):
    """transact_order's mutate said nothing changed: roll back, answer the order as it was."""


class _StockTaken(Exception):
    """Another transaction took the stock that this one's build saw: build again."""


class _IdTaken(Exception):
    """Another machine saved an order under the number drawn here after this one checked it: draw again."""


class PostgresOrderStore:
    """Products, stock, orders and idempotency keys in PostgreSQL; the same methods as OrderStore."""

    def __init__(self, pool: ConnectionPool, catalogue: dict[str, dict], *, url: str = "", clock=time.time):
        self.pool = pool
        self._catalogue = PostgresCatalogue()
        self.clock = clock
        self.url = url
        self.quarantined: list[dict] = []  # the database has no unreadable files to set aside
        self.fleet = PostgresFleet(self)  # the servers on this database: worker locks, token, call window

        self.seed_catalogue(catalogue, [])

    # --- transactions ------------------------------------------------------------------------
    def _unavailable(self, action: str, exc: Exception) -> StoreWriteFailed:
        detail = scrub(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, self.url)
        log.error("PostgreSQL failure while %s: %s: %s", action, type(exc).__name__, detail)
        if isinstance(exc, PoolTimeout):
            message = "Every database connection is busy or the database cannot be reached; try again shortly"
        else:
            message = "The order database cannot be reached; try again shortly"
        return StoreWriteFailed(message, retry_after=RETRY_AFTER_SECONDS)

    @contextmanager
    def _transaction(self):
        """The connection of one transaction (the thread's open one, when there is one)."""
        conn = _current.get()
        if conn is not None:
            yield conn
            return
        with self.pool.connection() as conn:
            token = _current.set(conn)
            try:
                with conn.transaction():
                    yield conn
            finally:
                _current.reset(token)

    def _run(self, work, action: str, *, transaction: bool = True):
        """`work(conn)` in a transaction, run again after a deadlock or lost stock race; database
        failures become StoreWriteFailed (503 with Retry-After)."""
        for attempt in range(1, TRANSACTION_ATTEMPTS + 1):
            try:
                if not transaction and _current.get() is None:
                    with self.pool.connection() as conn:
                        return work(conn)
                with self._transaction() as conn:
                    return work(conn)
            except (_StockTaken, _IdTaken, psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure):
                if attempt == TRANSACTION_ATTEMPTS or _current.get() is not None:
                    raise
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:  # also timeouts, PoolTimeout
                raise self._unavailable(action, exc) from None

    # --- the catalogue -----------------------------------------------------------------------
    @property
    def catalogue(self) -> dict[str, dict]:
        """The stored catalogue's products by SKU, as every server of the fleet sees it now."""
        return self.catalogue_snapshot().products

    def catalogue_snapshot(self) -> CatalogueSnapshot:
        return self._run(self._catalogue.snapshot, "reading the catalogue", transaction=False)

    def change_catalogue(self, mutate: ChangeCatalogue):
        """Change the stored catalogue; a SKU new to it gets its row of stock in the same transaction."""
        return self._run(lambda conn: self._catalogue.change(conn, mutate), "changing the catalogue")

    def seed_catalogue(self, products: dict[str, dict], designs: list[dict]) -> None:
        self._run(lambda conn: self._catalogue.seed(conn, products, designs), "adding new products")

    # --- products ----------------------------------------------------------------------------
    def _products(self, conn) -> dict[str, dict]:
        catalogue = self._catalogue.snapshot(conn).products
        products = {}
        for sku, stock, price in conn.execute("SELECT sku, stock, price FROM products"):
            if sku in catalogue:
                product = dict(catalogue[sku])
                product["price"] = Decimal(str(price if price is not None else product["price"]))
                product["stock_quantity"] = int(stock)
                products[sku] = product
        return {sku: products[sku] for sku in catalogue if sku in products}

    def products(self) -> dict[str, dict]:
        """Every product with its current price (Decimal) and stock, keyed by SKU."""
        return self._run(self._products, "reading products", transaction=False)

    def update_product(self, sku: str, changes: dict) -> dict:
        if sku not in self.catalogue:
            raise ProductMissing(f"No product with SKU {sku}")

        def update(conn):
            if "price" in changes:
                conn.execute("UPDATE products SET price = %s WHERE sku = %s", (Decimal(str(changes["price"])), sku))
            if "stock_quantity" in changes:
                conn.execute("UPDATE products SET stock = %s WHERE sku = %s", (int(changes["stock_quantity"]), sku))
            return self._products(conn)[sku]

        return self._run(update, f"updating product {sku}")

    # --- orders ------------------------------------------------------------------------------
    def create_order(self, build: BuildOrder, *, idempotency_key: str | None = None) -> tuple[dict, bool]:
        """Save a new order and take its stock in one transaction; see OrderStore.create_order."""
        key_hash = hash_key(idempotency_key) if idempotency_key else None

        def create(conn):
            if key_hash:
                # The key's row is taken first: a second request with it waits here for our commit.
                claimed = conn.execute(
                    "INSERT INTO idempotency_keys (key_hash) VALUES (%s) "
                    "ON CONFLICT (key_hash) DO NOTHING RETURNING key_hash",
                    (key_hash,),
                ).fetchone()
                if claimed is None:
                    existing = self._order_for_key(conn, key_hash)
                    if existing is not None:
                        return existing, False
            products = self._products(conn)
            # The listing order (newest first): milliseconds, above every seq stored before (seconds).
            seq = conn.execute(
                "UPDATE order_sequence SET last_value = GREATEST(last_value + 1, %s) RETURNING last_value",
                (int(self.clock() * 1000),),
            ).fetchone()[0]
            number = new_order_number()  # random: an order id tells nothing of the others
            while conn.execute("SELECT 1 FROM orders WHERE order_id = %s", (f"BHRT-{number}",)).fetchone():
                number = new_order_number()
            order, taken = build(products, f"BHRT-{number}")
            for sku in sorted(taken):  # one lock order for every transaction: no deadlock between two orders
                row = conn.execute(
                    "UPDATE products SET stock = stock - %s WHERE sku = %s AND stock >= %s RETURNING stock",
                    (taken[sku], sku, taken[sku]),
                ).fetchone()
                if row is None:
                    raise _StockTaken(sku)
            if conn.execute(INSERT_ORDER, order_columns(order, seq=seq)).fetchone() is None:
                raise _IdTaken(order["order_id"])  # the primary key decides; the whole transaction runs again
            if key_hash:
                conn.execute(
                    "UPDATE idempotency_keys SET order_id = %s WHERE key_hash = %s", (order["order_id"], key_hash)
                )
            return order, True

        try:
            return self._run(create, "saving an order")
        except _StockTaken as exc:
            raise SoldOut(f"{exc.args[0]} sold out while the order was being placed") from None

    def _order_for_key(self, conn, key_hash: str) -> dict | None:
        row = conn.execute(
            "SELECT o.doc FROM idempotency_keys k JOIN orders o ON o.order_id = k.order_id WHERE k.key_hash = %s",
            (key_hash,),
        ).fetchone()
        return row[0] if row else None

    def _write_order(self, order: dict, **_) -> None:
        """Insert or replace one order, inside the thread's open transaction."""
        conn = _current.get()
        if conn is None:
            raise RuntimeError("_write_order needs an open transaction")
        conn.execute(UPSERT_ORDER, order_columns(order))

    def find_by_idempotency_key(self, key: str) -> dict | None:
        return self._run(
            lambda conn: self._order_for_key(conn, hash_key(key)), "reading an idempotency key", transaction=False
        )

    def get_order(self, order_id: str) -> dict | None:
        if not is_order_id(order_id):
            return None

        def read(conn):
            row = conn.execute("SELECT doc FROM orders WHERE order_id = %s", (order_id,)).fetchone()
            return row[0] if row else None

        return self._run(read, f"reading order {order_id}", transaction=False)

    def update_order(self, order_id: str, mutate: MutateOnly) -> dict:
        """Read-modify-write one order with its row locked. `mutate(order)` changes it in place and
        may return False to say nothing changed (then nothing is written)."""
        return self.transact_order(order_id, lambda order, _tx: mutate(order))

    def update_orders(self, changes: Iterable[tuple[str, MutateOnly]]) -> list:
        """Several `update_order(order_id, mutate)` at once: each one's order, or the exception it raised."""
        return outcomes(self.update_order, changes)

    def transact_order(self, order_id: str, mutate: MutateOrder) -> dict:
        """Change one order, its stock returns and its sequence numbers in one transaction; see
        OrderStore.transact_order. A sequence's row stays locked until the commit, so numbers
        are drawn one transaction at a time and a rolled-back one is drawn again: no gaps."""
        if not is_order_id(order_id):
            raise OrderMissing(f"No order {order_id}")

        def current_number(conn, name: str) -> int:
            conn.execute(
                "INSERT INTO number_sequences (name, last_value) VALUES (%s, 0) ON CONFLICT (name) DO NOTHING", (name,)
            )
            return conn.execute(
                "SELECT last_value FROM number_sequences WHERE name = %s FOR UPDATE", (name,)
            ).fetchone()[0]

        def update(conn):
            row = conn.execute("SELECT doc FROM orders WHERE order_id = %s FOR UPDATE", (order_id,)).fetchone()
            if row is None:
                raise OrderMissing(f"No order {order_id}")
            order = row[0]
            tx = OrderTransaction(lambda name: current_number(conn, name))
            if mutate(order, tx) is False:
                raise _Unchanged(order)  # rolls back what drawing a number locked or wrote
            for sku in sorted(tx.stock):
                conn.execute("UPDATE products SET stock = stock + %s WHERE sku = %s", (tx.stock[sku], sku))
            for name, after in tx.sequences.items():
                conn.execute("UPDATE number_sequences SET last_value = %s WHERE name = %s", (after, name))
            self._write_order(order)
            return order

        try:
            return self._run(update, f"updating order {order_id}")
        except _Unchanged as unchanged:
            return unchanged.args[0]

    def order_ids(self) -> list[str]:
        """Every stored order id, newest first."""
        sql = "SELECT order_id FROM orders ORDER BY seq DESC"
        return self._run(lambda conn: [r[0] for r in conn.execute(sql)], "listing orders", transaction=False)

    def list_orders(self, matches: OrderMatcher = None, *, page: int = 1, per_page: int = 50) -> tuple[list[dict], int]:
        """(orders on the page, total matching), newest first. An OrderFilter is run as SQL (on
        indexed columns); any other predicate is applied to each order in turn."""
        offset = (page - 1) * per_page
        if matches is not None and not isinstance(matches, OrderFilter):
            return self._list_by_predicate(matches, offset, per_page)
        where, params = [], []
        for column, value in (
            ("status", getattr(matches, "status", None)),
            ("qikink_status", getattr(matches, "qikink_status", None)),
        ):
            if value is not None:
                where.append(f"{column} = %s")
                params.append(value)
        if getattr(matches, "email", None) is not None:
            _match_email(matches, where, params)
        condition = f"WHERE {' AND '.join(where)}" if where else ""

        def select(conn):
            total = conn.execute(f"SELECT count(*) FROM orders {condition}", params).fetchone()[0]
            rows = conn.execute(
                f"SELECT doc FROM orders {condition} ORDER BY seq DESC LIMIT %s OFFSET %s", [*params, per_page, offset]
            ).fetchall()
            return [r[0] for r in rows], total

        return self._run(select, "listing orders", transaction=False)

    def orders_with_outbox(self, limit: int = 100) -> list[dict]:
        """Orders holding webhook events not yet fanned out (a partial index: migration 004)."""
        sql = "SELECT doc FROM orders WHERE doc ? 'webhooks' ORDER BY seq LIMIT %s"
        read = lambda conn: [row[0] for row in conn.execute(sql, (limit,)).fetchall()]  # noqa: E731
        return self._run(read, "reading webhook events", transaction=False)

    def count_by_qikink_status(self, matches: OrderFilter | None = None) -> dict[str, int]:
        """{qikink_status: orders} among the orders matching `matches` (status and email), as SQL."""
        where, params = [], []
        status = getattr(matches, "status", None)
        if status is not None:
            where.append("status = %s")
            params.append(status)
        if getattr(matches, "email", None) is not None:
            _match_email(matches, where, params)
        condition = f"WHERE {' AND '.join(where)}" if where else ""
        return dict(
            self._run(
                lambda conn: conn.execute(
                    f"SELECT qikink_status, count(*) FROM orders {condition} GROUP BY qikink_status", params
                ).fetchall(),
                "counting orders",
                transaction=False,
            )
        )

    def _list_by_predicate(self, matches, offset: int, per_page: int):
        def scan(conn):
            selected, total = [], 0
            with conn.cursor() as cursor:
                for (order,) in cursor.execute("SELECT doc FROM orders ORDER BY seq DESC"):
                    if not matches(order):
                        continue
                    if offset <= total < offset + per_page:
                        selected.append(order)
                    total += 1
            return selected, total

        return self._run(scan, "listing orders", transaction=False)

    def check_writable(self) -> str | None:
        """None when the database answers, else the reason."""
        try:
            self._run(lambda conn: conn.execute("SELECT 1"), "checking the database", transaction=False)
        except StoreUnavailable as exc:
            return exc.message
        return None

    def close(self) -> None:
        self.pool.close()


def open_postgres_store(config) -> PostgresOrderStore:
    """Migrate (once, under an advisory lock) and open the store for DATABASE_URL."""
    catalogue = load_catalogue(config.catalogue_file)
    pool = open_pool(config)
    try:
        migrate(pool)
        return PostgresOrderStore(pool, catalogue, url=config.database_url)
    except (psycopg.Error, StoreUnavailable) as exc:
        pool.close()
        raise StoreStartupError(
            f"PostgreSQL at {config.database_url_display} could not be prepared "
            f"({scrub(str(exc), config.database_url)})"
        ) from None


def _match_email(matches, where: list, params: list) -> None:
    """The email condition as `email_key` compares (PostgreSQL's lower() would fold the Kelvin sign
    into "k"); stored emails are ASCII, so lower() of one is its key, served by orders_email_idx."""
    key = email_key(matches.email)
    where.append("FALSE" if key is None else "lower(customer_email) = %s")
    params.extend(() if key is None else (key,))
