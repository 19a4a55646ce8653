"""End to end: the real server (`python -m backend`) and the real emulator (`python -m
qikink_emulator`) as processes, over HTTP on 127.0.0.1 only, every wait bounded (tests/harness.py).

Exactly once is checked with the emulator's counters: `created[number]` (orders Qikink holds for
one order number) and `create_attempts[number]` (create calls that reached it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.conftest import ADDRESS, make_data_dir, order_body
from tests.harness import BASE_ENV, ROOT, EmulatorProcess, ServerProcess, free_port, wait_until
from tests.support import EmulatorControl

pytestmark = pytest.mark.e2e

GUIDE_ORDER = {
    "customer_email": "test@bharat.com",
    "shipping_address": "Test Address, Delhi",
    "items": [{"sku": "BHRT-001-M", "quantity": 1, "price": 1299}],
}
# A push budget far past anything the test waits for: an answer well within half of it was not
# held by the budget, however slow the machine.
LONG_PUSH_BUDGET = 60.0
HAPPY_EVENTS = [
    "order_received",
    "order_synced",
    "order_processing",
    "ready_to_ship",
    "in_transit",
    "out_for_delivery",
    "delivered",
]


@pytest.fixture
def data_dir(tmp_path):
    return make_data_dir(tmp_path / "data")


def start(processes, process):
    processes.append(process)
    return process.start()


def number(order_id: str) -> str:
    return order_id.replace("-", "")


def place(server, body=None, **kwargs):
    return server.post("/api/orders", json=body if body is not None else order_body(), **kwargs)


def order(server, order_id) -> dict:
    return server.get(f"/api/orders/{order_id}").json()["data"]  # admin: the test runs on loopback


def wait_synced(server, order_ids, timeout=90):
    # A server learns of orders another process queued at its catch-up (every 30 s): room for two.
    wait_until(
        lambda: all(order(server, i)["qikink_status"] == "synced" for i in order_ids),
        timeout,
        interval=0.2,
        what=f"{len(order_ids)} orders synced",
    )


def test_the_guides_five_testing_steps_in_order(tmp_path, data_dir, processes):
    emulator = start(processes, EmulatorProcess(tmp_path))
    server = start(processes, ServerProcess(data_dir, tmp_path, emulator_url=emulator.url))

    # Step 1: verify the connection.
    status = server.get("/api/qikink/status")
    assert status.status_code == 200
    assert (status.json()["status"], status.json()["environment"]) == ("connected", "emulator")
    assert status.json()["client_id"].endswith("...") and status.json()["qikink_api"] == emulator.url

    # Step 2: test authentication.
    authenticated = server.post("/api/qikink/authenticate")
    assert authenticated.status_code == 200 and authenticated.json()["status"] == "authenticated"

    # Step 3: sync products.
    synced = server.post("/api/qikink/sync")
    assert synced.status_code == 200
    assert synced.json()["products_synced"] == 8 and synced.json()["qikink_integration"]["status"] == "success"

    # Step 4: create test orders, the guide's own body (a plain string address) and a structured one.
    guide = place(server, GUIDE_ORDER)
    assert guide.status_code == 201 and guide.headers["Location"].endswith(guide.json()["data"]["order_id"])
    assert guide.json()["data"]["qikink_status"] == "action_required"
    assert guide.json()["data"]["shipping_address"] == "Test Address, Delhi"
    structured = place(server)
    assert structured.status_code == 201
    data = structured.json()["data"]
    assert (data["status"], data["qikink_status"]) == ("confirmed", "synced") and data["qikink_shipment_id"]

    # Step 5: check the fulfilment status of both.
    tracked = server.get(f"/api/qikink/fulfillment/{data['order_id']}")
    assert tracked.status_code == 200 and tracked.json()["qikink_shipment_id"] == data["qikink_shipment_id"]
    assert [e["event"] for e in tracked.json()["events"]][:2] == ["order_received", "order_synced"]
    waiting = server.get(f"/api/qikink/fulfillment/{guide.json()['data']['order_id']}").json()
    assert waiting["status"] == "action_required" and waiting["qikink_shipment_id"] is None

    seen = emulator.counters()
    assert seen["created"] == {number(data["order_id"]): 1}
    assert seen["create_attempts"] == {number(data["order_id"]): 1}, "nothing sent for the string address"


def test_emulator_down_orders_queue_quickly_and_after_restart_each_is_sent_once(tmp_path, data_dir, processes):
    emulator = start(processes, EmulatorProcess(tmp_path))
    budget = {"QIKINK_PUSH_BUDGET_SECONDS": str(LONG_PUSH_BUDGET)}
    server = start(processes, ServerProcess(data_dir, tmp_path, emulator_url=emulator.url, env=budget))
    emulator.stop()

    ids = []
    for _ in range(4):
        started = time.monotonic()
        response = place(server, timeout=LONG_PUSH_BUDGET + 30)
        # Queued on Qikink's refused connection: not held until the budget, nor until Qikink is back.
        assert time.monotonic() - started < LONG_PUSH_BUDGET / 2
        assert response.status_code == 201
        data = response.json()["data"]
        assert (data["status"], data["qikink_status"]) == ("pending", "sync_pending")
        assert response.json()["message"] == "Order created successfully (Qikink sync pending)"
        ids.append(data["order_id"])

    emulator = start(processes, EmulatorProcess(tmp_path, port=emulator.port))
    wait_synced(server, ids)
    seen = emulator.counters()
    assert seen["created"] == {number(i): 1 for i in ids}
    assert seen["create_attempts"] == {number(i): 1 for i in ids}


def test_lost_answer_still_makes_one_qikink_order(tmp_path, data_dir, processes):
    emulator = start(processes, EmulatorProcess(tmp_path))
    server = start(processes, ServerProcess(data_dir, tmp_path, emulator_url=emulator.url))
    emulator.fault("lose_answer", count=1, paths=["/api/order/create"])
    response = place(server)
    assert response.status_code == 201
    order_id = response.json()["data"]["order_id"]
    wait_synced(server, [order_id])
    seen = emulator.counters()
    assert seen["created"] == {number(order_id): 1} and seen["create_attempts"] == {number(order_id): 1}


def test_status_progresses_to_delivered_with_its_events_in_order(tmp_path, data_dir, processes):
    emulator = start(processes, EmulatorProcess(tmp_path, step_seconds=0.5))
    server = start(
        processes,
        ServerProcess(data_dir, tmp_path, emulator_url=emulator.url, env={"QIKINK_EMULATOR_STEP_SECONDS": "0.5"}),
    )
    order_id = place(server).json()["data"]["order_id"]
    delivered = wait_until(
        lambda: (view := server.get(f"/api/qikink/fulfillment/{order_id}").json())["status"] == "delivered" and view,
        60,
        interval=0.25,
        what="delivered",
    )
    events = [e["event"] for e in delivered["events"]]
    assert events[:2] == ["order_received", "order_synced"] and events[-1] == "delivered"
    assert events == [e for e in HAPPY_EVENTS if e in events], "in order, each once"
    assert delivered["qikink_raw_status"] == "Delivered" and delivered["courier"] == "Delhivery"
    assert delivered["tracking_number"] and delivered["tracking_url"].endswith(delivered["tracking_number"])
    assert order(server, order_id)["status"] == "delivered"


def test_two_servers_on_one_data_directory_send_each_pending_order_once(tmp_path, data_dir, processes):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    servers = [start(processes, ServerProcess(data_dir, tmp_path, emulator_url=url)) for _ in range(2)]
    ids = []
    for server in servers * 3:
        response = place(server)
        assert response.status_code == 201 and response.json()["data"]["qikink_status"] == "sync_pending"
        ids.append(response.json()["data"]["order_id"])
    assert len(set(ids)) == 6

    emulator = start(processes, EmulatorProcess(tmp_path, port=port))
    wait_synced(servers[0], ids)
    seen = emulator.counters()
    assert seen["created"] == {number(i): 1 for i in ids}
    assert seen["create_attempts"] == {number(i): 1 for i in ids}


def test_sync_command_sends_pending_orders_once(tmp_path, data_dir, processes):
    offline = start(processes, ServerProcess(data_dir, tmp_path))  # QIKINK_ENV=off: orders only queue
    ids = [place(offline).json()["data"]["order_id"] for _ in range(3)]
    assert {order(offline, i)["qikink_status"] for i in ids} == {"sync_pending"}
    offline.stop()

    emulator = start(processes, EmulatorProcess(tmp_path))
    env = {**BASE_ENV, "DATA_DIR": str(data_dir), "QIKINK_ENV": "emulator", "QIKINK_BASE_URL": emulator.url}

    def sync_command():
        done = subprocess.run(
            [sys.executable, "-m", "backend", "sync"],
            cwd=ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return json.loads(done.stdout[done.stdout.index("{") :])

    assert sync_command()["pushed"] == 3
    assert sync_command()["pushed"] == 0
    seen = emulator.counters()
    assert seen["created"] == {number(i): 1 for i in ids}


def test_default_embedded_emulator_syncs_an_order_and_delivers_it(tmp_path, data_dir, processes):
    emulator_port = free_port()
    server = start(
        processes,
        ServerProcess(
            data_dir,
            tmp_path,
            env={
                "QIKINK_ENV": "emulator",
                "QIKINK_BASE_URL": "",
                "QIKINK_EMULATOR_PORT": str(emulator_port),
                "QIKINK_EMULATOR_STEP_SECONDS": "0.5",
            },
        ),
    )
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    assert f"local emulator at {emulator_url}" in server.output()
    assert "Qikink authentication: SUCCESS" in server.output()

    response = place(server, order_body(shipping_address=dict(ADDRESS)))
    assert response.status_code == 201 and response.json()["data"]["qikink_status"] == "synced"
    order_id = response.json()["data"]["order_id"]
    wait_until(lambda: order(server, order_id)["status"] == "delivered", 60, interval=0.25, what="delivered")
    counters = EmulatorControl(emulator_url).counters()
    assert counters["created"] == {number(order_id): 1}
