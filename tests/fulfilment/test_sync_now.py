"""An admin's "Sync now" acts now, and the call budget puts new orders first (issues 11 and 16):
the sync refreshes every order in flight at once, sends every pending order whatever its backoff,
probes Qikink once when the circuit breaker is open, says what it could not do and why; a create
refused for its token is re-sent at once; the status shows the budget, the queue and tracking."""

from __future__ import annotations

import io

import requests

from backend.cli.banner import print_banner
from backend.fulfilment.circuit_breaker import CircuitBreaker
from backend.qikink import QikinkClient, QikinkConfig
from tests.emulated_shop import (
    CLIENT_ID,
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
from tests.openapi.schema_validation import schema_validator
from tests.support import EmulatorControl, FakeClock


def sync(app, query=""):
    answer = app.test_client().post(f"/api/qikink/sync{query}")
    assert answer.status_code == 200
    return answer.json


def test_sync_refreshes_every_order_in_flight_now_not_after_the_poll_interval(make_shop, emu):
    app = make_shop(emu.url, client=qikink_client(emu.url), qikink_tracking_freshness_seconds=3600)
    orders = [place(app).json["data"] for _ in range(3)]
    for order in orders:
        set_status(emu, order["qikink_shipment_id"], "Delivered")
    assert fulfilment_of(app).run_pass()["refreshed"] == 0, "the worker waits for the freshness target"
    report = sync(app)["orders"]
    assert report["refreshed"] == 3 and report["not_refreshed"] == 0 and report["reasons"] == []
    assert [stored(app, o["order_id"])["status"] for o in orders] == ["delivered"] * 3
    assert counters(emu)["calls"] <= 1 + 3 + 1, "one token, three creates, one page for all three"


def test_sync_sends_a_pending_order_now_whatever_its_backoff(make_shop, emu):
    app = make_shop(emu.url, client=qikink_client(emu.url), qikink_retry_base_seconds=600)
    inject(emu, "503")
    order_id = place(app).json["data"]["order_id"]
    EmulatorControl(emu.url).clear_faults()
    assert fulfilment_of(app).run_pass()["pushed"] == 0, "the worker respects the backoff"
    assert sync(app)["orders"]["pushed"] == 1
    assert counters(emu)["created"] == {number(order_id): 1}


def test_a_create_refused_because_another_process_minted_is_sent_again_at_once(shop, emu):
    first = place(shop).json["data"]
    minted = requests.post(f"{emu.url}/api/token", data={"ClientId": CLIENT_ID, "client_secret": SECRET}, timeout=5)
    assert minted.ok  # another process's token: ours is now refused
    second = place(shop).json["data"]
    assert second["qikink_status"] == "synced", "re-minted and re-sent in the same request"
    assert counters(emu)["created"] == {number(first["order_id"]): 1, number(second["order_id"]): 1}
    assert counters(emu)["tokens_minted"] == 3


def test_sync_with_the_breaker_open_probes_once_and_sends_the_queue(shop, emu):
    fulfilment = fulfilment_of(shop)
    fulfilment.health.breaker = CircuitBreaker(threshold=3, cooldown=3600, clock=FakeClock(real_time=True))
    inject(emu, "503", paths=None)
    ids = [place(shop).json["data"]["order_id"] for _ in range(3)]
    assert fulfilment.breaker.is_open
    EmulatorControl(emu.url).clear_faults()
    report = sync(shop)
    assert report["orders"]["pushed"] == 3 and not fulfilment.breaker.is_open
    assert any("probe" in reason for reason in report["orders"]["reasons"])
    assert counters(emu)["created"] == {number(i): 1 for i in ids}


def test_sync_says_what_it_could_not_refresh_when_the_budget_is_spent(make_shop, emu):
    client = QikinkClient(
        QikinkConfig(CLIENT_ID, SECRET, environment="emulator", base_url=emu.url, rate_limit_per_minute=30),
        sleep=lambda seconds: None,
    )
    app = make_shop(emu.url, client=client, qikink_tracking_freshness_seconds=3600)
    app.extensions["shop"].store.update_product("BHRT-001-M", {"stock_quantity": 1000})
    placed = [place(app).json["data"] for _ in range(27)]  # a token and 27 creates: 28 of 30
    assert all(o["qikink_status"] == "synced" for o in placed)
    report = sync(app)["orders"]
    assert (report["refreshed"], report["not_refreshed"]) == (0, 27), "tracking leaves the last calls to new orders"
    assert any("budget" in reason for reason in report["reasons"])
    document = app.test_client().get("/api/openapi.json").json
    schema_validator(document, "/components/schemas/SyncReport").validate(sync(app))
    late = place(app).json["data"]
    assert late["qikink_status"] == "synced", "a new order still goes straight through"
    status = app.test_client().get("/api/qikink/status").json
    schema_validator(document, "/components/schemas/QikinkStatus").validate(status)
    assert status["budget"]["last_minute"] == {"token": 1, "create": 28, "lookup": 0, "tracking": 0}
    assert status["tracking"]["in_flight"] == 28 and status["tracking"]["freshness_target_seconds"] == 3600
    assert status["queue"] == {
        "pending": 0,
        "oldest_pending_age_seconds": None,
        "estimated_seconds_to_send_all": 0.0,
        "creates_per_minute": 29,
    }


def test_an_order_over_the_create_budget_is_queued_at_once_and_sent_first(make_shop, emu):
    client = QikinkClient(
        QikinkConfig(CLIENT_ID, SECRET, environment="emulator", base_url=emu.url, rate_limit_per_minute=3),
        sleep=lambda seconds: None,
    )
    app = make_shop(emu.url, client=client)
    answers = [place(app).json for _ in range(3)]  # token + 1 create fill creates' share of 3
    assert [a["data"]["qikink_status"] for a in answers] == ["synced", "sync_pending", "sync_pending"]
    assert "budget" in stored(app, answers[1]["data"]["order_id"])["sync"]["last_error"]
    status = app.test_client().get("/api/qikink/status").json
    # Two creates a minute (the third call of each window stays free for a token): one minute.
    assert status["queue"]["pending"] == 2 and status["queue"]["estimated_seconds_to_send_all"] == 60.0


def test_banner_states_the_budget_and_shouts_about_production_on_the_emulator(shop, emu):
    out = io.StringIO()
    config = settings(
        fulfilment_of(shop).config.data_dir,
        emu.url,
        app_env="production",
        admin_api_key="k" * 32,
        qikink_rate_limit_per_minute=30,
    )
    print_banner(config, fulfilment_of(shop), emulator_url=emu.url, stream=out)
    text = out.getvalue()
    assert "Qikink call budget: 30/minute = 43,200/day" in text
    assert "NOT sent to Qikink" in text
