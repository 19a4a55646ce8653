"""Fulfilment in-process, against the Qikink emulator over real HTTP on 127.0.0.1: orders reach
Qikink exactly once through faults, claims and crashes; the circuit breaker; statuses move only
forwards; the /api/qikink routes; PATCH queues a completed order; CORS; the start-up banner.

Exactly once is checked with the emulator's counters: `created[number]` (orders Qikink holds for
one order number) and `create_attempts[number]` (create calls that reached it).
"""

from __future__ import annotations

import io
import threading
import time
from datetime import datetime

import pytest

from backend import create_app
from backend.cli.banner import print_banner, symbols
from backend.config import Config, ConfigError
from backend.fulfilment import Fulfilment
from backend.fulfilment.circuit_breaker import CircuitBreaker
from backend.orders.service import OrderService
from backend.qikink import QikinkClient, QikinkConfig
from backend.qikink.budget import CallBudget
from backend.qikink.mapping import to_qikink_order
from backend.storage import JournalOrderStore, load_catalogue
from qikink_emulator import EmulatorServer
from tests.conftest import ADDRESS, order_body
from tests.emulated_shop import (
    ADMIN_KEY,
    BUDGET,
    CLIENT_ID,
    REMOTE,
    SECRET,
    counters,
    fulfilment_of,
    inject,
    number,
    place,
    qikink_client,
    set_status,
    settings,
    stored,
)
from tests.harness import free_port, wait_until
from tests.support import EmulatorControl, FakeClock, assert_error, run_in_threads

# A "hang" holds the call this long at the emulator; the client's 0.5 s read timeout gives up long
# before, and nothing waits for the emulator's sleeping thread.
HANG_SECONDS = 60.0
TRANSIENT_FAULTS = ["hang", "503", "drop", "html", "error_body"]


# --- the shop ------------------------------------------------------------------------------------
@pytest.fixture
def fulfilments():
    made = []
    yield made
    for fulfilment in made:
        fulfilment.close()


def count_passes(worker) -> list:
    """The reports of the worker's passes from now on (its run_pass, wrapped on this instance)."""
    reports, run_pass = [], worker.run_pass

    def counted(*args, **kwargs):
        report = run_pass(*args, **kwargs)
        reports.append(report)
        return report

    worker.run_pass = counted
    return reports


def wait_unclaimed(app, order_id):
    """A send the answer did not wait for (e.g. past the time budget) finishes in the background: wait for it."""
    wait_until(
        lambda: "claimed_by" not in (stored(app, order_id).get("sync") or {}), 30, what=f"claim on {order_id} released"
    )


def file_store(data_dir) -> JournalOrderStore:
    return JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))


# --- orders reach Qikink exactly once ------------------------------------------------------------
def test_accepted_order_is_confirmed_and_synced_with_its_shipment_id(make_shop, emu):
    app = make_shop(emu.url)  # the client create_app builds from the config
    response = place(app)
    assert response.status_code == 201
    body, data = response.json, response.json["data"]
    assert body["message"] == "Order created successfully and synced with Qikink"
    assert (data["status"], data["qikink_status"]) == ("confirmed", "synced")
    assert data["qikink_shipment_id"].isdigit() and data["qikink_order_number"] == number(data["order_id"])
    assert body["qikink_integration"] == {
        "status": "success",
        "qikink_shipment_id": data["qikink_shipment_id"],
        "tracking_id": None,
    }
    events = stored(app, data["order_id"])["events"]
    assert [e["event"] for e in events] == ["order_received", "order_synced"]
    assert events[1]["description"] == "Sent to Qikink"
    assert counters(emu)["created"] == {number(data["order_id"]): 1}


@pytest.mark.parametrize("kind", TRANSIENT_FAULTS)
def test_transient_fault_answers_pending_within_budget_and_a_later_pass_sends_once(shop, emu, kind):
    inject(emu, kind, seconds=HANG_SECONDS)  # every create fails; "hang" holds each one for a minute
    started = time.monotonic()
    response = place(shop)
    # Answered on the failure (the read timeout for "hang"): not after the hang, nor the budget.
    assert time.monotonic() - started < min(HANG_SECONDS, BUDGET) / 2
    assert response.status_code == 201
    body = response.json
    assert body["message"] == "Order created successfully (Qikink sync pending)"
    assert (body["data"]["status"], body["data"]["qikink_status"]) == ("pending", "sync_pending")
    assert body["qikink_integration"]["status"] == "pending" and body["qikink_integration"]["reason"]
    order_id = body["data"]["order_id"]
    wait_unclaimed(shop, order_id)
    assert counters(emu)["faults_injected"] == 1, "one attempt in the request: the worker retries later"
    assert counters(emu)["total_created"] == 0

    EmulatorControl(emu.url).clear_faults()
    assert fulfilment_of(shop).run_pass()["pushed"] == 1
    order = stored(shop, order_id)
    assert (order["status"], order["qikink_status"]) == ("confirmed", "synced")
    assert fulfilment_of(shop).run_pass()["pushed"] == 0
    assert counters(emu)["created"] == {number(order_id): 1}


