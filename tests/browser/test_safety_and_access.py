"""Customer text is shown as text (no markup, no script, no dialog), and every page passes an
axe-core scan without serious or critical violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.shop_pages import add_to_cart, buy, fill_checkout, serious_violations, unique_email

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_LINE = '"><script>alert(2)</script>'
HOSTILE_CITY = "Mumbai<svg onload=alert(3)>"


def test_hostile_name_and_address_are_shown_literally_and_run_nothing(page, shop_server, page_problems):
    email = unique_email("hostile")
    buy(page, email, **{"Full name": HOSTILE_NAME, "Address line 1": HOSTILE_LINE, "City": HOSTILE_CITY})
    confirmation = page.get_by_role("region", name="Thank you! Your order is placed")
    expect(confirmation).to_contain_text(f"Delivering to {HOSTILE_NAME}, {HOSTILE_CITY}.")

    page.get_by_role("link", name="Track this order").click()
    address = page.locator("#tracking-address")
    expect(address).to_contain_text(f"{HOSTILE_NAME}, {HOSTILE_LINE}, Near Flora Fountain, {HOSTILE_CITY}")
    assert page.locator("main img, main script, main svg").count() == 0
    assert page_problems.dialogs == []
    [order] = shop_server.orders_for(email)
    assert order["shipping_address"]["name"] == HOSTILE_NAME


def test_a_tracking_link_that_is_not_http_never_becomes_a_link(page, shop_server):
    order_id = buy(page, unique_email("badlink"))
    view = {
        "order_id": order_id,
        "status": "in_transit",
        "courier": "<b>Evil</b>",
        "tracking_number": "123456789",
        "tracking_url": "javascript:alert(4)",
        "events": [
            {
                "event": "in_transit",
                "timestamp": "2026-11-29T10:00:00+00:00",
                "location": "<i>Pune</i>",
                "description": "x",
            }
        ],
    }
    page.route("**/api/qikink/fulfillment/*", lambda route: route.fulfill(json=view))
    page.get_by_role("link", name="Track this order").click()
    expect(page.locator("#tracking-courier")).to_have_text("<b>Evil</b>")
    expect(page.get_by_role("list").filter(has_text="Shipped")).to_contain_text("<i>Pune</i>")
    expect(page.get_by_role("link", name="Track with <b>Evil</b>")).to_have_count(0)


def test_storefront_with_a_cart_and_field_errors_has_no_serious_accessibility_violations(page):
    page.goto("/")
    add_to_cart(page, "Heritage Print T-Shirt")
    assert serious_violations(page) == []
    fill_checkout(page, "not-an-email", **{"PIN code": "1"})
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_label("PIN code")).to_have_attribute("aria-invalid", "true")
    assert serious_violations(page) == []


def test_tracking_page_empty_and_showing_an_order_has_no_serious_accessibility_violations(page, shop_server):
    page.goto("/track")
    expect(page.get_by_role("button", name="Track order")).to_be_visible()
    assert serious_violations(page) == []

    buy(page, unique_email("a11y"))
    page.get_by_role("link", name="Track this order").click()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    assert serious_violations(page) == []


def test_a_wrong_email_finds_no_order(page, shop_server):
    order_id = buy(page, unique_email("owner"))
    page.goto("/track")
    page.get_by_label("Order ID").fill(order_id)
    page.get_by_label("Email").fill("someone-else@example.com")
    page.get_by_role("button", name="Track order").click()
    expect(page.get_by_role("alert")).to_have_text(
        "We found no order with that order ID and email. Check both against your confirmation."
    )
    expect(page.get_by_role("region", name=f"Order {order_id}")).to_be_hidden()
