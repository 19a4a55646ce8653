"""Cash on delivery confirmed first, in Chromium against the real server (COD_CONFIRMATION=email)
and the Qikink emulator: the storefront says the order waits for the customer's click; the link
from the email (read from the server's log, where emails go without SMTP) opens a page whose
"Confirm order" button sends the order to Qikink once; staff confirm another from the console."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.admin_pages import show_orders_of
from tests.browser.shop_pages import add_to_cart, fill_checkout, unique_email
from tests.browser.shop_server import start_shop_server
from tests.harness import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

COD = "Cash on delivery (pay the courier)"


@pytest.fixture(scope="module")
def cod_shop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cod-shop")
    server = start_shop_server(folder / "data", folder, env={"COD_CONFIRMATION": "email"})
    yield server
    server.stop()


@pytest.fixture
def base_url(cod_shop):
    return cod_shop.url


def place_cod(page, email) -> str:
    page.goto("/")
    add_to_cart(page, "Warli Village Tee")
    fill_checkout(page, email, payment=COD)
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("region", name="Check your email to confirm your order")).to_be_visible()
    expect(page.get_by_text('open it and press "Confirm order"')).to_be_visible()
    return page.locator(".order-id").inner_text()


def emailed_link(shop, order_id) -> str:
    """The link in the order's "please confirm" email, as the server wrote it to its log."""
    pattern = re.compile(rf"Confirm your order: (http://\S+/confirm/{re.escape(order_id)}\.\S+)")
    wait_until(lambda: pattern.search(shop.process.output()), timeout=30, what="the confirmation email")
    return pattern.search(shop.process.output()).group(1)


def test_the_customer_confirms_with_the_emailed_link_and_only_then_it_goes_to_qikink(page, cod_shop):
    email = unique_email("cod-link")
    order_id = place_cod(page, email)
    assert cod_shop.order(order_id)["status"] == "awaiting_confirmation"
    link = emailed_link(cod_shop, order_id)
    page.goto(link)
    expect(page.get_by_role("heading", name="Confirm your cash-on-delivery order")).to_be_visible()
    assert cod_shop.order(order_id)["status"] == "awaiting_confirmation"  # opening it changed nothing
    page.get_by_role("button", name="Confirm order").click()
    expect(page.get_by_role("heading", name="Your order is confirmed")).to_be_visible()
    wait_until(lambda: cod_shop.order(order_id)["qikink_status"] == "synced", timeout=60, what="sent to Qikink")
    events = [e["event"] for e in cod_shop.order(order_id)["events"]]
    assert events.count("cod_confirmed") == 1
    page.goto(link)  # the link again: says so, confirms nothing twice
    expect(page.get_by_role("heading", name="Your order is confirmed")).to_be_visible()
    assert [e["event"] for e in cod_shop.order(order_id)["events"]].count("cod_confirmed") == 1
    page.get_by_role("link", name="Follow this order on the tracking page").click()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Track order").click()
    expect(page.locator("#tracking-total")).to_contain_text("cash on delivery")


def test_staff_confirm_from_the_console_after_a_phone_call(page, cod_shop):
    email = unique_email("cod-phone")
    order_id = place_cod(page, email)
    page.goto("/admin")
    show_orders_of(page, email)
    page.get_by_role("link", name=order_id).click()
    expect(page.locator("#order-status")).to_have_text("Awaiting confirmation (COD) · Qikink: Not sent")
    expect(page.get_by_text("Waiting for")).to_be_visible()
    page.get_by_role("button", name="Confirm order").click()
    expect(page.get_by_text("Order confirmed: it goes to Qikink now.")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm order")).to_be_hidden()
    wait_until(lambda: cod_shop.order(order_id)["qikink_status"] == "synced", timeout=60, what="sent to Qikink")
    assert cod_shop.order(order_id)["confirmation"]["confirmed_by"] == "admin"


def test_the_customer_has_the_email_sent_again_from_the_confirmation_and_the_tracking_page(page, cod_shop):
    email = unique_email("cod-resend")
    order_id = place_cod(page, email)
    emailed_link(cod_shop, order_id)  # the first email went
    page.get_by_role("button", name="Email me the link again").click()
    expect(page.get_by_text(f"We have sent the email again to {email}")).to_be_visible()
    page.get_by_role("button", name="Email me the link again").click()  # at once: the shop says to wait
    expect(page.get_by_text("wait 10 minutes before asking again")).to_be_visible()
    page.get_by_role("link", name="Track this order").click()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Track order").click()
    expect(page.get_by_role("button", name="Email me the link again")).to_be_visible()
    assert cod_shop.order(order_id)["confirmation"]["waiting_for"] == "customer"
    page.goto(emailed_link(cod_shop, order_id))
    page.get_by_role("button", name="Confirm order").click()
    expect(page.get_by_role("heading", name="Your order is confirmed")).to_be_visible()
