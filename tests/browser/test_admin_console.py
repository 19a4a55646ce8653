"""The admin console from this machine with no ADMIN_API_KEY set (the defaults of a first run):
the guide's one-line order fixed until Qikink has it, customer text shown as text, accessibility."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.admin_pages import fill_address, guide_order, show_orders_of
from tests.browser.shop_pages import serious_violations, unique_email
from tests.conftest import order_body

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

HOSTILE = "<img src=x onerror=alert(1)>"


def test_the_guides_one_line_order_corrected_in_the_console_reaches_qikink(page, shop_server):
    email = unique_email("one-line")
    order_id = guide_order(shop_server, email)
    page.goto("/admin")
    expect(page.get_by_role("status").first).to_have_text(re.compile("no admin key set"))
    expect(page.get_by_role("button", name=re.compile("^Action required: [1-9]"))).to_be_visible()
    show_orders_of(page, email)
    page.get_by_role("link", name=order_id).click()

    expect(page.get_by_role("heading", name=f"Order {order_id}")).to_be_visible()
    form = page.get_by_role("form", name="Complete the shipping address")
    expect(form).to_contain_text("The customer wrote: “Test Address, Delhi”")
    fill_address(page, **{"PIN code": "011001", "Mobile number": "12345"})
    form.get_by_role("button", name="Save address").click()
    expect(form.get_by_text("PIN code must be a 6-digit Indian PIN code not starting with 0")).to_be_visible()
    expect(form.get_by_text("Mobile number must be an Indian mobile number")).to_be_visible()
    expect(form.get_by_label("PIN code")).to_have_attribute("aria-invalid", "true")
    assert shop_server.order(order_id)["qikink_status"] == "action_required"

    fill_address(page)
    form.get_by_role("button", name="Save address").click()
    expect(page.get_by_text("Address saved")).to_be_visible()
    expect(page.locator("#order-status")).to_contain_text("At Qikink", timeout=20_000)
    expect(page.get_by_role("region", name="Order " + order_id)).to_contain_text("Sent to Qikink")
    expect(form).to_be_hidden()
    stored = shop_server.order(order_id)
    assert stored["qikink_status"] == "synced"
    assert stored["shipping_address"]["state"] == "Delhi" and stored["shipping_address"]["pincode"] == "110001"
    assert shop_server.emulator.counters()["created"][order_id.replace("-", "")] == 1


def test_a_hostile_customer_name_is_shown_literally_and_runs_nothing(page, page_problems, shop_server):
    email = unique_email("hostile")
    body = order_body(customer_email=email)
    body["shipping_address"]["name"] = HOSTILE
    order_id = shop_server.process.post("/api/orders", json=body).json()["data"]["order_id"]
    page.goto("/admin")
    show_orders_of(page, email)
    row = page.get_by_role("row").filter(has_text=order_id)
    expect(row.get_by_role("cell").nth(2)).to_have_text(HOSTILE)
    expect(page.locator("#orders img")).to_have_count(0)

    row.get_by_role("link", name=order_id).click()
    expect(page.locator("address")).to_contain_text(HOSTILE)
    expect(page.locator("#order img")).to_have_count(0)
    assert page_problems.dialogs == []


def test_the_console_and_an_order_page_have_no_serious_accessibility_violations(page, shop_server):
    order_id = guide_order(shop_server, unique_email("axe"))
    page.goto("/admin")
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_role("region", name="Sync report")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("link", name=order_id).click()
    fill_address(page, **{"PIN code": "1"})
    page.get_by_role("button", name="Save address").click()
    expect(page.get_by_text("Please correct the highlighted details")).to_be_visible()
    assert serious_violations(page) == []


def test_needs_attention_leads_the_console_and_links_to_the_order(page, shop_server):
    email = unique_email("attention")
    order_id = guide_order(shop_server, email)
    page.goto("/admin")
    panel = page.get_by_role("region", name="Needs attention")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("status")).to_contain_text(re.compile(r"\d+ orders? needs? you"))
    item = panel.locator("li").filter(has_text=order_id)
    expect(item).to_contain_text("The shipping address is one line of text")
    expect(item).to_contain_text("What to do: Open the order and complete the address")
    first_panel = page.locator("#workspace > section").first
    expect(first_panel).to_have_id("attention-panel")  # it leads the console
    item.get_by_role("link", name="Open the order").click()
    expect(page.get_by_role("heading", name=f"Order {order_id}")).to_be_visible()
    expect(panel).to_be_hidden()
    assert serious_violations(page) == []