def test_admin_sees_sync_attempts_last_error_and_next_attempt_of_an_order(shop, emu):
    inject(emu, "503")
    order_id = place(shop).json["data"]["order_id"]
    wait_unclaimed(shop, order_id)
    sync = shop.test_client().get(f"/api/orders/{order_id}").json["data"]["sync"]
    assert sync["attempts"] >= 1 and sync["last_error"] and sync["last_attempt_at"]
    assert datetime.fromisoformat(sync["next_attempt_at"]).tzinfo is not None
    EmulatorControl(emu.url).clear_faults()
    assert fulfilment_of(shop).run_pass()["pushed"] == 1
    data = shop.test_client().get(f"/api/orders/{order_id}").json["data"]
    assert data["sync"]["synced_at"] and data["sync"]["next_attempt_at"] is None and data["sync"]["last_error"] is None
    assert [e["event"] for e in data["events"]] == ["order_received", "order_synced"]


def test_qikink_down_then_back_on_its_port_sends_each_order_once(make_shop):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = make_shop(url, client=qikink_client(url))
    started = time.monotonic()
    ids = [place(app).json["data"] for _ in range(2)]
    assert time.monotonic() - started < BUDGET / 2, "answered on the refused connection, not the budget"
    assert [d["qikink_status"] for d in ids] == ["sync_pending", "sync_pending"]
    with EmulatorServer(port=port, step_seconds=0, rate_limit_per_minute=0) as emu:
        fulfilment_of(app).breaker.record_success()  # the cool-down is its own test
        assert fulfilment_of(app).run_pass()["pushed"] == 2
        assert counters(emu)["created"] == {number(d["order_id"]): 1 for d in ids}


def test_lost_answer_is_found_by_lookup_and_not_resent(shop, emu):
    inject(emu, "lose_answer", count=1)
    response = place(shop)
    assert response.json["data"]["qikink_status"] == "synced"
    seen = counters(emu)
    n = number(response.json["data"]["order_id"])
    assert seen["created"] == {n: 1} and seen["create_attempts"] == {n: 1}


def test_unknown_outcome_is_looked_up_before_the_next_send(shop, emu):
    inject(emu, "lose_answer", count=1)
    inject(emu, "503", paths=["/api/order"])  # and the lookup fails too: the outcome stays unknown
    data = place(shop).json["data"]
    assert data["qikink_status"] == "sync_pending"
    assert stored(shop, data["order_id"])["sync"]["lookup_first"] is True

    EmulatorControl(emu.url).clear_faults()
    assert fulfilment_of(shop).run_pass()["pushed"] == 1
    seen, n = counters(emu), number(data["order_id"])
    assert seen["created"] == {n: 1} and seen["create_attempts"] == {n: 1}
    assert stored(shop, data["order_id"])["qikink_shipment_id"] == "40000001"


@pytest.fixture
def picky_emu():
    """An emulator whose merchant has no "My Products": every such SKU is an "Invalid SKU"."""
    with EmulatorServer(step_seconds=0, rate_limit_per_minute=0, my_products={}) as server:
        yield server


def test_permanent_refusal_is_sync_failed_until_retry_failed_requeues_it(make_shop, picky_emu):
    app = make_shop(picky_emu.url, client=qikink_client(picky_emu.url))
    http = app.test_client()
    body = place(app).json
    order_id, n = body["data"]["order_id"], number(body["data"]["order_id"])
    assert body["data"]["qikink_status"] == "sync_failed"
    assert body["data"]["qikink_message"] == "Invalid SKU"
    assert body["qikink_integration"]["status"] == "failed" and body["qikink_integration"]["reason"] == "Invalid SKU"

    assert http.post("/api/qikink/sync").json["orders"]["pushed"] == 0
    assert counters(picky_emu)["create_attempts"] == {n: 1}, "a refused order is not resent by itself"

    picky_emu.store.my_products = None  # the product now exists in the Qikink dashboard
    sync = http.post("/api/qikink/sync?retry_failed=true").json
    assert sync["orders"]["pushed"] == 1
    assert stored(app, order_id)["qikink_status"] == "synced"
    assert counters(picky_emu)["created"] == {n: 1}


