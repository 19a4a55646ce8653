"""The whole purchase in Chromium, from the backend's own pages and from another origin:
catalogue → size → cart → checkout → confirmation → tracking until delivered."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.shop_pages import add_to_cart, confirmed_order_id, fill_checkout, unique_email
from tests.harness import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(params=["same-origin", "cross-origin"])
def shop_url(request, shop_server):
    """The storefront's address: served by the backend, or by `python -m http.server` on another port."""
    if request.param == "same-origin":
        return shop_server.url + "/"
    return request.getfixturevalue("static_site") + "/index.html"


def test_a_customer_buys_two_t_shirts_and_follows_them_until_delivered(page, shop_server, shop_url):
    email = unique_email("buyer")
    # The page's clock stands still unless the test moves it: its refresh timer is checked exactly.
    page.clock.install()
    page.clock.pause_at(time.time() + 1)
    page.goto(shop_url)

    heritage = page.get_by_role("article", name="Heritage Print T-Shirt")
    expect(heritage.get_by_role("heading", name="Heritage Print T-Shirt")).to_be_visible()
    expect(heritage).to_contain_text("₹1,299")
    sold_out = page.get_by_role("article", name="Phulkari Pocket Tee")
    expect(sold_out.get_by_role("button", name="Sold out")).to_be_disabled()

    add_to_cart(page, "Heritage Print T-Shirt", "L")
    add_to_cart(page, "Bagru Block Print Tee")
    quantity = page.get_by_label("Quantity of Bagru Block Print Tee (M)")
    quantity.fill("3")
    quantity.press("Enter")
    expect(page.locator("#cart-total")).to_have_text("₹3,997.50")  # 1,299 + 3 × 899.50, in paise
    expect(page.get_by_role("link", name="Cart (4)")).to_be_visible()

    fill_checkout(page, email, payment="Cash on delivery (pay the courier)")
    page.get_by_role("button", name="Place order").click()

    order_id = confirmed_order_id(page)
    confirmation = page.get_by_role("region", name="Thank you! Your order is placed")
    assert re.fullmatch(r"BHRT-\d+", order_id)
    expect(confirmation).to_contain_text("₹3,997.50")
    expect(confirmation).to_contain_text("Cash on delivery")
    expect(confirmation).to_contain_text(re.compile("sent your order to our printer|queued"))
    expect(page.get_by_role("link", name="Cart (0)")).to_be_visible()

    [stored] = shop_server.orders_for(email)
    assert stored["order_id"] == order_id and stored["payment_method"] == "cod" and stored["total"] == 3997.5
    assert stored["shipping_address"]["phone"] == "9876543210" and stored["shipping_address"]["state"] == "Maharashtra"
    assert {(i["sku"], i["quantity"]) for i in stored["items"]} == {("BHRT-001-L", 1), ("BHRT-006-M", 3)}

    page.get_by_role("link", name="Track this order").click()
    expect(page.get_by_label("Order ID")).to_have_value(order_id)
    expect(page.get_by_label("Email")).to_have_value(email)
    expect(page.get_by_role("heading", name=f"Order {order_id}")).to_be_visible()
    expect(page.get_by_role("list").filter(has_text="Order placed")).to_be_visible()

    wait_until(
        lambda: shop_server.order(order_id)["status"] == "delivered",
        60,
        interval=0.3,
        what="the emulator delivers the order",
    )
    fulfilment_calls = []
    page.on("request", lambda r: fulfilment_calls.append(r.url) if "/api/qikink/fulfillment/" in r.url else None)
    page.clock.run_for("00:14")
    assert fulfilment_calls == [], "the tracking page refreshed sooner than every 15 seconds"
    page.clock.run_for("00:02")

    expect(page.get_by_role("status")).to_have_text("Delivered")
    expect(page.get_by_role("list").filter(has_text="Order placed")).to_contain_text("Delivered")
    courier = page.locator("#tracking-courier").inner_text()
    assert courier and courier != "Not assigned yet"
    expect(page.locator("#tracking-awb")).to_have_text(re.compile(r"\d{6,}"))
    expect(page.get_by_role("link", name=f"Track with {courier}")).to_have_attribute("href", re.compile("^https://"))
    assert len(fulfilment_calls) == 1
    page.clock.run_for("01:00")
    assert len(fulfilment_calls) == 1, "a delivered order is not polled any more"
