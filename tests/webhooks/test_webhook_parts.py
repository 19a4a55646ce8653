"""The webhook parts one at a time: which timeline events are webhook events, the address rules
(the connected socket's peer decides), the signature, the admin routes' answers and refusals, the
outbox index of the journal across a restart, and the delivery log on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from backend import create_app
from backend.config import Config
from backend.fulfilment.events import add_event
from backend.storage import JournalOrderStore, load_catalogue
from backend.webhooks.delivery import WebhookPoster, is_public, signed_headers, url_problem
from backend.webhooks.store import postgres_webhook_store, sqlite_webhook_store
from tests.conftest import order_body
from tests.webhooks.receiver import Receiver

ADMIN = {"REMOTE_ADDR": "127.0.0.1"}
OUTSIDE = {"REMOTE_ADDR": "203.0.113.5"}


def types(order) -> list[str]:
    return [q["type"] for q in order.get("webhooks", [])]


# --- which events ----------------------------------------------------------------------------------
def test_timeline_events_become_webhook_events_once_each():
    order = {"order_id": "BHRT-1234567890", "events": []}
    for event in ("order_received", "payment_received", "order_synced", "order_processing", "in_transit"):
        add_event(order, event, event, "2026-12-04T06:00:00+00:00")
    add_event(order, "in_transit", "again", "2026-12-04T06:00:01+00:00")  # already there: nothing
    add_event(order, "delivered", "Delivered", "2026-12-04T07:00:00+00:00")
    assert types(order) == ["order.created", "order.paid", "order.sent_to_qikink", "order.shipped", "order.delivered"]
    assert [q["id"] for q in order["webhooks"]][:1] == ["msg_BHRT-1234567890_order_received"]


def test_delivered_without_in_transit_is_shipped_first():
    order = {"order_id": "BHRT-1234567890", "events": []}
    add_event(order, "order_synced", "Sent", "2026-12-04T06:00:00+00:00")
    add_event(order, "delivered", "Delivered", "2026-12-04T06:05:00+00:00")
    assert types(order) == ["order.sent_to_qikink", "order.shipped", "order.delivered"]


def test_an_order_is_cancelled_once_whichever_way_and_attention_carries_its_reason():
    order = {"order_id": "BHRT-1234567890", "events": []}
    add_event(order, "payment_expired", "Not paid in time", "2026-12-04T06:00:00+00:00")
    add_event(order, "cancelled", "Cancelled", "2026-12-04T06:00:01+00:00")
    add_event(order, "order_on_hold", "On hold at Qikink (wallet balance too low)", "2026-12-04T06:00:02+00:00")
    assert types(order) == ["order.cancelled", "order.needs_attention"]
    assert order["webhooks"][1]["reason"].startswith("On hold at Qikink")


# --- addresses and signatures ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "address, public",
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.1.20", False),
        ("169.254.169.254", False),  # a cloud's metadata service
        ("100.64.0.1", False),  # carrier-grade NAT
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("fd00::1", False),
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
    ],
)
def test_only_public_addresses_are_public(address, public):
    assert is_public(address) is public


@pytest.mark.parametrize(
    "url, allow_private, https, problem",
    [
        ("https://hooks.example.in/x", True, True, None),
        ("http://127.0.0.1:8080/hooks", True, False, None),
        ("http://127.0.0.1:8080/hooks", False, False, "private or loopback"),
        ("http://localhost/hooks", False, False, "private or loopback"),
        ("http://hooks.example.in/x", True, True, "must use https://"),
        ("ftp://hooks.example.in/x", True, False, "must be an http:// or https:// URL"),
        ("https://user:pw@hooks.example.in/x", True, False, "must be an http:// or https:// URL"),
        ("https://hooks.example.in/a b", True, False, "must be an http:// or https:// URL"),
        ("https://no-such-host.invalid/x", False, False, "does not resolve"),
        ("http://hooks.example.in:82760/x", True, False, "must be an http:// or https:// URL"),
        ("http://" + "a" * 64 + ".example.in/x", True, False, "must be an http:// or https:// URL"),
        ("http://a.b.c.d.e.example.in/x", True, False, "must be an http:// or https:// URL"),
        ("http://hooks.example.in:65535/x", True, False, None),
    ],
)
def test_url_rules(url, allow_private, https, problem):
    found = url_problem(url, allow_private=allow_private, require_https=https)
    assert (found is None) if problem is None else (problem in found), found


def test_the_peer_check_refuses_a_loopback_receiver_even_when_the_url_was_not_checked():
    receiver = Receiver(secret="whsec_" + "A" * 43).start()
    try:
        attempt = WebhookPoster(allow_private=False).post(receiver.url, receiver.secret, "msg_1", b"{}")
        assert attempt.http_status is None and "private or loopback" in attempt.error
        assert receiver.received == []
    finally:
        receiver.stop()


def test_the_signature_is_standard_webhooks():
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # the specification's own example secret
    headers = signed_headers(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", b'{"test": 2432232314}', 1614265330)
    assert headers["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert headers["webhook-id"] == "msg_p5jXN8AQM9LWM0D4loKWxJek" and headers["webhook-timestamp"] == "1614265330"


# --- the admin routes ----------------------------------------------------------------------------------
@pytest.fixture
def client(data_dir):
    return create_app(Config(data_dir=data_dir, ratelimit_enabled=False, app_env="test")).test_client()


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "url"),
        ({"url": "https://a.example.in", "events": []}, "events"),
        ({"url": "https://a.example.in", "events": ["order.teleported"]}, "events"),
        ({"url": "https://a.example.in", "description": "x" * 201}, "description"),
        ({"url": "https://a.example.in", "enabled": False}, "enabled"),
        ({"url": "https://a.example.in", "secret": "mine"}, "secret"),
    ],
)
def test_a_bad_endpoint_is_refused_naming_the_field_and_nothing_is_added(client, body, field):
    answer = client.post("/api/webhooks", json=body, environ_base=ADMIN)
    assert answer.status_code == 422
    assert field in {d["field"] for d in answer.get_json()["error"]["details"]}
    assert client.get("/api/webhooks", environ_base=ADMIN).get_json()["data"] == []


def test_the_secret_is_shown_once_and_a_new_one_replaces_it(client):
    added = client.post("/api/webhooks", json={"url": "https://a.example.in/h"}, environ_base=ADMIN)
    assert added.status_code == 201 and added.headers["Location"].startswith("/api/webhooks/ep_")
    endpoint = added.get_json()["data"]
    assert endpoint["secret"].startswith("whsec_") and endpoint["events"][0] == "order.created"
    listed = client.get("/api/webhooks", environ_base=ADMIN).get_json()["data"][0]
    assert "secret" not in listed and listed["secret_hint"].endswith(endpoint["secret"][-4:])
    rotated = client.post(f"/api/webhooks/{endpoint['id']}/secret", environ_base=ADMIN).get_json()["data"]
    assert rotated["secret"] != endpoint["secret"]
    assert client.delete(f"/api/webhooks/{endpoint['id']}", environ_base=ADMIN).status_code == 200
    assert client.get(f"/api/webhooks/{endpoint['id']}", environ_base=ADMIN).status_code == 404


def test_webhooks_are_for_admins_only(client):
    assert client.get("/api/webhooks", environ_base=OUTSIDE).status_code == 401
    assert client.post("/api/webhooks", json={"url": "https://a.example.in"}, environ_base=OUTSIDE).status_code == 401


def test_in_production_a_private_address_is_refused(data_dir):
    config = Config(data_dir=data_dir, ratelimit_enabled=False, app_env="test", webhook_allow_private=False)
    client = create_app(config).test_client()
    answer = client.post("/api/webhooks", json={"url": "http://192.168.1.20/hooks"}, environ_base=ADMIN)
    assert answer.status_code == 422 and "private or loopback" in answer.get_json()["error"]["message"]


def test_webhook_allow_private_defaults_by_environment():
    assert Config.from_env({"APP_ENV": "development"}).webhook_allow_private is True
    production = {
        "APP_ENV": "production",
        "ADMIN_API_KEY": "k" * 32,
        "QIKINK_ENV": "off",
        "PAYMENTS_ENV": "off",
    }
    assert Config.from_env(production).webhook_allow_private is False
    assert Config.from_env({**production, "WEBHOOK_ALLOW_PRIVATE": "true"}).webhook_allow_private is True


# --- the outbox index and the delivery log -------------------------------------------------------
def test_the_journals_outbox_index_survives_a_restart_and_a_checkpoint(data_dir):
    catalogue = load_catalogue(data_dir / "products.json")
    app = create_app(Config(data_dir=data_dir, ratelimit_enabled=False, app_env="test"))
    placed = [app.test_client().post("/api/orders", json=order_body()).get_json()["data"] for _ in range(3)]
    store = JournalOrderStore(data_dir, catalogue)
    assert {o["order_id"] for o in store.orders_with_outbox()} == {o["order_id"] for o in placed}
    store.compact()  # a checkpoint of the index, then a fresh start from it
    store.update_order(placed[0]["order_id"], lambda order: order.pop("webhooks"))
    again = JournalOrderStore(data_dir, catalogue)
    assert {o["order_id"] for o in again.orders_with_outbox()} == {o["order_id"] for o in placed[1:]}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def webhook_store(request, tmp_path, data_dir):
    if request.param == "sqlite":
        return sqlite_webhook_store(tmp_path / "webhooks.sqlite3")
    from backend.storage.postgres import open_postgres_store

    url = request.getfixturevalue("database_url")
    orders = open_postgres_store(Config(data_dir=data_dir, database_url=url, database_pool_max=2))
    request.addfinalizer(orders.close)
    return postgres_webhook_store(orders.pool)


def event(order_id, name, at=100.0, kind="order.created"):
    return {"id": f"msg_{order_id}_{name}", "order_id": order_id, "type": kind, "at": at, "body": "{}"}


def test_the_delivery_log_keeps_each_orders_events_in_order(webhook_store):
    endpoint = webhook_store.add_endpoint("https://a.example.in", ["order.created", "order.cancelled"], "", now=50.0)
    other = webhook_store.add_endpoint("https://b.example.in", ["order.cancelled"], "", now=50.0)
    events = [
        event("BHRT-1", "order_received"),
        event("BHRT-1", "cancelled", kind="order.cancelled"),
        event("BHRT-2", "order_received"),
        event("BHRT-3", "order_received", at=10.0),  # before the endpoints existed
    ]
    assert webhook_store.fan_out(events, now=101.0) == 4  # 3 to the first, 1 to the second
    assert webhook_store.fan_out(events, now=102.0) == 0  # again: nothing new
    due = webhook_store.due(now=200.0)
    assert [(d["endpoint_id"], d["message_id"]) for d in due] == [
        (endpoint["id"], "msg_BHRT-1_order_received"),
        (other["id"], "msg_BHRT-1_cancelled"),
        (endpoint["id"], "msg_BHRT-2_order_received"),
    ]
    first = due[0]
    webhook_store.record(first["id"], status="pending", http_status=503, error="HTTP 503", now=200.0, retry_at=300.0)
    assert [d["message_id"] for d in webhook_store.due(now=200.0)] == [
        "msg_BHRT-1_cancelled",
        "msg_BHRT-2_order_received",
    ]
    webhook_store.record(first["id"], status="delivered", http_status=204, error=None, now=300.0)
    assert "msg_BHRT-1_cancelled" in {
        d["message_id"] for d in webhook_store.due(now=300.0) if d["endpoint_id"] == endpoint["id"]
    }
    assert webhook_store.disable(endpoint["id"], "gone", now=301.0) is True
    assert webhook_store.disable(endpoint["id"], "gone", now=302.0) is False
    assert {d["endpoint_id"] for d in webhook_store.due(now=400.0)} == {other["id"]}
    assert webhook_store.counts()[(endpoint["id"], "delivered")] == 1
    assert webhook_store.prune(before=1000.0) == 1  # the delivered one; pending ones stay
    assert webhook_store.delete_endpoint(endpoint["id"]) and webhook_store.endpoint(endpoint["id"]) is None


def test_every_store_finds_the_orders_holding_webhook_events(store):
    from tests.storage.order_builder import builder

    waiting = [{"id": "msg_x", "type": "order.created", "reason": None, "at": "2026-01-01T00:00:00+00:00"}]
    with_events, _ = store.create_order(builder(webhooks=waiting))
    store.create_order(builder())  # no events waiting
    assert [o["order_id"] for o in store.orders_with_outbox()] == [with_events["order_id"]]
    store.update_order(with_events["order_id"], lambda order: order.pop("webhooks"))
    assert store.orders_with_outbox() == []
