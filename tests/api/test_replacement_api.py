"""Replacement orders (exchange of size, reship) through the HTTP API against the Qikink emulator
over real HTTP, with payments (an in-memory Razorpay), COD confirmation and invoices all on: the
replacement is allowed only when the original's statuses say so (driven by the emulator), costs
the customer nothing (no payment, no confirmation, no invoice), takes stock, reaches Qikink once,
is linked both ways, and one Idempotency-Key makes one replacement."""

from __future__ import annotations

import time

import pytest

from backend import create_app
from backend.customer_email.messages import draft
from tests.api.invoicing import SELLER
from tests.conftest import ADDRESS, order_body
from tests.emulated_shop import counters, fulfilment_of, number, qikink_client, set_status, settings
from tests.payment_flow.fake_razorpay import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, FakeRazorpay
from tests.support import assert_error

ADMIN_KEY = "r" * 32
ADMIN = {"X-Admin-Key": ADMIN_KEY}
CUSTOMER = {"REMOTE_ADDR": "203.0.113.9"}  # not this machine: no loopback admin
DAY = 86400


@pytest.fixture
def razorpay():
    return FakeRazorpay()


@pytest.fixture
def shop(data_dir, emu, razorpay):
    config = settings(
        data_dir,
        emu.url,
        admin_api_key=ADMIN_KEY,
        payments_env="emulator",
        razorpay_key_id=KEY_ID,
        razorpay_key_secret=KEY_SECRET,
        razorpay_webhook_secret=WEBHOOK_SECRET,
        cod_confirmation="email",
        **SELLER,
    )
    app = create_app(config, qikink_client=qikink_client(emu.url), payment_client=razorpay)
    yield app
    app.extensions["shop"].fulfilment.close()


def api(app, method, path, **kwargs):
    kwargs.setdefault("environ_base", CUSTOMER)
    return getattr(app.test_client(), method)(path, **kwargs)


def place(app) -> dict:
    """A prepaid order paid outside the shop (staff's phone order): sent to Qikink at once."""
    answer = api(app, "post", "/api/orders", json=order_body(paid_outside=True), headers=ADMIN)
    assert answer.status_code == 201, answer.get_json()
    order = answer.get_json()["data"]
    assert order["qikink_status"] == "synced"
    return order


def move(app, emu, order, *statuses) -> dict:
    """Qikink reports each status in turn; the order as staff then read it."""
    for status in statuses:
        set_status(emu, order["qikink_shipment_id"], status)
        fulfilment_of(app).run_pass(force=True)
    return read(app, order["order_id"])


def read(app, order_id, **kwargs) -> dict:
    answer = api(app, "get", f"/api/orders/{order_id}", headers=ADMIN, **kwargs)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["data"]


def replace(app, order_id, body, key=None):
    headers = {**ADMIN, **({"Idempotency-Key": key} if key else {})}
    return api(app, "post", f"/api/orders/{order_id}/replacement", json=body, headers=headers)


def stock(app, sku) -> int:
    return api(app, "get", f"/api/products/{sku}").get_json()["data"]["stock_quantity"]


EXCHANGE = {"reason": "exchange_size", "items": [{"sku": "BHRT-001-L", "quantity": 1}], "note": "M was tight"}


