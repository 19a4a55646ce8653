"""Prepaid orders are paid before they go to Qikink: placed `awaiting_payment` with their stock
held, settled by any of three paths (the checkout's signed answer, a webhook, the server's own
look-up) exactly once, expired when unpaid, refunded when cancelled after payment or paid too late.
Run through the HTTP API against an in-memory Razorpay (fake_razorpay.py)."""

from __future__ import annotations

import threading
import time

import pytest

from backend.payments.worker import PaymentWorker
from tests.conftest import order_body
from tests.payment_flow.fake_razorpay import KEY_ID, FakeRazorpay, signed_webhook
from tests.payment_flow.paying_shop import (
    ADMIN,
    CHECKOUT_URL,
    CUSTOMER,
    answer_checkout,
    events,
    make_app,
    order_of,
    place,
    webhook,
    worker,
)

TOTAL_PAISE = 259800  # 2 × ₹1,299, no shipping fee


@pytest.fixture
def razorpay():
    return FakeRazorpay()


@pytest.fixture
def app(data_dir, razorpay):
    return make_app(data_dir, razorpay)


@pytest.fixture
def client(app):
    return app.test_client()


def stock(client, sku="BHRT-001-M"):
    return client.get(f"/api/products/{sku}").get_json()["data"]["stock_quantity"]


def test_a_prepaid_order_waits_for_its_payment_with_its_stock_held(client, razorpay):
    before = stock(client)
    created = place(client)
    order = created["data"]
    assert created["message"] == "Order created: awaiting payment"
    assert (order["status"], order["payment_status"], order["qikink_status"]) == (
        "awaiting_payment",
        "awaiting_payment",
        "not_sent",
    )
    assert order["actions"] == ["cancel", "pay"]
    checkout = created["payment"]
    assert checkout["key_id"] == KEY_ID and checkout["amount"] == TOTAL_PAISE and checkout["currency"] == "INR"
    assert checkout["checkout_url"] == CHECKOUT_URL
    assert checkout["prefill"] == {"name": "Asha Verma", "email": "asha@example.com", "contact": "9876543210"}
    assert razorpay.orders[checkout["razorpay_order_id"]]["receipt"] == order["order_id"]
    assert stock(client) == before - 2
    assert order_of(client, order["order_id"])["emails"] == []  # the confirmation waits for the payment
    again = client.get(f"/api/orders/{order['order_id']}/payment?email=asha@example.com", environ_base=CUSTOMER)
    assert again.status_code == 200 and again.get_json()["data"] == checkout
    assert razorpay.count("create_order") == 1


def test_the_checkouts_signed_answer_settles_the_order_once(client, razorpay):
    created = place(client)
    order_id = created["data"]["order_id"]
    _, answer = razorpay.pay(created["payment"]["razorpay_order_id"])
    response = answer_checkout(client, order_id, answer)
    assert response.status_code == 200, response.get_json()
    paid = response.get_json()["data"]
    assert (paid["status"], paid["payment_status"], paid["qikink_status"]) == ("pending", "paid", "sync_pending")
    assert paid["payment"]["razorpay_payment_id"] == answer["razorpay_payment_id"]
    assert answer_checkout(client, order_id, answer).status_code == 200  # a retry changes nothing
    stored = order_of(client, order_id)
    assert len(events(stored, "payment_received")) == 1
    assert [e["kind"] for e in stored["emails"]] == ["confirmation"]
    gone = client.get(f"/api/orders/{order_id}/payment?email=asha@example.com", environ_base=CUSTOMER)
    assert gone.status_code == 409 and gone.get_json()["error"]["code"] == "payment_not_required"


