"""In Chromium, like a customer: the checkout shows items, shipping, COD fee and total before
"Place order", the server charges the same, and the tracking page's Invoice link opens the invoice.
(Skips without Chromium, fails under CI=true, like tests/browser/.)"""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.admin_pages import show_orders_of
from tests.browser.shop_pages import add_to_cart, confirmed_order_id, fill_checkout
from tests.browser.shop_server import start_shop_server
from tests.harness import wait_until

SHOP = {
    "SHIPPING_FEE": "49",
    "FREE_SHIPPING_ABOVE": "2500",
    "COD_FEE": "30",
    "SHOP_LEGAL_NAME": "Bharat Heritage Prints Private Limited",
    "SHOP_GSTIN": "27AAPFU0939F1ZV",
    "SHOP_ADDRESS": "21 Linking Road, Bandra West, Mumbai 400050",
    "SHOP_STATE": "Maharashtra",
}
COD = "Cash on delivery (pay the courier)"

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def shop(tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("charges-shop")
    server = start_shop_server(folder / "data", folder, env=SHOP)
    yield server, browser
    server.stop()


@pytest.fixture
def context(shop):
    server, browser = shop
    context = browser.new_context(locale="en-IN", timezone_id="Asia/Kolkata", base_url=server.url)
    yield context
    context.close()


def summary(page) -> list[str]:
    return [page.locator(f"#summary-{name}").inner_text() for name in ("items", "shipping", "cod", "total")]


def test_the_checkout_shows_every_charge_before_place_order_and_the_order_matches(shop, context):
    server, _ = shop
    page = context.new_page()
    page.goto("/")
    add_to_cart(page, "Heritage Print T-Shirt")
    fill_checkout(page, "charges-1@example.com")
    expect(page.locator("#summary-total")).to_have_text("₹1,348")
    assert summary(page) == ["₹1,299", "₹49", "None (prepaid)", "₹1,348"]
    page.get_by_label("Payment").select_option(label=COD)
    expect(page.locator("#summary-total")).to_have_text("₹1,378")
    assert summary(page) == ["₹1,299", "₹49", "₹30", "₹1,378"]
    add_to_cart(page, "Heritage Print T-Shirt")  # ₹2,598: shipping free from ₹2,500
    expect(page.locator("#summary-total")).to_have_text("₹2,628")
    assert summary(page) == ["₹2,598", "Free", "₹30", "₹2,628"]
    page.get_by_role("button", name="Place order").click()
    order_id = confirmed_order_id(page)
    expect(page.locator("#confirmation-summary")).to_contain_text(
        "total ₹2,628 (items ₹2,598, cash on delivery fee ₹30)"
    )
    stored = server.order(order_id)
    assert (stored["subtotal"], stored["shipping"], stored["cod_fee"], stored["total"]) == (2598, 0, 30, 2628)


def test_the_tracking_page_links_the_invoice(context):
    page = context.new_page()
    page.goto("/")
    add_to_cart(page, "Warli Village Tee")
    fill_checkout(page, "charges-2@example.com", state="Karnataka", City="Bengaluru", **{"PIN code": "560001"})
    page.get_by_role("button", name="Place order").click()
    order_id = confirmed_order_id(page)
    page.get_by_role("link", name="Track this order").click()
    expect(page.locator("#tracking-total")).to_have_text("₹1,048 (items ₹999, shipping ₹49), prepaid (paid)")
    with context.expect_page() as opened:
        page.get_by_role("link", name="Invoice").click()
    invoice = opened.value
    expect(invoice.get_by_role("heading", name="Tax Invoice")).to_be_visible()
    expect(invoice.get_by_text(order_id)).to_be_visible()
    expect(invoice.get_by_text("Karnataka (state code 29)")).to_be_visible()
    expect(invoice.get_by_text("Rupees One Thousand Forty-Eight Only")).to_be_visible()


def test_the_admin_order_view_shows_the_charges_and_links_the_invoice(context):
    page = context.new_page()
    page.goto("/")
    add_to_cart(page, "Warli Village Tee")
    fill_checkout(page, "charges-3@example.com", payment=COD)
    page.get_by_role("button", name="Place order").click()
    order_id = confirmed_order_id(page)
    page.goto("/admin")
    show_orders_of(page, "charges-3@example.com")
    page.get_by_role("link", name=order_id).click()
    details = page.locator("#order-details")
    expect(details).to_contain_text("₹1,078 (items ₹999, shipping ₹49, COD fee ₹30)")
    with context.expect_page() as opened:
        details.get_by_role("link", name="Invoice").click()
    invoice = opened.value
    expect(invoice.get_by_text("Maharashtra (state code 27)").first).to_be_visible()
    expect(invoice.get_by_role("columnheader", name="CGST")).to_be_visible()


def test_cancelling_an_invoiced_order_offers_its_credit_note(shop, context):
    """Invoiced at the supply (Qikink accepted it), then cancelled in Qikink's dashboard at staff's
    request: the cancellation issues the credit note, which the tracking page and console offer."""
    server, _ = shop
    try:
        page = context.new_page()
        page.goto("/")
        add_to_cart(page, "Warli Village Tee")
        fill_checkout(page, "charges-4@example.com")
        page.get_by_role("button", name="Place order").click()
        order_id = confirmed_order_id(page)
        page.get_by_role("link", name="Track this order").click()
        expect(page.get_by_role("link", name="Credit note")).to_be_hidden()
        with context.expect_page() as opened:
            page.get_by_role("link", name="Invoice").click()
        expect(opened.value.get_by_role("heading", name="Tax Invoice")).to_be_visible()
        assert server.process.post(f"/api/orders/{order_id}/cancel").json()["data"]["status"] == "cancel_requested"
        shipment = server.order(order_id)["qikink_shipment_id"]
        requests.post(f"{server.emulator.url}/_emulator/orders/{shipment}/cancel", timeout=10).raise_for_status()
        wait_until(lambda: server.order(order_id)["status"] == "cancelled", timeout=60, what="Qikink's cancellation")
        page.reload()
        expect(page.locator("#tracking-status")).to_have_text("Cancelled")
        expect(page.get_by_role("link", name="Invoice")).to_be_visible()  # an issued invoice stays
        with context.expect_page() as opened:
            page.get_by_role("link", name="Credit note").click()
        note = opened.value
        expect(note.get_by_role("heading", name="Credit Note")).to_be_visible()
        expect(note.get_by_text("INV/", exact=False).first).to_be_visible()
        expect(note.get_by_text(order_id)).to_be_visible()
        numbers = server.order(order_id)
        assert numbers["credit_note_number"].startswith("CN/") and numbers["invoice_number"].startswith("INV/")
        page.goto("/admin")  # staff see both documents on the order
        show_orders_of(page, "charges-4@example.com")
        page.get_by_role("link", name=order_id).click()
        details = page.locator("#order-details")
        expect(details.get_by_role("link", name=f"Invoice {numbers['invoice_number']}")).to_be_visible()
        expect(details.get_by_role("link", name=f"Credit note {numbers['credit_note_number']}")).to_be_visible()
    finally:
        server.emulator.clear_faults()
