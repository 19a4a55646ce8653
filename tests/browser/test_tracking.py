"""The tracking page when things go wrong: Qikink unreachable (the server's stale view), the shop
itself unreachable, and a busy server's Retry-After; the page's clock is moved by the test."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.shop_pages import buy, unique_email

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

FULFILMENT = "**/api/qikink/fulfillment/*"


@pytest.fixture
def tracked(page):
    """An order bought and open on the tracking page, the page's clock standing still."""
    page.clock.install()
    page.clock.pause_at(time.time() + 1)
    order_id = buy(page, unique_email("tracked"))
    calls = []
    page.on("request", lambda r: calls.append(r.url) if "/api/qikink/fulfillment/" in r.url else None)
    page.get_by_role("link", name="Track this order").click()
    expect(page.get_by_role("heading", name=f"Order {order_id}")).to_be_visible()
    expect(page.get_by_text("Last checked at")).to_be_visible()
    return calls


def test_a_stale_answer_from_the_server_is_said_so(page, tracked):
    view = {
        "order_id": "x",
        "status": "in_transit",
        "courier": "Delhivery",
        "tracking_number": "1440000001",
        "tracking_url": "https://courierupdates.com/?awb=1440000001",
        "stale": True,
        "events": [],
    }
    page.route(FULFILMENT, lambda route: route.fulfill(json=view))
    page.clock.run_for("00:16")
    expect(page.get_by_role("status")).to_have_text("On its way")
    expect(page.locator("#tracking-stale")).to_have_text(
        "Our printer cannot be reached just now, so this may be out of date: it shows the last status we heard."
    )


def test_when_the_shop_cannot_be_reached_the_last_view_stays_with_a_note_and_it_keeps_trying(page, tracked):
    status = page.get_by_role("status").inner_text()
    page.route(FULFILMENT, lambda route: route.abort("internetdisconnected"))
    page.clock.run_for("00:16")
    page.clock.resume()  # the client's own retries wait a second or two: let that time pass for real
    expect(page.locator("#tracking-stale")).to_contain_text(
        "We cannot reach the shop just now, so this may be out of date"
    )
    expect(page.get_by_role("status")).to_have_text(status)

    page.unroute(FULFILMENT)
    page.clock.fast_forward("00:16")
    expect(page.locator("#tracking-stale")).to_have_text("")


def test_a_busy_server_is_asked_again_only_after_its_retry_after(page, tracked):
    busy = {"status": "error", "error": {"code": "rate_limited", "message": "Too many requests"}}
    page.route(FULFILMENT, lambda route: route.fulfill(status=429, headers={"Retry-After": "60"}, json=busy))
    page.clock.run_for("00:16")
    expect(page.locator("#tracking-stale")).to_contain_text("The shop could not answer just now")
    asked = len(tracked)
    page.clock.run_for("00:45")
    with page.expect_request(FULFILMENT):
        page.clock.run_for("00:20")
    assert len(tracked) == asked + 1, "asked again before Retry-After"


def test_no_invoice_link_when_the_shop_issues_no_invoices(page, tracked):
    """This shop has no SHOP_* seller settings, so an invoice would be refused (409): the tracking
    page offers none. (With them set, tests/billing/test_checkout_charges_browser.py opens one.)"""
    expect(page.locator("#tracking-total")).not_to_have_text("")
    expect(page.locator("#invoice-row")).to_be_hidden()


def test_a_reload_shows_the_order_again_with_the_page_s_own_styles_and_script(browser, base_url):
    """A reload revalidates the page and its files from the browser's cache (304s); the page must
    still run its script and keep its styles (a 304 once carried the JSON answers' policy,
    default-src 'none', which blocked both). Its own profile without request routing: routing
    turns Chromium's cache off, and the cache is what this is about."""
    context = browser.new_context(base_url=base_url, locale="en-IN", timezone_id="Asia/Kolkata")
    elsewhere = []
    context.on("request", lambda r: None if r.url.startswith(base_url) else elsewhere.append(r.url))
    try:
        page = context.new_page()
        order_id = buy(page, unique_email("reload"))
        page.get_by_role("link", name="Track this order").click()
        heading = page.get_by_role("heading", name=f"Order {order_id}")
        expect(heading).to_be_visible()
        revalidated = []
        page.on("response", lambda r: revalidated.append(r.url) if r.status == 304 else None)
        page.reload()
        expect(heading).to_be_visible()
        assert page.evaluate("document.styleSheets[0].cssRules.length") > 0
        assert revalidated, "the reload was answered from the server, not from the cache"
        assert elsewhere == []
    finally:
        context.close()
