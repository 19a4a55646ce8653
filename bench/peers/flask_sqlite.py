"""The design a Flask developer would pick instead, as the peer our order taking is measured
against: Flask + SQLite in WAL mode with `synchronous=FULL` (a commit is fsynced before the 201),
stock taken and the order inserted in ONE `BEGIN IMMEDIATE` transaction, served by waitress with
the same thread count. Same validation as the real POST /api/orders (the shop's own validators).

    .venv/bin/python -m bench.peers.flask_sqlite --data-dir DIR --port N [--threads 8] [--seed COUNT]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from flask import Flask, request

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from backend.models import (  # noqa: E402
    Problems,
    money_json,
    validate_address,
    validate_email,
    validate_items,
    validate_payment_method,  # noqa: E402
)
from backend.storage import load_catalogue  # noqa: E402

SCHEMA = """
CREATE TABLE IF NOT EXISTS products (sku TEXT PRIMARY KEY, stock INTEGER NOT NULL, price TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders (seq INTEGER PRIMARY KEY AUTOINCREMENT, order_id TEXT UNIQUE,
    customer_email TEXT NOT NULL, status TEXT NOT NULL, qikink_status TEXT NOT NULL, created_at TEXT NOT NULL,
    doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS orders_email ON orders (lower(customer_email));
"""


class OutOfStock(Exception):
    pass


class Database:
    """One connection per thread (sqlite3's rule), WAL, synchronous=FULL."""

    def __init__(self, path: Path, catalogue: dict, stock: int):
        self.path = str(path)
        self.local = threading.local()
        conn = self.connection()
        conn.executescript(SCHEMA)
        conn.executemany(
            "INSERT OR IGNORE INTO products (sku, stock, price) VALUES (?, ?, ?)",
            [(sku, stock, str(p["price"])) for sku, p in catalogue.items()],
        )

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            self.local.conn = conn
        return conn

    def place(self, email, address, payment, lines) -> dict:
        """Take the stock and insert the order in one BEGIN IMMEDIATE transaction."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            items, total = [], Decimal("0")
            for line in lines:
                stock, price = conn.execute(
                    "SELECT stock, price FROM products WHERE sku = ?", (line["sku"],)
                ).fetchone()
                if stock < line["quantity"]:
                    raise OutOfStock(line["sku"])
                conn.execute("UPDATE products SET stock = stock - ? WHERE sku = ?", (line["quantity"], line["sku"]))
                price = Decimal(price)
                total += price * line["quantity"]
                items.append(
                    {
                        "sku": line["sku"],
                        "quantity": line["quantity"],
                        "price": money_json(price),
                        "line_total": money_json(price * line["quantity"]),
                    }
                )
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM orders").fetchone()[0]
            order = {
                "order_id": f"BHRT-{int(time.time()) + seq}",
                "customer_email": email,
                "shipping_address": address,
                "items": items,
                "total": money_json(total),
                "currency": "INR",
                "payment_method": payment,
                "status": "pending",
                "qikink_status": "sync_pending",
                "created_at": stamp,
                "updated_at": stamp,
            }
            conn.execute(
                "INSERT INTO orders (seq, order_id, customer_email, status, qikink_status, created_at, doc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (seq, order["order_id"], email, "pending", "sync_pending", stamp, json.dumps(order)),
            )
            conn.execute("COMMIT")
            return order
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def create_app(data_dir: Path, stock: int = 1_000_000_000) -> Flask:
    from backend.errors import OutOfStock as OutOfStockError
    from backend.errors import register_error_handlers

    app = Flask(__name__)
    catalogue = load_catalogue(ROOT / "data" / "products.json")
    database = Database(Path(data_dir) / "shop.sqlite3", catalogue, stock)
    register_error_handlers(app)

    @app.get("/api/health")
    def health():
        return {"status": "ok"}

    @app.post("/api/orders")
    def create():
        body = request.get_json(force=True)
        problems = Problems()
        email = validate_email(problems, "customer_email", body.get("customer_email"))
        address = validate_address(problems, body.get("shipping_address"))
        payment = validate_payment_method(problems, body.get("payment_method"))
        lines = validate_items(problems, body.get("items"), catalogue)
        problems.raise_if_any()
        try:
            order = database.place(email, address, payment, lines)
        except OutOfStock as exc:
            raise OutOfStockError(f"Not enough stock of {exc.args[0]}") from None
        return {"status": "success", "message": "Order created successfully", "data": order}, 201

    return app


def seed(data_dir: Path, count: int) -> None:
    from bench.seed import order_body

    Path(data_dir).mkdir(parents=True, exist_ok=True)
    app = create_app(data_dir)
    client = app.test_client()
    for n in range(count):
        assert client.post("/api/orders", json=order_body(n)).status_code == 201


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers.flask_sqlite", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seed", type=int, help="store COUNT orders and exit")
    args = parser.parse_args(argv)
    if args.seed is not None:
        seed(args.data_dir, args.seed)
        return 0
    from waitress import serve

    serve(create_app(args.data_dir), host="127.0.0.1", port=args.port, threads=args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
