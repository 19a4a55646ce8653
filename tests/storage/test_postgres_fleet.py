"""Several server processes on one PostgreSQL database, as if on several machines: concurrent
orders, `kill -9` of a server and a database restart in the middle of the load, one Qikink token.
Real processes over HTTP on 127.0.0.1, a real PostgreSQL, the Qikink emulator; bounded counts and times."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from backend.config import Config
from backend.storage.postgres import open_postgres_store
from tests.conftest import make_data_dir, order_body
from tests.harness import EmulatorProcess, Process, ServerProcess, wait_until
from tests.storage.consistency import assert_consistent

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.e2e]

SKUS = ["BHRT-001-M", "BHRT-002-M", "BHRT-003-S", "BHRT-004-M"]
STOCK = 100_000
LEADER_LINE = "This server is now the sync worker of the fleet"
# The same Qikink account for every server: they must share its one token.
FLEET_ENV = {
    "QIKINK_CLIENT_ID": "fleet-client",
    "QIKINK_CLIENT_SECRET": "fleet-secret-for-tests",
    "QIKINK_EMULATOR_STEP_SECONDS": "1000",
    "SERVER_THREADS": "8",
    "DATABASE_POOL_MAX": "10",
}


@pytest.fixture
def fleet(tmp_path, database_url):
    """start(n) → n servers on one database (each with its own data folder for the catalogue)."""
    emulator = EmulatorProcess(tmp_path, step_seconds=1000).start()
    servers = []

    def start(count: int, **env):
        new = []
        for i in range(count):
            data_dir = make_data_dir(tmp_path / f"server-{len(servers) + i}", stock=STOCK)
            new.append(
                ServerProcess(
                    data_dir,
                    tmp_path,
                    emulator_url=emulator.url,
                    env={**FLEET_ENV, "DATABASE_URL": database_url, **env},
                )
            )
        for server in new:  # launched together (Process.start does not wait): they race to migrate and mint
            Process.start(server)
        for server in new:
            wait_until(
                lambda: server.proc.poll() is not None or server.get("/api/health", timeout=1).ok,
                60,
                what=f"server on {server.url}",
            )
            assert server.proc.poll() is None, server.output()[-3000:]
        servers.extend(new)
        return new

    yield start, emulator, database_url
    for server in servers:
        server.stop()
    emulator.stop()


def place_orders(server: ServerProcess, threads: int, per_thread: int, seed: int, stop: threading.Event | None = None):
    """`threads` clients each placing `per_thread` orders; (acknowledged (id, sku, qty), other answers)."""
    acked, others = [], []
    lock = threading.Lock()

    def client(n: int):
        session = requests.Session()
        for i in range(per_thread):
            if stop is not None and stop.is_set():
                return
            sku, quantity = SKUS[(seed + n + i) % len(SKUS)], 1 + (n + i) % 3
            try:
                response = session.post(
                    f"{server.url}/api/orders", timeout=30, json=order_body(items=[{"sku": sku, "quantity": quantity}])
                )
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                # The server is gone: before answering, or (kill -9) in the middle of its answer.
                with lock:
                    others.append(("connection", None, None))
                return
            with lock:
                if response.status_code == 201:
                    acked.append((response.json()["data"]["order_id"], sku, quantity))
                else:
                    body = (
                        response.json()
                        if response.headers.get("Content-Type", "").startswith("application/json")
                        else {}
                    )
                    others.append(
                        (
                            response.status_code,
                            (body.get("error") or {}).get("code"),
                            response.headers.get("Retry-After"),
                        )
                    )

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(client, range(threads)))
    return acked, others


def check_database(database_url: str, data_dir, acked) -> dict:
    """Every acknowledged order stored once with its items; stock = initial - what stored orders took."""
    store = open_postgres_store(Config(data_dir=data_dir, database_url=database_url, database_pool_max=2))
    try:
        ids = store.order_ids()
        assert len(ids) == len(set(ids))
        orders = {order["order_id"]: order for order in store.list_orders(per_page=len(ids) + 1)[0]}
        assert_consistent(orders, store.products(), acked, STOCK)
        return orders
    finally:
        store.close()


def test_two_servers_480_orders_none_lost_or_doubled_each_at_qikink_once(fleet, tmp_path):
    start, emulator, database_url = fleet
    servers = start(2)
    assert emulator.counters()["tokens_minted"] == 1  # two servers started together, one token
    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda s: place_orders(s[1], 12, 20, seed=s[0]), enumerate(servers)))
    load_seconds = time.monotonic() - started
    acked = [a for result in results for a in result[0]]
    assert [o for result in results for o in result[1]] == []
    assert len(acked) == 480 and len({a[0] for a in acked}) == 480
    data_dir = tmp_path / "server-0"
    orders = wait_until(
        lambda: (
            (o := check_database(database_url, data_dir, acked))
            and all(x["qikink_status"] == "synced" for x in o.values())
            and o
        ),
        180,
        interval=0.5,
        what="every order synced",
    )
    assert len(orders) == 480
    counters = emulator.counters()
    assert counters["total_created"] == 480
    assert {orders[a[0]]["qikink_order_number"] for a in acked} == set(counters["created"])
    assert set(counters["created"].values()) == {1}
    assert counters["tokens_minted"] == 1  # both servers used the one token throughout
    print(
        f"\n480 orders by 2 servers x 12 threads: {load_seconds:.1f}s ({480 / load_seconds:.0f} orders/s), "
        f"all at the emulator once; {sum(counters['create_attempts'].values())} create calls"
    )


def test_two_servers_racing_to_mint_share_one_token(fleet):
    start, emulator, _ = fleet
    servers = start(2)  # launched together: both authenticate at start-up
    assert emulator.counters()["tokens_minted"] == 1
    for server in servers:
        response = server.post("/api/orders", json=order_body())
        assert response.status_code == 201 and response.json()["data"]["qikink_status"] == "synced"
        status = server.get("/api/qikink/status").json()
        assert status["status"] == "connected" and status["token_valid_until"]
    assert emulator.counters()["tokens_minted"] == 1 and emulator.counters()["total_created"] == 2


def test_kill_9_of_a_server_mid_load_loses_no_acknowledged_order(fleet, tmp_path):
    start, emulator, database_url = fleet
    victim, survivor = start(2)
    stop = threading.Event()
    with ThreadPoolExecutor(2) as pool:
        on_victim = pool.submit(place_orders, victim, 12, 15, 0)
        on_survivor = pool.submit(place_orders, survivor, 12, 15, 1, stop)
        wait_until(
            lambda: victim.get("/api/orders?per_page=1", timeout=5).json()["pagination"]["total"] >= 80,
            60,
            interval=0.05,
            what="80 orders stored",
        )
        leaders = [s for s in (victim, survivor) if LEADER_LINE in s.output()]
        assert len(leaders) == 1  # one sync worker for the fleet
        victim.kill()
        acked_victim, others_victim = on_victim.result(timeout=120)
        acked_survivor, others_survivor = on_survivor.result(timeout=120)
    assert others_survivor == [] and len(acked_survivor) == 180
    wait_until(lambda: LEADER_LINE in survivor.output(), 60, interval=0.2, what="the survivor leads the worker")
    assert all(kind == "connection" for kind, _, _ in others_victim)
    acked = acked_victim + acked_survivor
    orders = check_database(database_url, tmp_path / "server-0", acked)
    unsent = sum(o["qikink_status"] != "synced" for o in orders.values())
    # What the victim had claimed (the claim lasts 60 s) is sent by the survivor's worker after a
    # lookup by order number: the victim may have reached Qikink before it died.
    began = time.monotonic()
    orders = wait_until(
        lambda: (
            (o := check_database(database_url, tmp_path / "server-0", acked))
            and all(x["qikink_status"] == "synced" for x in o.values())
            and o
        ),
        180,  # the victim's claims last 60 s
        interval=1.0,
        what="the victim's orders sent by the survivor",
    )
    counters = emulator.counters()
    assert counters["total_created"] == len(orders) and set(counters["created"].values()) == {1}
    print(
        f"\nkill -9 after {len(acked_victim)} acknowledged by the victim: {len(orders)} stored, "
        f"{len(acked)} acknowledged, all present; {unsent} left under the victim's claims, sent by the "
        f"survivor {time.monotonic() - began:.0f}s later; every order at the emulator once"
    )


def test_database_restart_mid_load_gives_503_then_recovers_by_itself(fleet, tmp_path, postgres):
    start, emulator, database_url = fleet
    servers = start(2, DATABASE_POOL_TIMEOUT="1")
    stop = threading.Event()
    with ThreadPoolExecutor(2) as pool:
        loads = [pool.submit(place_orders, server, 6, 10_000, n, stop) for n, server in enumerate(servers)]
        wait_until(
            lambda: servers[0].get("/api/orders?per_page=1", timeout=5).json()["pagination"]["total"] >= 40,
            60,
            interval=0.05,
            what="40 orders stored",
        )
        down_at = time.monotonic()
        postgres.stop("fast")
        time.sleep(2.0)
        during = servers[1].post("/api/orders", json=order_body(), timeout=15)
        postgres.start()
        up_at = time.monotonic()
        recovered = [
            wait_until(
                lambda: (
                    server.post("/api/orders", json=order_body(), timeout=15).status_code == 201 and time.monotonic()
                ),
                60,
                interval=0.2,
                what="orders accepted again",
            )
            for server in servers
        ]
        time.sleep(1.0)
        stop.set()
        results = [load.result(timeout=120) for load in loads]
    acked = [a for result in results for a in result[0]]
    others = [o for result in results for o in result[1]]
    assert during.status_code == 503 and during.json()["error"]["code"] == "storage_unavailable"
    assert int(during.headers["Retry-After"]) > 0
    assert others, "some requests must have met the database down"
    assert all(status == 503 and code == "storage_unavailable" and retry for status, code, retry in others), Counter(
        others
    ).most_common(5)
    assert all(server.get("/api/health").status_code == 200 for server in servers)
    check_database(database_url, tmp_path / "server-0", acked)
    assert set(emulator.counters()["created"].values()) <= {1}
    print(
        f"\ndatabase down {up_at - down_at:.1f}s under 2 servers x 6 threads: {len(others)} answers 503 "
        f"storage_unavailable with Retry-After, {len(acked)} orders acknowledged and all present; accepting "
        f"again {max(recovered) - up_at:.1f}s after it was up"
    )


def test_two_servers_deliver_each_orders_webhook_events_once_each_in_order(fleet):
    """Orders placed on both servers, an endpoint added on one: every server fans its orders'
    events out, one delivers (the fleet's lock), and the receiver gets each once, in order."""
    from tests.webhooks.receiver import Receiver

    start, _emulator, _url = fleet
    first, second = start(2)
    receiver = Receiver().start()
    try:
        added = requests.post(f"{first.url}/api/webhooks", json={"url": receiver.url}, timeout=10)
        receiver.secret = added.json()["data"]["secret"]
        placed = [
            requests.post(f"{server.url}/api/orders", json=order_body(), timeout=10).json()["data"]["order_id"]
            for server in (first, second) * 5
        ]
        expected = 2 * len(placed)  # order.created, then order.sent_to_qikink (the emulator takes it at once)
        wait_until(lambda: len(receiver.received) >= expected, 60, what="every event delivered")
        time.sleep(2)  # nothing more arrives: no event went out twice
        got = [(r["order_id"], r["type"]) for r in receiver.received]
        assert len(got) == expected == len(set(got)), got
        for order_id in placed:
            assert [kind for o, kind in got if o == order_id] == ["order.created", "order.sent_to_qikink"]
        assert receiver.refused_signatures == 0
    finally:
        receiver.stop()
