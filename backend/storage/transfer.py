"""Moving a shop between the JSON data directory and PostgreSQL: `python -m backend db import|export`.

An import copies orders (with their sync state), stock, prices, Idempotency-Keys and the order
sequence in ONE transaction, and is idempotent: orders and keys already in the database are
kept as they are (never doubled, never overwritten), stock and prices are set to the directory's.
An export writes a data directory the JSON-file store opens as it is.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from .atomic import dumps, write_json
from .errors import StoreStartupError
from .journal_files import JOURNAL_NAME
from .layout_migration import read_directory_state, read_orders
from .postgres import order_columns
from .stored_catalogue import CATALOGUE_NAME, document_of

log = logging.getLogger(__name__)

BATCH = 1000


def insert_orders(cursor, rows: list) -> int:
    """Insert orders (rows of `order_columns`) that are not there yet; how many rows were given."""
    if rows:
        cursor.executemany(
            "INSERT INTO orders (order_id, seq, customer_email, status, qikink_status, created_at, doc) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (order_id) DO NOTHING",
            rows,
        )
    return len(rows)


def import_data_dir(store, source: Path) -> dict:
    """Copy a JSON data directory into the PostgreSQL `store` in one transaction, streaming the
    orders in batches; returns counts of what was done."""
    source = Path(source)
    if (source / JOURNAL_NAME).exists():
        return _import_journal(store, source)
    data = read_directory_state(source, store.catalogue)

    def copy(conn):
        skipped = list(data["skipped"])
        existing = {row[0] for row in conn.execute("SELECT order_id FROM orders")}
        names = [name for name in data["names"] if name[:-5] not in existing]
        added = 0
        with conn.cursor() as cursor:
            batch = []
            for order in read_orders(source / "orders", names, skipped):
                batch.append(order_columns(order))
                if len(batch) == BATCH:
                    added += insert_orders(cursor, batch)
                    batch = []
            added += insert_orders(cursor, batch)
            # A key whose order was unreadable (skipped) is not copied: it would point at nothing.
            cursor.executemany(
                "INSERT INTO idempotency_keys (key_hash, order_id) SELECT %s, %s WHERE EXISTS "
                "(SELECT 1 FROM orders WHERE order_id = %s) ON CONFLICT (key_hash) DO NOTHING",
                data["keys"],
            )
            cursor.executemany(
                "INSERT INTO products (sku, stock, price) VALUES (%s, %s, %s) ON CONFLICT (sku) "
                "DO UPDATE SET stock = EXCLUDED.stock, price = EXCLUDED.price",
                [(sku, stock, data["prices"].get(sku)) for sku, stock in data["stock"].items()],
            )
        conn.execute("UPDATE order_sequence SET last_value = GREATEST(last_value, %s)", (data["last_seq"],))
        return added, len(data["names"]) - len(names), skipped

    added, already, skipped = store._run(copy, "importing a data directory")
    report = {
        "orders_in_directory": len(data["names"]),
        "orders_added": added,
        "orders_already_there": already,
        "idempotency_keys": len(data["keys"]),
        "products": len(data["stock"]),
        "last_order_number": data["last_seq"],
        "skipped": skipped,
    }
    log.info("Imported %s: %s orders added, %s already there, %s skipped", source, added, already, len(skipped))
    return report


def _import_journal(store, source: Path) -> dict:
    """Copy a journal data directory (read through its own store, under its lock) into PostgreSQL."""
    from .journal_store import JournalOrderStore

    journal = JournalOrderStore(source, store.catalogue)
    ids = journal.order_ids()[::-1]
    index = journal._fresh()
    keys = [(key_hash, order_id, order_id) for key_hash, order_id in index.keys.items()]
    stock = {sku: product["stock_quantity"] for sku, product in journal.products().items()}
    prices = {sku: product["price"] for sku, product in journal.products().items() if sku in index.prices}

    def copy(conn):
        existing = {row[0] for row in conn.execute("SELECT order_id FROM orders")}
        # Listing order: the journal's (oldest first), numbered above everything stored (order ids
        # are random, so their numbers say nothing of when an order was placed).
        seq = conn.execute(
            "SELECT GREATEST(COALESCE((SELECT max(seq) FROM orders), 0), (SELECT last_value FROM order_sequence))"
        ).fetchone()[0]
        added = 0
        with conn.cursor() as cursor:
            batch = []
            for order_id in ids:
                if order_id in existing:
                    continue
                order = journal.get_order(order_id)
                if order is not None:
                    seq += 1
                    batch.append(order_columns(order, seq=seq))
                if len(batch) == BATCH:
                    added += insert_orders(cursor, batch)
                    batch = []
            added += insert_orders(cursor, batch)
            cursor.executemany(
                "INSERT INTO idempotency_keys (key_hash, order_id) SELECT %s, %s WHERE EXISTS "
                "(SELECT 1 FROM orders WHERE order_id = %s) ON CONFLICT (key_hash) DO NOTHING",
                keys,
            )
            cursor.executemany(
                "INSERT INTO products (sku, stock, price) VALUES (%s, %s, %s) ON CONFLICT (sku) "
                "DO UPDATE SET stock = EXCLUDED.stock, price = EXCLUDED.price",
                [(sku, value, prices.get(sku)) for sku, value in stock.items()],
            )
        conn.execute("UPDATE order_sequence SET last_value = GREATEST(last_value, %s)", (seq,))
        return added, len(ids) - added

    added, already = store._run(copy, "importing a data directory")
    if (source / CATALOGUE_NAME).exists():  # the catalogue as that shop ran it replaces this one's
        edited = journal._catalogue.document()

        def take_over(document: dict) -> None:
            document["designs"], document["products"] = edited["designs"], edited["products"]

        store.change_catalogue(take_over)
    return {
        "orders_in_directory": len(ids),
        "orders_added": added,
        "orders_already_there": already,
        "idempotency_keys": len(keys),
        "products": len(stock),
        "last_order_number": index.last_order_seq,
        "skipped": [f"{q['file']}: {q['problem']}" for q in journal.quarantined],
    }


def export_data_dir(store, target: Path, catalogue_file: Path) -> dict:
    """Write the PostgreSQL `store` out as a JSON data directory (which must not hold orders yet)."""
    target = Path(target)
    if (target / "state.json").exists() or any((target / "orders").glob("*.json")):
        raise StoreStartupError(f"{target} already holds a data directory; export into a new or empty folder")
    for folder in (target, target / "orders", target / "idempotency"):
        folder.mkdir(parents=True, exist_ok=True)
    if catalogue_file.resolve() != (target / "products.json").resolve():
        shutil.copyfile(catalogue_file, target / "products.json")

    def read(conn):
        products = conn.execute("SELECT sku, stock, price FROM products ORDER BY sku").fetchall()
        seq = conn.execute("SELECT last_value FROM order_sequence").fetchone()[0]
        keys = conn.execute("SELECT key_hash, order_id FROM idempotency_keys WHERE order_id IS NOT NULL").fetchall()
        count = 0
        with conn.cursor(name="export_orders") as cursor:  # server-side: the orders are streamed
            cursor.itersize = BATCH
            for (order,) in cursor.execute("SELECT doc FROM orders ORDER BY seq"):
                # A copy (the database stays the original): no fsync per file, one flush at the end.
                (target / "orders" / f"{order['order_id']}.json").write_bytes(dumps(order))
                count += 1
        return products, seq, keys, count

    products, seq, keys, count = store._run(read, "exporting orders")
    write_json(target / CATALOGUE_NAME, document_of(store.catalogue_snapshot()))
    for key_hash, order_id in keys:
        (target / "idempotency" / f"{key_hash}.json").write_bytes(dumps({"order_id": order_id}))
    if hasattr(os, "sync"):
        os.sync()
    write_json(
        target / "state.json",
        {
            "version": 1,
            "last_order_seq": seq,
            "stock": {sku: stock for sku, stock, _ in products},
            "prices": {sku: price for sku, _, price in products if price is not None},
            "intents": {},
        },
    )
    return {"orders": count, "idempotency_keys": len(keys), "products": len(products), "last_order_number": seq}
