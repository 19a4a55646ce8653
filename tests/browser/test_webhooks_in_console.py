"""Webhooks from the console, end to end (issue 25 part 4): staff add an endpoint in the console
and copy its secret; the real server (`python -m backend`, its webhook thread) then delivers the
order's events, Qikink's progress included, to a receiver on 127.0.0.1 that verifies every
signature with the `standardwebhooks` package; the delivery log and "Turn off" work as staff expect."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.shop_pages import unique_email
from tests.browser.shop_server import own_shop_server
from tests.conftest import order_body
from tests.harness import wait_until
from tests.webhooks.receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def webhook_server(tmp_path_factory):
    """A server of this module's own: its endpoint must not receive other modules' orders."""
    with own_shop_server(tmp_path_factory, "webhook-shop") as server:
        yield server


@pytest.fixture
def base_url(webhook_server):
    return webhook_server.url


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def types_for(receiver, order_id):
    return [r["type"] for r in receiver.received if r["order_id"] == order_id]


def test_staff_add_an_endpoint_and_the_orders_events_arrive_signed_and_in_order(page, webhook_server, receiver):
    page.goto("/admin")
    panel = page.get_by_role("region", name="Webhooks")
    expect(panel.get_by_role("status")).to_contain_text("No endpoints yet")
    panel.get_by_label("Address (URL) of the tool").fill(receiver.url)
    panel.get_by_label("What it is (optional)").fill("Order sheet")
    panel.get_by_role("button", name="Add endpoint").click()
    secret = panel.locator("code.secret")
    expect(secret).to_contain_text("whsec_")
    expect(panel.get_by_role("alert")).to_contain_text("it is not shown again")
    receiver.secret = secret.text_content()
    expect(panel.get_by_text("Order sheet")).to_be_visible()

    placed = requests.post(
        webhook_server.url + "/api/orders", json=order_body(customer_email=unique_email("hooks")), timeout=30
    )
    order_id = placed.json()["data"]["order_id"]
    # The emulator moves the order on every few seconds: sent, then shipped and delivered.
    wait_until(lambda: "order.delivered" in types_for(receiver, order_id), timeout=90, what="order.delivered")
    got = types_for(receiver, order_id)
    assert got[:2] == ["order.created", "order.sent_to_qikink"]
    assert got.index("order.shipped") < got.index("order.delivered")
    assert len(got) == len(set(got)) and receiver.refused_signatures == 0

    page.reload()
    panel.get_by_role("button", name=f"Delivery log ({receiver.url})").click()
    log = panel.get_by_role("table", name=f"Latest deliveries to {receiver.url}")
    first = log.get_by_role("row").filter(has_text="Order placed").filter(has_text=order_id)
    expect(first).to_contain_text("Delivered")
    first.get_by_role("button", name="Send again").click()
    expect(panel.get_by_role("alert")).to_contain_text("will be sent again shortly")
    wait_until(lambda: types_for(receiver, order_id).count("order.created") == 2, timeout=30, what="resent")

    panel.get_by_role("button", name=f"Turn off ({receiver.url})").click()
    expect(panel.get_by_role("alert")).to_contain_text("its events wait until it is turned on again")
    expect(panel.get_by_role("button", name=f"Turn on ({receiver.url})")).to_be_visible()


def test_a_bad_address_is_refused_at_the_field(page):
    page.goto("/admin")
    panel = page.get_by_role("region", name="Webhooks")
    panel.get_by_label("Address (URL) of the tool").fill("ftp://example.in/hooks")
    panel.get_by_role("button", name="Add endpoint").click()
    expect(panel.get_by_role("alert")).to_contain_text("Not added: The address must be an http:// or https:// URL")
    expect(panel.get_by_label("Address (URL) of the tool")).to_have_attribute("aria-invalid", "true")
