"""The integration guide's design, as a yardstick: every order in one `orders.json`, read whole
and rewritten whole on each order (fsynced, for a fair comparison with our durable writes).

Same validation as the real POST /api/orders (the shop's own validators), same answer shape;
served by waitress like the real server:

    .venv/bin/python -m bench.naive_app --data-dir DIR --port N [--seed COUNT]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from flask import Flask, request

ROOT = Path(__file__).resolve().parent.parent
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


class OrdersFile:
    """The guide's storage: load every order, append one, dump every order back."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.lock = threading.Lock()  # without it concurrent requests lose orders outright
        if not self.path.exists():
            self.save([])

    def load(self) -> list:
        with open(self.path, encoding="utf-8") as handle:
            return json.load(handle)

    def save(self, orders: list) -> None:
        with open(self.path, "w", encoding="utf-8") as handle:
            json.dump(orders, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())

    def append(self, order: dict) -> None:
        with self.lock:
            orders = self.load()
            orders.append(order)
            self.save(orders)


def build_order(body: dict, catalogue: dict, seq: int) -> dict:
    problems = Problems()
    email = validate_email(problems, "customer_email", body.get("customer_email"))
    address = validate_address(problems, body.get("shipping_address"))
    payment = validate_payment_method(problems, body.get("payment_method"))
    lines = validate_items(problems, body.get("items"), catalogue)
    problems.raise_if_any()
    items, total = [], Decimal("0")
    for line in lines:
        price = catalogue[line["sku"]]["price"]
        total += price * line["quantity"]
        items.append({"sku": line["sku"], "quantity": line["quantity"], "price": money_json(price)})
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    return {
        "order_id": f"BHRT-{seq}",
        "customer_email": email,
        "shipping_address": address,
        "items": items,
        "total": money_json(total),
        "payment_method": payment,
        "status": "pending",
        "created_at": stamp,
        "qikink_status": "sync_pending",
        "qikink_shipment_id": None,
        "tracking_id": None,
    }


def create_app(data_dir: Path) -> Flask:
    from backend.errors import register_error_handlers

    app = Flask(__name__)
    catalogue = load_catalogue(ROOT / "data" / "products.json")
    store = OrdersFile(Path(data_dir) / "orders.json")
    sequence = {"next": int(time.time())}
    sequence_lock = threading.Lock()
    register_error_handlers(app)

    @app.get("/api/health")
    def health():
        return {"status": "ok"}

    @app.post("/api/orders")
    def create():
        with sequence_lock:
            sequence["next"] += 1
            seq = sequence["next"]
        order = build_order(request.get_json(force=True), catalogue, seq)
        store.append(order)
        return {"status": "success", "message": "Order created successfully (Qikink sync pending)", "data": order}, 201

    return app


def seed(data_dir: Path, count: int) -> None:
    """`count` orders built by build_order and saved by the naive store's own save()."""
    from bench.seed import order_body

    catalogue = load_catalogue(ROOT / "data" / "products.json")
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    start = int(time.time()) - count
    OrdersFile(Path(data_dir) / "orders.json").save(
        [build_order(order_body(n), catalogue, start + n) for n in range(count)]
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.naive_app", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seed", type=int, help="write COUNT orders to orders.json and exit")
    args = parser.parse_args(argv)
    if args.seed is not None:
        seed(args.data_dir, args.seed)
        return 0
    from waitress import serve

    serve(create_app(args.data_dir), host="127.0.0.1", port=args.port, threads=args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
