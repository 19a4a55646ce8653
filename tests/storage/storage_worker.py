"""A child process for the concurrency and crash tests: places orders through the real service
on a shared data directory and prints `OK <order_id>` for each one answered 201."""

from __future__ import annotations

import random
import sys
import threading
from pathlib import Path

from backend import create_app
from backend.config import Config
from tests.conftest import order_body

SKUS = ["BHRT-001-M", "BHRT-002-M", "BHRT-003-S", "BHRT-004-M"]


def main(data_dir: str, threads: int, per_thread: int) -> None:
    app = create_app(
        Config(data_dir=Path(data_dir), ratelimit_enabled=False, app_env="test", qikink_env="off", lock_timeout=60)
    )
    out_lock = threading.Lock()

    def work(seed: int) -> None:
        client = app.test_client()
        rng = random.Random(seed)
        for _ in range(per_thread):
            sku = rng.choice(SKUS)
            quantity = rng.randint(1, 3)
            response = client.post("/api/orders", json=order_body(items=[{"sku": sku, "quantity": quantity}]))
            with out_lock:
                if response.status_code == 201:
                    print(f"OK {response.json['data']['order_id']} {sku} {quantity}", flush=True)
                else:
                    print(f"ERR {response.status_code} {response.json['error']['code']}", flush=True)

    workers = [threading.Thread(target=work, args=(seed,)) for seed in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
