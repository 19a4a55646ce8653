"""The product page /p/<slug>: opened from a storefront card, colour and size pickers that change
the price and SKU, a sold-out size disabled, "Add to cart" into the storefront's cart, nothing
wider than a phone; and the storefront's search and category filter. The shop's catalogue here
has the Heritage design in a second colour (black, its L sold out)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.shop_pages import serious_violations, wider_than_the_viewport
from tests.browser.shop_server import EMULATOR_STEP_SECONDS, ShopServer
from tests.conftest import CATALOGUE
from tests.harness import EmulatorProcess, ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
BLACK = {"design": "BHRT-001", "colour": "Black", "price": 1349}


def catalogue_with_colours() -> dict:
    """The shipped catalogue (stock raised) plus black M and L (sold out) of BHRT-001."""
    document = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    for product in document["products"]:
        if product["stock_quantity"]:
            product["stock_quantity"] = 500
    white = {p["sku"]: p for p in document["products"]}
    for size, stock in (("M", 500), ("L", 0)):
        variant = {**white[f"BHRT-001-{size}"], **BLACK, "sku": f"BHRT-001-BK-{size}", "stock_quantity": stock}
        variant["qikink"] = {"search_from_my_products": 1, "sku": f"BHRT001BK{size}"}
        document["products"].insert(2, variant)
    return document


def start_shop_with_colours(data_dir, log_dir) -> ShopServer:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "products.json").write_text(json.dumps(catalogue_with_colours(), ensure_ascii=False), encoding="utf-8")
    emulator = EmulatorProcess(log_dir, step_seconds=EMULATOR_STEP_SECONDS).start()
    try:
        return ShopServer(ServerProcess(data_dir, log_dir, emulator_url=emulator.url).start(), emulator)
    except Exception:
        emulator.stop()
        raise


@pytest.fixture(scope="module")
def colour_shop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("colour-shop")
    server = start_shop_with_colours(folder / "data", folder)
    yield server
    server.stop()


@pytest.fixture
def base_url(colour_shop):
    return colour_shop.url


def test_a_card_opens_its_product_page_at_a_shareable_address(page):
    page.goto("/")
    page.get_by_role("article", name="Heritage Print T-Shirt").get_by_role(
        "link", name="Heritage Print T-Shirt"
    ).click()
    expect(page).to_have_url(re.compile(r"/p/heritage-print-t-shirt$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Heritage Print T-Shirt")
    expect(page).to_have_title(re.compile("^Heritage Print T-Shirt"))
    for text in ("Inclusive of all taxes", "100% combed cotton", "180 GSM", "Regular fit", "Machine wash cold"):
        expect(page.locator("#product")).to_contain_text(text)
    expect(page.locator("#product-delivery")).to_contain_text(re.compile(r"^Delivered by .* if you order today\.$"))
    # the design's photo from the photo store (the sample mockup), as on its storefront card
    photo = page.locator("#gallery").get_by_role("img", name=re.compile("^Heritage Print T-Shirt: a Madhubani print"))
    expect(photo).to_have_attribute("src", re.compile(r"/photos/[0-9a-f]+-800\.jpg$"))


def test_choosing_colour_and_size_changes_price_and_sku_and_a_sold_out_size_is_disabled(page):
    page.goto("/p/heritage-print-t-shirt")
    colours = page.get_by_role("group", name="Colour")
    sizes = page.get_by_role("group", name=re.compile("^Size"))
    expect(colours.get_by_role("radio", name="White")).to_be_checked()
    expect(sizes.get_by_role("radio", name="M", exact=True)).to_be_checked()
    expect(page.locator("#product-sku")).to_have_text("SKU BHRT-001-M")
    expect(page.locator("#product-price")).to_have_text(re.compile(r"1,299"))

    colours.get_by_role("radio", name="Black").check()
    expect(page.locator("#product-sku")).to_have_text("SKU BHRT-001-BK-M")
    expect(page.locator("#product-price")).to_have_text(re.compile(r"1,349"))
    expect(sizes.get_by_role("radio", name="L (sold out)")).to_be_disabled()
    expect(page.locator("#size-note")).to_have_text("Sold out: L.")

    colours.get_by_role("radio", name="White").check()
    sizes.get_by_role("radio", name="L", exact=True).check()
    expect(page.locator("#product-sku")).to_have_text("SKU BHRT-001-L")
    expect(page.get_by_role("button", name="Add to cart")).to_be_enabled()


def test_a_design_sold_out_in_every_size_says_so_and_cannot_be_added(page):
    page.goto("/p/phulkari-pocket-tee")
    expect(page.get_by_role("heading", level=1)).to_have_text("Phulkari Pocket Tee")
    expect(page.get_by_role("radio", name="XL (sold out)")).to_be_disabled()
    expect(page.get_by_role("button", name="Sold out")).to_be_disabled()
    expect(page.locator("#product-sku")).to_have_text("SKU BHRT-007-XL")


def test_the_size_chart_dialog_opens_from_the_product_page(page):
    page.goto("/p/heritage-print-t-shirt")
    page.get_by_role("button", name="Size chart for Heritage Print T-Shirt").click()
    dialog = page.get_by_role("dialog", name="Size chart: Heritage Print T-Shirt")
    expect(dialog).to_be_visible()
    expect(dialog.locator("caption")).to_contain_text("comes in M, L")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


def test_add_to_cart_on_the_product_page_shows_in_the_storefronts_cart(page):
    page.goto("/p/heritage-print-t-shirt")
    page.get_by_role("group", name="Colour").get_by_role("radio", name="Black").check()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("button", name=re.compile("^Added"))).to_be_visible()
    expect(page.locator("#cart-announcement")).to_contain_text("1 item in your cart")
    expect(page.locator("#cart-count")).to_have_text("1")
    page.get_by_role("navigation", name="Shop").get_by_role("link", name=re.compile("^Cart")).click()
    expect(page).to_have_url(re.compile(r"/#cart$"))
    line = page.locator("#cart-lines li")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("Heritage Print T-Shirt")
    expect(line).to_contain_text("1,349")


def test_search_and_the_category_filter_narrow_the_cards_and_say_how_many(page):
    page.goto("/")
    cards = page.locator("#catalogue article")
    expect(cards).to_have_count(7)
    count = page.get_by_role("status").filter(has_text="Showing")
    expect(count).to_have_text("Showing all 7 T-shirts.")
    page.get_by_label("Search T-shirts").fill("warli")
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_accessible_name("Warli Village Tee")
    expect(count).to_have_text("Showing 1 of 7 T-shirts.")
    page.get_by_label("Search T-shirts").fill("")
    filters = page.get_by_role("group", name="Category")
    filters.get_by_role("radio", name="Women's").check()
    expect(cards).to_have_count(2)
    expect(count).to_have_text("Showing 2 of 7 T-shirts.")
    page.get_by_label("Search T-shirts").fill("black")
    expect(cards).to_have_count(0)
    expect(page.locator("#result-count")).to_contain_text("No T-shirts match")
    filters.get_by_role("radio", name="All").check()
    expect(cards).to_have_count(2)  # Heritage (now also black) and Phulkari (black)


def test_on_a_phone_nothing_is_wider_than_the_product_page(page):
    page.set_viewport_size(PHONE)
    page.goto("/p/heritage-print-t-shirt")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert wider_than_the_viewport(page) == []
    assert serious_violations(page) == []


def test_an_unknown_slug_is_the_html_404_page(page):
    response = page.goto("/p/no-such-tee")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_be_visible()
