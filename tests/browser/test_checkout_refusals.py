"""Every way the server can refuse a checkout, shown where the customer looks for it."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.shop_pages import add_to_cart, confirmed_order_id, fill_checkout, unique_email

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def restore_catalogue(shop_server):
    """Products a test changes (price, stock) are put back afterwards."""
    saved = {}

    def change(sku, **changes):
        product = shop_server.product(sku)
        saved.setdefault(sku, {"price": product["price"], "stock_quantity": product["stock_quantity"]})
        shop_server.set_product(sku, **changes)

    yield change
    for sku, original in saved.items():
        shop_server.set_product(sku, **original)


def place_order(page):
    page.get_by_role("button", name="Place order").click()


def test_validation_errors_appear_next_to_their_fields(page, shop_server):
    email = "asha@example"
    page.goto("/")
    add_to_cart(page, "Warli Village Tee")
    fill_checkout(page, email, **{"PIN code": "012345", "Mobile number": "12345", "City": ""})
    place_order(page)

    expect(page.get_by_label("Email")).to_have_accessible_description(re.compile("Email must be a valid email"))
    expect(page.get_by_label("PIN code")).to_have_accessible_description(re.compile("PIN code must be a 6-digit"))
    expect(page.get_by_label("Mobile number")).to_have_accessible_description(re.compile("10 digits starting 6-9"))
    expect(page.get_by_label("City")).to_have_accessible_description("City is required")
    for label in ("Email", "PIN code", "Mobile number", "City"):
        expect(page.get_by_label(label, exact=True)).to_have_attribute("aria-invalid", "true")
    for label in ("Full name", "Address line 1", "State"):
        expect(page.get_by_label(label, exact=True)).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert").filter(has_text="correct the highlighted")).to_be_visible()
    expect(page.get_by_label("Email")).to_be_focused()
    assert shop_server.orders_for(email) == []

    fill_checkout(page, unique_email("fixed"))
    place_order(page)
    confirmed_order_id(page)


def test_a_price_change_refreshes_the_cart_and_says_what_changed(page, shop_server, restore_catalogue):
    email = unique_email("price")
    page.goto("/")
    add_to_cart(page, "Warli Village Tee")
    expect(page.locator("#cart-total")).to_have_text("₹999")
    restore_catalogue("BHRT-002-M", price=1049)
    fill_checkout(page, email)
    place_order(page)

    expect(page.get_by_role("alert").filter(has_text="price")).to_have_text(
        re.compile(r"The price of Warli Village Tee \(M\) has changed from ₹999 to ₹1,049\.")
    )
    expect(page.locator("#cart-total")).to_have_text("₹1,049")
    expect(page.get_by_role("article", name="Warli Village Tee")).to_contain_text("₹1,049")
    assert shop_server.orders_for(email) == []

    place_order(page)
    expect(page.get_by_role("region", name="Thank you! Your order is placed")).to_contain_text("₹1,049")
    assert [o["total"] for o in shop_server.orders_for(email)] == [1049]


def test_short_stock_a_sell_out_and_a_price_change_are_told_at_once_and_the_cart_fits(
    page, shop_server, restore_catalogue
):
    email = unique_email("stock")
    page.goto("/")
    add_to_cart(page, "Gond Forest Tee")
    add_to_cart(page, "Kalamkari Bloom Top")
    add_to_cart(page, "Warli Village Tee")
    quantity = page.get_by_label("Quantity of Gond Forest Tee (M)")
    quantity.fill("5")
    quantity.press("Enter")
    restore_catalogue("BHRT-004-M", stock_quantity=2)
    restore_catalogue("BHRT-003-S", stock_quantity=0)
    restore_catalogue("BHRT-002-M", price=1049)
    fill_checkout(page, email)
    place_order(page)

    notice = page.locator("#cart-notice")
    expect(notice).to_contain_text("Only 2 of Gond Forest Tee (M) left: your cart now has 2.")
    expect(notice).to_contain_text("Kalamkari Bloom Top (S) has just sold out, so we took it out of your cart.")
    expect(notice).to_contain_text("The price of Warli Village Tee (M) has changed from ₹999 to ₹1,049.")
    expect(page.get_by_label("Quantity of Gond Forest Tee (M)")).to_have_value("2")
    expect(page.get_by_label("Quantity of Kalamkari Bloom Top (S)")).to_have_count(0)
    expect(
        page.get_by_role("article", name="Kalamkari Bloom Top").get_by_role("button", name="Sold out")
    ).to_be_disabled()
    assert shop_server.orders_for(email) == []

    place_order(page)
    confirmed_order_id(page)
    [order] = shop_server.orders_for(email)
    assert sorted((i["sku"], i["quantity"], i["price"]) for i in order["items"]) == [
        ("BHRT-002-M", 1, 1049),
        ("BHRT-004-M", 2, 1099),
    ]


@pytest.mark.parametrize(
    "status, code, expected",
    [
        (429, "rate_limited", "We are receiving a lot of orders from your connection. Please try again in 30 seconds."),
        (503, "storage_unavailable", "The shop cannot take orders for a moment. Please try again in 30 seconds."),
    ],
)
def test_busy_answers_say_when_to_try_again_and_the_next_try_orders_once(page, shop_server, status, code, expected):
    email = unique_email(f"busy{status}")
    page.goto("/")
    add_to_cart(page, "Pattachitra Story Tee")
    busy = {"status": "error", "error": {"code": code, "message": "Too many requests"}}
    page.route("**/api/orders", lambda route: route.fulfill(status=status, headers={"Retry-After": "30"}, json=busy))
    fill_checkout(page, email)
    place_order(page)

    expect(page.locator("#checkout-message")).to_have_text(expected)
    expect(page.get_by_role("button", name="Place order")).to_be_enabled()
    assert shop_server.orders_for(email) == []

    page.unroute("**/api/orders")
    place_order(page)
    confirmed_order_id(page)
    assert len(shop_server.orders_for(email)) == 1


def test_an_empty_cart_is_not_sent(page, shop_server):
    email = unique_email("empty")
    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)
    page.goto("/")
    expect(page.get_by_role("article", name="Warli Village Tee")).to_be_visible()
    fill_checkout(page, email)
    place_order(page)
    expect(page.locator("#checkout-message")).to_have_text("Your cart is empty: add a T-shirt first.")
    assert posts == [] and shop_server.orders_for(email) == []


def test_the_cart_keeps_only_skus_and_quantities_and_survives_a_reload(page):
    page.goto("/")
    add_to_cart(page, "Heritage Print T-Shirt", "L")
    add_to_cart(page, "Heritage Print T-Shirt", "L")
    stored = json.loads(page.evaluate("localStorage.getItem('shop.cart')"))
    assert stored == [{"sku": "BHRT-001-L", "quantity": 2}]
    page.reload()
    expect(page.get_by_label("Quantity of Heritage Print T-Shirt (L)")).to_have_value("2")
    expect(page.locator("#cart-total")).to_have_text("₹2,598")
    page.get_by_role("button", name="Remove Heritage Print T-Shirt (L)").click()
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()