def test_an_exchange_after_delivery_costs_the_customer_nothing_takes_stock_and_reaches_qikink_once(shop, emu, razorpay):
    original = place(shop)
    assert "exchange_size" not in original["actions"]
    delivered = move(shop, emu, original, "In-Transit", "Delivered")
    assert delivered["status"] == "delivered"
    assert "exchange_size" in delivered["actions"] and "reship" not in delivered["actions"]
    before = stock(shop, "BHRT-001-L")
    razorpay_calls = list(razorpay.calls)

    answer = replace(shop, original["order_id"], EXCHANGE)
    assert answer.status_code == 201, answer.get_json()
    new = answer.get_json()["data"]
    assert answer.headers["Location"] == f"/api/orders/{new['order_id']}"
    assert answer.get_json()["message"].startswith(f"Replacement for order {original['order_id']}")
    assert (new["replacement_of"], new["replacement_reason"]) == (original["order_id"], "exchange_size")
    assert [(i["sku"], i["quantity"], i["price"]) for i in new["items"]] == [("BHRT-001-L", 1, 0)]
    assert (new["subtotal"], new["shipping"], new["cod_fee"], new["total"]) == (0, 0, 0, 0)
    assert (new["payment_status"], new["payment"], new["confirmation"]) == ("not_required", None, None)
    assert (new["invoice_number"], new["documents"]["invoice"]) == (None, None)
    assert (new["status"], new["qikink_status"]) == ("confirmed", "synced")
    assert new["customer_email"] == original["customer_email"]
    assert new["shipping_address"] == original["shipping_address"]
    assert razorpay.calls == razorpay_calls, "no Razorpay order for a replacement"
    assert stock(shop, "BHRT-001-L") == before - 1
    assert counters(emu)["created"][number(new["order_id"])] == 1

    invoice = api(
        shop, "get", f"/api/orders/{new['order_id']}/invoice", headers={**ADMIN, "Accept": "application/json"}
    )
    assert "at the shop's cost" in assert_error(invoice, 409, "invoice_unavailable")["message"]
    assert read(shop, original["order_id"])["invoice_number"], "the sold order keeps its invoice"

    linked = read(shop, original["order_id"])
    assert linked["replacements"] == [new["order_id"]]
    assert linked["events"][-1]["event"] == "replacement_created"
    assert read(shop, new["order_id"])["replacement_note"] == "M was tight"
    assert [e["kind"] for e in read(shop, new["order_id"])["emails"]] == ["replacement"], "its own email, no bill"
    email = {"email": original["customer_email"]}
    seen = api(shop, "get", f"/api/orders/{new['order_id']}", query_string=email).get_json()["data"]
    assert seen["replacement_of"] == original["order_id"] and "replacement_note" not in seen
    seen = api(shop, "get", f"/api/orders/{original['order_id']}", query_string=email).get_json()["data"]
    assert seen["replacements"] == [new["order_id"]] and "exchange_size" not in seen["actions"]


def test_refused_before_delivery_for_customers_and_for_what_the_lifecycle_does_not_allow(shop, emu):
    order = place(shop)
    for body in (EXCHANGE, {"reason": "reship"}):
        refused = replace(shop, order["order_id"], body)
        assert "is confirmed" in assert_error(refused, 409, "not_replaceable")["message"]
    assert_error(api(shop, "post", f"/api/orders/{order['order_id']}/replacement", json=EXCHANGE), 401)
    assert_error(replace(shop, "BHRT-1", EXCHANGE), 404)
    delivered = move(shop, emu, order, "In-Transit", "Delivered")
    assert_error(replace(shop, order["order_id"], {"reason": "reship"}), 409, "not_replaceable")
    assert delivered["replacements"] == []
    assert counters(emu)["total_created"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "exchange_size"}, "items"),
        ({"reason": "refund"}, "reason"),
        ({"reason": "exchange_size", "items": [{"sku": "BHRT-001-L", "quantity": 1, "price": 0}]}, "items[0].price"),
        ({"reason": "exchange_size", "items": [{"sku": "NOPE", "quantity": 1}]}, "items[0].sku"),
        ({**EXCHANGE, "note": "x" * 501}, "note"),
        ({**EXCHANGE, "force": "yes"}, "force"),
        ({**EXCHANGE, "total": 0}, "total"),
    ],
)
def test_a_broken_body_is_a_422_naming_the_field(shop, emu, body, field):
    order = move(shop, emu, place(shop), "In-Transit", "Delivered")
    details = assert_error(replace(shop, order["order_id"], body), 422)["details"]
    assert field in [d["field"] for d in details]


def test_a_reship_after_rto_sends_the_same_items_once_per_return_unless_forced(shop, emu):
    original = place(shop)
    returning = move(shop, emu, original, "In-Transit", "RTO Initiated")
    assert returning["status"] == "rto_initiated" and "reship" in returning["actions"]
    before = stock(shop, "BHRT-001-M")

    new = replace(shop, original["order_id"], {"reason": "reship"}).get_json()["data"]
    assert [(i["sku"], i["quantity"]) for i in new["items"]] == [("BHRT-001-M", 2)]
    assert stock(shop, "BHRT-001-M") == before - 2
    again = replace(shop, original["order_id"], {"reason": "reship"})
    assert new["order_id"] in assert_error(again, 409, "not_replaceable")["message"]
    forced = replace(shop, original["order_id"], {"reason": "reship", "force": True})
    assert forced.status_code == 201
    returned = move(shop, emu, original, "Returned")
    assert returned["status"] == "returned" and "reship" in returned["actions"]
    assert returned["replacements"] == [new["order_id"], forced.get_json()["data"]["order_id"]]
    sent = counters(emu)["created"]
    assert [sent[number(o)] for o in returned["replacements"]] == [1, 1]


