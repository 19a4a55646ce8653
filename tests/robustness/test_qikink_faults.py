"""§5 Qikink faults: the emulator's whole fault matrix while orders keep coming; an outage; a token
minted by another process. Afterwards every order is at Qikink exactly once."""

from __future__ import annotations

import time

import pytest
import requests

from qikink_emulator import FAULT_KINDS
from tests.conftest import make_data_dir
from tests.harness import wait_until
from tests.robustness import figures
from tests.robustness.conftest import ADMIN_KEY, CLIENT_ID, CLIENT_SECRET
from tests.robustness.support import percentile, tagged_order

pytestmark = pytest.mark.slow
ADMIN = {"X-Admin-Key": ADMIN_KEY}
FAULT_OPTIONS = {"latency": {"seconds": 0.5}, "hang": {"seconds": 2.5}}
SKIPPED = "the order will be sent when it is back"  # the breaker's reason: Qikink was not called


def test_fault_matrix_outage_and_stolen_token_sync_every_order_once(tmp_path, emulator, start_server):
    data_dir = make_data_dir(tmp_path / "data", stock=100_000)
    server = start_server(
        data_dir, emulator_url=emulator.url, QIKINK_BREAKER_COOLDOWN_SECONDS=4, QIKINK_PUSH_BUDGET_SECONDS=2
    )
    created: list[str] = []
    reasons: list[str | None] = []
    counter = iter(range(10_000))

    def order(**kwargs) -> float:
        tag = f"fault-{next(counter)}"
        started = time.monotonic()
        response = server.post("/api/orders", json=tagged_order(tag), headers={"Idempotency-Key": tag}, timeout=30)
        elapsed = time.monotonic() - started
        assert response.status_code == 201, response.text
        assert response.json()["data"]["qikink_status"] in ("synced", "sync_pending")
        created.append(response.json()["data"]["order_id"])
        reasons.append(response.json()["qikink_integration"].get("reason"))
        return elapsed

    for _ in range(2):
        order()
    # 1. Every fault kind, on every Qikink path, while orders keep coming.
    for kind in FAULT_KINDS:
        emulator.fault(kind, count=2, **FAULT_OPTIONS.get(kind, {}))
        for _ in range(3):
            order()
        emulator.clear_faults()
    # 2. An outage: every call fails. Order creation must stay fast: the circuit breaker answers
    # most orders without calling Qikink (asserted on the answers; the latencies are figures).
    outage, skipped = {}, {}
    for kind in ("503", "hang"):
        emulator.fault(kind, fraction=1.0, **FAULT_OPTIONS.get(kind, {}))
        outage[kind] = [order() for _ in range(20)]
        skipped[kind] = sum(SKIPPED in (reason or "") for reason in reasons[-20:])
        emulator.clear_faults()
    latencies = outage["503"] + outage["hang"]
    figures.put("outage_p50_ms", percentile(latencies, 0.5) * 1000)
    figures.put("outage_p99_ms", percentile(latencies, 0.99) * 1000)
    # 3. Another process mints a token for the same client id: ours stops working mid-run.
    for _ in range(3):
        stolen = requests.post(
            f"{emulator.url}/api/token", data={"ClientId": CLIENT_ID, "client_secret": CLIENT_SECRET}, timeout=5
        )
        assert stolen.ok
        for _ in range(2):
            order()

    def all_synced():
        orders = {
            o["order_id"]: o for o in server.get("/api/orders", params={"per_page": 200}, headers=ADMIN).json()["data"]
        }
        return all(orders[i]["qikink_status"] == "synced" for i in created) and orders

    try:
        wait_until(all_synced, 180, interval=1, what="every order synced after recovery")
    except TimeoutError:
        orders = server.get("/api/orders", params={"per_page": 200}, headers=ADMIN).json()["data"]
        pending = [(o["order_id"], o["qikink_status"]) for o in orders if o["qikink_status"] != "synced"]
        raise AssertionError(f"not synced: {pending[:10]}") from None
    counters = emulator.counters()
    figures.add("faults_injected", counters["faults_injected"] + 3)
    twice = {n: c for n, c in counters["created"].items() if c != 1}
    figures.add("orders_duplicated", len(twice))
    assert not twice, twice
    assert sorted(counters["created"]) == sorted(i.replace("-", "") for i in created)
    assert all(count >= 10 for count in skipped.values()), f"orders answered without calling Qikink: {skipped}"