def test_breaker_skips_qikink_after_three_transient_failures_and_recovers(shop, emu):
    clock = FakeClock(real_time=True)
    fulfilment = fulfilment_of(shop)
    fulfilment.health.breaker = CircuitBreaker(threshold=3, cooldown=30, clock=clock)
    inject(emu, "503", paths=None)  # Qikink down for every call
    ids = [place(shop).json["data"]["order_id"] for _ in range(3)]
    assert fulfilment.breaker.is_open
    calls = counters(emu)["calls"]

    skipped = place(shop).json
    assert counters(emu)["calls"] == calls, "the order request did not call Qikink while the breaker is open"
    assert skipped["data"]["qikink_status"] == "sync_pending"
    assert "unavailable" in skipped["qikink_integration"]["reason"]
    assert fulfilment.run_pass()["still_pending"] == 4
    assert counters(emu)["calls"] == calls, "no call while the breaker is open"

    clock.advance(30)
    EmulatorControl(emu.url).clear_faults()
    recovered = place(shop).json["data"]
    assert recovered["qikink_status"] == "synced" and not fulfilment.breaker.is_open
    ids += [skipped["data"]["order_id"], recovered["order_id"]]
    assert fulfilment.run_pass()["pushed"] == 4
    assert counters(emu)["created"] == {number(i): 1 for i in ids}


# --- claims --------------------------------------------------------------------------------------
def test_two_workers_on_one_data_directory_send_each_order_once(data_dir, emu, fulfilments):
    orders = OrderService(file_store(data_dir))
    ids = [orders.place(order_body(items=[{"sku": "BHRT-002-M", "quantity": 1}]))[0]["order_id"] for _ in range(6)]
    inject(emu, "latency", seconds=0.05)  # widen the window in which both could send
    config = settings(data_dir, emu.url)
    # Two "processes": each its own store object, client id (token) and instance.
    fulfilments += [
        Fulfilment(config, file_store(data_dir), qikink_client(emu.url, f"{CLIENT_ID}{i}")) for i in range(2)
    ]
    barrier = threading.Barrier(2)
    reports = []

    def work(fulfilment):
        barrier.wait(30)
        reports.append(fulfilment.run_pass())

    run_in_threads(work, [(f,) for f in fulfilments])
    assert sum(r["pushed"] for r in reports) == 6
    seen = counters(emu)
    assert seen["created"] == {number(i): 1 for i in ids}
    assert seen["create_attempts"] == {number(i): 1 for i in ids}


@pytest.mark.parametrize("reached_qikink", [True, False], ids=["crash-after-send", "crash-before-send"])
def test_claim_left_by_a_crash_is_looked_up_before_sending(data_dir, emu, fulfilments, reached_qikink):
    store = file_store(data_dir)
    order, _ = OrderService(store).place(order_body())
    order_id, n = order["order_id"], number(order["order_id"])
    client = qikink_client(emu.url)
    earlier = client.create_order(to_qikink_order(order, store.products())) if reached_qikink else None

    def crashed(o):  # claimed by a process that died before recording the outcome
        o["sync"] = {"claimed_by": "dead-process", "claimed_until": time.time() - 1}

    store.update_order(order_id, crashed)
    fulfilments.append(Fulfilment(settings(data_dir, emu.url), file_store(data_dir), client))
    assert fulfilments[0].run_pass()["pushed"] == 1
    after = store.get_order(order_id)
    assert after["qikink_status"] == "synced"
    seen = counters(emu)
    assert seen["created"] == {n: 1} and seen["create_attempts"] == {n: 1}
    if earlier:
        assert after["qikink_shipment_id"] == earlier["order_id"]


def test_a_live_claim_is_left_alone(data_dir, emu, fulfilments):
    store = file_store(data_dir)
    order_id = OrderService(store).place(order_body())[0]["order_id"]
    store.update_order(order_id, lambda o: o.update(sync={"claimed_by": "busy", "claimed_until": time.time() + 60}))
    fulfilments.append(Fulfilment(settings(data_dir, emu.url), store, qikink_client(emu.url)))
    assert fulfilments[0].run_pass()["still_pending"] == 1
    assert counters(emu)["calls"] == 0


