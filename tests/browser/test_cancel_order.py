"""The tracking page's "Cancel order" (issue 15): offered while the order has not reached the
printer, and gone once Qikink has it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.shop_pages import buy, unique_email

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]


def track(page, order_id):
    page.get_by_role("link", name="Track this order").click()
    expect(page.get_by_role("heading", name=f"Order {order_id}")).to_be_visible()


def test_the_customer_cancels_an_order_the_printer_does_not_have_yet(page, shop_server):
    shop_server.emulator.fault("503", count=1000, paths=["/api/order/create"])  # Qikink down: it stays pending
    try:
        order_id = buy(page, unique_email("cancel"))
        track(page, order_id)
        expect(page.get_by_role("status")).to_have_text("Order received")
        page.get_by_role("button", name="Cancel order").click()
        page.get_by_role("button", name="Keep my order").click()
        expect(page.get_by_role("button", name="Yes, cancel it")).to_be_hidden()
        page.get_by_role("button", name="Cancel order").click()
        page.get_by_role("button", name="Yes, cancel it").click()
        expect(page.get_by_role("alert").filter(has_text="cancelled")).to_have_text("Your order is cancelled.")
        expect(page.get_by_role("status")).to_have_text("Cancelled")
        expect(page.get_by_role("button", name="Cancel order")).to_be_hidden()
        assert shop_server.order(order_id)["status"] == "cancelled"
    finally:
        shop_server.emulator.clear_faults()


def test_no_cancel_button_once_the_printer_has_the_order(page, shop_server):
    order_id = buy(page, unique_email("no-cancel"))
    track(page, order_id)
    expect(page.get_by_text("Last checked at")).to_be_visible()
    assert shop_server.order(order_id)["qikink_status"] == "synced"
    expect(page.get_by_role("button", name="Cancel order")).to_be_hidden()
