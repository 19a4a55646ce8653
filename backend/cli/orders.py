"""`python -m backend orders show|list|export|edit|issue-invoices`: look inside the order data,
repair an order by hand, issue the invoices missing from older orders."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from ..config import Config
from ..storage import OrderFilter, open_store
from ..storage.atomic import json_default

CSV_FIELDS = (
    "order_id",
    "created_at",
    "customer_email",
    "status",
    "qikink_status",
    "total",
    "currency",
    "payment_method",
    "items",
    "tracking_id",
    "courier",
    "updated_at",
)


def add(commands) -> None:
    orders = commands.add_parser("orders", help="look at orders; repair one by hand")
    sub = orders.add_subparsers(dest="orders_command", required=True)
    show = sub.add_parser("show", help="print one order as JSON")
    show.add_argument("order_id")
    listing = sub.add_parser("list", help="list orders, newest first")
    for name in ("status", "qikink-status", "email"):
        listing.add_argument(f"--{name}")
    listing.add_argument("--page", type=int, default=1)
    listing.add_argument("--per-page", type=int, default=50)
    export = sub.add_parser("export", help="every order, as JSON (one array) or CSV (one line per order)")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("--to", type=Path, help="a file (default: standard output)")
    edit = sub.add_parser(
        "edit",
        help="replace an order by an edited copy: "
        "`orders show ID > o.json`, edit o.json, `orders edit ID --from o.json`",
    )
    edit.add_argument("order_id")
    edit.add_argument("--from", dest="source", type=Path, required=True, help="the edited order (JSON)")
    invoices = sub.add_parser(
        "issue-invoices",
        help="issue the tax invoices missing from orders Qikink accepted before invoices were issued at the supply",
    )
    invoices.add_argument("--dry-run", action="store_true", help="only list the orders that would get one")
    orders.set_defaults(run=run)


def run(args) -> int:
    config = Config.from_env()
    command = args.orders_command
    if command == "issue-invoices":
        return _issue_invoices(config, dry_run=args.dry_run)
    store = open_store(config)
    if command == "show":
        order = store.get_order(args.order_id)
        if order is None:
            print(f"No order {args.order_id}", file=sys.stderr)
            return 1
        print(json.dumps(order, indent=2, ensure_ascii=False, default=json_default))
        return 0
    if command == "list":
        matches = OrderFilter(status=args.status, qikink_status=args.qikink_status, email=args.email)
        filtered = any(v is not None for v in matches.fields().values())
        orders, total = store.list_orders(matches if filtered else None, page=args.page, per_page=args.per_page)
        for order in orders:
            print(
                f"{order['order_id']}  {order['created_at']}  {order['status']:<16} {order['qikink_status']:<15} "
                f"{order['customer_email']}  {order.get('total')}"
            )
        print(f"({len(orders)} of {total}, page {args.page})", file=sys.stderr)
        return 0
    if command == "export":
        return _export(store, args.format, args.to)
    return _edit(store, args.order_id, args.source)


def _all_orders(store):
    for order_id in reversed(store.order_ids()):
        order = store.get_order(order_id)
        if order is not None:
            yield order


def _export(store, form: str, target: Path | None) -> int:
    out = open(target, "w", encoding="utf-8", newline="") if target else sys.stdout
    try:
        if form == "csv":
            writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
            writer.writeheader()
            for order in _all_orders(store):
                row = dict(order)
                row["items"] = "; ".join(f"{i.get('sku')} x{i.get('quantity')}" for i in order.get("items", []))
                writer.writerow(row)
        else:
            out.write("[")
            for count, order in enumerate(_all_orders(store)):
                out.write(("," if count else "") + "\n" + json.dumps(order, ensure_ascii=False, default=json_default))
            out.write("\n]\n")
    finally:
        if target:
            out.close()
    return 0


def _edit(store, order_id: str, source: Path) -> int:
    """A hand edit is one more record in the journal, written under the store's lock like any change."""
    from ..storage.order_fields import check_order

    edited = json.loads(source.read_text(encoding="utf-8-sig"))
    problem = check_order(edited, order_id)
    if problem:
        print(f"Not saved: {problem}", file=sys.stderr)
        return 1

    def replace(order):
        if order == edited:
            return False
        order.clear()
        order.update(edited)
        return True

    store.update_order(order_id, replace)
    print(f"Saved order {order_id}")
    return 0


def _issue_invoices(config: Config, *, dry_run: bool) -> int:
    """`orders issue-invoices`: the shop's own invoice service (its GST rules and SHOP_* settings)."""
    from dataclasses import replace

    from ..app import create_app

    # Issuing an invoice reads the order and the GST rules only: no payment gateway needed (and the
    # local Razorpay emulator, the default, runs only inside the server).
    shop = create_app(replace(config, payments_env="off")).extensions["shop"]
    if not shop.invoices.issuing:
        print("This shop issues no invoices: GST rates in the catalogue and the SHOP_* settings are needed")
        return 1
    issued = shop.invoices.issue_missing(dry_run=dry_run)
    verb = "would get" if dry_run else "got"
    print(json.dumps({"orders": issued, "count": len(issued), "note": f"{len(issued)} orders {verb} an invoice"}))
    return 0