# --- statuses ------------------------------------------------------------------------------------
@pytest.fixture
def synced(data_dir, emu, fulfilments):
    """A Fulfilment that polls on every pass, and one order it has sent to Qikink."""
    store = file_store(data_dir)
    fulfilment = Fulfilment(settings(data_dir, emu.url), store, qikink_client(emu.url), poll_interval=0)
    fulfilments.append(fulfilment)
    order_id = OrderService(store).place(order_body())[0]["order_id"]
    fulfilment.run_pass()
    order = store.get_order(order_id)
    # Polling on every pass, the same pass may already have read Qikink's first status (Live).
    assert (order["status"], order["qikink_status"]) in (("confirmed", "synced"), ("processing", "synced"))
    return fulfilment, order


def test_statuses_move_forward_each_event_once_and_terminal_orders_are_not_polled(synced, emu):
    fulfilment, order = synced
    order_id, qikink_id = order["order_id"], order["qikink_shipment_id"]

    def answer(status):
        set_status(emu, qikink_id, status)
        fulfilment.run_pass()
        return fulfilment.store.get_order(order_id)

    assert answer("Printed")["status"] == "processing"
    assert answer("To be Printed")["status"] == "processing"
    shipped = answer("In-Transit")
    assert (shipped["status"], shipped["qikink_raw_status"], shipped["courier"]) == (
        "in_transit",
        "In-Transit",
        "Delhivery",
    )
    assert shipped["tracking_id"] and shipped["tracking_url"].endswith(f"awb={shipped['tracking_id']}")
    assert answer("Printed")["status"] == "in_transit", "a late answer never moves it back"
    assert answer("out for delivery")["status"] == "out_for_delivery"
    assert answer("Delivered")["status"] == "delivered"

    calls = counters(emu)["calls"]
    assert answer("In-Transit")["status"] == "delivered"
    assert counters(emu)["calls"] == calls, "a delivered order is not polled again"
    fulfilment.refresh(order_id)  # even read explicitly, a late answer leaves it delivered
    after = fulfilment.store.get_order(order_id)
    assert after["status"] == "delivered"
    assert [e["event"] for e in after["events"]] == [
        "order_received",
        "order_synced",
        "order_processing",
        "in_transit",
        "out_for_delivery",
        "delivered",
    ]


def test_unknown_status_is_kept_raw_and_changes_nothing(synced, emu):
    fulfilment, order = synced
    set_status(emu, order["qikink_shipment_id"], "Gone Fishing")
    fulfilment.run_pass()
    after = fulfilment.store.get_order(order["order_id"])
    assert (after["status"], after["qikink_raw_status"]) == (order["status"], "Gone Fishing")
    assert after["events"] == order["events"]
    assert fulfilment.fulfilment_view(order["order_id"])["qikink_raw_status"] == "Gone Fishing"


def test_cancelled_by_renamed_number_is_terminal(synced, emu):
    fulfilment, order = synced
    set_status(emu, order["qikink_shipment_id"], "Live", number=f"Cancelled_654367_{order['qikink_order_number']}")
    fulfilment.run_pass()
    assert fulfilment.store.get_order(order["order_id"])["status"] == "cancelled"
    calls = counters(emu)["calls"]
    fulfilment.run_pass()
    assert counters(emu)["calls"] == calls


# --- the /api/qikink routes ----------------------------------------------------------------------
STATUS_KEYS = {
    "status",
    "environment",
    "qikink_api",
    "client_id",
    "last_check",
    "token_valid_until",
    "pending_orders",
    "last_error",
    "budget",
    "queue",
    "tracking",
}


def test_status_mints_no_token_while_one_is_valid_and_never_shows_the_secret(shop, emu):
    http = shop.test_client()
    place(shop)  # the order's send mints the one token
    answers = [http.get("/api/qikink/status") for _ in range(3)]
    assert counters(emu)["tokens_minted"] == 1
    body = answers[0].json
    assert set(body) == STATUS_KEYS
    assert (body["status"], body["environment"], body["qikink_api"]) == ("connected", "emulator", emu.url)
    assert body["client_id"] == "78670273..." and body["token_valid_until"] and body["last_error"] is None
    assert all(SECRET not in a.get_data(as_text=True) and CLIENT_ID not in a.get_data(as_text=True) for a in answers)


def test_status_of_a_fresh_app_mints_once(shop, emu):
    http = shop.test_client()
    assert http.get("/api/qikink/status").json["status"] == "connected"
    http.get("/api/qikink/status")
    assert counters(emu)["tokens_minted"] == 1


