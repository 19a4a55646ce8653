"""An admin pressing "authenticate" and "sync" again and again never takes the threads customers
need (issue 24): the real server (4 threads) and the emulator as processes on 127.0.0.1, with this
minute's Qikink calls spent through the data directory's budget file (shared by every process on
it). Every customer request is answered correctly, every admin request is answered (200 or 429
with Retry-After), and Qikink saw no new token. Times are not asserted: the client timeout only
guards against a hang."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from backend.qikink import CallBudget
from tests.conftest import make_data_dir, order_body
from tests.harness import EmulatorProcess, ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CLIENT_ID = "hammer-test-client"
HANG_GUARD = 60  # seconds: far beyond any answer; only a request stuck behind the budget reaches it
EMAIL = "asha@example.com"


def spend(budget) -> None:
    """Take every call the window has left, as other processes of the shop would have."""
    for kind in ("tracking", "lookup", "create", "token"):
        while not budget.try_take(kind):
            pass


def test_customers_are_answered_while_an_admin_hammers_authenticate_and_sync(tmp_path, processes):
    emulator = EmulatorProcess(tmp_path, rate_limit=30)
    processes.append(emulator.start())
    data_dir = make_data_dir(tmp_path / "data", stock=1000)
    server = ServerProcess(
        data_dir,
        tmp_path,
        emulator_url=emulator.url,
        env={
            "QIKINK_CLIENT_ID": CLIENT_ID,
            "QIKINK_CLIENT_SECRET": "hammer-test-secret",
            "QIKINK_RATE_LIMIT_PER_MINUTE": "30",
            "SERVER_THREADS": "4",
        },
    )
    processes.append(server.start())
    placed = server.post("/api/orders", json=order_body(), timeout=HANG_GUARD)
    assert placed.status_code == 201 and placed.json()["data"]["qikink_status"] == "synced"
    order_id = placed.json()["data"]["order_id"]
    tokens = emulator.counters()["tokens_minted"]

    spend(CallBudget(30, path=data_dir / "qikink-budget.json", account=CLIENT_ID))

    def admin(n):
        path = "/api/qikink/sync" if n % 5 == 0 else "/api/qikink/authenticate?force=1"
        return server.post(path, timeout=HANG_GUARD)

    customer_paths = [
        "/api/products",
        "/api/charges",
        f"/api/orders/{order_id}?email={EMAIL}",
        f"/api/qikink/fulfillment/{order_id}?email={EMAIL}",
        "/api/docs",
    ]

    def customer(n):
        return server.get(customer_paths[n % len(customer_paths)], timeout=HANG_GUARD)

    with ThreadPoolExecutor(max_workers=8) as admins, ThreadPoolExecutor(max_workers=4) as customers:
        admin_answers = admins.map(admin, range(60))
        customer_answers = list(customers.map(customer, range(40)))
        admin_answers = list(admin_answers)
        new_order = server.post("/api/orders", json=order_body(), timeout=HANG_GUARD)

    assert [a.status_code for a in customer_answers] == [200] * len(customer_answers)
    assert new_order.status_code == 201 and new_order.json()["data"]["qikink_status"] == "sync_pending"
    forced = [a for n, a in enumerate(admin_answers) if n % 5]
    assert {a.status_code for a in forced} == {429}, "the token of a minute ago is kept"
    assert all(int(a.headers["Retry-After"]) >= 1 and a.json()["error"]["code"] == "rate_limited" for a in forced)
    syncs = [a for n, a in enumerate(admin_answers) if n % 5 == 0]
    assert {a.status_code for a in syncs} == {200}
    assert any(a.json()["orders"]["waiting_for_budget"] for a in syncs), "the order in flight waits for the budget"
    assert emulator.counters()["tokens_minted"] == tokens, "no forced mint reached Qikink"
