"""Our order → Qikink create body; Qikink order → our fulfilment view and status."""

import pytest

from backend.qikink.mapping import (
    MappingError,
    is_terminal_raw,
    map_status,
    money,
    split_address,
    split_name,
    to_fulfilment,
    to_qikink_order,
    tracking_url,
)
from tests.qikink.qikink_samples import BLANK_PRODUCT, MY_PRODUCT, our_order, qikink_order


def test_full_create_body_for_a_my_products_sku():
    assert to_qikink_order(our_order(), {"BHRT-001-M": MY_PRODUCT}) == {
        "order_number": "BHRT1733304000",
        "qikink_shipping": "1",
        "gateway": "Prepaid",
        "total_order_value": "2598",
        "line_items": [{"search_from_my_products": 1, "sku": "BHRT001M", "quantity": "2", "price": "1299"}],
        "shipping_address": {
            "first_name": "Asha",
            "last_name": "Verma",
            "address1": "12 MG Road",
            "address2": "",
            "phone": "9876543210",
            "email": "asha@example.com",
            "city": "Mumbai",
            "zip": "400001",
            "province": "Maharashtra",
            "country_code": "IN",
        },
    }


def test_catalogue_blank_carries_print_type_and_designs():
    line = to_qikink_order(our_order(), {"BHRT-001-M": BLANK_PRODUCT})["line_items"][0]
    assert line == {
        "search_from_my_products": 0,
        "sku": "MVnHs-Wh-M",
        "quantity": "2",
        "price": "1299",
        "print_type_id": 1,
        "designs": [
            {
                "design_code": "BHRT001FR",
                "width_inches": "12",
                "height_inches": "14",
                "placement_sku": "fr",
                "design_link": "https://cdn.example.com/d.png",
                "mockup_link": "https://cdn.example.com/m.png",
            }
        ],
    }


def test_cod_gateway_and_paise():
    order = our_order(payment_method="cod", total=2599.5)
    order["items"][0].update(price=1299.75)
    body = to_qikink_order(order, {"BHRT-001-M": MY_PRODUCT})
    assert body["gateway"] == "COD"
    assert body["total_order_value"] == "2599.5"
    assert body["line_items"][0]["price"] == "1299.75"


@pytest.mark.parametrize(
    "value, expected",
    [
        (1299, "1299"),
        (1299.5, "1299.5"),
        (1299.50, "1299.5"),
        ("1299.00", "1299"),
        (0.1 + 0.2, "0.3"),
        (0, "0"),
        (100000, "100000"),
        (1e3, "1000"),
        (12.345, "12.35"),
    ],
)
def test_money_is_an_exact_string(value, expected):
    assert money(value) == expected


@pytest.mark.parametrize("value", [True, "abc", float("nan"), -1, None])
def test_money_refuses_non_amounts(value):
    with pytest.raises(MappingError):
        money(value)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Asha Verma", ("Asha", "Verma")),
        ("Asha", ("Asha", "")),
        ("  Mohan  Lal   Gupta ", ("Mohan Lal", "Gupta")),
        ("", ("", "")),
    ],
)
def test_name_split(name, expected):
    assert split_name(name) == expected


def test_short_address_unchanged():
    assert split_address("12 MG Road", "Near Park") == ("12 MG Road", "Near Park")


def test_long_address_moves_overflow_to_address2_at_a_word_boundary():
    line1 = "Flat 1203, Tower B, Lodha Splendora, Ghodbunder Road, Bhayandarpada, Thane West, opposite Hypercity Mall"
    address1, address2 = split_address(line1, "Landmark: bus stop")
    assert len(address1) <= 90 and line1.startswith(address1)
    assert not line1[len(address1)].isalnum()
    assert address2.endswith("Landmark: bus stop")
    rest = line1[len(address1) :].strip(" ,")
    assert address2 == f"{rest}, Landmark: bus stop"


def test_address_without_spaces_is_cut_hard():
    address1, address2 = split_address("x" * 100)
    assert (address1, address2) == ("x" * 90, "x" * 10)


def test_phone_is_normalised_to_ten_digits():
    order = our_order()
    order["shipping_address"]["phone"] = "+91 98765-43210"
    assert to_qikink_order(order, {"BHRT-001-M": MY_PRODUCT})["shipping_address"]["phone"] == "9876543210"


