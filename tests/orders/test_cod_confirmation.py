"""Cash on delivery confirmed first (COD_CONFIRMATION=email): the order waits, stock held, until the
customer's click on the emailed link (or staff) confirms it; unconfirmed in time it is cancelled
with its stock back once. A GET of the link changes nothing; a guessed link confirms nothing."""

from __future__ import annotations

import copy
import re
from decimal import Decimal

import pytest

from backend import create_app
from backend.config import Config
from backend.customer_email.messages import draft
from tests.conftest import order_body

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}  # another machine: no admin rights without a key


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def shop(data_dir):
    def make(**settings):
        settings.setdefault("ratelimit_enabled", False)
        config = Config(
            data_dir=data_dir,
            app_env="test",
            qikink_env="off",
            cod_confirmation="email",
            cod_confirm_hours=24.0,
            public_url="https://shop.example.in",
            **settings,
        )
        app = create_app(config)
        clock = Clock()
        app.extensions["shop"].confirmations.clock = clock
        return app, app.test_client(), clock

    return make


def cod(client, email="ravi@example.com", **overrides):
    answer = client.post(
        "/api/orders", json=order_body(payment_method="cod", customer_email=email, **overrides), environ_base=OUTSIDE
    )
    return answer


def stored(app, order_id):
    return copy.deepcopy(app.extensions["shop"].store.get_order(order_id))


def stock(client, sku="BHRT-001-M"):
    return client.get(f"/api/products/{sku}").get_json()["data"]["stock_quantity"]


def link_of(app, order_id) -> str:
    """The path of the link in the order's confirmation email, as the customer receives it."""
    email = draft(stored(app, order_id), "confirm_cod", mail_from="shop@example.in", shop_url="https://shop.example.in")
    match = re.search(r"https://shop\.example\.in(/confirm/\S+)", email.text)
    assert match, email.text
    return match.group(1)


def test_a_cod_order_waits_for_confirmation_with_its_stock_held_and_no_token_in_any_answer(shop):
    app, client, _ = shop()
    before = stock(client)
    answer = cod(client)
    assert answer.status_code == 201
    body = answer.get_json()
    order = body["data"]
    assert (order["status"], order["qikink_status"], order["payment_status"]) == (
        "awaiting_confirmation",
        "not_sent",
        "not_required",
    )
    assert body["qikink_integration"]["status"] == "awaiting_confirmation"
    assert order["confirmation"]["waiting_for"] == "customer" and order["confirmation"]["expires_at"]
    assert order["actions"] == ["cancel", "resend_confirmation"]
    assert stock(client) == before - 2
    token = stored(app, order["order_id"])["cod_confirmation"]["token"]
    assert token not in answer.get_data(as_text=True)
    admin_view = client.get(f"/api/orders/{order['order_id']}").get_data(as_text=True)
    assert (
        token not in admin_view and "confirm" in client.get(f"/api/orders/{order['order_id']}").json["data"]["actions"]
    )
    kinds = [e["kind"] for e in stored(app, order["order_id"])["emails"]]
    assert kinds == ["confirm_cod"]  # "your order is confirmed" goes once it is


def test_the_email_links_a_page_a_get_of_which_changes_nothing_and_the_button_confirms_once(shop):
    app, client, _ = shop()
    order_id = cod(client).get_json()["data"]["order_id"]
    link = link_of(app, order_id)
    before = stored(app, order_id)
    page = client.get(link)
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Confirm order</button>" in html and "method='post'" in html and order_id in html
    assert page.headers["Referrer-Policy"] == "no-referrer" and "no-store" in page.headers["Cache-Control"]
    assert stored(app, order_id) == before  # mail scanners follow links: reading it changes nothing

    clicked = client.post(link)
    assert clicked.status_code == 303 and clicked.headers["Location"].endswith(link)
    order = stored(app, order_id)
    assert (order["status"], order["qikink_status"]) == ("pending", "sync_pending")
    assert order["cod_confirmation"]["confirmed_by"] == "customer"
    assert [e["kind"] for e in order["emails"]] == ["confirm_cod", "confirmation"]
    assert "Your order is confirmed" in client.get(link).get_data(as_text=True)

    again = client.post(link)  # a second click, or a reload of the POST
    assert again.status_code == 303
    assert stored(app, order_id) == order


