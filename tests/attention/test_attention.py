""" "Needs attention": items appear when an order needs a person and clear when it moves on, from
Qikink's statuses as the emulator answers them over HTTP (On Hold, Action Required, RTO), the
shop's own states (a refused email, a COD order waiting for review, orders not sent) and an
injected clock for the thresholds; the digest mailed once per new item."""

from __future__ import annotations

import time

import pytest

from backend.attention.digest import AttentionDigest
from backend.attention.thresholds import Thresholds
from backend.config import Config, ConfigError
from tests.conftest import order_body
from tests.emulated_shop import fulfilment_of, inject, qikink_client, set_status, stored
from tests.support import EmulatorControl

ADMIN_KEY = "a" * 32
OUTSIDE = {"REMOTE_ADDR": "203.0.113.5"}
HOUR = 3600


class Later:
    """The attention list's clock: now, plus what a test adds."""

    def __init__(self):
        self.offset = 0.0

    def __call__(self):
        return time.time() + self.offset


@pytest.fixture
def shop(make_shop, emu):
    app = make_shop(emu.url, client=qikink_client(emu.url), admin_api_key=ADMIN_KEY)
    later = Later()
    app.extensions["shop"].attention.clock = later
    return app, later


def listed(app) -> dict:
    """{(kind, order_id): item} from GET /api/attention, as an admin."""
    answer = app.test_client().get("/api/attention", headers={"X-Admin-Key": ADMIN_KEY})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["summary"]["total"] == len(body["data"])
    return {(item["kind"], item["order_id"]): item for item in body["data"]}


def place(app):
    answer = app.test_client().post(
        "/api/orders", json=order_body(payment_method="prepaid", paid_outside=True), headers={"X-Admin-Key": ADMIN_KEY}
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["data"]


def refresh(app):
    fulfilment_of(app).run_pass(force=True)


def test_only_an_admin_may_read_it(shop):
    app, _ = shop
    answer = app.test_client().get("/api/attention", environ_base=OUTSIDE)
    assert answer.status_code == 401


def test_on_hold_is_listed_after_its_threshold_escalates_at_twice_and_clears_when_it_moves(shop, emu):
    app, later = shop
    order = place(app)
    set_status(emu, order["qikink_shipment_id"], "On Hold")
    refresh(app)
    assert stored(app, order["order_id"])["status"] == "on_hold"
    assert listed(app) == {}  # not yet: Qikink often releases an order once the wallet is topped up
    later.offset = 25 * HOUR
    item = listed(app)[("qikink_on_hold", order["order_id"])]
    assert item["severity"] == "warning" and "wallet" in item["message"] and "Top up" in item["action"]
    assert item["link"].startswith("https://") and item["order_link"] == f"/admin#order/{order['order_id']}"
    later.offset = 49 * HOUR
    assert listed(app)[("qikink_on_hold", order["order_id"])]["severity"] == "critical"
    set_status(emu, order["qikink_shipment_id"], "Printed")
    refresh(app)
    assert listed(app) == {}  # it moved on: nothing to do


def test_action_required_and_rto_are_listed_at_once(shop, emu):
    app, _ = shop
    fix, back = place(app), place(app)
    set_status(emu, fix["qikink_shipment_id"], "Action Required")
    set_status(emu, back["qikink_shipment_id"], "In-Transit")
    refresh(app)
    set_status(emu, back["qikink_shipment_id"], "RTO Initiated")
    refresh(app)
    items = listed(app)
    assert set(items) == {("action_required", fix["order_id"]), ("rto", back["order_id"])}
    assert "3 days" in items[("action_required", fix["order_id"])]["action"]
    assert all(item["severity"] == "warning" for item in items.values())


def test_orders_qikink_cannot_take_are_listed_not_sent_after_six_hours(shop, emu):
    app, later = shop
    inject(emu, "503", count=1000)
    order = place(app)
    assert order["qikink_status"] == "sync_pending"
    assert listed(app) == {}
    later.offset = 7 * HOUR
    item = listed(app)[("not_sent", order["order_id"])]
    assert "7 hours" in item["message"] and "Sync now" in item["action"]
    EmulatorControl(emu.url).clear_faults()
    refresh(app)
    assert listed(app) == {}


def test_a_refused_email_is_listed(shop):
    app, _ = shop
    order = place(app)

    def refused(stored_order):
        for email in stored_order["emails"]:
            email.update(status="failed", failed_at=stored_order["created_at"], last_error="550 no such user")

    app.extensions["shop"].store.update_order(order["order_id"], refused)
    item = listed(app)[("email_failed", order["order_id"])]
    assert "550 no such user" in item["message"] and "SMTP_URL" in item["action"]


def test_thresholds_are_settings_and_a_bad_one_is_refused():
    assert Thresholds.parse("on_hold=2, in_transit=240").of("qikink_on_hold") == 2 * HOUR
    assert Thresholds.parse("").of("not_sent") == 6 * HOUR
    for bad in ("on_hold", "on_hold=0", "teleported=3", "not_sent=abc"):
        with pytest.raises(ValueError):
            Thresholds.parse(bad)
    with pytest.raises(ConfigError):
        Config.from_env({"ATTENTION_HOURS": "on_hold=-1"})
    with pytest.raises(ConfigError):
        Config.from_env({"ALERT_EMAIL": "a@example.in, b@example.in"})


class Outbox:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)


def test_the_digest_is_mailed_once_per_new_item_at_most_hourly(shop, emu):
    app, later = shop
    outbox = Outbox()
    clock = Later()
    digest = AttentionDigest(
        app.extensions["shop"].attention,
        outbox,
        to="owner@example.in",
        mail_from="shop@example.in",
        shop_url="https://shop.example.in",
        clock=clock,
    )
    assert digest.run_pass() == {"new": 0, "sent": False}  # nothing to tell: no email
    first = place(app)
    set_status(emu, first["qikink_shipment_id"], "Action Required")
    refresh(app)
    assert digest.run_pass() == {"new": 1, "sent": True}
    message = outbox.sent[0]
    assert message["To"] == "owner@example.in" and "need attention" in message["Subject"]
    text = message.get_content()
    assert first["order_id"] in text and f"https://shop.example.in/admin#order/{first['order_id']}" in text
    clock.offset = 2 * HOUR
    assert digest.run_pass() == {"new": 0, "sent": False}  # told already
    second = place(app)
    set_status(emu, second["qikink_shipment_id"], "In-Transit")
    refresh(app)
    set_status(emu, second["qikink_shipment_id"], "RTO Initiated")
    refresh(app)
    clock.offset = 2.5 * HOUR
    assert digest.run_pass() == {"new": 1, "sent": True}
    assert second["order_id"] in outbox.sent[1].get_content()
    assert first["order_id"] not in outbox.sent[1].get_content().split("in all.")[1]
    third = place(app)
    set_status(emu, third["qikink_shipment_id"], "Action Required")
    refresh(app)
    clock.offset = 3 * HOUR  # within the hour of the last email: waits
    assert digest.run_pass() == {"new": 0, "sent": False}
    clock.offset = 3.6 * HOUR
    assert digest.run_pass()["new"] == 1
    later.offset = 3 * 24 * HOUR  # the first turns critical: told again, once
    clock.offset = 5 * HOUR
    report = digest.run_pass()
    assert report["sent"] and "URGENT" in outbox.sent[-1].get_content()
    assert len(outbox.sent) == 4