def test_a_returned_parcel_is_reshipped_only_within_the_100_days_qikink_keeps_it(shop, emu):
    original = move(shop, emu, place(shop), "In-Transit", "RTO Initiated", "Returned")
    service = shop.extensions["shop"].orders
    service.clock = lambda: time.time() + 101 * DAY
    refused = replace(shop, original["order_id"], {"reason": "reship"})
    assert "more than 100 days" in assert_error(refused, 409, "not_replaceable")["message"]
    service.clock = lambda: time.time() + 99 * DAY
    assert replace(shop, original["order_id"], {"reason": "reship"}).status_code == 201


def test_one_idempotency_key_makes_one_replacement(shop, emu):
    original = move(shop, emu, place(shop), "In-Transit", "Delivered")
    first = replace(shop, original["order_id"], EXCHANGE, key="exchange-1")
    second = replace(shop, original["order_id"], EXCHANGE, key="exchange-1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json() == first.get_json()
    new_id = first.get_json()["data"]["order_id"]
    assert read(shop, original["order_id"])["replacements"] == [new_id]
    assert counters(emu)["created"][number(new_id)] == 1
    other = replace(shop, original["order_id"], {**EXCHANGE, "note": "another"}, key="exchange-1")
    assert_error(other, 409, "idempotency_conflict")
    as_order = api(
        shop,
        "post",
        "/api/orders",
        json=order_body(paid_outside=True),
        headers={**ADMIN, "Idempotency-Key": "exchange-1"},
    )
    assert_error(as_order, 409, "idempotency_conflict")


def test_a_reship_goes_to_a_corrected_address_checked_against_the_directory_and_needs_stock(shop, emu):
    original = move(shop, emu, place(shop), "In-Transit", "RTO Initiated")
    delhi = {**ADDRESS, "line1": "4 Janpath", "city": "New Delhi", "state": "Delhi", "pincode": "110001"}
    wrong = replace(
        shop, original["order_id"], {"reason": "reship", "shipping_address": {**delhi, "pincode": "400001"}}
    )
    assert_error(wrong, 400, "address_mismatch")
    api(shop, "patch", "/api/products/BHRT-001-M", json={"stock_quantity": 1}, headers=ADMIN)
    short = replace(shop, original["order_id"], {"reason": "reship", "shipping_address": delhi})
    assert assert_error(short, 409, "out_of_stock")["details"][0]["available"] == 1
    assert read(shop, original["order_id"])["replacements"] == [], "nothing placed, nothing linked"
    api(shop, "patch", "/api/products/BHRT-001-M", json={"stock_quantity": 5}, headers=ADMIN)
    new = replace(shop, original["order_id"], {"reason": "reship", "shipping_address": delhi}).get_json()["data"]
    assert new["shipping_address"]["city"] == "New Delhi" and new["qikink_status"] == "synced"
    assert stock(shop, "BHRT-001-M") == 3


def test_the_replacement_email_says_why_what_and_that_it_costs_nothing(shop, emu):
    original = move(shop, emu, place(shop), "In-Transit", "Delivered")
    new = replace(shop, original["order_id"], EXCHANGE).get_json()["data"]
    stored = shop.extensions["shop"].store.get_order(new["order_id"])
    mail = draft(stored, "replacement", mail_from="Shop <shop@example.com>", shop_url="https://shop.example")
    assert mail.subject == f"A replacement for your order {original['order_id']} is on its way"
    assert "in the size you asked for" in mail.text and "It costs you nothing" in mail.text
    assert f"Replaces order: {original['order_id']}" in mail.text
    assert "Item: 1 × Heritage Print T-Shirt (BHRT-001-L)" in mail.text and "Cost to you: Nothing" in mail.text
    assert f"https://shop.example/track.html?order={new['order_id']}" in mail.text
    assert "₹" not in mail.text and "Total" not in mail.text, "no bill in a replacement's email"