def test_a_guessed_or_another_orders_link_confirms_nothing(shop):
    app, client, _ = shop()
    first = cod(client).get_json()["data"]["order_id"]
    second = cod(client, email="mira@example.com").get_json()["data"]["order_id"]
    token_of_first = link_of(app, first).rpartition(".")[2]
    before = (stored(app, first), stored(app, second))
    for guess in (
        f"/confirm/{second}.{token_of_first}",  # the first order's secret on the second order
        f"/confirm/{first}.{'A' * len(token_of_first)}",
        f"/confirm/{first}",
        "/confirm/not-an-order.x",
    ):
        assert client.get(guess).status_code == 404, guess
        assert client.post(guess).status_code == 404, guess
    assert (stored(app, first), stored(app, second)) == before


def test_unconfirmed_in_time_it_is_cancelled_once_with_its_stock_back_and_the_customer_told(shop):
    app, client, clock = shop()
    before = stock(client)
    order_id = cod(client).get_json()["data"]["order_id"]
    link = link_of(app, order_id)
    confirmations = app.extensions["shop"].confirmations
    clock.now += 23.9 * 3600
    assert confirmations.expire_due() == 0
    clock.now += 0.2 * 3600
    assert "not confirmed in time" in client.get(link).get_data(as_text=True)
    assert client.post(link).status_code == 303  # too late: nothing is confirmed
    assert stored(app, order_id)["status"] == "awaiting_confirmation"
    assert confirmations.expire_due() == 1
    assert confirmations.expire_due() == 0  # a second pass (or process) changes nothing
    order = stored(app, order_id)
    assert (order["status"], order["qikink_status"]) == ("cancelled", "not_sent")
    assert stock(client) == before
    assert [e["kind"] for e in order["emails"]] == ["confirm_cod", "cancelled"]
    words = draft(order, "cancelled", mail_from="shop@example.in").text
    assert "not confirmed in time" in words
    denied = client.post(f"/api/orders/{order_id}/confirm")
    assert (denied.status_code, denied.get_json()["error"]["code"]) == (409, "not_awaiting_confirmation")


def test_staff_confirm_a_phone_confirmation_and_only_staff_may(shop):
    app, client, _ = shop()
    order_id = cod(client).get_json()["data"]["order_id"]
    assert client.post(f"/api/orders/{order_id}/confirm", environ_base=OUTSIDE).status_code == 401
    assert stored(app, order_id)["status"] == "awaiting_confirmation"
    answer = client.post(f"/api/orders/{order_id}/confirm")
    assert answer.status_code == 200
    data = answer.get_json()["data"]
    assert (data["status"], data["qikink_status"], data["confirmation"]["confirmed_by"]) == (
        "pending",
        "sync_pending",
        "admin",
    )
    assert client.post(f"/api/orders/{order_id}/confirm").status_code == 200  # again: unchanged
    prepaid = client.post("/api/orders", json=order_body()).get_json()["data"]["order_id"]
    assert client.post(f"/api/orders/{prepaid}/confirm").get_json()["error"]["code"] == "not_awaiting_confirmation"
    assert client.post("/api/orders/BHRT-0/confirm").status_code == 404


def test_above_the_review_threshold_the_customers_click_waits_for_staff(shop):
    app, client, _ = shop(cod_review_above=Decimal("2000"))
    small = cod(client, items=[{"sku": "BHRT-001-M", "quantity": 1, "price": 1299}]).get_json()["data"]["order_id"]
    big = cod(client, email="big@example.com").get_json()["data"]["order_id"]  # 2 × ₹1,299
    client.post(link_of(app, small))
    assert stored(app, small)["status"] == "pending"
    client.post(link_of(app, big))
    order = client.get(f"/api/orders/{big}").get_json()["data"]
    assert (order["status"], order["confirmation"]["waiting_for"]) == ("awaiting_confirmation", "shop")
    assert "check orders of this size by hand" in client.get(link_of(app, big)).get_data(as_text=True)
    assert client.post(f"/api/orders/{big}/confirm").get_json()["data"]["status"] == "pending"


