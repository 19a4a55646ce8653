"""Paying in Chromium with the Razorpay emulator's checkout (the shop's default without keys):
pay; fail then pay; close, then "Pay now" from the tracking page; the checkout's answer lost on
the way to the shop; a double click. Each ends with one order and at most one capture, and the
order reaches the Qikink emulator exactly when it is paid."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.shop_pages import add_to_cart, fill_checkout, unique_email
from tests.browser.shop_server import start_shop_server
from tests.harness import free_port, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

FRAME = "iframe[title='Test payment (Razorpay emulator)']"


@pytest.fixture(scope="module")
def paying_shop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("paying-shop")
    port = free_port()
    server = start_shop_server(
        folder / "data", folder, env={"PAYMENTS_ENV": "emulator", "RAZORPAY_EMULATOR_PORT": str(port)}
    )
    server.razorpay_url = f"http://127.0.0.1:{port}"
    yield server
    server.stop()


@pytest.fixture
def base_url(paying_shop):
    return paying_shop.url


def captures(shop, order) -> list[dict]:
    state = requests.get(f"{shop.razorpay_url}/_emulator/state", timeout=10).json()
    razorpay_order = order["payment"]["razorpay_order_id"]
    return [p for p in state["payments"] if p["order_id"] == razorpay_order and p["status"] == "captured"]


def place_prepaid(page, email):
    page.goto("/")
    add_to_cart(page, "Warli Village Tee")
    fill_checkout(page, email)
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("region", name="Your order is saved: now pay for it")).to_be_visible()
    return page.frame_locator(FRAME)


def only_order(shop, email) -> dict:
    [order] = shop.orders_for(email)
    return shop.order(order["order_id"])


def settled(shop, email, payment_status="paid", qikink_status="synced") -> dict:
    """The order once the server has settled it (and, when paid, sent it to the Qikink emulator)."""
    wait_until(
        lambda: (
            (o := only_order(shop, email))["payment_status"] == payment_status and o["qikink_status"] == qikink_status
        ),
        60,
        what=f"order {payment_status}, {qikink_status}",
    )
    return only_order(shop, email)


def test_a_customer_pays_and_the_order_goes_to_qikink(page, paying_shop):
    email = unique_email("pays")
    checkout = place_prepaid(page, email)
    expect(checkout.get_by_text("₹")).to_be_visible()
    assert only_order(paying_shop, email)["qikink_status"] == "not_sent"  # not before the money
    checkout.get_by_role("button", name="Pay", exact=True).click()
    expect(page.get_by_role("region", name="Thank you! Your order is paid")).to_be_visible()
    expect(page.locator("#payment-message")).to_contain_text("Payment received")
    order = settled(paying_shop, email)
    assert len(captures(paying_shop, order)) == 1


def test_a_failed_payment_then_a_good_one_in_the_same_window(page, paying_shop):
    email = unique_email("fails-then-pays")
    checkout = place_prepaid(page, email)
    checkout.get_by_role("button", name="Fail payment").click()
    expect(checkout.get_by_role("status")).to_contain_text("failed")
    assert only_order(paying_shop, email)["status"] == "awaiting_payment"
    checkout.get_by_role("button", name="Pay", exact=True).click()
    expect(page.get_by_role("region", name="Thank you! Your order is paid")).to_be_visible()
    order = settled(paying_shop, email)
    assert len(captures(paying_shop, order)) == 1
    state = requests.get(f"{paying_shop.razorpay_url}/_emulator/state", timeout=10).json()
    attempts = [p["status"] for p in state["payments"] if p["order_id"] == order["payment"]["razorpay_order_id"]]
    assert sorted(attempts) == ["captured", "failed"]


def test_closed_then_pay_now_from_the_tracking_page(page, paying_shop):
    email = unique_email("closes")
    checkout = place_prepaid(page, email)
    checkout.get_by_role("button", name="Close").click()
    expect(page.locator("#payment-message")).to_contain_text("Payment is not complete")
    expect(page.get_by_role("button", name="Pay now")).to_be_visible()
    order_id = page.locator(".order-id").inner_text()
    page.get_by_role("link", name="Track this order").click()
    page.get_by_label("Email").fill(email)
    if page.get_by_label("Order ID").input_value() != order_id:
        page.get_by_label("Order ID").fill(order_id)
        page.get_by_role("button", name="Track").click()
    expect(page.locator("#tracking-status")).to_have_text("Waiting for your payment")
    page.get_by_role("button", name="Pay now").click()
    page.frame_locator(FRAME).get_by_role("button", name="Pay", exact=True).click()
    expect(page.locator("#payment-message")).to_contain_text("Payment received")
    order = settled(paying_shop, email)
    assert len(captures(paying_shop, order)) == 1
    assert order["payment"]["razorpay_order_id"] == only_order(paying_shop, email)["payment"]["razorpay_order_id"]


def test_the_checkouts_answer_lost_on_the_way_the_order_is_still_paid_once(page, paying_shop):
    email = unique_email("lost-answer")
    page.route("**/api/orders/*/payment", lambda route: route.abort("connectionreset"))
    checkout = place_prepaid(page, email)
    checkout.get_by_role("button", name="Pay", exact=True).click()
    expect(page.locator("#payment-message")).to_contain_text("confirming your payment")
    order = settled(paying_shop, email)  # the webhook (or the look-up) settles it
    assert len(captures(paying_shop, order)) == 1


def test_a_double_click_on_place_order_makes_one_order(page, paying_shop):
    email = unique_email("double-click")
    page.goto("/")
    add_to_cart(page, "Warli Village Tee")
    fill_checkout(page, email)
    page.get_by_role("button", name="Place order").dblclick()
    checkout = page.frame_locator(FRAME)
    checkout.get_by_role("button", name="Pay", exact=True).click()
    expect(page.get_by_role("region", name="Thank you! Your order is paid")).to_be_visible()
    order = settled(paying_shop, email)
    assert len(paying_shop.orders_for(email)) == 1 and len(captures(paying_shop, order)) == 1
