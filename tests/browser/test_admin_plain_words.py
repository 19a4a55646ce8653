"""The console speaks to a shop owner (issue 25): a Qikink outage, a Qikink 503, a cut network, a
429 with Retry-After and a wrong admin key each read as a plain sentence with what to do, and the
technical detail (code, HTTP status, the call, the request id) is one click away, not in view."""

from __future__ import annotations

import json
import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.admin_pages import sign_in
from tests.browser.shop_pages import unique_email
from tests.browser.shop_server import own_shop_server
from tests.conftest import order_body
from tests.harness import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory):
    """A server of this module's own: the outage below must not reach other modules' orders."""
    with own_shop_server(tmp_path_factory, "plain-words-shop") as server:
        yield server


@pytest.fixture
def base_url(plain_server):
    return plain_server.url


def envelope(status, code, message, request_id, headers=None):
    """What page.route answers: the API's error envelope, as the server would send it."""
    body = {"status": "error", "error": {"code": code, "message": message, "request_id": request_id}}
    return {
        "status": status,
        "headers": {"Content-Type": "application/json", "X-Request-ID": request_id, **(headers or {})},
        "body": json.dumps(body),
    }


def open_detail(notice):
    """The technical detail is in the notice but out of sight until its disclosure is opened."""
    expect(notice.get_by_text("Technical detail")).to_be_visible()
    notice.get_by_text("Technical detail").click()


def test_a_qikink_outage_reads_as_plain_words_with_qikinks_answer_one_click_away(page, plain_server):
    plain_server.emulator.fault("503", count=1000, paths=None)
    try:
        placed = requests.post(
            plain_server.url + "/api/orders", json=order_body(customer_email=unique_email("outage")), timeout=30
        )
        assert placed.json()["data"]["qikink_status"] == "sync_pending"
        page.goto("/admin")
        panel = page.get_by_role("region", name="Qikink connection")
        panel.get_by_role("button", name="Sync now").click()
        expect(panel.get_by_role("alert")).to_have_text(re.compile("Qikink is not answering, so nothing was sent"))
        summary = panel.get_by_role("status")
        expect(summary).to_contain_text("Qikink is not answering right now.")
        expect(summary).to_contain_text("What to do: Orders are kept and sent automatically when it is back")
        # No time to send is promised while Qikink is not answering ("Not connected" next to "about 2 s").
        facts = panel.locator("#qikink-facts")
        expect(facts).to_contain_text("Not connected")
        expect(facts).to_contain_text("as soon as Qikink answers again")
        expect(facts).not_to_contain_text("about ")
        raw = facts.get_by_text(re.compile(r"non-JSON answer|no answer within"))
        expect(raw).to_be_hidden()
        open_detail(facts)
        expect(raw).to_be_visible()
    finally:
        plain_server.emulator.clear_faults()
    # Qikink is back. A sync at once may find the order still held by the worker's attempt under
    # way (its client retries the 503s): sync until the server has sent it, then look again.
    order_id = placed.json()["data"]["order_id"]

    def sent():
        plain_server.process.post("/api/qikink/sync")
        return plain_server.order(order_id)["qikink_status"] == "synced"

    wait_until(sent, 60, interval=1, what="the waiting order sent once Qikink is back")
    panel.get_by_role("button", name="Sync now").click()
    expect(summary).to_contain_text("Qikink is connected")
    expect(panel.get_by_role("alert")).to_contain_text("Sync finished")


def test_a_qikink_503_says_what_to_do_and_keeps_the_detail_one_click_away(page):
    page.route(
        "**/api/qikink/authenticate",
        lambda route: route.fulfill(
            **envelope(503, "qikink_unavailable", "Qikink cannot be reached: Qikink non-JSON answer", "req-qikink-503")
        ),
    )
    page.goto("/admin")
    panel = page.get_by_role("region", name="Qikink connection")
    panel.get_by_role("button", name="Check connection").click()
    alert = panel.get_by_role("alert")
    expect(alert).to_contain_text("Qikink is not answering right now.")
    expect(alert).to_contain_text(
        "What to do: Orders are kept and sent automatically when it is back; nothing to do unless this lasts "
        "over an hour. Then check status.qikink.com or contact Qikink."
    )
    for detail in ("qikink_unavailable", "POST /api/qikink/authenticate", "req-qikink-503"):
        expect(alert.get_by_text(detail, exact=True)).to_be_hidden()
    open_detail(alert)
    for detail in ("qikink_unavailable", "503", "POST /api/qikink/authenticate", "req-qikink-503"):
        expect(alert.get_by_text(detail, exact=True)).to_be_visible()
    expect(alert.get_by_text("Qikink cannot be reached: Qikink non-JSON answer")).to_be_visible()


