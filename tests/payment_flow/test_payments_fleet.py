"""Payments on a PostgreSQL fleet: two shop apps on one database (as two machines) with one
Razorpay; the order placed on one, the checkout's answer landing on it, the webhook on the other
and both machines' look-ups running at once: the order is paid once, in its own transaction."""

from __future__ import annotations

import threading

import pytest

from tests.payment_flow.fake_razorpay import FakeRazorpay, signed_webhook
from tests.payment_flow.paying_shop import answer_checkout, events, make_app, order_of, place, webhook, worker

pytestmark = pytest.mark.postgres


def test_two_machines_settle_one_payment_once(data_dir, database_url):
    razorpay = FakeRazorpay()
    one = make_app(data_dir, razorpay, database_url=database_url)
    two = make_app(data_dir, razorpay, database_url=database_url)
    created = place(one.test_client())
    order_id = created["data"]["order_id"]
    assert order_of(two.test_client(), order_id)["payment_status"] == "awaiting_payment"
    payment, answer = razorpay.pay(created["payment"]["razorpay_order_id"])
    raw, headers = signed_webhook("payment.captured", payment=payment)
    start = threading.Barrier(4)
    errors = []

    def race(path):
        start.wait()
        try:
            path()
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    paths = [
        lambda: answer_checkout(one.test_client(), order_id, answer),
        lambda: webhook(two.test_client(), raw, headers),
        lambda: worker(one, later=600).run_pass(),
        lambda: worker(two, later=600).run_pass(),
    ]
    threads = [threading.Thread(target=race, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    for app in (one, two):
        stored = order_of(app.test_client(), order_id)
        assert stored["payment_status"] == "paid" and len(events(stored, "payment_received")) == 1
        assert [e["kind"] for e in stored["emails"]] == ["confirmation"]
    assert len(razorpay.orders) == 1 and razorpay.refunds == {}  # one Razorpay order, nothing refunded
    for app in (one, two):
        app.extensions["shop"].store.close()