def test_cod_above_the_maximum_is_refused_and_takes_nothing(shop):
    app, client, _ = shop(cod_max_order_value=Decimal("2000"))
    before = stock(client)
    refused = cod(client)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "cod_not_allowed" and "Pay online" in error["message"]
    assert stock(client) == before
    assert client.get("/api/orders").get_json()["pagination"]["total"] == 0
    assert client.post("/api/orders", json=order_body()).status_code == 201  # prepaid is fine


def test_one_email_may_hold_only_a_few_orders_unconfirmed_and_a_replay_still_answers(shop):
    app, client, _ = shop()
    headers = {"Idempotency-Key": "third-order"}
    for n in range(3):
        answer = client.post(
            "/api/orders",
            json=order_body(payment_method="cod", customer_email="bulk@example.com"),
            headers=headers if n == 2 else {},
            environ_base=OUTSIDE,
        )
        assert answer.status_code == 201
    before = stock(client)
    refused = cod(client, email="BULK@example.com")
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "too_many_open_orders")
    assert stock(client) == before
    replay = client.post(
        "/api/orders",
        json=order_body(payment_method="cod", customer_email="bulk@example.com"),
        headers=headers,
        environ_base=OUTSIDE,
    )
    assert replay.status_code == 201
    assert cod(client, email="other@example.com").status_code == 201


ONE = [{"sku": "BHRT-006-M", "quantity": 1, "price": 899.5}]