def test_a_cut_network_says_the_server_cannot_be_reached(page, plain_server):
    page.goto("/admin")
    expect(page.get_by_role("status").filter(has_text="newest first")).to_be_visible()
    page.route("**/api/orders?**", lambda route: route.abort("connectionrefused"))
    show_orders = page.get_by_role("button", name="Show orders")
    show_orders.click()
    orders = page.get_by_role("region", name="Orders")
    expect(orders.get_by_role("status")).to_have_text("The orders could not be loaded.")
    alert = orders.get_by_role("alert")
    expect(alert).to_contain_text(f"The console cannot reach the shop's server at {plain_server.url}.")
    expect(alert).to_contain_text("What to do: Check that the server is running")
    open_detail(alert)
    expect(alert.get_by_text("network_error", exact=True)).to_be_visible()
    expect(alert.get_by_text("no answer from the server", exact=True)).to_be_visible()
    expect(alert.get_by_text(re.compile(r"^GET /api/orders\?"))).to_be_visible()

    page.unroute("**/api/orders?**")
    show_orders.click()
    expect(orders.get_by_role("status")).to_contain_text("newest first")
    expect(alert).to_be_hidden()


def test_a_429_says_how_long_to_wait(page):
    page.goto("/admin")
    expect(page.get_by_role("status").filter(has_text="newest first")).to_be_visible()
    page.route(
        "**/api/orders?**",
        lambda route: route.fulfill(
            **envelope(429, "rate_limited", "Too many requests: 60 per 1 minute", "req-429", {"Retry-After": "120"})
        ),
    )
    show_orders_of_anyone = page.get_by_role("button", name="Show orders")
    show_orders_of_anyone.click()
    alert = page.get_by_role("region", name="Orders").get_by_role("alert")
    expect(alert).to_contain_text("Too many requests in a short time.")
    expect(alert).to_contain_text("What to do: Wait 2 minutes and try again.")
    open_detail(alert)
    for detail in ("rate_limited", "429", "120 s", "req-429", "Too many requests: 60 per 1 minute"):
        expect(alert.get_by_text(detail, exact=True)).to_be_visible()


def test_a_wrong_admin_key_says_where_the_right_one_is(page):
    # A shop with ADMIN_API_KEY set, as far as the page can tell: every admin call answers 401.
    page.route(
        "**/api/orders?**",
        lambda route: route.fulfill(**envelope(401, "unauthorized", "Admin key missing or wrong", "req-401")),
    )
    page.goto("/admin")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(page, "not-the-key")
    expect(page.get_by_text("That admin key is not right.")).to_be_visible()
    alert = page.get_by_role("region", name="Sign in").get_by_role("alert")
    expect(alert).to_have_text(re.compile("^What to do: Sign in with the key set as ADMIN_API_KEY"))
    open_detail(alert)
    for detail in ("unauthorized", "401", "req-401", "Admin key missing or wrong"):
        expect(alert.get_by_text(detail, exact=True)).to_be_visible()


def test_a_key_no_longer_accepted_brings_back_the_sign_in_with_why(page):
    page.goto("/admin")
    expect(page.get_by_role("status").filter(has_text="newest first")).to_be_visible()
    page.route(
        "**/api/orders?**",
        lambda route: route.fulfill(**envelope(401, "unauthorized", "Admin key missing or wrong", "req-401b")),
    )
    page.get_by_role("button", name="Show orders").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    alert = page.get_by_role("region", name="Sign in").get_by_role("alert")
    expect(alert).to_contain_text("The admin key was not accepted.")
    expect(alert.get_by_text("req-401b", exact=True)).to_be_hidden()