@pytest.mark.parametrize(
    "change",
    [
        {"razorpay_signature": "0" * 64},
        {"razorpay_order_id": "order_00000000000999"},
        {"razorpay_payment_id": "pay_00000000000999"},
        {"razorpay_signature": None},
    ],
    ids=["forged signature", "another order", "another payment", "no signature"],
)
def test_a_forged_or_mismatched_answer_is_refused_and_changes_nothing(client, razorpay, change):
    created = place(client)
    order_id = created["data"]["order_id"]
    _, answer = razorpay.pay(created["payment"]["razorpay_order_id"])
    response = answer_checkout(client, order_id, {**answer, **change})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "payment_signature_invalid"
    assert order_of(client, order_id)["status"] == "awaiting_payment"


def test_a_verified_webhook_settles_the_order_and_duplicates_change_nothing(client, razorpay):
    created = place(client)
    order_id = created["data"]["order_id"]
    payment, _ = razorpay.pay(created["payment"]["razorpay_order_id"])
    raw, headers = signed_webhook("payment.captured", payment=payment)
    for _ in range(3):
        assert webhook(client, raw, headers).status_code == 200
    raw, headers = signed_webhook(
        "order.paid", payment=payment, order=razorpay.orders[created["payment"]["razorpay_order_id"]]
    )
    assert webhook(client, raw, headers).status_code == 200
    stored = order_of(client, order_id)
    assert stored["payment_status"] == "paid" and len(events(stored, "payment_received")) == 1


def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(client, razorpay):
    created = place(client)
    payment, _ = razorpay.pay(created["payment"]["razorpay_order_id"])
    raw, headers = signed_webhook("payment.captured", payment=payment)
    for bad in ({**headers, "X-Razorpay-Signature": "f" * 64}, {"X-Razorpay-Event-Id": "evt_1"}):
        response = webhook(client, raw, bad)
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "webhook_signature_invalid"
    assert order_of(client, created["data"]["order_id"])["status"] == "awaiting_payment"


def test_webhooks_for_unknown_orders_and_events_are_answered_and_ignored(client, razorpay):
    stranger = razorpay.create_order(5000, "NOT-OURS")
    payment, _ = razorpay.pay(stranger["id"])
    for event in (signed_webhook("payment.captured", payment=payment), signed_webhook("invoice.paid")):
        response = webhook(client, *event)
        assert response.status_code == 200 and response.get_json()["status"] == "success"


def test_the_servers_own_look_up_settles_a_paid_order_no_one_reported(app, client, razorpay):
    created = place(client)
    order_id = created["data"]["order_id"]
    later = [0.0]
    running = PaymentWorker(app.extensions["shop"].payments, clock=lambda: time.time() + later[0])
    assert running.run_pass()["looked_up"] == 1  # the first pass after a start asks about every order
    razorpay.pay(created["payment"]["razorpay_order_id"])  # the tab closed; no webhook reaches a home shop
    assert running.run_pass()["looked_up"] == 0  # not due yet
    later[0] = 600
    report = running.run_pass()
    assert report["looked_up"] == 1 and report["paid"] == 1
    assert order_of(client, order_id)["payment_status"] == "paid"


def test_an_amount_short_of_the_total_is_never_paid(app, client, razorpay):
    created = place(client)
    order_id = created["data"]["order_id"]
    payment, answer = razorpay.pay(created["payment"]["razorpay_order_id"], amount=TOTAL_PAISE - 100)
    assert answer_checkout(client, order_id, answer).status_code == 200
    webhook(client, *signed_webhook("payment.captured", payment=payment))
    stored = order_of(client, order_id)
    assert stored["status"] == "awaiting_payment" and stored["qikink_status"] == "not_sent"
    assert len(events(stored, "payment_mismatch")) == 1


def test_unpaid_in_time_the_order_expires_with_its_stock_back_once(app, client, razorpay):
    before = stock(client)
    order_id = place(client)["data"]["order_id"]
    assert worker(app, later=29 * 60).run_pass()["expired"] == 0
    assert worker(app, later=31 * 60).run_pass()["expired"] == 1
    stored = order_of(client, order_id)
    assert (stored["status"], stored["payment_status"], stored["qikink_status"]) == ("cancelled", "expired", "not_sent")
    assert stock(client) == before
    assert worker(app, later=40 * 60).run_pass()["expired"] == 0
    assert stock(client) == before
    assert stored["emails"] == []  # no confirmation for an order never paid


