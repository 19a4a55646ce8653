"""A shop whose prepaid orders are paid through an in-memory Razorpay (fake_razorpay.py), and the
calls the payment tests make on it: place, answer the checkout, deliver a webhook, run a look-up."""

from __future__ import annotations

import time

from backend import create_app
from backend.config import Config
from backend.payments.worker import PaymentWorker
from tests.conftest import order_body
from tests.payment_flow.fake_razorpay import KEY_ID, KEY_SECRET, WEBHOOK_SECRET

ADMIN_KEY = "p" * 32
ADMIN = {"X-Admin-Key": ADMIN_KEY}
CUSTOMER = {"REMOTE_ADDR": "203.0.113.9"}  # not this machine
CHECKOUT_URL = "http://127.0.0.1:5002/v1/checkout.js"


def make_app(data_dir, razorpay, **changes):
    settings = dict(
        data_dir=data_dir,
        ratelimit_enabled=False,
        app_env="test",
        qikink_env="off",
        admin_api_key=ADMIN_KEY,
        payments_env="emulator",
        razorpay_key_id=KEY_ID,
        razorpay_key_secret=KEY_SECRET,
        razorpay_webhook_secret=WEBHOOK_SECRET,
        razorpay_checkout_url=CHECKOUT_URL,
    )
    return create_app(Config(**{**settings, **changes}), payment_client=razorpay)


def place(client, **overrides):
    response = client.post("/api/orders", json=order_body(**overrides), environ_base=CUSTOMER)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def order_of(client, order_id):
    return client.get(f"/api/orders/{order_id}", headers=ADMIN, environ_base=CUSTOMER).get_json()["data"]


def answer_checkout(client, order_id, answer):
    return client.post(f"/api/orders/{order_id}/payment", json=answer, environ_base=CUSTOMER)


def webhook(client, raw, headers):
    return client.post(
        "/api/payments/razorpay/webhook",
        data=raw,
        headers={**headers, "Content-Type": "application/json"},
        environ_base=CUSTOMER,
    )


def worker(app, *, later=0.0):
    return PaymentWorker(app.extensions["shop"].payments, clock=lambda: time.time() + later)


def events(order, name):
    return [e for e in order["events"] if e["event"] == name]