def test_authenticate_mints_only_when_needed_or_forced(shop, emu):
    http = shop.test_client()
    answer = http.post("/api/qikink/authenticate")
    assert answer.status_code == 200
    assert set(answer.json) == {"status", "client_id", "api_endpoint", "timestamp", "token_valid_until"}
    assert (answer.json["status"], answer.json["client_id"], answer.json["api_endpoint"]) == (
        "authenticated",
        "78670273...",
        emu.url,
    )
    assert http.post("/api/qikink/authenticate").status_code == 200
    assert counters(emu)["tokens_minted"] == 1
    assert http.post("/api/qikink/authenticate?force=true").status_code == 200
    assert counters(emu)["tokens_minted"] == 2
    assert http.post("/api/qikink/authenticate", environ_base=REMOTE).status_code == 401


@pytest.fixture
def guarded_emu():
    """An emulator that accepts only CLIENT_ID with SECRET."""
    with EmulatorServer(step_seconds=0, rate_limit_per_minute=0, client_id=CLIENT_ID, client_secret=SECRET) as server:
        yield server


def test_authenticate_with_a_wrong_secret_is_502_qikink_auth_failed(make_shop, guarded_emu):
    wrong = "wrong-secret-for-this-test"
    app = make_shop(guarded_emu.url, client=qikink_client(guarded_emu.url, secret=wrong))
    http = app.test_client()
    answer = http.post("/api/qikink/authenticate")
    assert_error(answer, 502, "qikink_auth_failed")
    status = http.get("/api/qikink/status")
    assert status.json["status"] == "disconnected" and status.json["last_error"]
    assert all(wrong not in a.get_data(as_text=True) for a in (answer, status))

    right = make_shop(guarded_emu.url, client=qikink_client(guarded_emu.url))
    assert right.test_client().post("/api/qikink/authenticate").status_code == 200


def test_authenticate_when_qikink_is_unreachable_is_503(make_shop):
    url = f"http://127.0.0.1:{free_port()}"
    app = make_shop(url, client=qikink_client(url))
    answer = app.test_client().post("/api/qikink/authenticate")
    assert_error(answer, 503, "qikink_unavailable")
    assert app.test_client().get("/api/qikink/status").json["status"] == "disconnected"


SYNC_KEYS = {"sync_id", "timestamp", "products_synced", "qikink_integration", "products", "orders"}


def sync_answer(app, query="") -> dict:
    answer = app.test_client().post(f"/api/qikink/sync{query}")
    assert answer.status_code == 200
    body = answer.json
    assert set(body) == SYNC_KEYS
    assert body["sync_id"] == f"SYNC-{body['sync_id'][5:]}" and body["sync_id"][5:].isdigit()
    integration = body["qikink_integration"]
    assert {"status", "qikink_response"} <= set(integration) <= {"status", "qikink_response", "last_error"}
    assert integration["qikink_response"] == {"products_synced": 8, "sync_timestamp": body["timestamp"]}
    assert body["products_synced"] == 8 and body["products"] == {"valid": 8, "invalid": []}
    assert set(body["orders"]) == {
        "pushed",
        "failed",
        "still_pending",
        "refreshed",
        "not_refreshed",
        "waiting_for_budget",
        "reasons",
    }
    return body


def test_sync_of_a_fresh_app_with_qikink_reachable_is_success(shop):
    body = sync_answer(shop)
    assert body["qikink_integration"]["status"] == "success"
    assert body["orders"] == {
        "pushed": 0,
        "failed": 0,
        "still_pending": 0,
        "refreshed": 0,
        "not_refreshed": 0,
        "waiting_for_budget": 0,
        "reasons": [],
    }


def test_sync_sends_pending_orders_and_reports_success(shop, emu):
    inject(emu, "503")
    order_id = place(shop).json["data"]["order_id"]
    EmulatorControl(emu.url).clear_faults()
    body = sync_answer(shop)
    assert body["qikink_integration"]["status"] == "success" and body["orders"]["pushed"] == 1
    assert counters(emu)["created"] == {number(order_id): 1}


def test_sync_with_a_refused_order_is_partial(make_shop, picky_emu):
    app = make_shop(picky_emu.url, client=qikink_client(picky_emu.url))
    place(app)
    body = sync_answer(app, "?retry_failed=true")
    assert body["qikink_integration"]["status"] == "partial" and body["orders"]["failed"] == 1


def test_sync_with_qikink_unreachable_is_error(make_shop):
    url = f"http://127.0.0.1:{free_port()}"
    app = make_shop(url, client=qikink_client(url))
    place(app)
    body = sync_answer(app)
    assert body["qikink_integration"]["status"] == "error" and body["orders"]["still_pending"] == 1


