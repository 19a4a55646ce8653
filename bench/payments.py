"""Time from payment to Qikink, against the emulators over real HTTP on 127.0.0.1.

`python -m backend` runs with the Qikink emulator and its embedded Razorpay emulator (the shop's
first-run default); each order is placed, paid at the Razorpay emulator (which captures it and
sends its signed webhooks, as Razorpay does), and the shop is polled until the order is at Qikink.
Reports p50/p99 of payment → paid and payment → at Qikink, and checks that every order was paid
once and sent once. Bounded: a fixed number of orders, one at a time, a time limit per order.

    .venv/bin/python -m bench.payments                 # 40 orders
    .venv/bin/python -m bench.payments --orders 100 --webhooks duplicate
    .venv/bin/python -m bench.payments --orders 10 --webhooks drop   # settled by the look-up only (minutes)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.payments.service import LOOKUP_EVERY_SECONDS  # noqa: E402
from backend.payments.worker import PASS_SECONDS  # noqa: E402
from tests.conftest import make_data_dir, order_body  # noqa: E402
from tests.harness import EmulatorProcess, ServerProcess, free_port  # noqa: E402

LIMIT_SECONDS = 30.0


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def place(shop, number: int) -> tuple[str, str]:
    created = shop.post("/api/orders", json=order_body(customer_email=f"bench{number}@example.com")).json()
    return created["data"]["order_id"], created["payment"]["razorpay_order_id"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.payments")
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--webhooks", choices=("deliver", "drop", "duplicate", "reorder"), default="deliver")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="bench-payments-"))
    port = free_port()
    env = {"PAYMENTS_ENV": "emulator", "RAZORPAY_EMULATOR_PORT": str(port), "PAYMENT_WINDOW_MINUTES": "5"}
    razorpay = f"http://127.0.0.1:{port}"
    paid_after, sent_after = [], []
    with (
        EmulatorProcess(base) as emulator,
        ServerProcess(make_data_dir(base / "data", stock=100_000), base, emulator_url=emulator.url, env=env) as shop,
    ):
        requests.post(f"{razorpay}/_emulator/faults", json={"webhooks": args.webhooks}, timeout=10).raise_for_status()
        if args.webhooks == "drop":
            # No webhook ever comes (a shop on a home connection): only the server's own look-up,
            # due LOOKUP_EVERY_SECONDS after the order was opened, settles them; so pay them all,
            # then wait for all at once.
            waiting = {}
            for number in range(args.orders):
                order_id, razorpay_id = place(shop, number)
                requests.post(f"{razorpay}/_emulator/orders/{razorpay_id}/pay", timeout=10).raise_for_status()
                waiting[order_id] = (time.monotonic(), None)
            deadline = time.monotonic() + LOOKUP_EVERY_SECONDS + 4 * PASS_SECONDS
            while waiting and time.monotonic() < deadline:
                for order_id, (started, paid) in list(waiting.items()):
                    order = shop.get(f"/api/orders/{order_id}").json()["data"]
                    if paid is None and order["payment_status"] == "paid":
                        paid = time.monotonic() - started
                        waiting[order_id] = (started, paid)
                    if order["qikink_status"] == "synced":
                        paid_after.append(paid if paid is not None else time.monotonic() - started)
                        sent_after.append(time.monotonic() - started)
                        del waiting[order_id]
                time.sleep(0.5)
            for order_id in waiting:
                print(f"{order_id}: not at Qikink by the deadline", file=sys.stderr)
        for number in range(args.orders if args.webhooks != "drop" else 0):
            order_id, razorpay_id = place(shop, number)
            started = time.monotonic()
            requests.post(f"{razorpay}/_emulator/orders/{razorpay_id}/pay", timeout=10).raise_for_status()
            paid = None
            while time.monotonic() - started < LIMIT_SECONDS:
                order = shop.get(f"/api/orders/{order_id}").json()["data"]
                if paid is None and order["payment_status"] == "paid":
                    paid = time.monotonic() - started
                if order["qikink_status"] == "synced":
                    paid_after.append(paid if paid is not None else time.monotonic() - started)
                    sent_after.append(time.monotonic() - started)
                    break
                time.sleep(0.01)
            else:
                print(f"{order_id}: not at Qikink after {LIMIT_SECONDS:.0f} s", file=sys.stderr)
        state = requests.get(f"{razorpay}/_emulator/state", timeout=10).json()
        captured = sum(1 for p in state["payments"] if p["status"] == "captured")
        counters = requests.get(f"{emulator.url}/_emulator/counters", timeout=10).json()
    print(f"orders: {args.orders}, webhooks: {args.webhooks}, captured: {captured}, at Qikink: {len(sent_after)}")
    created = counters.get("created", {})
    print(
        f"Qikink: {sum(created.values())} orders created ({max(created.values(), default=0)} at most per order), "
        f"{counters.get('calls')} calls, {counters.get('rate_limited', 0)} rate-limited"
    )
    if sent_after:
        for name, values in (("payment → paid", paid_after), ("payment → at Qikink", sent_after)):
            print(
                f"{name}: p50 {percentile(values, 0.5) * 1000:.0f} ms, p99 {percentile(values, 0.99) * 1000:.0f} ms, "
                f"mean {statistics.mean(values) * 1000:.0f} ms"
            )
    return 0 if len(sent_after) == args.orders == captured else 1


if __name__ == "__main__":
    raise SystemExit(main())
