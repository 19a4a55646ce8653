"""PIN codes checked against India Post's directory (offline): a PIN code that does not exist, or a
state it does not lie in, is refused (400 address_mismatch, naming the field and the PIN code's
state) and nothing is taken; the pages look a PIN code up to fill the state and city. Orders stored
before the check are not re-validated."""

from __future__ import annotations

import pytest

from backend import india_post
from tests.conftest import ADDRESS, order_body

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


def stock(client, sku="BHRT-001-M"):
    return client.get(f"/api/products/{sku}").get_json()["data"]["stock_quantity"]


def post(client, **address):
    return client.post("/api/orders", json=order_body(shipping_address={**ADDRESS, **address}), environ_base=OUTSIDE)


@pytest.mark.parametrize(
    "address, field, words",
    [
        ({"pincode": "999999"}, "shipping_address.pincode", "PIN code 999999 does not exist"),
        ({"pincode": "110001", "city": "Bengaluru", "state": "Karnataka"}, "shipping_address.state", "is in Delhi"),
        ({"pincode": "560001", "state": "MH"}, "shipping_address.state", "is in Karnataka, not Maharashtra"),
    ],
)
def test_an_address_the_directory_contradicts_is_refused_and_takes_nothing(client, address, field, words):
    before = stock(client)
    answer = post(client, **address)
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["code"] == "address_mismatch" and error["details"][0]["field"] == field
    assert words in error["message"] and words in error["details"][0]["message"]
    assert stock(client) == before
    assert client.get("/api/orders").get_json()["pagination"]["total"] == 0


def test_a_pin_code_in_its_state_is_accepted_also_on_a_border_and_by_state_code(client):
    assert post(client, pincode="560001", city="Bengaluru", state="Karnataka").status_code == 201
    assert post(client, pincode="560001", city="Bengaluru", state="KA").status_code == 201
    # 110025 has post offices on both sides of the Delhi / Uttar Pradesh border in the directory.
    assert set(india_post.lookup("110025").states) == {"Delhi", "Uttar Pradesh"}
    assert post(client, pincode="110025", city="New Delhi", state="Delhi").status_code == 201
    assert post(client, pincode="110025", city="Noida", state="Uttar Pradesh").status_code == 201


def test_staff_corrections_are_checked_too(client):
    order_id = client.post("/api/orders", json=order_body(shipping_address="Test Address, Delhi")).get_json()["data"][
        "order_id"
    ]
    wrong = client.patch(f"/api/orders/{order_id}", json={"shipping_address": {**ADDRESS, "state": "Goa"}})
    assert wrong.status_code == 400 and wrong.get_json()["error"]["details"][0]["field"] == "shipping_address.state"
    assert client.get(f"/api/orders/{order_id}").get_json()["data"]["shipping_address"] == "Test Address, Delhi"
    right = client.patch(f"/api/orders/{order_id}", json={"shipping_address": dict(ADDRESS)})
    assert right.status_code == 200


def test_the_guides_one_line_address_is_kept_as_written(client):
    assert client.post("/api/orders", json=order_body(shipping_address="Test Address, Delhi")).status_code == 201


def test_pages_look_a_pin_code_up(client):
    found = client.get("/api/pincodes/560001").get_json()["data"]
    assert found == {"pincode": "560001", "state": "Karnataka", "states": ["Karnataka"], "district": "Bengaluru Urban"}
    border = client.get("/api/pincodes/110025").get_json()["data"]
    assert border["state"] is None and sorted(border["states"]) == ["Delhi", "Uttar Pradesh"]
    for missing in ("999999", "012345", "40001", "abcdef"):
        answer = client.get(f"/api/pincodes/{missing}")
        assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"


def test_orders_stored_before_the_check_are_not_revalidated(app, client):
    order_id = client.post("/api/orders", json=order_body()).get_json()["data"]["order_id"]

    def stored_before_the_check(order):
        order["shipping_address"] = {**order["shipping_address"], "pincode": "999999"}

    app.extensions["shop"].store.update_order(order_id, stored_before_the_check)
    assert client.get(f"/api/orders/{order_id}").status_code == 200
    assert client.post(f"/api/orders/{order_id}/cancel").get_json()["data"]["status"] == "cancelled"


def test_the_directory_is_complete_enough_to_trust():
    table = india_post._load()
    assert len(table) > 19_000
    for pincode, state in (
        ("400001", "Maharashtra"),
        ("600001", "Tamil Nadu"),
        ("700001", "West Bengal"),
        ("500001", "Telangana"),
        ("190001", "Jammu and Kashmir"),
        ("194101", "Ladakh"),
        ("744101", "Andaman and Nicobar Islands"),
        ("682001", "Kerala"),
    ):
        assert state in india_post.lookup(pincode).states, pincode
