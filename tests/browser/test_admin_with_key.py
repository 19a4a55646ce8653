"""The admin console against a server with ADMIN_API_KEY set: signing in, where the key may
(not) go, "Sync now" after a Qikink outage, stock edited for the storefront, and the console
served from another origin, allowed by CORS_ORIGINS or not."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.admin_pages import show_orders_of, sign_in
from tests.browser.shop_pages import serious_violations, unique_email
from tests.browser.shop_server import serve_frontend, start_shop_server
from tests.conftest import order_body
from tests.harness import free_port

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

ADMIN_KEY = "console-test-key-4f9c2a7d1e"


@pytest.fixture(scope="module")
def allowed_port():
    return free_port()


@pytest.fixture(scope="module")
def keyed_server(tmp_path_factory, allowed_port):
    """A server with an admin key, no background sync (only "Sync now" sends what waits), and one
    other origin allowed: the static site on `allowed_port`."""
    folder = tmp_path_factory.mktemp("keyed-shop")
    server = start_shop_server(
        folder / "data",
        folder,
        env={"ADMIN_API_KEY": ADMIN_KEY, "SYNC_ENABLED": "false", "CORS_ORIGINS": f"http://127.0.0.1:{allowed_port}"},
    )
    yield server
    server.stop()


@pytest.fixture
def base_url(keyed_server):
    """This module's pages talk to the keyed server (overrides conftest's `base_url`)."""
    return keyed_server.url


@pytest.fixture(scope="module")
def other_sites(tmp_path_factory, keyed_server, allowed_port):
    """The console served by `python -m http.server` from an allowed origin and from another one."""
    allowed, allowed_url = serve_frontend(tmp_path_factory.mktemp("allowed-site"), keyed_server.url, allowed_port)
    refused, refused_url = serve_frontend(tmp_path_factory.mktemp("refused-site"), keyed_server.url)
    yield allowed_url, refused_url
    allowed.stop()
    refused.stop()


def as_admin(server, method, path, **kwargs):
    return requests.request(method, server.url + path, headers={"X-Admin-Key": ADMIN_KEY}, timeout=15, **kwargs)


def test_sign_in_keeps_the_key_in_this_tab_only(page, context, keyed_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/admin")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert serious_violations(page) == []
    sign_in(page, "not-the-key-not-the-key")
    expect(page.get_by_text("That admin key is not right.")).to_be_visible()
    expect(page.get_by_label("Admin key")).to_have_attribute("aria-invalid", "true")
    refusal = page.get_by_role("region", name="Sign in").get_by_role("alert")
    expect(refusal).to_contain_text("What to do: Sign in with the key set as ADMIN_API_KEY")
    refusal.get_by_text("Technical detail").click()
    expect(refusal.get_by_text("unauthorized", exact=True)).to_be_visible()
    expect(refusal.get_by_text("GET /api/orders?per_page=1", exact=True)).to_be_visible()

    sign_in(page, ADMIN_KEY)
    expect(page.get_by_role("heading", name="Qikink connection")).to_be_visible()
    expect(page.get_by_text("Signed in with the admin key")).to_be_visible()
    expect(page.get_by_label("Admin key")).to_be_hidden()
    page.get_by_role("button", name="Check connection").click()
    expect(page.get_by_text("Connected to Qikink at")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Qikink connection")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('shop.adminKey')") == ADMIN_KEY

    second_tab = context.new_page()  # sessionStorage belongs to one tab
    second_tab.goto("/admin")
    expect(second_tab.get_by_role("heading", name="Sign in")).to_be_visible()
    second_tab.close()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    assert ADMIN_KEY not in page.evaluate("JSON.stringify(Object.entries(localStorage))")
    assert ADMIN_KEY not in page.url and requested and not [url for url in requested if ADMIN_KEY in url]
    assert ADMIN_KEY not in keyed_server.process.output()


def test_sync_now_after_a_qikink_outage_sends_the_queued_orders(page, keyed_server):
    email = unique_email("outage")
    keyed_server.emulator.fault("503", count=1000, paths=None)
    try:
        ids = [
            requests.post(keyed_server.url + "/api/orders", json=order_body(customer_email=email), timeout=15).json()[
                "data"
            ]["order_id"]
            for _ in range(2)
        ]
    finally:
        keyed_server.emulator.clear_faults()
    page.goto("/admin")
    sign_in(page, ADMIN_KEY)
    show_orders_of(page, email)
    table = page.get_by_role("table", name="Orders, newest first")
    expect(table.get_by_text("Waiting to be sent")).to_have_count(2)

    page.get_by_role("button", name="Sync now").click()
    report = page.get_by_role("region", name="Sync report")
    expect(report.get_by_role("definition").filter(has_text=re.compile(r"^2$")).first).to_be_visible()
    expect(page.get_by_text("Sync finished: 2 orders sent to Qikink.", exact=False)).to_be_visible()
    expect(table.get_by_text("At Qikink")).to_have_count(2)
    created = keyed_server.emulator.counters()["created"]
    assert [created.get(i.replace("-", "")) for i in ids] == [1, 1]


def test_stock_and_price_edited_in_the_console_show_on_the_storefront(page, keyed_server):
    page.goto("/admin")
    sign_in(page, ADMIN_KEY)
    row = page.get_by_role("row").filter(has_text="BHRT-002-M")
    row.get_by_label("Stock").fill("0")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved Warli Village Tee (M): ₹999, 0 in stock.")).to_be_visible()
    page.goto("/")
    expect(
        page.get_by_role("article", name="Warli Village Tee").get_by_role("button", name="Sold out")
    ).to_be_disabled()

    page.goto("/admin")
    row.get_by_label("Stock").fill("7")
    row.get_by_label("Price").fill("1049")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved Warli Village Tee (M): ₹1,049, 7 in stock.")).to_be_visible()
    row.get_by_label("Stock").fill("-1")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Warli Village Tee (M) not saved: Stock must be an integer")).to_be_visible()
    page.goto("/")
    card = page.get_by_role("article", name="Warli Village Tee")
    expect(card).to_contain_text("₹1,049")
    expect(card.get_by_role("button", name="Add to cart")).to_be_enabled()
    assert as_admin(keyed_server, "GET", "/api/products/BHRT-002-M").json()["data"]["stock_quantity"] == 7


def test_the_console_from_another_origin_works_with_a_key_only_where_cors_allows_it(page, keyed_server, other_sites):
    allowed_url, refused_url = other_sites
    page.goto(allowed_url + "/admin.html")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(page, ADMIN_KEY)
    expect(page.get_by_role("heading", name="Qikink connection")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="newest first")).to_be_visible()
    page.get_by_role("button", name="Check connection").click()
    expect(page.get_by_text("Connected to Qikink at")).to_be_visible()

    page.goto(refused_url + "/admin.html")
    sign_in(page, ADMIN_KEY)
    expect(
        page.get_by_role("alert").filter(has_text=f"The console cannot reach the shop's server at {keyed_server.url}.")
    ).to_contain_text(f"CORS_ORIGINS must include this page's address, {refused_url}")
    expect(page.get_by_role("heading", name="Qikink connection")).to_be_hidden()


def test_orders_page_by_page_and_by_qikink_status(page, keyed_server):
    email = unique_email("pages")
    for _ in range(21):
        requests.post(keyed_server.url + "/api/orders", json=order_body(customer_email=email), timeout=15)
    page.goto("/admin")
    sign_in(page, ADMIN_KEY)
    show_orders_of(page, email)
    orders = page.get_by_role("region", name="Orders")
    expect(orders.get_by_role("status")).to_have_text("Orders 1–20 of 21, newest first.")
    expect(orders.get_by_role("button", name="Previous page")).to_be_disabled()
    orders.get_by_role("button", name="Next page").click()
    expect(orders.get_by_role("status")).to_have_text("Orders 21–21 of 21, newest first.")
    expect(orders.get_by_text("Page 2 of 2")).to_be_visible()
    expect(orders.get_by_role("button", name="Next page")).to_be_disabled()

    orders.get_by_role("button", name="Refused by Qikink: 0").click()
    expect(orders.get_by_label("Qikink status", exact=True)).to_have_value("sync_failed")
    expect(orders.get_by_role("cell", name="No orders match these filters.")).to_be_visible()
    with page.expect_request(re.compile(r"/api/qikink/sync\?retry_failed=true$")):
        page.get_by_role("button", name="Retry failed orders").click()
    expect(page.get_by_text("Sync finished")).to_be_visible()
