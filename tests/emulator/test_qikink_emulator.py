"""The client against the emulator over real HTTP: token, create, read, list, rules, clock, limit."""

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from backend.qikink import (
    QikinkAuthError,
    QikinkClient,
    QikinkConfig,
    QikinkNotFound,
    QikinkRateLimited,
    QikinkValidationError,
)
from backend.qikink.mapping import to_fulfilment, to_qikink_order
from qikink_emulator import EmulatorServer
from tests.harness import wait_until
from tests.qikink.conftest import CLIENT_ID, SECRET
from tests.qikink.qikink_samples import BLANK_PRODUCT, MY_PRODUCT, our_order
from tests.support import EmulatorControl, FakeClock, run_in_threads


def payload(order_id="BHRT-1733304000", product=BLANK_PRODUCT, **changes):
    return to_qikink_order(our_order(order_id=order_id, **changes), {"BHRT-001-M": product})


def counters(emu):
    return EmulatorControl(emu.url).counters()


def client_for(server, clock=None, **overrides):
    options = {
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "base_url": server.url,
        "read_timeout": 2.0,
        "rate_limit_per_minute": 0,
        "max_retries": 2,
    }
    options.update(overrides)
    kwargs = {"clock": clock, "sleep": clock.sleep} if clock else {"sleep": lambda s: None}
    return QikinkClient(QikinkConfig(**options), **kwargs)


def test_token_only_from_a_form_body(emu):
    refused = requests.post(f"{emu.url}/api/token", timeout=5, json={"ClientId": CLIENT_ID, "client_secret": SECRET})
    assert refused.status_code == 401 and "error" in refused.json()
    minted = requests.post(f"{emu.url}/api/token", timeout=5, data={"ClientId": CLIENT_ID, "client_secret": SECRET})
    assert minted.json()["expires_in"] == 3600 and minted.json()["Accesstoken"]


def test_client_authenticates_once_for_many_calls(emu, emu_client):
    emu_client.create_order(payload())
    for _ in range(3):
        emu_client.list_orders()
    assert emu_client.token_valid_until is not None
    assert counters(emu)["tokens_minted"] == 1
    assert counters(emu)["signed_calls"] == counters(emu)["calls"] == 5


def test_twenty_threads_share_one_token(emu, emu_client):
    barrier = threading.Barrier(20)
    errors = []

    def worker():
        barrier.wait()
        try:
            emu_client.list_orders()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    run_in_threads(worker, [()] * 20)
    assert errors == [] and counters(emu)["tokens_minted"] == 1


def test_token_knocked_out_by_another_mint_is_replaced_on_read(emu, emu_client):
    created = emu_client.create_order(payload())
    requests.post(f"{emu.url}/api/token", data={"ClientId": CLIENT_ID, "client_secret": "x"}, timeout=5)
    assert emu_client.get_order(created["order_id"])["order_id"] == int(created["order_id"])
    assert counters(emu)["tokens_minted"] == 3


def test_wrong_secret_is_refused_when_credentials_are_set():
    with EmulatorServer(client_id=CLIENT_ID, client_secret=SECRET, step_seconds=0) as server:
        with pytest.raises(QikinkAuthError) as caught:
            client_for(server, client_secret="wrong").authenticate()
        assert caught.value.http_status == 401 and "wrong" not in str(caught.value)
        assert client_for(server).authenticate().token


def test_token_expires_after_an_hour():
    clock = FakeClock()
    with EmulatorServer(step_seconds=0, clock=clock) as server:
        client = client_for(server, clock)
        token = client.authenticate().token
        clock.advance(3601)
        headers = {"ClientId": CLIENT_ID, "Accesstoken": token}
        assert requests.get(f"{server.url}/api/order", headers=headers, timeout=5).status_code == 401
        client.list_orders()  # renewed before use
        assert server.store.counters()["tokens_minted"] == 2


