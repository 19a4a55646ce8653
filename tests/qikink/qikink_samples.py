"""Sample orders and products shared by the Qikink tests."""

import copy

OUR_ORDER = {
    "order_id": "BHRT-1733304000",
    "customer_email": "asha@example.com",
    "shipping_address": {
        "name": "Asha Verma",
        "line1": "12 MG Road",
        "line2": "",
        "city": "Mumbai",
        "state": "Maharashtra",
        "pincode": "400001",
        "phone": "9876543210",
        "country": "IN",
    },
    "items": [
        {"sku": "BHRT-001-M", "name": "Heritage Print T-Shirt", "quantity": 2, "price": 1299, "line_total": 2598}
    ],
    "total": 2598,
    "currency": "INR",
    "payment_method": "prepaid",
}

MY_PRODUCT = {"qikink": {"search_from_my_products": 1, "sku": "BHRT001M"}}
BLANK_PRODUCT = {
    "qikink": {
        "search_from_my_products": 0,
        "sku": "MVnHs-Wh-M",
        "print_type_id": 1,
        "designs": [
            {
                "design_code": "BHRT001FR",
                "placement_sku": "fr",
                "width_inches": "12",
                "height_inches": "14",
                "design_link": "https://cdn.example.com/d.png",
                "mockup_link": "https://cdn.example.com/m.png",
            }
        ],
    }
}


def our_order(**changes):
    """A deep copy of OUR_ORDER with top-level changes."""
    order = copy.deepcopy(OUR_ORDER)
    order.update(changes)
    return order


def qikink_order(order_id=12345678, number="654367_BHRT1733304000", status="Live", **shipping):
    """An order as Qikink reads it back."""
    ship = {
        "first_name": "Asha",
        "last_name": "Verma",
        "awb": None,
        "courier_provider_name": None,
        "tracking_link": None,
    }
    ship.update(shipping)
    return {
        "order_id": order_id,
        "number": number,
        "created_on": "2026-08-20 23:00:05",
        "status": status,
        "payment_type": "Prepaid",
        "total_order_value": "2598.00",
        "shipping": ship,
        "line_items": [],
        "add_ons": [],
    }
