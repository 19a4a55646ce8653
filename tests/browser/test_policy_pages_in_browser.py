"""The seller's pages as a shopper reaches them: the storefront's footer and checkout link them, each
has its heading and landmarks, fits a 390 px phone, passes axe-core; a missing address gets the HTML
404 page with its way back; the console says which seller settings are missing (the session's
server has none set)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from backend.policies.render import POLICY_PAGES
from tests.browser.shop_pages import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


def widest(page) -> int:
    """How wide the page lays out: more than the viewport means sideways scrolling on a phone."""
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_the_footer_leads_from_the_storefront_to_each_policy_page(page):
    page.set_viewport_size(PHONE)
    for slug, (_, title) in POLICY_PAGES.items():
        page.goto("/")
        footer = page.get_by_role("contentinfo").get_by_role("navigation", name="Shop policies")
        footer.get_by_role("link", name=title, exact=True).click()
        expect(page).to_have_url(re.compile(rf"^http://[^/]+/{slug}$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.get_by_role("main")).to_be_visible()
        expect(page.get_by_role("banner").get_by_role("link", name="Track an order")).to_be_visible()
        # The session's server has no seller settings: placeholders, never blank text.
        expect(page.get_by_role("note")).to_contain_text("Shop owner: set SHOP_LEGAL_NAME")
        assert widest(page) <= PHONE["width"], slug
        assert serious_violations(page) == [], slug
        link = page.get_by_role("contentinfo").get_by_role("link", name=title, exact=True)
        expect(link).to_have_attribute("aria-current", "page")


def test_the_contact_page_shows_a_placeholder_for_each_missing_detail(page):
    page.goto("/contact")
    for setting in ("SHOP_LEGAL_NAME", "SHOP_GSTIN", "GRIEVANCE_OFFICER_NAME", "GRIEVANCE_OFFICER_EMAIL"):
        expect(page.get_by_text(f"[not set yet: the shop's owner sets {setting}]")).to_be_visible()


def test_the_checkout_links_the_terms_next_to_place_order(page):
    page.goto("/")
    note = page.locator("#checkout").get_by_text("By placing the order you agree to the")
    expect(note).to_be_visible()
    note.get_by_role("link", name="terms of sale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terms of sale")
    page.go_back()
    page.locator("#checkout").get_by_role("link", name="returns and exchanges").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Returns and exchanges")


def test_the_tracking_page_and_the_console_link_the_policy_pages_too(page):
    for path in ("/track", "/admin"):
        page.goto(path)
        # By keyboard: the console shows its workspace when its first call answers, which moves the
        # footer; on a busy machine a mouse click aimed just before lands beside the link.
        page.get_by_role("contentinfo").get_by_role("link", name="Privacy").press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Privacy")


def test_a_missing_page_is_a_friendly_404_with_the_way_back(page):
    page.set_viewport_size(PHONE)
    answer = page.goto("/no/such/page")
    assert answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("banner").get_by_role("link", name="Bharat Heritage Prints")).to_be_visible()
    assert widest(page) <= PHONE["width"]
    assert serious_violations(page) == []
    page.get_by_role("main").get_by_role("link", name="Track an order").click()
    expect(page.get_by_role("heading", name="Track your order")).to_be_visible()
    page.goto("/no-such-page")
    page.get_by_role("link", name="Browse the T-shirts").click()
    expect(page.get_by_role("heading", name="T-shirts", exact=True)).to_be_visible()


def test_the_console_says_which_seller_settings_to_set(page):
    page.goto("/admin")
    warning = page.get_by_text("Shop settings: the policy pages")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Set SHOP_LEGAL_NAME, SHOP_ADDRESS, SHOP_GSTIN, SHOP_EMAIL")
