"""Order events reach a receiver on 127.0.0.1, signed (checked with the `standardwebhooks`
verifier): queued in the order's own write, fanned out, delivered at least once and in order per
order, retried on the schedule while the receiver is down, none lost; 410 and a used-up schedule
turn the endpoint off with an item in the "needs attention" list."""

from __future__ import annotations

import time

import pytest

from backend import create_app
from backend.config import Config
from backend.webhooks.dispatcher import SCHEDULE
from tests.conftest import order_body
from tests.support import FakeClock
from tests.webhooks.receiver import Receiver

ADMIN = {"REMOTE_ADDR": "127.0.0.1"}


@pytest.fixture
def shop(data_dir):
    app = create_app(Config(data_dir=data_dir, ratelimit_enabled=False, app_env="test", qikink_env="off"))
    hub = app.extensions["shop"].webhooks
    # Fixed at the start (moved only by `advance`: a slow machine cannot make a retry due early),
    # and not before the orders' own timestamps, which are real times.
    hub.clock = FakeClock(start=time.time())
    return app, hub


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def subscribe(app, receiver, events=None) -> dict:
    body = {"url": receiver.url, "description": "test receiver"}
    if events is not None:
        body["events"] = events
    answer = app.test_client().post("/api/webhooks", json=body, environ_base=ADMIN)
    assert answer.status_code == 201, answer.get_json()
    endpoint = answer.get_json()["data"]
    receiver.secret = endpoint["secret"]
    return endpoint


def place(app, **overrides) -> str:
    answer = app.test_client().post("/api/orders", json=order_body(**overrides))
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["data"]["order_id"]


def cancel(app, order_id: str) -> None:
    answer = app.test_client().post(f"/api/orders/{order_id}/cancel", environ_base=ADMIN)
    assert answer.status_code == 200, answer.get_json()


def test_an_order_placed_and_cancelled_reaches_the_receiver_signed_and_in_order(shop, receiver):
    app, hub = shop
    subscribe(app, receiver)
    order_id = place(app)
    assert app.extensions["shop"].store.get_order(order_id)["webhooks"][0]["type"] == "order.created"
    cancel(app, order_id)

    report = hub.run_round()

    assert report["fanned_out"] == 2
    assert [(r["type"], r["order_id"]) for r in receiver.received] == [
        ("order.created", order_id),
        ("order.cancelled", order_id),
    ]
    assert receiver.received[0]["id"] == f"msg_{order_id}_order_received"
    assert receiver.received[1]["body"]["data"]["order"]["status"] == "cancelled"
    assert receiver.refused_signatures == 0
    assert "webhooks" not in app.extensions["shop"].store.get_order(order_id)  # the outbox is emptied
    assert hub.run_round() == {"fanned_out": 0, "attempts": 0}  # nothing sent twice


def test_only_the_event_types_an_endpoint_takes_and_none_from_before_it_existed(shop, receiver):
    app, hub = shop
    before = place(app)
    hub.run_round()  # fanned out to no endpoint: gone from the outbox, sent to no one
    subscribe(app, receiver, events=["order.cancelled"])
    order_id = place(app)
    cancel(app, order_id)
    hub.run_round()
    assert [(r["type"], r["order_id"]) for r in receiver.received] == [("order.cancelled", order_id)]
    assert before not in {r["order_id"] for r in receiver.received}


def test_receiver_down_for_a_while_no_event_lost_none_out_of_order(shop, receiver):
    app, hub = shop
    subscribe(app, receiver)
    port = receiver.port
    receiver.stop()  # connection refused from now on
    orders = [place(app) for _ in range(3)]
    for order_id in orders[:2]:
        cancel(app, order_id)
    hub.run_round()
    deliveries = hub.webhooks.deliveries(hub.webhooks.endpoints()[0]["id"])
    attempted = [d for d in deliveries if d["attempts"]]
    # only the first event of each order was tried; each order's second event waits behind it
    assert sorted(d["order_id"] for d in attempted) == sorted(orders)
    assert all(d["type"] == "order.created" and d["status"] == "pending" for d in attempted)

    for wait in SCHEDULE[:3]:  # three more failed rounds, each when the schedule says
        hub.clock.advance(wait)
        hub.run_round()
    assert receiver.received == []

    receiver.port = port
    receiver.start()
    hub.clock.advance(SCHEDULE[3])
    hub.run_round()

    got = [(r["order_id"], r["type"]) for r in receiver.received]
    assert sorted(got) == sorted([(o, "order.created") for o in orders] + [(o, "order.cancelled") for o in orders[:2]])
    for order_id in orders[:2]:
        mine = [t for o, t in got if o == order_id]
        assert mine == ["order.created", "order.cancelled"]
    assert all(d["status"] == "delivered" for d in hub.webhooks.deliveries(hub.webhooks.endpoints()[0]["id"]))