def test_one_client_address_may_hold_only_a_few_orders_unconfirmed(shop):
    app, client, _ = shop(ratelimit_enabled=True)
    for n in range(10):  # ten customers behind one carrier NAT, say
        assert cod(client, email=f"buyer{n}@example.com", items=ONE).status_code == 201
    before = (stock(client), app.extensions["shop"].store.list_orders(None, page=1, per_page=1)[1])
    refused = cod(client, email="buyer10@example.com", items=ONE)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "too_many_open_orders")
    assert "from this network" in refused.get_json()["error"]["message"]
    assert (stock(client), app.extensions["shop"].store.list_orders(None, page=1, per_page=1)[1]) == before
    another = {"REMOTE_ADDR": "198.51.100.7"}
    body = order_body(payment_method="cod", customer_email="buyer10@example.com", items=ONE)
    assert client.post("/api/orders", json=body, environ_base=another).status_code == 201
    assert client.post("/api/orders", json=body, environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 201
    first = app.extensions["shop"].store.list_orders(None, page=1, per_page=100)[0][-1]
    assert first["placed_from"] == "203.0.113.9"
    shown = client.get(f"/api/orders/{first['order_id']}?email={first['customer_email']}", environ_base=OUTSIDE)
    assert "203.0.113.9" not in shown.get_data(as_text=True)  # kept for the limit, never shown
    # Confirmed orders no longer count: the address may order again.
    app.extensions["shop"].confirmations.confirm_by_admin(first["order_id"])
    assert cod(client, email="buyer11@example.com", items=ONE).status_code == 201


def test_the_customer_may_cancel_an_unconfirmed_order_and_gets_the_stock_back(shop):
    app, client, _ = shop()
    before = stock(client)
    order_id = cod(client).get_json()["data"]["order_id"]
    answer = client.post(f"/api/orders/{order_id}/cancel?email=ravi@example.com", environ_base=OUTSIDE)
    assert answer.status_code == 200, answer.get_json()
    assert stored(app, order_id)["status"] == "cancelled" and stock(client) == before
    assert "This order is cancelled" in client.get(link_of(app, order_id)).get_data(as_text=True)


def test_the_email_says_how_to_confirm_and_by_when():
    order = {
        "order_id": "BHRT-1",
        "customer_email": "ravi@example.com",
        "shipping_address": {
            "name": "Ravi",
            "line1": "1 MG Road",
            "city": "Pune",
            "state": "Maharashtra",
            "pincode": "411001",
        },
        "items": [{"sku": "BHRT-001-M", "name": "Heritage Print T-Shirt", "quantity": 1, "line_total": 1299}],
        "total": 1299,
        "payment_method": "cod",
        "cod_confirmation": {"token": "s3cret", "expires_at": "2026-12-04T18:00:00Z"},
    }
    email = draft(order, "confirm_cod", mail_from="shop@example.in", shop_url="https://shop.example.in")
    assert email.subject == "Please confirm your cash-on-delivery order BHRT-1"
    assert "Confirm your order: https://shop.example.in/confirm/BHRT-1.s3cret" in email.text
    assert "4 December 2026, 11:30 pm IST" in email.text
    assert 'href="https://shop.example.in/confirm/BHRT-1.s3cret"' in email.html


def test_the_customer_may_have_the_email_sent_again_a_few_times_minutes_apart(shop):
    app, client, clock = shop()
    order_id = cod(client).get_json()["data"]["order_id"]
    resend = f"/api/orders/{order_id}/confirmation-email"

    def sent(order_id=order_id):
        app.extensions["shop"].emails.send_due(order_id)
        return [e["status"] for e in stored(app, order_id)["emails"]]

    assert client.post(resend, environ_base=OUTSIDE).status_code == 404  # the order's email is the key
    assert client.post(f"{resend}?email=mira@example.com", environ_base=OUTSIDE).status_code == 404
    still_pending = client.post(f"{resend}?email=Ravi@Example.com", environ_base=OUTSIDE)
    assert still_pending.status_code == 202 and still_pending.get_json()["data"]["queued"] is False
    assert sent() == ["sent"]

    for attempt in range(3):
        again = client.post(f"{resend}?email=ravi@example.com", environ_base=OUTSIDE)
        assert again.status_code == 202 and again.get_json()["data"]["queued"] is True, again.get_json()
        assert [e["status"] for e in stored(app, order_id)["emails"]] == ["pending"]
        assert sent() == ["sent"]
        if attempt < 2:
            before = stored(app, order_id)
            clock.now += 599
            too_soon = client.post(f"{resend}?email=ravi@example.com", environ_base=OUTSIDE)
            assert too_soon.status_code == 429 and too_soon.get_json()["error"]["code"] == "rate_limited"
            assert too_soon.headers["Retry-After"] == "1"
            assert stored(app, order_id) == before  # a refusal changes nothing
            clock.now += 1
    spent = client.post(f"{resend}?email=ravi@example.com", environ_base=OUTSIDE)
    assert spent.status_code == 429 and "call the shop" in spent.get_json()["error"]["message"]
    order = stored(app, order_id)
    assert order["cod_confirmation"]["resends"] == 3
    assert len([e for e in order["events"] if e["event"] == "confirmation_resent"]) == 1
    assert [e["kind"] for e in order["emails"]] == ["confirm_cod"]  # the same email, sent again


def test_no_link_is_resent_once_the_order_no_longer_waits_for_the_customer(shop):
    app, client, clock = shop()
    order_id = cod(client).get_json()["data"]["order_id"]
    app.extensions["shop"].emails.send_due(order_id)
    assert client.post(link_of(app, order_id)).status_code == 303  # confirmed by the customer
    answer = client.post(f"/api/orders/{order_id}/confirmation-email?email=ravi@example.com", environ_base=OUTSIDE)
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "not_awaiting_confirmation"
    expired = cod(client, email="mira@example.com").get_json()["data"]["order_id"]
    app.extensions["shop"].emails.send_due(expired)
    clock.now += 25 * 3600
    answer = client.post(f"/api/orders/{expired}/confirmation-email?email=mira@example.com", environ_base=OUTSIDE)
    assert answer.status_code == 409
