"""The Idempotency-Key header as HTTP reads it: white space around the value is not part of the key
(the OpenAPI document allows it, and Schemathesis sends it)."""

from __future__ import annotations

import pytest

from tests.conftest import order_body


@pytest.mark.parametrize("sent", [" checkout-1", "checkout-1\t", "\t checkout-1 "])
def test_white_space_around_the_key_is_dropped(client, sent):
    first = client.post("/api/orders", json=order_body(), headers={"Idempotency-Key": "checkout-1"})
    again = client.post("/api/orders", json=order_body(), headers={"Idempotency-Key": sent})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["data"]["order_id"] == first.get_json()["data"]["order_id"]


@pytest.mark.parametrize("sent", ["  ", "a b"])
def test_a_key_that_is_only_white_space_or_has_it_inside_is_refused(client, sent):
    response = client.post("/api/orders", json=order_body(), headers={"Idempotency-Key": sent})
    assert response.status_code == 422 and response.get_json()["error"]["details"][0]["field"] == "Idempotency-Key"
