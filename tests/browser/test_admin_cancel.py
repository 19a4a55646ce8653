"""Cancelling from the admin console (issue 15): an order Qikink does not have is cancelled at
once; one it has becomes "Cancel requested" with the dashboard instruction, and Cancelled once
Qikink reports it."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.admin_pages import guide_order, open_order, show_orders_of
from tests.browser.shop_pages import unique_email
from tests.conftest import order_body

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]


def test_an_order_qikink_does_not_have_is_cancelled_at_once(page, shop_server):
    email = unique_email("admin-cancel")
    order_id = guide_order(shop_server, email)  # action_required: not sent
    open_order(page, email, order_id)
    page.get_by_role("button", name="Cancel order").click()
    page.get_by_role("button", name="Yes, cancel this order").click()
    expect(page.get_by_text("Order cancelled; its stock is back.")).to_be_visible()
    expect(page.locator("#order-status")).to_have_text("Cancelled · Qikink: Not sent")
    expect(page.get_by_role("button", name="Cancel order")).to_be_hidden()
    assert shop_server.order(order_id)["status"] == "cancelled"


def test_an_order_at_qikink_is_cancel_requested_until_qikink_cancels_it(page, shop_server):
    email = unique_email("admin-cancel-requested")
    placed = shop_server.process.post("/api/orders", json=order_body(customer_email=email)).json()["data"]
    assert placed["qikink_status"] == "synced"
    order_id = placed["order_id"]
    # Held at Qikink (a frozen status), so that it is not manifested before the test cancels it.
    requests.post(
        f"{shop_server.emulator.url}/_emulator/orders/{placed['qikink_shipment_id']}/status",
        json={"status": "On Hold"},
        timeout=5,
    ).raise_for_status()
    open_order(page, email, order_id)
    page.get_by_role("button", name="Cancel order").click()
    page.get_by_role("button", name="Yes, cancel this order").click()
    expect(page.locator("#order-status")).to_contain_text("Cancel requested")
    expect(page.get_by_role("note")).to_contain_text(f"cancel order {order_id.replace('-', '')} in Qikink's dashboard")
    # Said once (issue 25): the instruction, and the timeline's entry; not again in a message above
    # it nor in the summary's "Qikink says".
    order_page = page.get_by_role("region", name=f"Order {order_id}")
    expect(order_page.get_by_role("listitem").filter(has_text="Cancellation requested")).to_be_visible()
    expect(order_page.get_by_text(re.compile("in Qikink's dashboard"))).to_have_count(2)
    requests.post(
        f"{shop_server.emulator.url}/_emulator/orders/{placed['qikink_shipment_id']}/cancel", timeout=5
    ).raise_for_status()
    page.get_by_role("link", name="← All orders").click()
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_role("heading", name="Sync report")).to_be_visible()
    assert shop_server.order(order_id)["status"] == "cancelled"
    show_orders_of(page, email)
    expect(page.get_by_role("row", name=re.compile(order_id))).to_contain_text("Cancelled")
