"""The Razorpay emulator answers as razorpay-api.md says Razorpay does, over real HTTP on
127.0.0.1: validation and error envelope, Basic auth, checkout signatures, refunds with
X-Refund-Idempotency, signed webhooks with fault modes, and the checkout stand-in's page. The
shop's RazorpayClient talks to it here, so both are held to the spec together."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from backend.payments.client import AuthenticationFailed, BadRequest, GatewayUnavailable, RazorpayClient
from backend.payments.signatures import verify_checkout, verify_webhook
from razorpay_emulator import RazorpayEmulator
from tests.razorpay_emulator.controls import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, faults, pay


class Receiver:
    """A webhook endpoint on 127.0.0.1 that records what it gets (and may refuse the first ones)."""

    def __init__(self, refuse_first: int = 0):
        self.received: list[tuple[bytes, dict]] = []
        self.refuse = refuse_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((raw, dict(self.headers)))
                status = 500 if receiver.refuse > 0 else 200
                receiver.refuse -= 1
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"

    def events(self, accepted_only=True):
        return [json.loads(raw)["event"] for raw, _ in self.received]

    def wait_for(self, count: int, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture
def emulator(receiver):
    with RazorpayEmulator(
        key_id=KEY_ID,
        key_secret=KEY_SECRET,
        webhook_secret=WEBHOOK_SECRET,
        webhook_url=receiver.url,
        refund_seconds=0.1,
    ) as emulator:
        yield emulator


@pytest.fixture
def client(emulator):
    return RazorpayClient(KEY_ID, KEY_SECRET, base_url=emulator.url, sleep=lambda s: None)


def test_an_order_is_created_with_razorpays_shape(client):
    order = client.create_order(129950, receipt="BHRT-1796282926", notes={"order_id": "BHRT-1796282926"})
    assert order["id"].startswith("order_") and len(order["id"]) == len("order_") + 14
    assert (order["entity"], order["amount"], order["amount_due"], order["status"]) == (
        "order",
        129950,
        129950,
        "created",
    )
    assert client.fetch_order(order["id"])["receipt"] == "BHRT-1796282926"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"amount": 99, "currency": "INR"}, "amount"),
        ({"amount": 1299.5, "currency": "INR"}, "amount"),
        ({"amount": "12999", "currency": "INR"}, "amount"),
        ({"amount": 12999, "currency": "USD"}, "currency"),
        ({"amount": 12999, "currency": "INR", "receipt": "R" * 41}, "receipt"),
        ({"amount": 12999, "currency": "INR", "notes": {str(i): "x" for i in range(16)}}, "notes"),
        ({"amount": 12999, "currency": "INR", "notes": {"a": "x" * 257}}, "notes"),
        ({"amount": 12999, "currency": "INR", "partial_payment": True}, "partial_payment"),
    ],
)
def test_bad_orders_get_razorpays_error_envelope(emulator, body, field):
    response = requests.post(f"{emulator.url}/v1/orders", json=body, auth=(KEY_ID, KEY_SECRET), timeout=10)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "BAD_REQUEST_ERROR" and error["field"] == field and error["description"]
    assert set(error) == {"code", "description", "source", "step", "reason", "metadata", "field"}


def test_a_wrong_key_is_refused_with_401(emulator):
    with pytest.raises(AuthenticationFailed) as refused:
        RazorpayClient(KEY_ID, "wrong-secret", base_url=emulator.url).create_order(10000, receipt="R1")
    assert refused.value.status == 401 and "Authentication failed" in str(refused.value)
    assert "wrong-secret" not in str(refused.value)


def test_the_client_refuses_floats_and_never_shows_its_secret(client):
    with pytest.raises(ValueError):
        client.create_order(1299.5, receipt="R1")
    assert KEY_SECRET not in repr(client)


def test_a_paid_order_gives_a_checkout_answer_that_verifies(emulator, client):
    order = client.create_order(50000, receipt="BHRT-1")
    answer = pay(emulator, order["id"])
    checkout = answer["checkout"]
    assert verify_checkout(KEY_SECRET, order["id"], checkout["razorpay_payment_id"], checkout["razorpay_signature"])
    assert not verify_checkout(
        KEY_SECRET, "order_other", checkout["razorpay_payment_id"], checkout["razorpay_signature"]
    )
    payments = client.order_payments(order["id"])
    assert [(p["status"], p["amount"], p["captured"]) for p in payments] == [("captured", 50000, True)]
    assert client.fetch_order(order["id"])["status"] == "paid"


def test_a_failed_attempt_then_a_payment_on_the_same_order(emulator, client):
    order = client.create_order(50000, receipt="BHRT-2")
    failed = pay(emulator, order["id"], outcome="fail")["payment"]
    assert failed["status"] == "failed" and failed["error_description"]
    pay(emulator, order["id"])
    assert sorted(p["status"] for p in client.order_payments(order["id"])) == ["captured", "failed"]


def test_manual_capture_leaves_the_payment_authorised_until_captured(emulator, client):
    faults(emulator, capture="manual")
    order = client.create_order(50000, receipt="BHRT-3")
    payment = pay(emulator, order["id"])["payment"]
    assert payment["status"] == "authorized"
    assert client.capture(payment["id"], 50000)["status"] == "captured"
    with pytest.raises(BadRequest):
        client.capture(payment["id"], 50000)


def test_a_refund_with_the_same_idempotency_key_is_made_once(emulator, client, receiver):
    order = client.create_order(50000, receipt="BHRT-4")
    payment_id = pay(emulator, order["id"])["payment"]["id"]
    first = client.refund(payment_id, 50000, idempotency_key="refund-BHRT-4-x", receipt="refund-BHRT-4")
    again = client.refund(payment_id, 50000, idempotency_key="refund-BHRT-4-x", receipt="refund-BHRT-4")
    assert first["id"] == again["id"] and first["id"].startswith("rfnd_") and first["status"] == "pending"
    assert [r["id"] for r in client.payment_refunds(payment_id)] == [first["id"]]
    with pytest.raises(BadRequest) as too_much:
        client.refund(payment_id, 100, idempotency_key="refund-BHRT-4-y")
    assert too_much.value.field == "amount"
    receiver.wait_for(4)  # authorized, captured, order.paid, refund.processed
    assert "refund.processed" in receiver.events()
    assert client.payment_refunds(payment_id)[0]["status"] == "processed"


def test_webhooks_are_signed_over_the_raw_body_with_an_event_id(emulator, client, receiver):
    order = client.create_order(50000, receipt="BHRT-5")
    pay(emulator, order["id"])
    received = receiver.wait_for(3)
    assert [json.loads(raw)["event"] for raw, _ in received] == ["payment.authorized", "payment.captured", "order.paid"]
    for raw, headers in received:
        assert verify_webhook(WEBHOOK_SECRET, raw, headers["X-Razorpay-Signature"])
        assert not verify_webhook("another-secret", raw, headers["X-Razorpay-Signature"])
        assert headers["X-Razorpay-Event-Id"].startswith("evt_")
    paid = json.loads(received[2][0])
    assert paid["payload"]["order"]["entity"]["receipt"] == "BHRT-5"
    assert paid["payload"]["payment"]["entity"]["status"] == "captured"


@pytest.mark.parametrize(
    "mode, expected",
    [
        ("duplicate", ["payment.authorized"] * 2 + ["payment.captured"] * 2 + ["order.paid"] * 2),
        ("reorder", ["order.paid", "payment.captured", "payment.authorized"]),
    ],
)
def test_webhook_faults_duplicate_and_reorder(emulator, client, receiver, mode, expected):
    faults(emulator, webhooks=mode)
    order = client.create_order(50000, receipt="BHRT-6")
    pay(emulator, order["id"])
    receiver.wait_for(len(expected))
    got = receiver.events()
    assert sorted(got) == sorted(expected)
    if mode == "reorder":
        assert got == expected


def test_dropped_webhooks_are_never_sent_and_refused_ones_are_retried(emulator, client, receiver):
    faults(emulator, webhooks="drop")
    pay(emulator, client.create_order(50000, receipt="BHRT-7")["id"])
    time.sleep(0.3)
    assert receiver.received == []
    faults(emulator, webhooks="deliver")
    receiver.refuse = 1
    pay(emulator, client.create_order(50000, receipt="BHRT-8")["id"])
    received = receiver.wait_for(4)
    ids = [headers["X-Razorpay-Event-Id"] for _, headers in received]
    assert len(ids) == 4 and ids.count(ids[0]) == 2  # the refused one came again with its id


def test_down_and_slow_faults(emulator, client):
    faults(emulator, down=True)
    with pytest.raises(GatewayUnavailable) as down:
        client.fetch_order("order_00000000000000")
    assert down.value.status == 503
    faults(emulator, down=False)
    assert requests.get(f"{emulator.url}/v1/orders/order_x", auth=(KEY_ID, KEY_SECRET), timeout=10).status_code == 400


def test_the_checkout_stand_in(emulator, client):
    script = requests.get(f"{emulator.url}/v1/checkout.js", timeout=10)
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert "window.Razorpay = Razorpay" in script.text and emulator.url in script.text
    order = client.create_order(129950, receipt="BHRT-9")
    page = requests.get(f"{emulator.url}/checkout/pay", params={"order_id": order["id"], "key_id": KEY_ID}, timeout=10)
    for button in ('id="pay"', ">Pay<", ">Fail payment<", ">Close<", "₹1,299.50"):
        assert button in page.text
    attempt = requests.post(
        f"{emulator.url}/checkout/attempt",
        json={"order_id": order["id"], "key_id": KEY_ID, "outcome": "pay"},
        timeout=10,
    ).json()
    assert attempt["payment"]["status"] == "captured" and attempt["checkout"]["razorpay_order_id"] == order["id"]
    wrong_key = requests.post(
        f"{emulator.url}/checkout/attempt", json={"order_id": order["id"], "key_id": "rzp_test_other"}, timeout=10
    )
    assert wrong_key.status_code == 400
