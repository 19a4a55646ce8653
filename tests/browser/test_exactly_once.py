"""One checkout makes one order, whatever the customer's hands and network do; orders are
counted through the admin API (GET /api/orders?email=...)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.shop_pages import add_to_cart, confirmed_order_id, fill_checkout, unique_email

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

ORDERS = "**/api/orders"


def order_posts(page) -> list:
    """Every POST /api/orders the page sends, as it sends it."""
    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" and r.url.endswith("/api/orders") else None)
    return posts


def on_first_order_post(page, handle) -> list:
    """Send the first POST /api/orders through `handle(route)` (what it returns is added to the
    list answered), every later one to the server."""
    claimed, results = [], []

    def route_order(route):
        if claimed:
            route.fallback()
            return
        claimed.append(route)  # before handle(): a retry may arrive while it waits
        results.append(handle(route))

    page.route(ORDERS, route_order)
    return results


def ready_to_order(page, email):
    page.goto("/")
    add_to_cart(page, "Gond Forest Tee")
    fill_checkout(page, email)


@pytest.mark.parametrize(
    "press_twice",
    [
        lambda button: button.dblclick(),
        # Past the disabled button: two submits in the same instant reach the checkout code.
        lambda button: button.evaluate("button => { button.click(); button.form.requestSubmit(); }"),
    ],
    ids=["double-click", "two-submits-at-once"],
)
def test_pressing_place_order_twice_sends_one_order(page, shop_server, press_twice):
    email = unique_email("twice")
    posts = order_posts(page)
    ready_to_order(page, email)
    press_twice(page.get_by_role("button", name="Place order"))
    order_id = confirmed_order_id(page)
    assert [o["order_id"] for o in shop_server.orders_for(email)] == [order_id]
    assert len(posts) == 1


def test_an_answer_lost_on_the_way_back_is_retried_with_the_same_key_and_makes_one_order(page, shop_server):
    """The first request reaches the server (the order is made) and then the connection drops."""
    email = unique_email("dropped")
    posts = order_posts(page)
    ready_to_order(page, email)

    def drop_answer(route):
        answer = route.fetch()
        route.abort("connectionreset")
        return answer

    lost = on_first_order_post(page, drop_answer)
    page.get_by_role("button", name="Place order").click()
    order_id = confirmed_order_id(page)

    assert lost[0].status == 201 and lost[0].json()["data"]["order_id"] == order_id
    assert [o["order_id"] for o in shop_server.orders_for(email)] == [order_id]
    keys = {p.headers["idempotency-key"] for p in posts}
    assert len(posts) == 2 and len(keys) == 1
    assert posts[1].response().headers["idempotent-replayed"] == "true"
    assert page.evaluate("localStorage.getItem('shop.pendingCheckout')") is None


def test_a_request_that_never_arrives_is_retried_and_makes_one_order(page, shop_server):
    email = unique_email("refused")
    ready_to_order(page, email)
    on_first_order_post(page, lambda route: route.abort("connectionrefused"))
    page.get_by_role("button", name="Place order").click()
    order_id = confirmed_order_id(page)
    assert [o["order_id"] for o in shop_server.orders_for(email)] == [order_id]


def test_a_reload_in_the_middle_of_a_checkout_finishes_that_checkout_once(page, shop_server):
    """The page is reloaded while its order request is unanswered (the server gets it; the page
    never hears back): the reloaded page sends the checkout kept in localStorage again, with its
    key, and shows the one order."""
    email = unique_email("reload")
    posts = order_posts(page)
    ready_to_order(page, email)
    on_first_order_post(page, lambda route: route.fetch())
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("button", name="Placing your order…")).to_be_disabled()
    pending = json.loads(page.evaluate("localStorage.getItem('shop.pendingCheckout')"))
    assert pending["payload"]["customer_email"] == email

    page.reload()
    order_id = confirmed_order_id(page)
    assert [o["order_id"] for o in shop_server.orders_for(email)] == [order_id]
    assert len(posts) == 2 and {p.headers["idempotency-key"] for p in posts} == {pending["key"]}
    expect(page.get_by_role("link", name="Cart (0)")).to_be_visible()


def test_a_second_tab_resumes_the_unfinished_checkout_instead_of_ordering_again(context, page, shop_server):
    email = unique_email("tabs")
    ready_to_order(page, email)
    page.route(ORDERS, lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="Place order").click()
    expect(page.locator("#checkout-message")).to_contain_text("could not reach the shop", timeout=20000)
    assert shop_server.orders_for(email) == []

    second = context.new_page()
    second.goto("/")
    order_id = confirmed_order_id(second)
    expect(page.get_by_role("link", name="Cart (0)")).to_be_visible()  # the first tab follows the cart
    page.unroute(ORDERS)
    page.get_by_role("button", name="Place order").click()
    expect(page.locator("#checkout-message")).to_have_text("Your cart is empty: add a T-shirt first.")
    assert [o["order_id"] for o in shop_server.orders_for(email)] == [order_id]
