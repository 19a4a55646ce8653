"""Qikink's call budget is never waited for in a request thread (issue 24): with this minute's 30
calls spent, authenticate, sync, the fulfilment view, the status and a new order answer at once
(what was done, what waits, Retry-After), and the budget's sleep is never called; the background
worker leaves what waits for later and sends it when the budget frees. Clocks are injected: no
assertion here depends on how fast anything runs."""

from __future__ import annotations

import math

import pytest

from backend.qikink.budget import CallBudget
from tests.emulated_shop import counters, fulfilment_of, place, qikink_client, stored
from tests.support import FakeClock

EMAIL = "asha@example.com"


def spend(budget) -> int:
    """Take every call the window has left (each kind within its headroom); how many were taken."""
    taken = 0
    for kind in ("tracking", "lookup", "create", "token"):
        while not budget.try_take(kind):
            taken += 1
    return taken


@pytest.fixture
def spent_shop(make_shop, emu):
    """A shop whose first order reached Qikink, then every call of this minute spent; its budget
    records each wait it is asked for in `slept` instead of sleeping."""
    clock = FakeClock()
    slept: list[float] = []
    client = qikink_client(emu.url)
    client.budget = CallBudget(30, clock=clock, sleep=slept.append)
    app = make_shop(emu.url, client=client)
    fulfilment = fulfilment_of(app)
    fulfilment.clock = clock
    in_flight = place(app).json["data"]
    assert in_flight["qikink_status"] == "synced"
    spend(client.budget)
    clock.advance(120)  # the stored view is old enough to ask Qikink again; the spent calls are not
    spend(client.budget)
    return app, clock, slept, in_flight


def test_with_the_budget_spent_every_request_answers_at_once_without_waiting(spent_shop, emu):
    app, clock, slept, in_flight = spent_shop
    http = app.test_client()
    calls = counters(emu)["calls"]

    view = http.get(f"/api/qikink/fulfillment/{in_flight['order_id']}?email={EMAIL}")
    assert view.status_code == 200 and view.json["status"] == in_flight["status"]
    assert "stale" not in view.json, "Qikink answers; only this minute's calls are spent"

    placed = place(app)
    assert placed.status_code == 201 and placed.json["data"]["qikink_status"] == "sync_pending"

    synced = http.post("/api/qikink/sync")
    assert synced.status_code == 200
    orders = synced.json["orders"]
    assert orders["pushed"] == 0 and orders["still_pending"] == 1 and orders["waiting_for_budget"] >= 1
    assert synced.json["qikink_integration"]["status"] == "partial"
    assert 1 <= int(synced.headers["Retry-After"]) <= 62
    assert any("budget" in reason for reason in orders["reasons"])

    forced = http.post("/api/qikink/authenticate?force=true")
    assert forced.status_code == 429 and forced.json["error"]["code"] == "rate_limited"
    assert 1 <= int(forced.headers["Retry-After"]) <= 62
    assert http.post("/api/qikink/authenticate").status_code == 200, "the cached token needs no call"
    assert http.get("/api/qikink/status").status_code == 200

    assert slept == [], "no request waited for the call budget"
    assert counters(emu)["calls"] == calls, "and none spent a call the budget did not have"


def test_the_background_worker_sends_what_waited_once_the_budget_frees(spent_shop, emu):
    app, clock, slept, _ = spent_shop
    worker = fulfilment_of(app).worker
    order_id = place(app).json["data"]["order_id"]
    report = worker.run_pass()
    assert report["pushed"] == 0 and report["still_pending"] == 1
    budget = fulfilment_of(app).client.budget
    frees_in = budget.wait_for("create")
    assert 0 < frees_in <= 62, "the order waits for the budget, not for an error's backoff"
    clock.advance(math.ceil(frees_in))
    assert worker.run_pass()["pushed"] == 1
    assert stored(app, order_id)["qikink_status"] == "synced"
    assert slept == []
