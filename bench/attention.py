"""What "needs attention" and GET /metrics cost on a shop with many orders (issue 25: "no full
scan per request at 100,000 orders").

A seeded data directory (bench/seed.py: orders placed through the store's own code) is given a
realistic spread: most orders delivered, a few hundred in transit, some on hold, refused, not
sent, waiting for confirmation; then the attention list (through the app's own object) and a
scrape of /metrics (through the Flask test client) are timed, each the median of several runs.

    .venv/bin/python -m bench.attention [--orders 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import cached_seed, working_copy  # noqa: E402

RECENT = 4_000
# How the seeded orders are spread, from the newest: (how many, status, qikink_status).
SPREAD = (
    (40, "on_hold", "synced"),
    (25, "action_required", "synced"),
    (20, "pending", "sync_failed"),
    (300, "in_transit", "synced"),
    (60, "out_for_delivery", "synced"),
    (15, "exception", "synced"),
    (10, "rto_initiated", "synced"),
)


def spread(store, order_ids: list[str]) -> dict:
    """Move the seeded orders (all `sync_pending` when seeded) to a shop's usual mix: the SPREAD
    first, 200 left waiting to be sent, every other one delivered. Old timestamps, so that the
    thresholds count them."""
    long_ago = "2026-01-01T00:00:00+00:00"
    counts: dict = {}
    plan = []
    for count, status, qikink_status in SPREAD:
        plan += [(status, qikink_status)] * count
    plan += [("pending", "sync_pending")] * 200
    for n, order_id in enumerate(order_ids):
        status, qikink_status = plan[n] if n < len(plan) else ("delivered", "synced")

        # The newest RECENT orders were placed in the last two weeks (a shop of 100,000 orders a
        # year places about 4,000 in two weeks); the rest long ago.
        created = {} if n < RECENT else {"created_at": long_ago}

        def move(order, status=status, qikink_status=qikink_status, created=created):
            order.update(status=status, qikink_status=qikink_status, updated_at=long_ago, **created)

        store.update_order(order_id, move)
        counts[status] = counts.get(status, 0) + 1
    return counts


def median_ms(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.attention")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    from backend import create_app
    from backend.config import Config

    seeded = cached_seed(args.orders)
    with tempfile.TemporaryDirectory() as scratch:
        data = working_copy(seeded, Path(scratch) / "data")
        real_fsync, os.fsync = os.fsync, lambda fd: None  # setting the scene only
        app = create_app(Config(data_dir=data, app_env="test", qikink_env="off", ratelimit_enabled=False))
        shop = app.extensions["shop"]
        began = time.perf_counter()
        counts = spread(shop.store, shop.store.order_ids())
        os.fsync = real_fsync
        print(f"{args.orders:,} orders spread in {time.perf_counter() - began:.0f}s: {counts}")
        items = shop.attention.items()
        kinds: dict = {}
        for item in items:
            kinds[item["kind"]] = kinds.get(item["kind"], 0) + 1
        client = app.test_client()
        attention_ms = median_ms(shop.attention.items, args.runs)
        api_ms = median_ms(lambda: client.get("/api/attention"), args.runs)
        scrape_ms = median_ms(lambda: client.get("/metrics"), args.runs)
        size = len(client.get("/metrics").get_data())
    print(f"attention items: {len(items)} {kinds}")
    print(f"attention list (the object), median of {args.runs}: {attention_ms:.1f} ms")
    print(f"GET /api/attention, median of {args.runs}: {api_ms:.1f} ms")
    print(f"GET /metrics, median of {args.runs}: {scrape_ms:.1f} ms ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