FULFILMENT_KEYS = {
    "order_id",
    "qikink_shipment_id",
    "status",
    "qikink_raw_status",
    "tracking_number",
    "courier",
    "tracking_url",
    "estimated_delivery",
    "last_update",
    "events",
}


def test_fulfillment_is_its_customers_refreshed_after_a_minute_and_stale_when_qikink_is_down(make_shop, emu):
    app = make_shop(emu.url, client=qikink_client(emu.url), admin_api_key=ADMIN_KEY)
    clock = FakeClock(real_time=True)
    fulfilment_of(app).clock = clock
    http = app.test_client()
    data = place(app).json["data"]
    bare = f"/api/qikink/fulfillment/{data['order_id']}"
    path = f"{bare}?email={data['customer_email']}"

    set_status(emu, data["qikink_shipment_id"], "Printed")
    calls = counters(emu)["calls"]
    for anyone in (bare, f"{bare}?email=someone@example.com"):  # courier, AWB, timeline: not for anyone
        assert_error(http.get(anyone, environ_base=REMOTE), 404, "not_found")
    assert http.get(bare, headers={"X-Admin-Key": ADMIN_KEY}, environ_base=REMOTE).status_code == 200
    first = http.get(path, environ_base=REMOTE)  # its customer: the email, from anywhere
    assert first.status_code == 200
    assert FULFILMENT_KEYS <= set(first.json) and "stale" not in first.json
    assert first.json["status"] == "confirmed", "served from what is stored within a minute of the send"
    assert counters(emu)["calls"] == calls
    assert data["customer_email"] not in first.get_data(as_text=True)
    assert ADDRESS["phone"] not in first.get_data(as_text=True)

    clock.advance(61)
    printing = http.get(path).json
    assert (printing["status"], printing["qikink_raw_status"]) == ("processing", "Printed")
    set_status(emu, data["qikink_shipment_id"], "In-Transit")
    calls = counters(emu)["calls"]
    assert http.get(path).json["status"] == "processing", "served from what is stored within the minute"
    assert counters(emu)["calls"] == calls

    clock.advance(61)
    moved = http.get(path).json
    assert moved["status"] == "in_transit" and moved["tracking_number"]
    assert [e["event"] for e in moved["events"]] == ["order_received", "order_synced", "order_processing", "in_transit"]

    inject(emu, "503", paths=None)
    clock.advance(61)
    stale = http.get(path)  # what is stored, marked stale: neither an error nor a wait for Qikink
    assert stale.status_code == 200 and stale.json["stale"] is True and stale.json["status"] == "in_transit"


@pytest.mark.parametrize("order_id", ["BHRT-1234567890", "not-an-order", "BHRT-12345678901234567", "bhrt-1"])
def test_fulfillment_of_an_unknown_or_malformed_id_is_404(shop, order_id):
    answer = shop.test_client().get(f"/api/qikink/fulfillment/{order_id}")
    assert_error(answer, 404, "not_found")


def test_patch_completes_an_action_required_order_and_the_worker_sends_it(shop, emu):
    http = shop.test_client()
    data = place(shop, shipping_address="Test Address, Delhi").json["data"]
    assert (data["status"], data["qikink_status"]) == ("action_required", "action_required")
    worker = fulfilment_of(shop).worker
    passes = count_passes(worker)
    fulfilment_of(shop).start_worker()
    # Three whole passes (not a guessed sleep): none of them sends an order whose address is a plain string.
    wait_until(lambda: len(passes) >= 3, 30, what="three worker passes")
    assert counters(emu)["create_attempts"] == {}
    assert stored(shop, data["order_id"])["qikink_status"] == "action_required"

    patched = http.patch(f"/api/orders/{data['order_id']}", json={"shipping_address": ADDRESS})
    assert patched.status_code == 200 and patched.json["data"]["qikink_status"] == "sync_pending"
    wait_until(lambda: stored(shop, data["order_id"])["qikink_status"] == "synced", 30, what="worker sent it")
    assert stored(shop, data["order_id"])["status"] == "confirmed"
    assert counters(emu)["created"] == {number(data["order_id"]): 1}


# --- CORS and configuration ----------------------------------------------------------------------
def cors_app(data_dir, **changes):
    return create_app(Config(data_dir=data_dir, app_env="test", ratelimit_enabled=False, qikink_env="off", **changes))


def allowed_origin(app, origin):
    return app.test_client().get("/api/products", headers={"Origin": origin}).headers.get("Access-Control-Allow-Origin")


