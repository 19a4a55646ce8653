"""The size chart dialog from a product card, "Add to cart" feedback, taxes and the delivery
estimate on the cards, and the phone layout (390 px): a sticky cart bar, nothing wider than it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.shop_pages import add_to_cart, serious_violations, wider_than_the_viewport

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


def size_row(dialog, size: str):
    """The cells of one size's row, found by its row header."""
    row = dialog.get_by_role("row").filter(has=dialog.page.get_by_role("rowheader", name=size, exact=True))
    return row.get_by_role("cell")


def delivery_text(estimate: dict) -> str:
    """What the page should say for GET /api/delivery-estimate's dates."""
    first, last = date.fromisoformat(estimate["earliest"]), date.fromisoformat(estimate["latest"])
    if first.month == last.month:
        return f"Delivered by {first.day}–{last.day} {last:%b}"
    return f"Delivered by {first.day} {first:%b} – {last.day} {last:%b}"


def test_the_size_chart_opens_from_a_card_switches_to_cm_and_closes_back_to_its_button(page):
    page.goto("/")
    card = page.get_by_role("article", name="Heritage Print T-Shirt")
    opener = card.get_by_role("button", name="Size chart")
    opener.click()

    dialog = page.get_by_role("dialog", name="Size chart: Heritage Print T-Shirt")
    expect(dialog).to_be_visible()
    table = dialog.get_by_role("table")
    expect(table.locator("caption")).to_have_text(
        "Garment measurements in inches, laid flat. Heritage Print T-Shirt comes in M, L."
    )
    expect(table.get_by_role("columnheader")).to_have_text(["Size", "Chest", "Length", "Shoulder", "Sleeve"])
    expect(size_row(dialog, "XS")).to_have_text(["36", "26", "16", "7.5"])
    expect(size_row(dialog, "M")).to_have_text(["40", "28", "17.5", "8"])
    expect(dialog).to_contain_text("vary by up to half an inch (1.3 cm)")
    expect(dialog.get_by_role("heading", name="How to measure")).to_be_visible()
    expect(dialog).to_contain_text("armpit to armpit")
    assert serious_violations(page) == []

    dialog.get_by_role("radio", name="Centimetres").check()
    expect(size_row(dialog, "M")).to_have_text(["101.5", "71", "44.5", "20.5"])
    expect(table.locator("caption")).to_contain_text("in centimetres")

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()

    # The choice of unit stays; another design shows its own garment's chart; Close closes.
    women = page.get_by_role("article", name="Kalamkari Bloom Top").get_by_role("button", name="Size chart")
    women.click()
    dialog = page.get_by_role("dialog", name="Size chart: Kalamkari Bloom Top")
    expect(dialog.get_by_role("radio", name="Centimetres")).to_be_checked()
    expect(size_row(dialog, "M")).to_have_text(["91.5", "66", "37", "18"])
    dialog.get_by_role("radio", name="Inches").check()
    expect(size_row(dialog, "S")).to_have_text(["34", "25", "14", "6.75"])
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    expect(women).to_be_focused()


def test_add_to_cart_says_added_announces_it_and_cards_show_taxes_and_delivery(page):
    estimate = page.request.get("/api/delivery-estimate").json()["data"]
    page.goto("/")
    card = page.get_by_role("article", name="Warli Village Tee")
    expect(card).to_contain_text("₹999Inclusive of all taxes")
    expect(card.get_by_text(delivery_text(estimate), exact=True)).to_be_visible()

    card.get_by_role("button", name="Add to cart").click()
    expect(card.get_by_role("button", name="Added")).to_have_text("Added ✓")
    expect(page.get_by_role("status").filter(has_text="to your cart")).to_have_text(
        "Added Warli Village Tee (M) to your cart. 1 item in your cart."
    )
    expect(page.get_by_role("link", name="Cart (1)")).to_be_visible()
    add_to_cart(page, "Warli Village Tee")  # pressed again while it still says "Added ✓"
    expect(page.get_by_role("status").filter(has_text="to your cart")).to_have_text(
        "Added Warli Village Tee (M) to your cart. 2 items in your cart."
    )
    expect(page.get_by_label("Quantity of Warli Village Tee (M)")).to_have_value("2")
    expect(page.get_by_role("region", name="Your cart")).to_contain_text(
        f"{delivery_text(estimate)} if you order today."
    )
    expect(card.get_by_role("button", name="Add to cart")).to_be_visible()  # back after a moment


def test_on_a_phone_a_sticky_cart_bar_jumps_to_the_cart_and_nothing_is_wider_than_the_screen(page):
    page.set_viewport_size(PHONE)
    page.goto("/")
    expect(page.get_by_role("article", name="Gond Forest Tee")).to_be_visible()
    bar = page.get_by_role("link", name=re.compile("Go to checkout"))
    expect(bar).to_be_hidden()  # nothing to check out yet
    assert wider_than_the_viewport(page) == []

    add_to_cart(page, "Heritage Print T-Shirt", "L")
    add_to_cart(page, "Gond Forest Tee")
    expect(bar).to_have_text("2 items · ₹2,398 Go to checkout")
    for scroll in (0, 1500, 3000):
        page.evaluate("(y) => window.scrollTo(0, y)", scroll)
        expect(bar).to_be_in_viewport()
    bar.click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_in_viewport()
    expect(page).to_have_url(re.compile("#cart$"))
    assert wider_than_the_viewport(page) == []

    page.get_by_role("article", name="Gond Forest Tee").get_by_role("button", name="Size chart").click()
    dialog = page.get_by_role("dialog", name="Size chart: Gond Forest Tee")
    expect(dialog).to_be_visible()
    dialog.get_by_role("radio", name="Centimetres").check()
    assert wider_than_the_viewport(page) == []
    page.keyboard.press("Escape")

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(bar).to_be_hidden()  # beside the T-shirts, the cart needs no bar
