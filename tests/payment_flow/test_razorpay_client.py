"""RazorpayClient against `responses` (no network): request shapes, the retry policy (GETs and
refunds retried, an order create never), the error envelope as typed errors, and no secret in a
log line, an error or a repr. Signature helpers against vectors computed here independently."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging

import pytest
import requests
import responses

from backend.payments.client import (
    AuthenticationFailed,
    BadRequest,
    GatewayUnavailable,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    RazorpayClient,
)
from backend.payments.signatures import checkout_signature, verify_checkout, verify_webhook

BASE = "https://api.razorpay.test"
KEY_ID, SECRET = "rzp_test_ClientTests01", "client-test-secret-value"


@pytest.fixture
def client():
    return RazorpayClient(KEY_ID, SECRET, base_url=BASE, sleep=lambda seconds: None)


def envelope(code="BAD_REQUEST_ERROR", description="The amount must be atleast INR 1.00", field="amount"):
    return {
        "error": {
            "code": code,
            "description": description,
            "source": "business",
            "step": "payment_initiation",
            "reason": "input_validation_failed",
            "metadata": {},
            "field": field,
        }
    }


@responses.activate
def test_create_order_sends_paise_basic_auth_and_the_receipt(client):
    responses.post(f"{BASE}/v1/orders", json={"id": "order_ABCDEFGHIJKLMN", "amount": 129950, "status": "created"})
    order = client.create_order(129950, receipt="BHRT-1796282926", notes={"order_id": "BHRT-1796282926"})
    assert order["id"] == "order_ABCDEFGHIJKLMN"
    call = responses.calls[0].request
    assert json.loads(call.body) == {
        "amount": 129950,
        "currency": "INR",
        "receipt": "BHRT-1796282926",
        "notes": {"order_id": "BHRT-1796282926"},
        "partial_payment": False,
    }
    assert call.headers["Authorization"] == "Basic " + base64.b64encode(f"{KEY_ID}:{SECRET}".encode()).decode()


@pytest.mark.parametrize("amount", [1299.5, "129950", True, -1])
def test_amounts_are_integer_paise(client, amount):
    with pytest.raises(ValueError):
        client.create_order(amount, receipt="R")


@responses.activate
def test_a_create_that_times_out_is_not_sent_again(client):
    responses.post(f"{BASE}/v1/orders", body=requests.ReadTimeout("read timed out"))
    with pytest.raises(OutcomeUnknown):
        client.create_order(10000, receipt="R1")
    assert len(responses.calls) == 1


@responses.activate
def test_gets_are_retried_on_5xx_and_429(client):
    responses.get(f"{BASE}/v1/orders/order_1/payments", status=503, json=envelope("SERVER_ERROR", "down", None))
    responses.get(f"{BASE}/v1/orders/order_1/payments", status=429, json={})
    responses.get(
        f"{BASE}/v1/orders/order_1/payments", json={"entity": "collection", "count": 1, "items": [{"id": "pay_1"}]}
    )
    assert client.order_payments("order_1") == [{"id": "pay_1"}]
    assert len(responses.calls) == 3


@responses.activate
def test_a_get_that_keeps_failing_gives_up_after_a_few_tries(client):
    responses.get(f"{BASE}/v1/payments/pay_1", status=502, json=envelope("GATEWAY_ERROR", "bank down", None))
    with pytest.raises(GatewayUnavailable) as failed:
        client.fetch_payment("pay_1")
    assert failed.value.status == 502 and failed.value.code == "GATEWAY_ERROR"
    assert len(responses.calls) == 3


@responses.activate
def test_a_refund_is_retried_with_the_same_idempotency_key(client):
    url = f"{BASE}/v1/payments/pay_1/refund"
    responses.post(url, body=requests.ReadTimeout("read timed out"))
    responses.post(url, json={"id": "rfnd_1", "status": "pending", "amount": 5000, "payment_id": "pay_1"})
    refund = client.refund("pay_1", 5000, idempotency_key="refund-BHRT-1-pay_1", receipt="refund-BHRT-1")
    assert refund["id"] == "rfnd_1"
    keys = [call.request.headers["X-Refund-Idempotency"] for call in responses.calls]
    assert keys == ["refund-BHRT-1-pay_1"] * 2
    assert json.loads(responses.calls[0].request.body) == {
        "amount": 5000,
        "speed": "normal",
        "notes": {},
        "receipt": "refund-BHRT-1",
    }


def test_a_refund_needs_an_idempotency_key_of_ten_characters(client):
    with pytest.raises(ValueError):
        client.refund("pay_1", 5000, idempotency_key="short")


@pytest.mark.parametrize(
    "status, kind",
    [(400, BadRequest), (401, AuthenticationFailed), (404, NotFound), (429, RateLimited), (500, GatewayUnavailable)],
)
@responses.activate
def test_the_error_envelope_becomes_a_typed_error(client, status, kind):
    responses.post(f"{BASE}/v1/orders", status=status, json=envelope())
    with pytest.raises(kind) as raised:
        client.create_order(10000, receipt="R")
    assert raised.value.status == status and raised.value.code == "BAD_REQUEST_ERROR"
    assert raised.value.field == "amount" and "The amount must be atleast INR 1.00" in str(raised.value)


@responses.activate
def test_no_secret_in_logs_errors_or_reprs(client, caplog):
    caplog.set_level(logging.DEBUG)
    responses.post(f"{BASE}/v1/orders", status=401, json=envelope(description="Authentication failed", field=None))
    responses.get(f"{BASE}/v1/payments/pay_1", body=requests.ConnectionError("refused"))
    errors = []
    for call in (lambda: client.create_order(10000, receipt="R"), lambda: client.fetch_payment("pay_1")):
        with pytest.raises(Exception) as raised:
            call()
        errors.append(raised.value)
    basic = base64.b64encode(f"{KEY_ID}:{SECRET}".encode()).decode()
    for text in (caplog.text, repr(client), *map(str, errors), *map(repr, errors)):
        assert SECRET not in text and basic not in text


def test_checkout_signature_matches_an_independent_vector():
    expected = hmac.new(b"key-secret", b"order_IEIaMR65cu6nz3|pay_IH4NVgf4Dreq1l", hashlib.sha256).hexdigest()
    assert checkout_signature("key-secret", "order_IEIaMR65cu6nz3", "pay_IH4NVgf4Dreq1l") == expected
    assert verify_checkout("key-secret", "order_IEIaMR65cu6nz3", "pay_IH4NVgf4Dreq1l", expected)
    assert verify_checkout("key-secret", "order_IEIaMR65cu6nz3", "pay_IH4NVgf4Dreq1l", expected.upper())
    assert not verify_checkout("key-secret", "order_other", "pay_IH4NVgf4Dreq1l", expected)


@pytest.mark.parametrize("signature", [None, "", "zz", 12345, ["x"]])
def test_garbage_signatures_are_false_not_errors(signature):
    assert verify_checkout("key-secret", "order_1", "pay_1", signature) is False
    assert verify_webhook("webhook-secret", b"{}", signature) is False


def test_webhook_signature_is_over_the_raw_bytes():
    raw = b'{"event":"order.paid","payload":{}}'
    signature = hmac.new(b"webhook-secret", raw, hashlib.sha256).hexdigest()
    assert verify_webhook("webhook-secret", raw, signature)
    assert not verify_webhook("webhook-secret", raw + b" ", signature)
    assert not verify_webhook("", raw, signature)
