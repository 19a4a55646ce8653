"""Outgoing webhooks under faults (issue 25): how fast an order's events reach a receiver on
127.0.0.1, healthy, answering 500 to a share of deliveries, and down for a while, with every
signature verified (`standardwebhooks`) and each order's events checked in order.

The app is the real one (journal store in a temporary data directory, its webhook thread); orders
are placed and half of them cancelled through the Flask test client, so each order makes one or
two events. The retry schedule is the real one divided by SCALE (5 s → 5 ms), so that a run takes
seconds: latencies under faults are in those scaled seconds, and say how the schedule behaves,
not how long a real outage takes.

    .venv/bin/python -m bench.webhooks [--orders 300] [--fail-share 0.3] [--down-seconds 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend import create_app  # noqa: E402
from backend.clock import timestamp_of  # noqa: E402
from backend.config import Config  # noqa: E402
from backend.webhooks.dispatcher import SCHEDULE  # noqa: E402
from tests.conftest import make_data_dir, order_body  # noqa: E402
from tests.webhooks.receiver import Receiver  # noqa: E402

SCALE = 1000


class FlakyReceiver(Receiver):
    """Answers 500 to a share of deliveries (seeded), and notes when each event arrived."""

    def __init__(self, fail_share: float, seed: int = 7):
        super().__init__()
        self.fail_share = fail_share
        self.random = random.Random(seed)
        self.arrived: dict[tuple[str, str], float] = {}
        self.failed = 0

    def _take(self, body, headers):
        if self.random.random() < self.fail_share:
            self.failed += 1
            return 500
        status = super()._take(body, headers)
        if status < 300:
            last = self.received[-1]
            self.arrived.setdefault((last["order_id"], last["type"]), time.time())
        return status


def run(orders: int, fail_share: float, down_seconds: float, scale: float = SCALE) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        data_dir = make_data_dir(Path(folder) / "data", stock=1_000_000)
        app = create_app(Config(data_dir=data_dir, ratelimit_enabled=False, app_env="test", qikink_env="off"))
        hub = app.extensions["shop"].webhooks
        hub.schedule = tuple(seconds / scale for seconds in SCHEDULE)
        hub.interval = 0.05
        receiver = FlakyReceiver(fail_share).start()
        client = app.test_client()
        local = {"REMOTE_ADDR": "127.0.0.1"}
        receiver.secret = client.post("/api/webhooks", json={"url": receiver.url}, environ_base=local).get_json()[
            "data"
        ]["secret"]
        port = receiver.port
        if down_seconds:
            receiver.stop()
        hub.start()
        started = time.time()
        placed, queued_at = [], {}
        for n in range(orders):
            order = client.post("/api/orders", json=order_body()).get_json()["data"]
            placed.append(order["order_id"])
            if n % 2:
                client.post(f"/api/orders/{order['order_id']}/cancel", environ_base=local)
        placing = time.time() - started
        for order_id in placed:
            for queued in app.extensions["shop"].store.get_order(order_id).get("events", []):
                kind = {"order_received": "order.created", "cancelled": "order.cancelled"}.get(queued["event"])
                if kind:
                    queued_at[(order_id, kind)] = timestamp_of(queued["timestamp"])
        back_at = None
        if down_seconds:
            time.sleep(max(0.0, down_seconds - placing))
            receiver.port = port
            receiver.start()
            back_at = time.time()
        deadline = time.time() + 120
        while len(receiver.arrived) < len(queued_at) and time.time() < deadline:
            time.sleep(0.02)
        done = time.time()
        hub.stop()
        receiver.stop()
        latencies = sorted(receiver.arrived[key] - queued_at[key] for key in receiver.arrived if key in queued_at)
        got = [(r["order_id"], r["type"]) for r in receiver.received]
        out_of_order = sum(
            1 for order_id in placed if [k for o, k in got if o == order_id][:1] not in ([], ["order.created"])
        )
        counts = hub.webhooks.counts()
        return {
            "orders": orders,
            "events": len(queued_at),
            "delivered": len(receiver.arrived),
            "lost": len(queued_at) - len(receiver.arrived),
            "duplicates": len(got) - len(set(got)),
            "out_of_order": out_of_order,
            "bad_signatures": receiver.refused_signatures,
            "answered_500": receiver.failed,
            "attempts": sum(d["attempts"] for d in hub.webhooks.deliveries(hub.webhooks.endpoints()[0]["id"], 10_000)),
            "placing_seconds": round(placing, 2),
            "all_delivered_after_seconds": round(done - started, 2),
            "drained_after_receiver_back_seconds": round(done - back_at, 2) if back_at else None,
            "latency_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
            "latency_p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else None,
            "events_per_second": round(len(receiver.arrived) / max(done - started, 1e-9), 1),
            "given_up": sum(n for (_, status), n in counts.items() if status == "failed"),
        }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--fail-share", type=float, default=0.3)
    parser.add_argument("--down-seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    scenarios = (
        ("healthy receiver", 0.0, 0.0),
        (f"{args.fail_share:.0%} of deliveries answered 500", args.fail_share, 0.0),
        (f"receiver down {args.down_seconds:g} s", 0.0, args.down_seconds),
    )
    for name, share, down in scenarios:
        result = run(args.orders, share, down)
        print(f"{name}: " + ", ".join(f"{key} {value}" for key, value in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