def test_unmapped_product_and_plain_address_are_refused():
    with pytest.raises(MappingError, match="BHRT-001-M"):
        to_qikink_order(our_order(), {})
    with pytest.raises(MappingError, match="structured"):
        to_qikink_order(our_order(shipping_address="123 Main St, New Delhi 110001"), {"BHRT-001-M": MY_PRODUCT})


STATUS_TABLE = [
    ("On Hold", ("on_hold", "order_on_hold")),
    ("Live", ("processing", "order_processing")),
    ("Live OOS", ("processing", "order_processing")),
    ("To be Printed", ("processing", "order_processing")),
    ("Partially Picklisted", ("processing", "order_processing")),
    ("Printed", ("processing", "order_processing")),
    ("Manifested", ("ready_to_ship", "ready_to_ship")),
    ("Pickup Scheduled", ("ready_to_ship", "ready_to_ship")),
    ("In-Transit", ("in_transit", "in_transit")),
    ("in-transit", ("in_transit", "in_transit")),
    ("picked up", ("in_transit", "in_transit")),
    ("misrouted", ("in_transit", "in_transit")),
    ("delivery rescheduled", ("in_transit", "in_transit")),
    ("out for delivery", ("out_for_delivery", "out_for_delivery")),
    ("Out For Delivery", ("out_for_delivery", "out_for_delivery")),
    ("Delivered", ("delivered", "delivered")),
    ("Exception", ("exception", "delivery_exception")),
    ("Undelivered 1st Attempt", ("exception", "delivery_exception")),
    ("not attempted", ("exception", "delivery_exception")),
    ("consignee unavailable", ("exception", "delivery_exception")),
    ("incorrect/incomplete address", ("exception", "delivery_exception")),
    ("refused to accept", ("exception", "delivery_exception")),
    ("RTO Initiated", ("rto_initiated", "rto_initiated")),
    ("Returned", ("returned", "returned")),
    ("Cancelled", ("cancelled", "cancelled")),
    ("Action Required", ("action_required", "action_required")),
    ("lost", None),
    ("archived", None),
    ("Something New", None),
    ("", None),
]


@pytest.mark.parametrize("raw, expected", STATUS_TABLE)
def test_status_table(raw, expected):
    assert map_status(raw) == expected


def test_cancelled_number_wins_over_status():
    assert map_status("Live", "Cancelled_654367_BHRT1") == ("cancelled", "cancelled")


@pytest.mark.parametrize(
    "raw, number, terminal",
    [
        ("Delivered", "1_A", True),
        ("lost", "1_A", True),
        ("archived", "1_A", True),
        ("Returned", "1_A", True),
        ("Live", "Cancelled_1_A", True),
        ("In-Transit", "1_A", False),
    ],
)
def test_terminal_raw_statuses(raw, number, terminal):
    assert is_terminal_raw(raw, number) is terminal


@pytest.mark.parametrize(
    "link, awb, expected",
    [
        (None, None, None),
        (None, "123", None),
        ("https://courierupdates.com/?awb=", "123", "https://courierupdates.com/?awb=123"),
        ("https://courierupdates.com/?awb=", None, None),
        ("https://courierupdates.com/?awb=123", "123", "https://courierupdates.com/?awb=123"),
    ],
)
def test_tracking_url(link, awb, expected):
    assert tracking_url(link, awb) == expected


def test_fulfilment_before_shipment():
    assert to_fulfilment(qikink_order(status="Live")) == {
        "status": "processing",
        "event": "order_processing",
        "raw_status": "Live",
        "cancelled": False,
        "tracking_number": None,
        "courier": None,
        "tracking_url": None,
        "qikink_shipment_id": "12345678",
    }


def test_fulfilment_after_shipment_appends_awb():
    view = to_fulfilment(
        qikink_order(
            status="In-Transit",
            awb="1234567890",
            courier_provider_name="Delhivery",
            tracking_link="https://courierupdates.com/?awb=",
        )
    )
    assert (view["status"], view["tracking_number"], view["courier"], view["tracking_url"]) == (
        "in_transit",
        "1234567890",
        "Delhivery",
        "https://courierupdates.com/?awb=1234567890",
    )


def test_fulfilment_detects_cancellation_and_unknown_status():
    view = to_fulfilment(qikink_order(number="Cancelled_654367_BHRT1", status="Live"))
    assert view["cancelled"] and view["status"] == "cancelled"
    unknown = to_fulfilment(qikink_order(status="Teleported"))
    assert (unknown["status"], unknown["event"], unknown["raw_status"]) == (None, None, "Teleported")
