"""§1 Load: concurrent clients against two server processes on one data directory."""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import Counter

import pytest
import requests

from tests.conftest import make_data_dir
from tests.robustness import figures
from tests.robustness.support import SKUS, check_data_dir, tagged_order

pytestmark = pytest.mark.slow

CLIENTS = 6
SECONDS = 12.0  # how long the load lasts, once each client has placed its minimum
MIN_PER_CLIENT = 10  # however slow the machine: 60 orders, whatever the clock says
STOCK = 1_000_000


def test_two_servers_under_concurrent_load_lose_and_double_nothing(tmp_path, start_server):
    data_dir = make_data_dir(tmp_path / "data", stock=STOCK)
    servers = [start_server(data_dir, SERVER_THREADS=8), start_server(data_dir, SERVER_THREADS=8)]
    acked: dict[str, tuple[str, str, int]] = {}
    errors: Counter = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def client(number: int) -> None:
        rng = random.Random(number)
        session = requests.Session()
        for n in itertools.count():
            if n >= 100_000 or (n >= MIN_PER_CLIENT and time.monotonic() >= deadline):
                return
            server = servers[n % 2]
            tag = f"load-{number}-{n}"
            sku, quantity = rng.choice(SKUS), rng.randint(1, 3)
            # One key per logical order: a retry after a lost answer must not order twice.
            headers = {"Idempotency-Key": tag}
            for attempt in range(3):
                try:
                    response = session.post(
                        f"{server.url}/api/orders", json=tagged_order(tag, sku, quantity), headers=headers, timeout=15
                    )
                except requests.RequestException as exc:
                    with lock:
                        errors[type(exc).__name__] += 1
                    continue
                if response.status_code == 201:
                    with lock:
                        acked[tag] = (response.json()["data"]["order_id"], sku, quantity)
                    break
                with lock:
                    errors[f"{response.status_code} {response.json()['error']['code']}"] += 1
                if response.status_code != 503:
                    break
            if n % 10 == 0 and tag in acked:
                seen = session.get(
                    f"{servers[(n + 1) % 2].url}/api/orders/{acked[tag][0]}",
                    params={"email": f"{tag}@example.com"},
                    timeout=15,
                )
                if seen.status_code != 200:
                    with lock:
                        errors[f"read {seen.status_code}"] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SECONDS + 600)  # a hang's bound, not the load's
    elapsed = time.monotonic() - started
    for server in servers:
        server.stop()

    figures.put("load_orders", len(acked))
    figures.put("load_seconds", elapsed)
    figures.put("load_orders_per_second", len(acked) / elapsed)
    figures.put("load_errors", dict(errors))
    assert not any(thread.is_alive() for thread in threads)
    assert len(acked) > 50, errors
    ids = [ack[0] for ack in acked.values()]
    assert len(ids) == len(set(ids)), "two acknowledged orders share an id"
    assert all(len(order_id) <= 15 for order_id in ids)
    check_data_dir(data_dir, acked, STOCK)
    assert not errors, f"errors under load: {dict(errors)}"