def test_a_payment_arriving_after_expiry_is_refunded_in_full(app, client, razorpay):
    created = place(client)
    order_id = created["data"]["order_id"]
    worker(app, later=31 * 60).run_pass()
    payment, answer = razorpay.pay(created["payment"]["razorpay_order_id"])
    assert answer_checkout(client, order_id, answer).status_code == 200
    webhook(client, *signed_webhook("payment.captured", payment=payment))
    stored = order_of(client, order_id)
    assert stored["status"] == "cancelled" and stored["qikink_status"] == "not_sent"
    assert stored["refund"]["status"] == "processed" and stored["refund"]["amount"] == TOTAL_PAISE
    assert len(razorpay.refunds) == 1


def test_cancelling_a_paid_order_before_qikink_has_it_refunds_it_once(client, razorpay):
    created = place(client)
    order_id = created["data"]["order_id"]
    _, answer = razorpay.pay(created["payment"]["razorpay_order_id"])
    answer_checkout(client, order_id, answer)
    for _ in range(2):
        response = client.post(f"/api/orders/{order_id}/cancel?email=asha@example.com", environ_base=CUSTOMER)
        assert response.status_code == 200
    cancelled = response.get_json()["data"]
    assert cancelled["status"] == "cancelled" and cancelled["payment_status"] == "refunded"
    assert cancelled["refund"]["amount"] == TOTAL_PAISE and cancelled["refund"]["id"].startswith("rfnd_")
    assert len(razorpay.refunds) == 1 and razorpay.count("refund") == 1
    assert "refunded" in [e["kind"] for e in order_of(client, order_id)["emails"]]


def test_a_refund_whose_answer_was_lost_is_looked_up_before_it_is_sent_again(app, client, razorpay):
    created = place(client)
    order_id = created["data"]["order_id"]
    _, answer = razorpay.pay(created["payment"]["razorpay_order_id"])
    answer_checkout(client, order_id, answer)
    razorpay.lose_refund_answer = 1
    cancelled = client.post(f"/api/orders/{order_id}/cancel", headers=ADMIN, environ_base=CUSTOMER).get_json()
    assert cancelled["data"]["payment_status"] == "refund_pending"
    worker(app).run_pass()
    stored = order_of(client, order_id)
    assert stored["payment_status"] == "refunded"
    assert len(razorpay.refunds) == 1 and razorpay.count("refund") == 1  # looked up, not sent again


