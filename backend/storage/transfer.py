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
from decimal import Decimal
from pathlib import Path

from ..errors import StartupError
from ..models import ORDER_ID_RE
from .atomic import CorruptFile, dumps, read_json, write_json
from .postgres import order_columns
from .repository import check_order, order_number

log = logging.getLogger(__name__)

BATCH = 1000


def read_directory_state(source: Path, catalogue: dict) -> dict:
    """A JSON data directory's stock, prices, keys, sequence and order file names, with the stock
    of interrupted writes given back (what the file store's recovery does: an intent whose order
    file is absent returns its stock). The orders themselves are read later, a batch at a time."""
    state_path = source / "state.json"
    try:
        state = read_json(state_path, dict, decimals=True) if state_path.exists() else {}
    except (OSError, CorruptFile) as exc:
        raise StartupError(f"{state_path} cannot be read ({exc}); nothing was imported") from None
    names = []
    if (source / "orders").is_dir():
        with os.scandir(source / "orders") as entries:
            names = sorted(e.name for e in entries if e.name.endswith(".json") and ORDER_ID_RE.match(e.name[:-5]))
    present = {name[:-5] for name in names}
    stock = {sku: int(state.get("stock", {}).get(sku, product["stock_quantity"])) for sku, product in catalogue.items()}
    for order_id, taken in (state.get("intents") or {}).items():
        if order_id not in present:
            for sku, quantity in taken.items():
                if sku in stock:
                    stock[sku] += int(quantity)
    keys, skipped = [], []
    for path in sorted((source / "idempotency").glob("*.json")):
        try:
            record = read_json(path, dict)
        except (OSError, CorruptFile) as exc:
            skipped.append(f"idempotency/{path.name}: {exc}")
            continue
        if record.get("order_id") in present:
            keys.append((path.stem, record["order_id"], record["order_id"]))
    prices = {sku: Decimal(str(price)) for sku, price in (state.get("prices") or {}).items() if sku in catalogue}
    last_seq = max([int(state.get("last_order_seq", 0))] + [order_number(name[:-5]) for name in names])
    return {"names": names, "stock": stock, "prices": prices, "keys": keys, "last_seq": last_seq, "skipped": skipped}


def read_orders(orders_dir: Path, names, skipped: list):
    """The usable orders among `names`, one at a time; the problem of each other one goes to `skipped`."""
    for name in names:
        try:
            order = read_json(orders_dir / name, dict)
        except (OSError, CorruptFile) as exc:
            skipped.append(f"orders/{name}: {exc}")
            continue
        problem = check_order(order, name[:-5])
        if problem:
            skipped.append(f"orders/{name}: {problem}")
            continue
        yield order


def insert_orders(cursor, rows: list) -> int:
    """Insert orders (rows of `order_columns`) that are not there yet; how many rows were given."""
    if rows:
        cursor.executemany("INSERT INTO orders (order_id, seq, customer_email, status, qikink_status, created_at, doc) "
                           "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (order_id) DO NOTHING", rows)
    return len(rows)


def import_data_dir(store, source: Path) -> dict:
    """Copy a JSON data directory into the PostgreSQL `store` in one transaction, streaming the
    orders in batches; returns counts of what was done."""
    source = Path(source)
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
            cursor.executemany("INSERT INTO idempotency_keys (key_hash, order_id) SELECT %s, %s WHERE EXISTS "
                               "(SELECT 1 FROM orders WHERE order_id = %s) ON CONFLICT (key_hash) DO NOTHING",
                               data["keys"])
            cursor.executemany("INSERT INTO products (sku, stock, price) VALUES (%s, %s, %s) ON CONFLICT (sku) "
                               "DO UPDATE SET stock = EXCLUDED.stock, price = EXCLUDED.price",
                               [(sku, stock, data["prices"].get(sku)) for sku, stock in data["stock"].items()])
        conn.execute("UPDATE order_sequence SET last_value = GREATEST(last_value, %s)", (data["last_seq"],))
        return added, len(data["names"]) - len(names), skipped

    added, already, skipped = store._run(copy, "importing a data directory")
    report = {"orders_in_directory": len(data["names"]), "orders_added": added, "orders_already_there": already,
              "idempotency_keys": len(data["keys"]), "products": len(data["stock"]),
              "last_order_number": data["last_seq"], "skipped": skipped}
    log.info("Imported %s: %s orders added, %s already there, %s skipped", source, added, already, len(skipped))
    return report


def export_data_dir(store, target: Path, catalogue_file: Path) -> dict:
    """Write the PostgreSQL `store` out as a JSON data directory (which must not hold orders yet)."""
    target = Path(target)
    if (target / "state.json").exists() or any((target / "orders").glob("*.json")):
        raise StartupError(f"{target} already holds a data directory; export into a new or empty folder")
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
    for key_hash, order_id in keys:
        (target / "idempotency" / f"{key_hash}.json").write_bytes(dumps({"order_id": order_id}))
    if hasattr(os, "sync"):
        os.sync()
    write_json(target / "state.json", {
        "version": 1, "last_order_seq": seq, "stock": {sku: stock for sku, stock, _ in products},
        "prices": {sku: price for sku, _, price in products if price is not None}, "intents": {}})
    return {"orders": count, "idempotency_keys": len(keys), "products": len(products), "last_order_number": seq}
