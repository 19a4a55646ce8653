"""The Catalogue panel's size charts (issue 26, part 6), against the real server: staff change a
measurement and the storefront's size chart dialog shows the new value; a size a variant sells
cannot be removed (the reason is shown); the open form fits a 390 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.shop_server import own_shop_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture(scope="module")
def charts_server(tmp_path_factory):
    """A server of this module's own: its chart edits must not reach other modules' storefront."""
    with own_shop_server(tmp_path_factory, "size-charts-shop") as server:
        yield server


@pytest.fixture
def base_url(charts_server):
    return charts_server.url


def size_row(dialog, size: str):
    """The cells of one size's row in the storefront's dialog, found by its row header."""
    row = dialog.get_by_role("row").filter(has=dialog.page.get_by_role("rowheader", name=size, exact=True))
    return row.get_by_role("cell")


def open_chart(page, name: str):
    page.goto("/admin#catalogue")
    chart = page.get_by_role("region", name=name)
    chart.get_by_role("button", name="Edit chart").click()
    return chart


def test_staff_change_a_measurement_and_the_shops_size_chart_shows_it(page):
    chart = open_chart(page, "Unisex classic T-shirt")
    chest = chart.get_by_label("Chest of M, inches")
    expect(chest).to_have_value("40")
    chest.fill("40.5")
    chart.get_by_role("button", name="Save chart").click()
    expect(chart.get_by_role("status")).to_have_text("Saved Unisex classic T-shirt. Shoppers see it now.")

    page.goto("/")
    page.get_by_role("article", name="Heritage Print T-Shirt").get_by_role("button", name="Size chart").click()
    dialog = page.get_by_role("dialog", name="Size chart: Heritage Print T-Shirt")
    expect(size_row(dialog, "M")).to_have_text(["40.5", "28", "17.5", "8"])
    dialog.get_by_role("radio", name="Centimetres").check()
    expect(size_row(dialog, "M")).to_have_text(["103", "71", "44.5", "20.5"])


def test_a_size_a_variant_sells_cannot_be_removed_and_a_new_row_is_kept(page):
    chart = open_chart(page, "Women's classic T-shirt")
    chart.get_by_role("button", name="Remove size M").click()
    chart.get_by_role("button", name="Save chart").click()
    expect(chart.get_by_role("status")).to_contain_text("size M has no row in size chart 'womens-classic-tee'")

    page.reload()  # the form as the server has it, M still there
    chart.get_by_role("button", name="Edit chart").click()
    expect(chart.get_by_label("Chest of M, inches")).to_be_visible()
    chart.get_by_role("button", name="Add a size").click()
    chart.get_by_label("Size", exact=True).last.fill("3XL")
    for word, inches in (("Chest", "44"), ("Length", "28.5"), ("Shoulder", "16.5"), ("Sleeve", "8")):
        chart.get_by_label(f"{word} of 3XL, inches").fill(inches)
    chart.get_by_role("button", name="Save chart").click()
    expect(chart.get_by_role("status")).to_contain_text("Saved")
    expect(chart).to_contain_text("7 sizes: XS, S, M, L, XL, XXL, 3XL")


def test_the_open_chart_fits_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    chart = open_chart(page, "Unisex classic T-shirt")
    expect(chart.get_by_label("Chest of XXL, inches")).to_be_visible()
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('#catalogue *')].map((node) => node.getBoundingClientRect().right))"
    )
    assert widest <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