def test_the_three_paths_racing_settle_the_order_once(app, client, razorpay):
    created = place(client)
    order_id = created["data"]["order_id"]
    payment, answer = razorpay.pay(created["payment"]["razorpay_order_id"])
    raw, headers = signed_webhook("payment.captured", payment=payment)
    start = threading.Barrier(3)

    def race(path):
        start.wait()
        path()

    paths = [
        lambda: answer_checkout(app.test_client(), order_id, answer),
        lambda: webhook(app.test_client(), raw, headers),
        lambda: worker(app, later=600).run_pass(),
    ]
    threads = [threading.Thread(target=race, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    stored = order_of(client, order_id)
    assert stored["payment_status"] == "paid" and len(events(stored, "payment_received")) == 1
    assert [e["kind"] for e in stored["emails"]] == ["confirmation"] and razorpay.refunds == {}


def test_razorpay_down_keeps_the_order_and_pay_now_works_when_it_is_back(client, razorpay):
    razorpay.down = True
    created = place(client)
    order_id = created["data"]["order_id"]
    assert created["payment"] is None and created["data"]["status"] == "awaiting_payment"
    url = f"/api/orders/{order_id}/payment?email=asha@example.com"
    unavailable = client.get(url, environ_base=CUSTOMER)
    assert unavailable.status_code == 503 and unavailable.get_json()["error"]["code"] == "payment_unavailable"
    razorpay.down = False
    checkout = client.get(url, environ_base=CUSTOMER).get_json()["data"]
    assert checkout["razorpay_order_id"] in razorpay.orders and checkout["amount"] == TOTAL_PAISE


def test_staff_record_an_order_paid_outside_and_it_goes_to_qikink_at_once(client):
    response = client.post("/api/orders", json=order_body(paid_outside=True), headers=ADMIN, environ_base=CUSTOMER)
    assert response.status_code == 201
    order = response.get_json()["data"]
    assert (order["payment_status"], order["qikink_status"]) == ("paid", "sync_pending")
    assert order["payment"]["provider"] == "outside"
    refused = client.post("/api/orders", json=order_body(paid_outside=True), environ_base=CUSTOMER)
    assert refused.status_code == 403
    bad = client.post("/api/orders", json=order_body(paid_outside="yes"), headers=ADMIN, environ_base=CUSTOMER)
    assert bad.status_code == 422


def test_cash_on_delivery_needs_no_payment(client, razorpay):
    order = place(client, payment_method="cod")["data"]
    assert (order["payment_status"], order["qikink_status"], order["payment"]) == ("not_required", "sync_pending", None)
    assert razorpay.count("create_order") == 0


def test_with_payments_off_prepaid_counts_as_paid_outside_the_shop(data_dir, razorpay):
    client = make_app(data_dir, razorpay, payments_env="off").test_client()
    order = place(client)["data"]
    assert (order["status"], order["payment_status"], order["qikink_status"]) == ("pending", "paid", "sync_pending")
    assert razorpay.calls == []
    # The webhook is not served: 404, but a request without Razorpay's signature is refused as such.
    raw, headers = signed_webhook("payment.captured", payment={"id": "pay_x"})
    assert webhook(client, raw, headers).status_code == 404
    unsigned = webhook(client, raw, {"X-Razorpay-Event-Id": "evt_1"})
    assert (unsigned.status_code, unsigned.get_json()["error"]["code"]) == (400, "webhook_signature_invalid")


def test_the_pages_that_pay_may_load_razorpay_and_no_other_page_may(client):
    for page in ("/", "/track"):
        policy = client.get(page).headers["Content-Security-Policy"]
        assert "script-src 'self' http://127.0.0.1:5002 https://checkout.razorpay.com" in policy
        assert "frame-src http://127.0.0.1:5002 https://api.razorpay.com" in policy
    assert "razorpay" not in client.get("/admin").headers["Content-Security-Policy"]
    assert client.get("/api/health").headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_staff_find_orders_by_payment_status(app, client, razorpay):
    """The console's Payment filter: paid orders, expired ones, refunds to make by hand."""
    unpaid = place(client)["data"]["order_id"]
    paid = place(client)
    razorpay.pay(paid["payment"]["razorpay_order_id"])
    app.extensions["shop"].payments.look_up(paid["data"]["order_id"])
    cod = place(client, payment_method="cod")["data"]["order_id"]

    def ids(**query):
        answer = client.get("/api/orders", query_string=query, headers=ADMIN)
        assert answer.status_code == 200, answer.get_json()
        return {o["order_id"] for o in answer.get_json()["data"]}, answer.get_json()["pagination"]["total"]

    assert ids(payment_status="awaiting_payment") == ({unpaid}, 1)
    assert ids(payment_status="paid") == ({paid["data"]["order_id"]}, 1)
    assert ids(payment_status="not_required") == ({cod}, 1)
    assert ids(payment_status="paid", status="cancelled") == (set(), 0)
    refused = client.get("/api/orders", query_string={"payment_status": "stolen"}, headers=ADMIN)
    assert refused.status_code == 422 and refused.get_json()["error"]["details"][0]["field"] == "payment_status"