def test_cors_origins_are_honoured(data_dir):
    app = cors_app(data_dir, cors_origins=("https://shop.example",))
    assert allowed_origin(app, "https://shop.example") == "https://shop.example"
    assert allowed_origin(app, "https://evil.example") is None
    assert allowed_origin(app, "http://localhost:5173") is None
    preflight = app.test_client().options(
        "/api/orders",
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type, Idempotency-Key",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert "idempotency-key" in preflight.headers["Access-Control-Allow-Headers"].lower()


def test_default_cors_allows_localhost_on_any_port_only(data_dir):
    app = cors_app(data_dir)
    assert allowed_origin(app, "http://localhost:5173") == "http://localhost:5173"
    assert allowed_origin(app, "http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert allowed_origin(app, "http://localhost.evil.example") is None
    assert allowed_origin(app, "https://evil.example") is None


def test_wildcard_cors_outside_production_allows_any_origin(data_dir):
    app = cors_app(data_dir, cors_origins=Config.from_env({"CORS_ORIGINS": "*"}).cors_origins)
    assert allowed_origin(app, "https://anywhere.example") in ("*", "https://anywhere.example")


@pytest.mark.parametrize("origins", ["*", "https://shop.example, *"])
def test_production_refuses_a_wildcard_cors_origin(origins):
    with pytest.raises(ConfigError, match="CORS_ORIGINS"):
        Config.from_env(
            {
                "APP_ENV": "production",
                "ADMIN_API_KEY": ADMIN_KEY,
                "CORS_ORIGINS": origins,
                "QIKINK_ENV": "off",
                "PAYMENTS_ENV": "off",
            }
        )


def test_production_without_qikink_credentials_refuses_to_start_unless_the_emulator_is_asked_for():
    production = {"APP_ENV": "production", "ADMIN_API_KEY": ADMIN_KEY, "PAYMENTS_ENV": "off"}
    with pytest.raises(ConfigError, match="QIKINK_CLIENT_ID.*never be printed.*QIKINK_ENV=emulator"):
        Config.from_env(production)
    assert Config.from_env({**production, "QIKINK_ENV": "emulator"}).qikink_env == "emulator"
    assert (
        Config.from_env({**production, "QIKINK_CLIENT_ID": "id", "QIKINK_CLIENT_SECRET": "s"}).qikink_env == "sandbox"
    )


# --- the start-up banner -------------------------------------------------------------------------
def console(encoding):
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict")


def printed(stream) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode(stream.encoding)


def test_symbols_fall_back_to_ascii_where_the_console_cannot_print_a_tick():
    assert symbols(console("cp1252")) == ("[OK]", "[!!]")
    assert symbols(console("utf-8")) == ("✓", "✗")


def test_banner_prints_on_a_cp1252_console(shop, emu):
    stream = console("cp1252")
    print_banner(shop.extensions["shop"].config, fulfilment_of(shop), emulator_url=None, stream=stream)
    text = printed(stream)
    for line in (
        "[OK] Flask server starting...",
        "[OK] Qikink integration: ENABLED",
        "[OK] Environment: EMULATOR",
        "[OK] Client ID: 78670273...",
        "Testing Qikink connection...",
        "[OK] Qikink authentication: SUCCESS",
        f"[OK] API Endpoint: {emu.url}",
        "[OK] Admin routes: loopback only",
        "[OK] Data directory: ",
    ):
        assert line in text
    assert SECRET not in text and CLIENT_ID not in text


def test_banner_when_qikink_is_unreachable_or_off(make_shop, data_dir):
    url = f"http://127.0.0.1:{free_port()}"
    app = make_shop(url, admin_api_key=ADMIN_KEY)  # the client create_app builds: real backoff sleeps
    stream = console("cp1252")
    print_banner(app.extensions["shop"].config, fulfilment_of(app), emulator_url=None, stream=stream)
    text = printed(stream)
    assert "[!!] Qikink authentication: " in text and "[OK] Admin routes: protected by ADMIN_API_KEY" in text

    stream = console("cp1252")
    print_banner(cors_app(data_dir).extensions["shop"].config, None, emulator_url=None, stream=stream)
    assert "[!!] Qikink integration: DISABLED" in printed(stream)


def test_start_up_never_waits_for_a_qikink_that_does_not_answer(make_shop, emu, monkeypatch):
    """The banner's connection check gives up after its own timeout (4 s; shortened here) while the
    token call hangs for a minute and the client would wait it out (its read timeout is longer)."""
    inject(emu, "hang", paths=["/api/token"], seconds=HANG_SECONDS)
    slow_client = QikinkClient(
        QikinkConfig(
            CLIENT_ID,
            SECRET,
            environment="emulator",
            base_url=emu.url,
            read_timeout=2 * HANG_SECONDS,
            rate_limit_per_minute=0,
        ),
        sleep=lambda seconds: None,
    )
    app = make_shop(emu.url, client=slow_client)
    fulfilment = fulfilment_of(app)
    probe = fulfilment.probe
    monkeypatch.setattr(fulfilment, "probe", lambda timeout: probe(timeout=0.2))
    stream = console("cp1252")
    started = time.monotonic()
    print_banner(app.extensions["shop"].config, fulfilment, emulator_url=None, stream=stream)
    assert time.monotonic() - started < HANG_SECONDS / 2, "start-up went on long before the token call could end"
    assert "[!!] Qikink authentication: NO ANSWER within " in printed(stream)
    assert counters(emu)["faults_injected"] == 1, "the check met the hanging token call"


def test_fulfillment_while_the_breaker_is_open_is_stale_without_calling_qikink(shop, emu):
    fulfilment = fulfilment_of(shop)
    clock = FakeClock(real_time=True)
    fulfilment.clock = clock
    order_id = place(shop).json["data"]["order_id"]
    inject(emu, "503", paths=None)
    for _ in range(3):
        fulfilment.breaker.record_failure()
    clock.advance(61)
    calls = counters(emu)["calls"]
    answer = shop.test_client().get(f"/api/qikink/fulfillment/{order_id}")
    assert answer.status_code == 200 and answer.json["stale"] is True
    assert counters(emu)["calls"] == calls, "a public route does not call Qikink while it is known to be down"


def test_an_order_qikink_does_not_know_is_not_a_disconnection(shop, emu):
    """E.g. an emulator restarted without its state: the connection is fine, polling backs off."""
    order_id = place(shop).json["data"]["order_id"]
    EmulatorControl(emu.url).reset()
    fulfilment = fulfilment_of(shop)
    fulfilment.authenticate()
    order = fulfilment.refresh(order_id)
    assert fulfilment.connection_state() == "connected" and fulfilment.last_error is None
    assert order["sync"]["last_error"] == "Qikink does not know this order"
    assert order["status"] == "confirmed"
    calls = counters(emu)["calls"]
    assert fulfilment.run_pass()["refreshed"] == 0  # polled just now: not again before the interval
    assert counters(emu)["calls"] == calls


def test_a_forced_mint_at_most_once_a_minute_and_never_a_wait_for_the_budget(make_shop, emu):
    """An admin pressing "authenticate" again and again: the first forced mint goes, the next within
    the minute is refused at once (429, Retry-After, no call to Qikink); with the budget spent,
    even an unforced one answers at once instead of holding the request thread."""
    clock = FakeClock()
    client = qikink_client(emu.url)
    slept = []
    client.budget = CallBudget(30, clock=clock, sleep=slept.append)  # Qikink's 30 calls a minute
    app = make_shop(emu.url, client=client)
    fulfilment = fulfilment_of(app)
    fulfilment.health.clock = clock
    http = app.test_client()
    assert http.post("/api/qikink/authenticate?force=true").status_code == 200
    minted = counters(emu)["tokens_minted"]
    for _ in range(5):
        again = http.post("/api/qikink/authenticate?force=true")
        assert again.status_code == 429 and again.get_json()["error"]["code"] == "rate_limited"
        assert "minted 0 s ago" in again.get_json()["error"]["message"]
        assert int(again.headers["Retry-After"]) == 60
    assert counters(emu)["tokens_minted"] == minted  # refused before any call
    clock.advance(61)
    assert http.post("/api/qikink/authenticate?force=true").status_code == 200

    budget = fulfilment.client.budget
    for _ in range(31):  # spend what a token may take this minute (bounded: 30 is the most)
        if budget.try_take("token"):
            break
    fulfilment.client._tokens.invalidate(fulfilment.client._tokens.peek().token)
    busy = http.post("/api/qikink/authenticate")  # no token cached: a mint, and no room for it
    assert busy.status_code == 429 and "budget" in busy.get_json()["error"]["message"]
    assert int(busy.headers["Retry-After"]) >= 1 and slept == []
    assert http.post("/api/qikink/authenticate?force=true").status_code == 429 and slept == []
    assert http.get("/api/qikink/status").status_code == 200 and slept == []
