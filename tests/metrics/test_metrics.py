"""GET /metrics: Prometheus' text format, parsed with prometheus_client's own parser: values that
follow the stored orders after 1,000 of them, labels without ids or emails (route patterns), and
access for an admin or this machine only."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from backend import create_app
from backend.config import Config
from tests.conftest import order_body
from tests.emulated_shop import inject, qikink_client

ADMIN_KEY = "m" * 32
OUTSIDE = {"REMOTE_ADDR": "203.0.113.20"}


@pytest.fixture
def app(data_dir):
    return create_app(
        Config(data_dir=data_dir, qikink_env="off", app_env="test", ratelimit_enabled=False, admin_api_key=ADMIN_KEY)
    )


def scrape(client, **kwargs) -> dict:
    """{(name, frozenset(labels)): value} of every sample."""
    answer = client.get("/metrics", **kwargs)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.content_type.startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(answer.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_after_1000_orders_the_figures_follow_the_store_and_labels_hold_no_ids(app):
    client = app.test_client()
    stocked = client.patch(
        "/api/products/BHRT-006-M", json={"stock_quantity": 1000}, headers={"X-Admin-Key": ADMIN_KEY}
    )
    assert stocked.status_code == 200
    ids = []
    for n in range(1000):
        body = order_body(
            customer_email=f"buyer{n}@example.com", items=[{"sku": "BHRT-006-M", "quantity": 1, "price": 899.5}]
        )
        answer = client.post("/api/orders", json=body)
        assert answer.status_code == 201, answer.get_json()
        ids.append(answer.get_json()["data"]["order_id"])
    for order_id in ids[:50]:
        assert client.get(f"/api/orders/{order_id}?email=nobody@example.com").status_code == 404
    assert client.get("/no/such/page/BHRT-123").status_code == 404
    samples = scrape(client)
    assert len(ids) == 1000 and value(samples, "shop_orders", status="pending") == 1000
    assert value(samples, "shop_orders_by_qikink_status", qikink_status="sync_pending") == len(ids)
    assert value(samples, "shop_oldest_waiting_order_age_seconds", state="not_sent") >= 0
    created = value(
        samples, "shop_http_request_duration_seconds_count", route="/api/orders", method="POST", status="201"
    )
    assert created == len(ids)
    looked_up = value(
        samples, "shop_http_request_duration_seconds_count", route="/api/orders/<order_id>", method="GET", status="404"
    )
    assert looked_up == 50
    labels = {value for (_, pairs) in samples for (_, value) in pairs}
    assert not any("@" in label or label.startswith("BHRT-") or "/BHRT" in label for label in labels)
    routes = {dict(pairs).get("route") for (name, pairs) in samples if name.startswith("shop_http_request")}
    assert routes <= {"/api/orders", "/api/orders/<order_id>", "/api/products/<sku>", "<unmatched>", None}
    series = sum(1 for (name, _) in samples if name == "shop_http_request_duration_seconds_count")
    assert series <= 6  # per route pattern, method and status: not per order


def test_customer_emails_and_waiting_ages_are_counted(app):
    client = app.test_client()
    order_id = client.post("/api/orders", json=order_body()).get_json()["data"]["order_id"]
    app.extensions["shop"].emails.send_due(order_id)
    collector = next(iter(app.extensions["metrics_registry"]._collector_to_names))  # the shop's collector
    collector.clock = lambda: 10_000_000_000.0  # far in the future: the order has waited long
    samples = scrape(client)
    assert value(samples, "shop_emails_total", kind="confirmation", outcome="sent") == 1
    assert value(samples, "shop_oldest_waiting_order_age_seconds", state="not_sent") > 8_000_000_000
    assert value(samples, "shop_attention_items", kind="not_sent", severity="critical") == 0  # the list's own clock


def test_only_an_admin_or_this_machine_may_scrape(app):
    client = app.test_client()
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 401
    assert scrape(client, environ_base=OUTSIDE, headers={"X-Admin-Key": ADMIN_KEY})
    assert scrape(client)  # 127.0.0.1: a Prometheus on the shop's own machine needs no key


def test_qikink_calls_are_counted_by_kind_and_outcome(make_shop, emu):
    """Against the emulator over HTTP: the token, a create and look-ups counted `ok`; a create
    refused by Qikink's 503s counted `unavailable`; the request thread's quick push (a sibling
    client) counts in the same figures."""
    app = make_shop(emu.url, client=qikink_client(emu.url), admin_api_key=ADMIN_KEY)
    client = app.test_client()
    assert client.post("/api/orders", json=order_body()).get_json()["data"]["qikink_status"] == "synced"
    inject(emu, "503", count=10)
    assert client.post("/api/orders", json=order_body()).get_json()["data"]["qikink_status"] == "sync_pending"
    samples = scrape(client, headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert value(samples, "shop_qikink_calls_total", kind="token", outcome="ok") == 1
    assert value(samples, "shop_qikink_calls_total", kind="create", outcome="ok") == 1
    assert value(samples, "shop_qikink_calls_total", kind="create", outcome="unavailable") >= 1
