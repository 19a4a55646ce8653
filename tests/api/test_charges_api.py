"""Shipping and COD fee: settings validated at start, stored on the order, the answer's total is
what the customer pays, and Qikink is told the amount its courier collects (emulator validation)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend import create_app
from backend.config import Config, ConfigError
from backend.qikink.mapping import to_qikink_order
from qikink_emulator.validation import check_create
from tests.conftest import order_body

CHARGES = dict(shipping_fee=Decimal("49"), free_shipping_above=Decimal("2000"), cod_fee=Decimal("30"))


def make_client(data_dir, **settings):
    return create_app(
        Config(data_dir=data_dir, ratelimit_enabled=False, app_env="test", qikink_env="off", **settings)
    ).test_client()


def place(client, **overrides) -> dict:
    response = client.post("/api/orders", json=order_body(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def amounts(order) -> tuple:
    return order["subtotal"], order["shipping"], order["cod_fee"], order["total"]


def test_defaults_keep_todays_totals(client):
    order = place(client, payment_method="cod")
    assert amounts(order) == (2598, 0, 0, 2598)
    assert client.get("/api/charges").get_json()["data"] == {
        "currency": "INR",
        "shipping_fee": 0,
        "free_shipping_above": None,
        "cod_fee": 0,
        "invoices": False,
    }


@pytest.mark.parametrize(
    "quantity,payment,expected",
    [
        (1, "prepaid", (1299, 49, 0, 1348)),  # below ₹2,000: shipping charged
        (1, "cod", (1299, 49, 30, 1378)),  # and the COD fee on top
        (2, "prepaid", (2598, 0, 0, 2598)),  # ₹2,598 ≥ ₹2,000: shipping free
        (2, "cod", (2598, 0, 30, 2628)),
    ],
)
def test_the_order_stores_its_charges_and_total(data_dir, quantity, payment, expected):
    client = make_client(data_dir, **CHARGES)
    order = place(client, payment_method=payment, items=[{"sku": "BHRT-001-M", "quantity": quantity}])
    assert amounts(order) == expected
    read = client.get(f"/api/orders/{order['order_id']}?email=asha@example.com").get_json()["data"]
    assert amounts(read) == expected


def test_free_shipping_starts_at_the_threshold_itself(data_dir):
    client = make_client(data_dir, shipping_fee=Decimal("49"), free_shipping_above=Decimal("2598"))
    assert amounts(place(client)) == (2598, 0, 0, 2598)


def test_odd_paise_charges_add_exactly(data_dir):
    client = make_client(data_dir, shipping_fee=Decimal("49.99"), cod_fee=Decimal("0.01"))
    order = place(client, payment_method="cod", items=[{"sku": "BHRT-006-M", "quantity": 3}])
    assert amounts(order) == (2698.5, 49.99, 0.01, 2748.5)


def test_the_storefront_reads_the_charges(data_dir):
    answer = make_client(data_dir, **CHARGES).get("/api/charges").get_json()
    assert answer == {
        "status": "success",
        "data": {"currency": "INR", "shipping_fee": 49, "free_shipping_above": 2000, "cod_fee": 30, "invoices": False},
    }


def test_the_charges_say_whether_the_shop_issues_invoices(data_dir):
    seller = dict(
        seller_legal_name="Bharat Heritage Prints",
        seller_gstin="27AAPFU0939F1ZV",
        seller_address="12 MG Road, Mumbai 400001",
        seller_state="Maharashtra",
    )
    assert make_client(data_dir, **seller).get("/api/charges").get_json()["data"]["invoices"] is True
    assert make_client(data_dir).get("/api/charges").get_json()["data"]["invoices"] is False


def test_changing_the_payment_method_adds_or_drops_the_cod_fee(data_dir):
    client = make_client(data_dir, **CHARGES)
    order = place(client, shipping_address="12 MG Road, Mumbai 400001", items=[{"sku": "BHRT-001-M", "quantity": 1}])
    url = f"/api/orders/{order['order_id']}"
    changed = client.patch(url, json={"payment_method": "cod"}).get_json()["data"]
    assert amounts(changed) == (1299, 49, 30, 1378)
    changed = client.patch(url, json={"payment_method": "prepaid"}).get_json()["data"]
    assert amounts(changed) == (1299, 49, 0, 1348)


def test_a_refused_order_changes_nothing(data_dir):
    client = make_client(data_dir, **CHARGES)
    response = client.post("/api/orders", json=order_body(items=[{"sku": "BHRT-001-M", "quantity": 1, "price": 1}]))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "price_mismatch"
    assert client.get("/api/orders", environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_json()["pagination"]["total"] == 0


@pytest.mark.parametrize(
    "name,value,message",
    [
        ("SHIPPING_FEE", "49.999", "at most two decimal places"),
        ("SHIPPING_FEE", "-1", "from 0 to"),
        ("COD_FEE", "thirty", "amount in rupees"),
        ("COD_FEE", "Infinity", "from 0 to"),
        ("FREE_SHIPPING_ABOVE", "1e9", "from 0 to"),
        ("SHOP_GSTIN", "27AAPFU0939F1ZV", "SHOP_LEGAL_NAME, SHOP_ADDRESS, SHOP_STATE must be set too"),
    ],
)
def test_bad_settings_stop_the_start_with_the_variables_name(name, value, message):
    with pytest.raises(ConfigError, match=message) as caught:
        Config.from_env({name: value})
    assert str(caught.value).split()[0].rstrip(",") in (name, "SHOP_LEGAL_NAME")


def test_seller_settings_are_checked_together():
    seller = {
        "SHOP_LEGAL_NAME": "Bharat Heritage Prints Private Limited",
        "SHOP_GSTIN": "27aapfu0939f1zv",
        "SHOP_ADDRESS": "21 Linking Road, Mumbai 400050",
        "SHOP_STATE": "MH",
    }
    config = Config.from_env(seller)
    assert (config.seller_gstin, config.seller_state) == ("27AAPFU0939F1ZV", "Maharashtra")
    with pytest.raises(ConfigError, match="SHOP_GSTIN starts with 27, but SHOP_STATE Karnataka has state code 29"):
        Config.from_env({**seller, "SHOP_STATE": "Karnataka"})
    with pytest.raises(ConfigError, match="SHOP_STATE must be an Indian state"):
        Config.from_env({**seller, "SHOP_STATE": "Atlantis"})
    settings = Config.from_env({"SHIPPING_FEE": "49.5", "FREE_SHIPPING_ABOVE": "999", "COD_FEE": "30"})
    assert (settings.shipping_fee, settings.free_shipping_above, settings.cod_fee) == (
        Decimal("49.50"),
        Decimal("999.00"),
        Decimal("30.00"),
    )


# --- what Qikink is told -------------------------------------------------------------------------
@pytest.mark.parametrize("payment,gateway,value", [("cod", "COD", "1378"), ("prepaid", "Prepaid", "1348")])
def test_qikink_gets_what_the_courier_collects_or_the_order_value(data_dir, payment, gateway, value):
    app_client = make_client(data_dir, **CHARGES)
    order = place(app_client, payment_method=payment, items=[{"sku": "BHRT-001-M", "quantity": 1}])
    store = app_client.application.extensions["shop"].store
    body = to_qikink_order(store.get_order(order["order_id"]), store.products())
    assert (body["gateway"], body["total_order_value"]) == (gateway, value)
    assert [(line["price"], line["quantity"]) for line in body["line_items"]] == [("1299", "1")]
    check_create(body)  # what the emulator (and Qikink) accept, or Refused


def test_the_emulator_records_the_cod_amount_end_to_end(data_dir, emu):
    from tests.emulated_shop import CLIENT_ID, SECRET, qikink_client

    app = create_app(
        Config(
            data_dir=data_dir,
            app_env="test",
            ratelimit_enabled=False,
            qikink_env="emulator",
            qikink_base_url=emu.url,
            qikink_client_id=CLIENT_ID,
            qikink_client_secret=SECRET,
            qikink_rate_limit_per_minute=0,
            sync_enabled=False,
            **CHARGES,
        ),
        qikink_client=qikink_client(emu.url),
    )
    try:
        client = app.test_client()
        cod = place(client, payment_method="cod", items=[{"sku": "BHRT-002-M", "quantity": 1}])
        prepaid = place(client, items=[{"sku": "BHRT-002-M", "quantity": 3}])
        assert cod["qikink_status"] == prepaid["qikink_status"] == "synced"
        at_qikink = [emu.store.get(int(order["qikink_shipment_id"])) for order in (cod, prepaid)]
        # COD: ₹999 + ₹49 shipping + ₹30 fee; prepaid: 3 × ₹999 = ₹2,997, shipping free above ₹2,000
        assert [(o["payment_type"], o["total_order_value"]) for o in at_qikink] == [
            ("COD", "1078.00"),
            ("Prepaid", "2997.00"),
        ]
    finally:
        app.extensions["shop"].fulfilment.close()


def test_the_banner_says_what_is_charged_and_whether_invoices_are_issued(data_dir):
    import io

    from backend.cli.banner import print_banner

    stream = io.StringIO()
    print_banner(Config(data_dir=data_dir, **CHARGES), None, emulator_url=None, stream=stream)
    text = stream.getvalue()
    assert "Charges: shipping Rs 49 (free from Rs 2000 of items), cash on delivery fee Rs 30" in text
    assert "GST invoices: off (set SHOP_LEGAL_NAME, SHOP_GSTIN, SHOP_ADDRESS and SHOP_STATE)" in text
    stream = io.StringIO()
    print_banner(Config(data_dir=data_dir), None, emulator_url=None, stream=stream)
    assert "Charges: shipping none, cash on delivery fee none" in stream.getvalue()
