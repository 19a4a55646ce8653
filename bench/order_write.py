"""Time one durable order write (JournalOrderStore.create_order) with N orders already stored.

.venv/bin/python bench/order_write.py 100 10000
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.storage import JournalOrderStore, load_catalogue  # noqa: E402
from tests.conftest import make_data_dir  # noqa: E402


def builder(products, order_id):
    order = {
        "order_id": order_id,
        "customer_email": "bench@example.com",
        "items": [{"sku": "BHRT-002-M", "quantity": 1, "price": 999, "line_total": 999}],
        "status": "pending",
        "qikink_status": "sync_pending",
        "created_at": "2026-01-01T00:00:00+00:00",
    }
    return order, {"BHRT-002-M": 1}


def measure(stored: int, samples: int = 200) -> list[float]:
    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parent) as tmp:
        data_dir = make_data_dir(Path(tmp) / "data", stock=10_000_000)
        store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
        for _ in range(stored):
            store.create_order(builder)
        timings = []
        for _ in range(samples):
            start = time.perf_counter()
            store.create_order(builder)
            timings.append((time.perf_counter() - start) * 1000)
        return timings


def main(argv):
    sizes = [int(a) for a in argv] or [100, 10_000]
    print(f"{'stored':>8} {'median ms':>10} {'p99 ms':>8}")
    for size in sizes:
        timings = sorted(measure(size))
        print(f"{size:>8} {statistics.median(timings):>10.2f} {timings[int(len(timings) * 0.99) - 1]:>8.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
