"""Validation rules of POST /api/orders, as parametrised tables: each bad value is a 422 naming the field."""

from __future__ import annotations

import pytest

from backend.models import STATES, normalise_phone, state_name
from tests.conftest import ADDRESS, order_body
from tests.support import assert_error


def address(**changes):
    result = dict(ADDRESS)
    for key, value in changes.items():
        if value is ...:
            result.pop(key)
        else:
            result[key] = value
    return result


BAD = [
    ("customer_email", order_body(customer_email="not-an-email")),
    ("customer_email", order_body(customer_email="a@b")),
    ("customer_email", order_body(customer_email=None)),
    ("customer_email", order_body(customer_email=42)),
    ("customer_email", order_body(customer_email="x" * 250 + "@example.com")),
    # Nothing that could rewrite an email's headers: an encoded word, a second address, a line break.
    ("customer_email", order_body(customer_email="=?utf-8?q?Bcc=3A_x=40evil.example?=@example.com")),
    ("customer_email", order_body(customer_email="asha@example.com,ravi@example.com")),
    ("customer_email", order_body(customer_email="asha@example.com; ravi@example.com")),
    ("customer_email", order_body(customer_email="Asha <asha@example.com>")),
    ("customer_email", order_body(customer_email="asha@example.com\r\nBcc: x@evil.example")),
    ("items", order_body(items=[])),
    ("items", order_body(items="BHRT-001-M")),
    ("items", order_body(items=[{"sku": "BHRT-002-M", "quantity": 1}] * 51)),
    ("items[0]", order_body(items=["BHRT-001-M"])),
    ("items[0].sku", order_body(items=[{"sku": "NOPE", "quantity": 1}])),
    ("items[0].sku", order_body(items=[{"quantity": 1}])),
    ("items[0].sku", order_body(items=[{"sku": None, "quantity": 1}])),
    ("items[0].quantity", order_body(items=[{"sku": "BHRT-001-M", "quantity": 0}])),
    ("items[0].quantity", order_body(items=[{"sku": "BHRT-001-M", "quantity": -1}])),
    ("items[0].quantity", order_body(items=[{"sku": "BHRT-001-M", "quantity": 100}])),
    ("items[0].quantity", order_body(items=[{"sku": "BHRT-001-M", "quantity": 1.5}])),
    ("items[0].quantity", order_body(items=[{"sku": "BHRT-001-M", "quantity": "2"}])),
    ("items[0].quantity", order_body(items=[{"sku": "BHRT-001-M", "quantity": True}])),
    ("items[0].quantity", order_body(items=[{"sku": "BHRT-001-M", "quantity": None}])),
    (
        "items[1].quantity",
        order_body(items=[{"sku": "BHRT-002-M", "quantity": 60}, {"sku": "BHRT-002-M", "quantity": 60}]),
    ),
    ("items[0].price", order_body(items=[{"sku": "BHRT-001-M", "quantity": 1, "price": "1299"}])),
    ("items[0].price", order_body(items=[{"sku": "BHRT-001-M", "quantity": 1, "price": -5}])),
    ("payment_method", order_body(payment_method="card")),
    ("payment_method", order_body(payment_method=1)),
    ("shipping_address", order_body(shipping_address=None)),
    ("shipping_address", order_body(shipping_address=["12 MG Road"])),
    ("shipping_address", order_body(shipping_address="   ")),
    ("shipping_address.name", order_body(shipping_address=address(name=...))),
    ("shipping_address.name", order_body(shipping_address=address(name="A\x00B"))),
    ("shipping_address.line1", order_body(shipping_address=address(line1=""))),
    ("shipping_address.line1", order_body(shipping_address=address(line1="x" * 201))),
    ("shipping_address.city", order_body(shipping_address=address(city=None))),
    ("shipping_address.state", order_body(shipping_address=address(state="Narnia"))),
    ("shipping_address.state", order_body(shipping_address=address(state="ZZ"))),
    ("shipping_address.state", order_body(shipping_address=address(state=...))),
    ("shipping_address.pincode", order_body(shipping_address=address(pincode="012345"))),
    ("shipping_address.pincode", order_body(shipping_address=address(pincode="40001"))),
    ("shipping_address.pincode", order_body(shipping_address=address(pincode="4000011"))),
    ("shipping_address.pincode", order_body(shipping_address=address(pincode="40000A"))),
    ("shipping_address.phone", order_body(shipping_address=address(phone="12345"))),
    ("shipping_address.phone", order_body(shipping_address=address(phone="5876543210"))),
    ("shipping_address.phone", order_body(shipping_address=address(phone="+1 9876543210"))),
    ("shipping_address.phone", order_body(shipping_address=address(phone=9876543210))),
    ("shipping_address.country", order_body(shipping_address=address(country="US"))),
]


@pytest.mark.parametrize("field,body", BAD, ids=[f"{i}-{f}" for i, (f, _) in enumerate(BAD)])
def test_bad_field_is_422_naming_it_and_changes_nothing(client, field, body):
    response = client.post("/api/orders", json=body)
    error = assert_error(response, 422, "validation_error")
    assert field in {d["field"] for d in error["details"]}
    assert client.get("/api/products/BHRT-001-M").json["data"]["stock_quantity"] == 15
    assert client.get("/api/orders").json["pagination"]["total"] == 0


def test_every_broken_field_is_listed(client):
    body = {"customer_email": "x", "shipping_address": address(pincode="1", phone="2"), "items": [{"sku": "NOPE"}]}
    details = client.post("/api/orders", json=body).json["error"]["details"]
    assert {d["field"] for d in details} == {
        "customer_email",
        "shipping_address.pincode",
        "shipping_address.phone",
        "items[0].sku",
        "items[0].quantity",
    }


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("9876543210", "9876543210"),
        ("+91 98765 43210", "9876543210"),
        ("+91-9876543210", "9876543210"),
        ("09876543210", "9876543210"),
        ("919876543210", "9876543210"),
        ("(987) 654-3210", "9876543210"),
        ("6000000000", "6000000000"),
        ("1234567890", None),
        ("98765", None),
        ("+44 9876543210", None),
    ],
)
def test_phone_normalisation(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("Maharashtra", "Maharashtra"),
        ("maharashtra", "Maharashtra"),
        ("MH", "Maharashtra"),
        ("mh", "Maharashtra"),
        ("tamil  nadu", "Tamil Nadu"),
        ("DL", "Delhi"),
        ("Jammu & Kashmir", "Jammu and Kashmir"),
        ("TS", "Telangana"),
        ("Orissa", "Odisha"),
        ("Narnia", None),
        ("", None),
    ],
)
def test_state_names_and_codes(raw, expected):
    assert state_name(raw) == expected


def test_all_36_states_and_union_territories_by_name_and_code():
    assert len(STATES) == 36 and len(set(STATES.values())) == 36
    for code, name in STATES.items():
        assert state_name(code) == name and state_name(name.lower()) == name