def test_create_read_and_list(emu, emu_client):
    ids = [emu_client.create_order(payload(f"BHRT-{n}"))["order_id"] for n in range(12)]
    assert ids == [str(40000001 + n) for n in range(12)]
    order = emu_client.get_order(ids[0])
    assert (order["number"], order["status"], order["total_order_value"]) == ("654367_BHRT0", "Live", "2598.00")
    assert order["line_items"][0]["designs"][0]["placement"] == "fr"
    first, second, third = (emu_client.list_orders(n) for n in (1, 2, 3))
    assert [o["number"] for o in first] == [f"654367_BHRT{n}" for n in range(11, 1, -1)]
    assert [o["number"] for o in second] == ["654367_BHRT1", "654367_BHRT0"]
    assert third == []
    assert emu_client.find_order_by_number("BHRT3")["order_id"] == int(ids[3])
    assert emu_client.find_order_by_number("BHRT99") is None


def test_read_answers_a_one_element_array(emu, emu_client):
    created = emu_client.create_order(payload())
    token = emu_client.authenticate().token
    headers = {"ClientId": CLIENT_ID, "Accesstoken": token}
    answer = requests.get(f"{emu.url}/api/order", params={"id": created["order_id"]}, headers=headers, timeout=5).json()
    assert isinstance(answer, list) and len(answer) == 1
    unknown = requests.get(f"{emu.url}/api/order", params={"sku": "x"}, headers=headers, timeout=5).json()
    assert unknown == {"error": True, "message": "Invalid parameter: sku"}
    with pytest.raises(QikinkNotFound):
        emu_client.get_order("1")


def test_duplicate_create_returns_the_existing_order(emu, emu_client):
    first = emu_client.create_order(payload())
    again = emu_client.create_order(payload())
    assert (again["order_id"], again["existing"]) == (first["order_id"], True)
    assert counters(emu)["created"] == {"BHRT1733304000": 1}


def _without(key):
    def change(body):
        del body["shipping_address"][key]

    return change


def _set(path, value):
    def change(body):
        target = body
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


RULES = [
    (_set(["order_number"], "BHRT-1"), "Order No cannot contain special characters"),
    (_set(["order_number"], "B" * 16), "Order no. cannot exceed 15 chars"),
    (_without("last_name"), 'Undefined array key "last_name"'),
    (_without("address2"), 'Undefined array key "address2"'),
    (
        _set(["line_items", 0, "designs", 0, "mockup_link"], ""),
        "Design code, Mockup Link and placement sku is mandatory",
    ),
    (_set(["line_items", 0, "print_type_id"], None), "Invalid print_type_id"),
    (_set(["line_items", 0, "designs"], []), "Designs are required with search_from_my_products 0"),
    (
        _set(["line_items", 0, "search_from_my_products"], 1),
        "print_type_id and designs are not allowed with search_from_my_products 1",
    ),
    (_set(["line_items", 0, "quantity"], 2), "Invalid quantity"),
    (_set(["line_items"], []), "Line items are required"),
    (_set(["gateway"], "UPI"), "Invalid gateway"),
    (_set(["shipping_address", "address1"], "x" * 91), "Address1 cannot exceed 90 chars"),
    (_set(["shipping_address", "province"], "MH"), "Invalid province"),
    (_set(["shipping_address", "phone"], "+919876543210"), "Invalid phone number"),
    (_set(["shipping_address", "zip"], "40001"), "Invalid zip code"),
    (_set(["shipping_address", "city"], ""), "city is required"),
]


@pytest.mark.parametrize("change, message", RULES)
def test_create_rules(emu, emu_client, change, message):
    body = payload()
    change(body)
    with pytest.raises(QikinkValidationError) as caught:
        emu_client.create_order(body)
    assert caught.value.qikink_message == message
    assert counters(emu)["total_created"] == 0


def test_my_products_sku_checked_when_known():
    with EmulatorServer(step_seconds=0, my_products={"BHRT001M"}) as server:
        client = client_for(server)
        assert client.create_order(payload(product=MY_PRODUCT))["order_id"]
        unknown = payload("BHRT-2", product={"qikink": {"search_from_my_products": 1, "sku": "NOPE"}})
        with pytest.raises(QikinkValidationError, match="Invalid SKU"):
            client.create_order(unknown)


