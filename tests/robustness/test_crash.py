"""§2 Crash: SIGKILL the server process at random moments during an HTTP write load."""

from __future__ import annotations

import itertools
import random
import threading
import time

import pytest
import requests

from tests.conftest import make_data_dir
from tests.harness import wait_until
from tests.robustness import figures
from tests.robustness.conftest import ADMIN_KEY
from tests.robustness.support import SKUS, check_data_dir, tagged_order

# Kills until KILLS, however long that takes on this machine; the timeout only stops a hang.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

KILLS = int(__import__("os").environ.get("RB_KILLS", "50"))
STOCK = 1_000_000
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


def stored_orders(server) -> list[dict]:
    """Every order through the admin list, page by page."""
    orders, page = [], 1
    while page <= 100:
        body = server.get("/api/orders", params={"page": page, "per_page": 200}, headers=ADMIN).json()
        orders.extend(body["data"])
        if page * 200 >= body["pagination"]["total"]:
            return orders
        page += 1
    raise AssertionError("too many pages")


def write_load(server, rng: random.Random, prefix: str, acked: dict, in_flight: dict, stop: threading.Event):
    """Three clients posting tagged orders until `stop`; records 201s and requests left unanswered."""
    lock = threading.Lock()

    def client(number):
        session = requests.Session()
        for n in itertools.count():
            if stop.is_set() or n >= 10_000:
                return
            tag = f"{prefix}-{number}-{n}"
            sku, quantity = rng.choice(SKUS), rng.randint(1, 3)
            with lock:
                in_flight[tag] = (sku, quantity)
            try:
                response = session.post(
                    f"{server.url}/api/orders",
                    json=tagged_order(tag, sku, quantity),
                    headers={"Idempotency-Key": tag},
                    timeout=10,
                )
            except requests.RequestException:
                return  # the server died under us: the request stays in flight
            with lock:
                del in_flight[tag]
                if response.status_code == 201:
                    acked[tag] = (response.json()["data"]["order_id"], sku, quantity)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    return threads


def test_sigkill_during_write_load_loses_nothing_and_sends_nothing_twice(tmp_path, emulator, start_server):
    data_dir = make_data_dir(tmp_path / "data", stock=STOCK)
    rng = random.Random(5)
    acked: dict[str, tuple[str, str, int]] = {}
    kills, dead_pid, unanswered = 0, None, {}
    while kills < KILLS:
        server = start_server(data_dir, emulator_url=emulator.url)
        # After each restart: no temp file of the killed process, every 201 present exactly once.
        if dead_pid is not None:
            assert not [p for p in data_dir.rglob(f"*.{dead_pid}.*.tmp")], "temp files survived the restart"
        orders = stored_orders(server)
        ids = [o["order_id"] for o in orders]
        assert len(ids) == len(set(ids))
        tags = [o["customer_email"].split("@")[0] for o in orders]
        assert len(tags) == len(set(tags)), "an order was stored twice"
        lost = [tag for tag, ack in acked.items() if ack[0] not in set(ids)]
        assert not lost, f"acknowledged orders missing after restart {kills}: {lost[:5]}"

        stop, in_flight = threading.Event(), {}
        threads = write_load(server, rng, f"crash{kills}", acked, in_flight, stop)
        wait_until(
            # a copy: the load's threads add to `acked` meanwhile (dict.copy is one step under the GIL)
            lambda: any(t.startswith(f"crash{kills}-") for t in acked.copy()) or server.proc.poll() is not None,
            60,
            what="a first 201",
        )
        time.sleep(rng.uniform(0.0, 0.6))
        dead_pid = server.proc.pid
        server.kill()
        kills += 1
        stop.set()
        for thread in threads:
            thread.join(15)
        assert not any(thread.is_alive() for thread in threads)
        unanswered.update(in_flight)
    figures.add("crashes_survived", kills)

    # Clients whose requests died with the server send them again with the same key: one order each.
    server = start_server(data_dir, emulator_url=emulator.url)
    for tag, (sku, quantity) in unanswered.items():
        response = server.post(
            "/api/orders", json=tagged_order(tag, sku, quantity), headers={"Idempotency-Key": tag}, timeout=30
        )
        assert response.status_code == 201, response.text
        acked[tag] = (response.json()["data"]["order_id"], sku, quantity)
    server.stop()

    by_tag = check_data_dir(data_dir, acked, STOCK)
    # The worker resumes: every order reaches Qikink, and none twice.
    server = start_server(data_dir, emulator_url=emulator.url)

    def all_synced():
        orders = stored_orders(server)
        return all(o["qikink_status"] == "synced" for o in orders) and orders

    try:
        orders = wait_until(all_synced, 300, interval=1, what="every order synced")
    except TimeoutError:
        pending = [(o["order_id"], o["qikink_status"]) for o in stored_orders(server) if o["qikink_status"] != "synced"]
        raise AssertionError(f"{len(pending)} orders never synced: {pending[:5]}") from None
    created = emulator.counters()["created"]
    numbers = {o["qikink_order_number"] for o in orders}
    twice = {n: c for n, c in created.items() if c > 1}
    figures.add("orders_duplicated", len(twice))
    assert not twice, f"orders created twice at Qikink: {twice}"
    assert set(created) == numbers, "Qikink holds orders the shop does not know, or misses some"
    assert len(by_tag) >= len(acked)