def test_not_before_the_schedule_says(shop, receiver):
    app, hub = shop
    subscribe(app, receiver)
    receiver.answer_status = 500
    place(app)
    assert hub.run_round()["attempts"] == 1
    assert hub.run_round()["attempts"] == 0  # the next attempt is SCHEDULE[0] seconds away
    hub.clock.advance(SCHEDULE[0] - 1)
    assert hub.run_round()["attempts"] == 0
    hub.clock.advance(1)
    assert hub.run_round()["attempts"] == 1
    delivery = hub.webhooks.deliveries(hub.webhooks.endpoints()[0]["id"])[0]
    assert delivery["attempts"] == 2 and delivery["last_status"] == 500
    assert delivery["last_error"].startswith("HTTP 500")


def test_410_gone_turns_the_endpoint_off_and_the_owner_is_told(shop, receiver):
    app, hub = shop
    endpoint = subscribe(app, receiver)
    receiver.answer_status = 410
    place(app)
    hub.run_round()
    stored = hub.webhooks.endpoint(endpoint["id"])
    assert stored["enabled"] is False and "410" in stored["disabled_reason"]
    items = app.test_client().get("/api/attention", environ_base=ADMIN).get_json()["data"]
    [item] = [i for i in items if i["kind"] == "webhook_disabled"]
    assert item["order_id"] is None and receiver.url in item["message"] and item["order_link"] == "/admin#webhooks"

    # turned on again by staff: the events it missed go, the one that got 410 can be resent
    receiver.answer_status = 204
    second = place(app)
    answer = app.test_client().patch(f"/api/webhooks/{endpoint['id']}", json={"enabled": True}, environ_base=ADMIN)
    assert answer.get_json()["data"]["enabled"] is True and answer.get_json()["data"]["disabled_reason"] is None
    hub.run_round()
    assert [r["order_id"] for r in receiver.received] == [second]
    items = app.test_client().get("/api/attention", environ_base=ADMIN).get_json()["data"]
    assert not [i for i in items if i["kind"] == "webhook_disabled"]


def test_a_used_up_schedule_turns_the_endpoint_off_and_keeps_later_events(shop, receiver):
    app, hub = shop
    endpoint = subscribe(app, receiver)
    receiver.answer_status = 503
    first = place(app)
    hub.run_round()
    for wait in SCHEDULE:
        hub.clock.advance(wait)
        hub.run_round()
    stored = hub.webhooks.endpoint(endpoint["id"])
    assert stored["enabled"] is False and stored["disabled_reason"].startswith("No event delivered for 3.")
    [delivery] = hub.webhooks.deliveries(endpoint["id"])
    assert delivery["status"] == "failed" and delivery["attempts"] == len(SCHEDULE) + 1

    later = place(app)  # while turned off: not fanned out to it (it takes no events now)
    hub.run_round()
    receiver.answer_status = 204
    app.test_client().patch(f"/api/webhooks/{endpoint['id']}", json={"enabled": True}, environ_base=ADMIN)
    answer = app.test_client().post(f"/api/webhooks/deliveries/{delivery['id']}/resend", environ_base=ADMIN)
    assert answer.status_code == 200 and answer.get_json()["data"]["status"] == "pending"
    hub.run_round()
    assert [r["order_id"] for r in receiver.received] == [first]
    assert later not in {r["order_id"] for r in receiver.received}


def test_a_crash_between_fan_out_and_emptying_the_outbox_sends_nothing_twice(shop, receiver):
    app, hub = shop
    subscribe(app, receiver)
    order_id = place(app)
    order = app.extensions["shop"].store.get_order(order_id)
    events = [hub._event(order, queued) for queued in order["webhooks"]]
    hub.webhooks.fan_out(events, hub.clock())  # as if the process died right after this commit
    hub.run_round()  # fans the same events out again: no second row
    assert [r["order_id"] for r in receiver.received] == [order_id]
    assert len(hub.webhooks.deliveries(hub.webhooks.endpoints()[0]["id"])) == 1


def test_metrics_count_deliveries(shop, receiver):
    app, hub = shop
    subscribe(app, receiver)
    place(app)
    hub.run_round()
    text = app.test_client().get("/metrics", environ_base=ADMIN).get_data(as_text=True)
    assert 'shop_webhook_deliveries_total{outcome="delivered"} 1.0' in text


def test_an_endpoint_that_cannot_be_sent_to_does_not_stop_the_others(shop, receiver):
    """A URL that slipped past the checks (stored before they were stricter) fails its own
    deliveries only: urllib3 refuses its host name, the next endpoint still gets the event."""
    app, hub = shop
    subscribe(app, receiver)
    hub.webhooks.add_endpoint("http://" + "0" * 300 + ".in/hooks", ["order.created"], "", hub.clock() - 5)
    order_id = place(app)
    hub.run_round()
    assert [r["order_id"] for r in receiver.received] == [order_id]
    bad = [e for e in hub.webhooks.endpoints() if e["url"] != receiver.url][0]
    [delivery] = hub.webhooks.deliveries(bad["id"])
    assert delivery["status"] == "pending" and delivery["last_error"].startswith("could not")