def test_status_advances_on_the_clock():
    clock = FakeClock()
    with EmulatorServer(step_seconds=10, clock=clock) as server:
        client = client_for(server)
        order_id = client.create_order(payload())["order_id"]
        seen = []
        for _ in range(8):
            seen.append(to_fulfilment(client.get_order(order_id)))
            clock.advance(10)
    assert [v["raw_status"] for v in seen] == [
        "Live",
        "To be Printed",
        "Printed",
        "Manifested",
        "In-Transit",
        "out for delivery",
        "Delivered",
        "Delivered",
    ]
    assert seen[2]["tracking_number"] is None
    shipped = seen[3]
    assert (shipped["status"], shipped["courier"], shipped["tracking_number"]) == (
        "ready_to_ship",
        "Delhivery",
        "1440000001",
    )
    # Odd ids get only the link prefix; the mapping appends the AWB.
    assert shipped["tracking_url"] == "https://courierupdates.com/?awb=1440000001"
    assert seen[-1]["status"] == "delivered"


def test_status_control_sets_status_and_cancellation(emu, emu_client):
    order_id = emu_client.create_order(payload())["order_id"]
    control = f"{emu.url}/_emulator/orders/{order_id}/status"
    requests.post(control, json={"status": "On Hold"}, timeout=5).raise_for_status()
    assert to_fulfilment(emu_client.get_order(order_id))["status"] == "on_hold"
    requests.post(
        control, json={"status": "Live", "number": "Cancelled_654367_BHRT1733304000"}, timeout=5
    ).raise_for_status()
    view = to_fulfilment(emu_client.get_order(order_id))
    assert view["cancelled"] and view["status"] == "cancelled" and view["raw_status"] == "Live"
    assert emu_client.find_order_by_number("BHRT1733304000")["order_id"] == int(order_id)
    assert requests.post(f"{emu.url}/_emulator/orders/1/status", json={"status": "Live"}, timeout=5).status_code == 404


def test_rate_limit_429_then_waits_retry_after():
    clock = FakeClock()
    with EmulatorServer(step_seconds=0, rate_limit_per_minute=3, clock=clock) as server:
        client = client_for(server, clock)
        client.list_orders()
        client.list_orders()  # token + 2 reads = 3 calls
        with pytest.raises(QikinkRateLimited) as caught:
            client.list_orders(wait=False)
        assert caught.value.http_status == 429 and caught.value.retry_after == 60
        assert client.list_orders() == []  # sleeps Retry-After on the fake clock, then succeeds
        assert clock.sleeps == [60.0]


def test_the_calls_within_the_limit_are_listed_with_their_times():
    """What a test of the budget reads to count the calls in every window (e2e/test_qikink_budget_realtime)."""
    clock = FakeClock()
    with EmulatorServer(step_seconds=0, rate_limit_per_minute=3, clock=clock) as server:
        control, start = EmulatorControl(server.url), clock.now
        client = client_for(server, clock)
        client.list_orders()  # token + a read
        clock.advance(10)
        client.list_orders()
        with pytest.raises(QikinkRateLimited):
            client.list_orders(wait=False)  # refused: not listed
        assert control.accepted_call_times() == [start, start, start + 10]
        control.reset()
        assert control.accepted_call_times() == []


def test_client_side_limiter_keeps_under_the_emulator_limit():
    clock = FakeClock()
    with EmulatorServer(step_seconds=0, rate_limit_per_minute=5, clock=clock) as server:
        client = client_for(server, clock, rate_limit_per_minute=5, max_retries=0)
        for _ in range(12):
            client.list_orders()
        assert server.store.counters()["rate_limited"] == 0
        assert clock.sleeps and set(clock.sleeps) == {62.0}, "each wait lasts until the window frees"


