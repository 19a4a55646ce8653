"""The console's Catalogue panel (issue 26, part 6), against the real server: staff add a design and
a variant; it cannot be published without its Qikink mapping (the reason is shown); with the
mapping it is published, the design too, and shoppers find it on the storefront. A price that
loses money shows the warning; the panel fits a 390 px phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.shop_server import own_shop_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture(scope="module")
def catalogue_server(tmp_path_factory):
    """A server of this module's own: its catalogue edits must not reach other modules' storefront."""
    with own_shop_server(tmp_path_factory, "catalogue-shop") as server:
        yield server


@pytest.fixture
def base_url(catalogue_server):
    return catalogue_server.url


def test_staff_add_a_design_publish_it_with_its_mapping_and_shoppers_see_it(page):
    page.goto("/admin#catalogue")
    panel = page.get_by_role("region", name="Catalogue")
    expect(panel.get_by_role("status").filter(has_text="designs,")).to_contain_text("on sale")
    panel.get_by_text("Add a design").click()
    form = panel.get_by_role("form", name="Add a design")
    form.get_by_label("Name").fill("Kolam Tee")
    form.get_by_label("Category").select_option("unisex")
    form.get_by_label("Story (shown on its page)").fill("Rice-flour dots drawn at dawn.")
    form.get_by_role("button", name="Add design").click()

    design = panel.get_by_role("region", name="Kolam Tee")
    expect(design.get_by_role("status")).to_contain_text("not published")
    expect(design.get_by_role("heading", name="Kolam Tee")).to_contain_text("Not published")
    design.get_by_label("Size", exact=True).fill("L")
    design.get_by_label("Colour", exact=True).fill("White")
    design.get_by_label("Price (₹)", exact=True).fill("999")
    design.get_by_label("Stock", exact=True).fill("5")
    design.get_by_role("button", name="Add variant").click()

    variant = design.get_by_role("article", name="White, L")
    expect(variant).to_contain_text("Cannot be sent to Qikink")
    variant.get_by_role("button", name="Publish").click()
    expect(design.get_by_role("status")).to_contain_text("cannot be sent to Qikink (qikink mapping is missing)")
    expect(variant.get_by_role("heading")).to_contain_text("Not published")

    variant.get_by_label("Qikink SKU").fill("KOLAM001L")
    variant.get_by_role("button", name="Save").click()
    expect(design.get_by_role("status")).to_contain_text("Saved BHRT-008-WHI-L")
    variant.get_by_role("button", name="Publish").click()
    expect(design.get_by_role("status")).to_contain_text("BHRT-008-WHI-L is published")
    design.get_by_role("button", name="Publish design").click()
    expect(design.get_by_role("status")).to_contain_text("Kolam Tee is published")
    expect(design.get_by_role("heading", name="Kolam Tee")).to_contain_text("On sale")

    page.goto("/")
    expect(page.get_by_role("heading", name="Kolam Tee")).to_be_visible()
    page.goto("/p/kolam-tee")
    expect(page.get_by_role("heading", name="Kolam Tee", level=1)).to_be_visible()


def test_a_price_that_loses_money_shows_the_warning(page):
    page.goto("/admin#catalogue")
    design = page.get_by_role("region", name="Warli Village Tee")
    variant = design.get_by_role("article").first
    variant.get_by_label("Price (₹)").fill("349")
    variant.get_by_role("button", name="Save").click()
    expect(design.get_by_role("status")).to_contain_text("Loses ₹40.86 on each sale")
    expect(variant.get_by_role("listitem").filter(has_text="Loses ₹40.86 on each sale")).to_be_visible()
    variant.get_by_text(re.compile(r"^Margin .*40\.86 a sale")).click()
    expect(variant.get_by_text("GST on the payment fee")).to_be_visible()


def test_the_panel_fits_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/admin#catalogue")
    expect(page.get_by_role("region", name="Heritage Print T-Shirt")).to_be_visible()
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('#catalogue *')].map((node) => node.getBoundingClientRect().right))"
    )
    assert widest <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
