"""Exchange size from the console (issue 26, part 7): a delivered order's page offers "Exchange
size" (not "Reship"), the form sends the chosen size once however often it is pressed, both orders
link each other, and the customer's tracking page shows the link both ways."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.admin_pages import open_order
from tests.browser.shop_pages import unique_email
from tests.conftest import order_body
from tests.harness import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]


def delivered_order(shop_server, email: str) -> dict:
    """An order Qikink has delivered: its status frozen at the emulator, read by a sync."""
    placed = shop_server.process.post("/api/orders", json=order_body(customer_email=email)).json()["data"]
    assert placed["qikink_status"] == "synced"
    requests.post(
        f"{shop_server.emulator.url}/_emulator/orders/{placed['qikink_shipment_id']}/status",
        json={"status": "Delivered"},
        timeout=5,
    ).raise_for_status()

    def delivered():
        shop_server.process.post("/api/qikink/sync").raise_for_status()
        return shop_server.order(placed["order_id"])["status"] == "delivered"

    wait_until(delivered, 30, interval=0.5, what="the order delivered")
    return placed


def test_exchange_size_from_the_console_links_both_orders_there_and_on_the_tracking_page(page, shop_server):
    email = unique_email("exchange")
    order_id = delivered_order(shop_server, email)["order_id"]
    stock_before = shop_server.product("BHRT-001-L")["stock_quantity"]
    open_order(page, email, order_id)
    expect(page.get_by_role("button", name="Reship")).to_be_hidden()
    page.get_by_role("button", name="Exchange size").click()
    form = page.get_by_role("form", name="Exchange size")
    form.get_by_label("New size for Heritage Print T-Shirt (was M)").select_option("BHRT-001-L")
    form.get_by_label("Quantity").fill("1")
    form.get_by_label("Note (staff only)").fill("M was tight")
    form.get_by_role("button", name="Send replacement").dblclick()
    expect(page.get_by_role("status").filter(has_text="placed at the shop's cost")).to_be_visible()
    expect(form).to_be_hidden()

    replacements = shop_server.order(order_id)["replacements"]
    assert len(replacements) == 1, "a double click makes one replacement"
    new_id = replacements[0]
    new = shop_server.order(new_id)
    assert (new["total"], new["replacement_of"], [i["sku"] for i in new["items"]]) == (0, order_id, ["BHRT-001-L"])
    assert shop_server.product("BHRT-001-L")["stock_quantity"] == stock_before - 1
    page.get_by_role("link", name=new_id).click()
    expect(page.get_by_role("heading", name=f"Order {new_id}")).to_be_visible()
    summary = page.get_by_role("region", name=f"Order {new_id}")
    expect(summary.get_by_text("exchange of size, at the shop's cost")).to_be_visible()
    expect(summary.get_by_text("nothing to pay, the shop pays Qikink for it")).to_be_visible()

    page.goto(f"/track.html?order={order_id}")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Track order").click()
    expect(page.get_by_text(re.compile(f"A replacement was sent: {new_id}"))).to_be_visible()
    page.get_by_role("link", name=new_id).click()
    expect(page.get_by_role("heading", name=f"Order {new_id}")).to_be_visible()
    expect(page.get_by_text(f"Exchange for order {order_id}.")).to_be_visible()
    expect(page.get_by_text("a replacement, nothing to pay")).to_be_visible()