def test_fault_controls_validate_and_clear(emu):
    bad = requests.post(f"{emu.url}/_emulator/faults", json={"kind": "explode"}, timeout=5)
    assert bad.status_code == 400
    requests.post(f"{emu.url}/_emulator/faults", json={"kind": "500", "count": 3}, timeout=5)
    assert requests.delete(f"{emu.url}/_emulator/faults", timeout=5).json() == {"faults": []}
    assert (
        requests.post(f"{emu.url}/api/token", timeout=5, data={"ClientId": "a", "client_secret": "b"}).status_code
        == 200
    )


@pytest.mark.slow
def test_command_line_serves_and_reads_step_seconds_from_the_environment():
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QIKINK_EMULATOR_STEP_SECONDS="0.1", PYTHONPATH=str(root))
    process = subprocess.Popen(
        [sys.executable, "-m", "qikink_emulator", "--port", "0", "--no-rate-limit"],
        cwd=root,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = ""
        while "Qikink emulator on" not in line:
            line = process.stderr.readline()
            assert line, "emulator exited before serving"
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        client = QikinkClient(QikinkConfig(CLIENT_ID, SECRET, base_url=url, rate_limit_per_minute=0))
        order_id = client.create_order(payload())["order_id"]
        time.sleep(0.35)
        assert client.get_order(order_id)["status"] not in ("Live", "To be Printed")
        client.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_orders_survive_a_restart_with_a_state_file(tmp_path):
    """The server's embedded emulator keeps the orders it accepted, as Qikink does."""
    from qikink_emulator import EmulatorStore

    state = tmp_path / "emulator-state.json"
    first = EmulatorStore(step_seconds=0, rate_limit_per_minute=0, state_file=state)
    body = payload()
    created = first.create(body)
    again = EmulatorStore(step_seconds=0, rate_limit_per_minute=0, state_file=state)
    assert again.get(created["order_id"])["number"].endswith(body["order_number"])
    with pytest.raises(Exception, match="Duplicate order number"):
        again.create(body)
    assert again.create(payload("BHRT-2"))["order_id"] == created["order_id"] + 1
    state.write_text("{half", encoding="utf-8")
    assert EmulatorStore(state_file=state).page(1) == []
    assert EmulatorServer(state_file=state).store.state_file == state


def _emulator_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "qikink-emulator" or t.name.startswith("waitress-")]


def test_the_waitress_server_stops_cleanly_and_frees_its_port():
    """stop() does not wait for a kept-alive connection (waitress would keep it open for its 30 s
    channel timeout): the serving loop has ended when stop() returns, the threads end, the port is free."""
    before = _emulator_threads()
    server = EmulatorServer(step_seconds=0).start()
    port = int(server.url.rsplit(":", 1)[1])
    loop = server._thread
    with requests.Session() as session:  # keep-alive: the connection stays open across the stop
        assert session.get(f"{server.url}/_emulator/counters", timeout=5).ok
        server.stop()
        # stop() waits for the loop with a timeout; a loop the open connection kept serving would
        # outlive it. Asserted on the loop itself, not on how long stop() took.
        assert not loop.is_alive(), "stop() returned with the server still serving the kept-alive connection"
        with pytest.raises(requests.ConnectionError):
            session.get(f"{server.url}/_emulator/counters", timeout=30)
    wait_until(lambda: _emulator_threads() == before, 30, what="the emulator's threads ended")
    with EmulatorServer(port=port, step_seconds=0) as again:  # the same port, free again
        assert requests.get(f"{again.url}/_emulator/counters", timeout=5).ok
    server.stop()  # a second stop is harmless


def test_a_taken_port_is_refused_and_leaves_nothing_behind(emu):
    before = _emulator_threads()
    port = int(emu.url.rsplit(":", 1)[1])
    with pytest.raises(OSError):
        EmulatorServer(port=port).start()
    assert _emulator_threads() == before


def test_a_dropped_connection_gets_no_answer_at_all(emu):
    EmulatorControl(emu.url).fault("drop", count=1, paths=["/api/order"])
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{emu.url}/api/order", params={"id": "1"}, timeout=5)
    assert EmulatorControl(emu.url).counters()["faults_injected"] == 1
