"""The checkout looks the PIN code up as it is typed (India Post's directory, on the server): the
state is chosen and the city suggested; a PIN code India Post does not have is pointed out; an
address the directory contradicts is refused next to its field, and nothing is ordered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.shop_pages import add_to_cart, unique_email

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]


def test_typing_a_pin_code_fills_the_state_and_suggests_the_city(page):
    page.goto("/")
    add_to_cart(page, "Warli Village Tee")
    page.get_by_label("PIN code", exact=True).fill("560001")
    expect(page.get_by_label("State")).to_have_value("Karnataka")
    expect(page.get_by_label("City", exact=True)).to_have_value("Bengaluru Urban")
    expect(page.locator("#pincode-hint")).to_have_text("Bengaluru Urban, Karnataka")
    page.get_by_label("City", exact=True).fill("Bengaluru")  # the customer's own word stays
    page.get_by_label("PIN code", exact=True).fill("560002")
    expect(page.get_by_label("City", exact=True)).to_have_value("Bengaluru")
    page.get_by_label("PIN code", exact=True).fill("999999")
    expect(page.locator("#pincode-hint")).to_have_text("We cannot find this PIN code: please check it.")


def test_an_address_india_post_contradicts_is_refused_next_to_the_field(page, shop_server):
    email = unique_email("pincode")
    page.goto("/")
    add_to_cart(page, "Warli Village Tee")
    page.get_by_label("Email").fill(email)
    for label, value in {
        "Full name": "Asha Verma",
        "Address line 1": "12 MG Road",
        "City": "Mumbai",
        "PIN code": "400001",
        "Mobile number": "98765 43210",
    }.items():
        page.get_by_label(label, exact=True).fill(value)
    expect(page.get_by_label("State")).to_have_value("Maharashtra")
    page.get_by_label("State").select_option("Goa")  # chosen after the PIN code: contradicts it
    page.get_by_role("button", name="Place order").click()
    expect(page.locator("#state-error")).to_have_text("PIN code 400001 is in Maharashtra, not Goa")
    assert shop_server.orders_for(email) == []
