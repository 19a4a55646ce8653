"""Examples for the OpenAPI document, taken from the integration guide's testing steps (in the
form api.md corrects them to)."""

from typing import Any

GUIDE_ORDER = {
    "customer_email": "test@bharat.com",
    "shipping_address": "Test Address, Delhi",
    "items": [{"sku": "BHRT-001-M", "quantity": 1, "price": 1299}],
}
STRUCTURED_ORDER = {
    "customer_email": "test@bharat.com",
    "shipping_address": {
        "name": "Asha Verma",
        "line1": "12 MG Road",
        "city": "Mumbai",
        "state": "Maharashtra",
        "pincode": "400001",
        "phone": "9876543210",
    },
    "items": [{"sku": "BHRT-001-M", "quantity": 1, "price": 1299}],
}
ORDER_PATCH = {
    "shipping_address": {
        "name": "Test User",
        "line1": "Test Address",
        "city": "New Delhi",
        "state": "DL",
        "pincode": "110001",
        "phone": "9876543210",
    }
}
PRODUCT_PATCH = {"price": 1299, "stock_quantity": 15}

_TIME = "2025-12-04T10:30:00+00:00"
_ORDER = {
    "order_id": "BHRT-4817302956",
    "customer_email": "test@bharat.com",
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
        {"sku": "BHRT-001-M", "name": "Heritage Print T-Shirt", "quantity": 1, "price": 1299, "line_total": 1299}
    ],
    "subtotal": 1299,
    "shipping": 49,
    "cod_fee": 0,
    "total": 1348,
    "currency": "INR",
    "payment_method": "prepaid",
    "status": "confirmed",
    "qikink_status": "synced",
    "qikink_order_number": "BHRT1733304000",
    "qikink_shipment_id": "12345678",
    "tracking_id": None,
    "courier": None,
    "tracking_url": None,
    "qikink_message": None,
    "created_at": _TIME,
    "updated_at": _TIME,
    "invoice_number": None,
    "credit_note_number": None,
    "payment_status": "paid",
    "payment": {
        "provider": "razorpay",
        "amount": 134800,
        "currency": "INR",
        "razorpay_order_id": "order_NxYz1234567890",
        "razorpay_payment_id": "pay_NxYz0987654321",
        "method": "upi",
        "paid_at": _TIME,
        "expires_at": "2025-12-04T11:00:00+00:00",
    },
    "refund": None,
    "actions": ["cancel"],
    "documents": {"invoice": "/api/orders/BHRT-4817302956/invoice", "credit_note": None},
}
ORDER_CREATED = {
    "status": "success",
    "message": "Order created successfully and synced with Qikink",
    "data": _ORDER,
    "qikink_integration": {"status": "success", "qikink_shipment_id": "12345678", "tracking_id": None},
}
ORDER_ANSWER = {"status": "success", "data": _ORDER}
CHARGES = {
    "status": "success",
    "data": {"currency": "INR", "shipping_fee": 49, "free_shipping_above": 999, "cod_fee": 30, "invoices": True},
}
_SELLER = {
    "legal_name": "Bharat Heritage Prints Private Limited",
    "gstin": "27AAPFU0939F1ZV",
    "address": "21 Linking Road, Bandra West, Mumbai 400050",
    "state": "Maharashtra",
    "state_code": "27",
}
INVOICE: dict[str, Any] = {
    "status": "success",
    "data": {
        "invoice_number": "INV/26-27/000001",
        "invoice_date": "2025-12-04",
        "issued_at": "2025-12-04T16:30:00+05:30",
        "order_id": "BHRT-4817302956",
        "order_date": "2025-12-04T16:00:00+05:30",
        "payment_method": "prepaid",
        "currency": "INR",
        "prices_include_tax": True,
        "reverse_charge": False,
        "seller": _SELLER,
        "buyer": {
            "name": "Asha Verma",
            "email": "test@bharat.com",
            "gstin": None,
            "address": {
                "line1": "12 MG Road",
                "line2": "",
                "city": "Mumbai",
                "state": "Maharashtra",
                "pincode": "400001",
            },
        },
        "place_of_supply": {"state": "Maharashtra", "state_code": "27"},
        "supply": "intra_state",
        "tax_names": {"cgst": "CGST", "sgst": "SGST", "igst": "IGST"},
        "lines": [
            {
                "kind": "goods",
                "description": "Heritage Print T-Shirt (M)",
                "sku": "BHRT-001-M",
                "hsn": "6109",
                "quantity": 1,
                "unit_price": 1299,
                "amount": 1299,
                "gst_rate": 5,
                "taxable_value": 1237.14,
                "cgst": 30.93,
                "sgst": 30.93,
                "igst": 0,
                "tax": 61.86,
            },
            {
                "kind": "shipping",
                "description": "Shipping",
                "sku": None,
                "hsn": "6109",
                "quantity": 1,
                "unit_price": 49,
                "amount": 49,
                "gst_rate": 5,
                "taxable_value": 46.67,
                "cgst": 1.17,
                "sgst": 1.16,
                "igst": 0,
                "tax": 2.33,
            },
        ],
        "totals": {"taxable_value": 1283.81, "cgst": 32.1, "sgst": 32.09, "igst": 0, "tax": 64.19, "total": 1348},
        "total_in_words": "Rupees One Thousand Three Hundred Forty-Eight Only",
        "charges_rate_rule": "Shipping and the cash-on-delivery fee are part of the supply of the goods (composite "
        "supply) and taxed at the rate of its principal supply",
    },
}
CREDIT_NOTE = {
    "status": "success",
    "data": {
        "credit_note_number": "CN/26-27/000001",
        "credit_note_date": "2025-12-05",
        "issued_at": "2025-12-05T10:00:00+05:30",
        "reason": "Order cancelled: the supply invoiced was not made, and the amount is credited in full",
        **{key: value for key, value in INVOICE["data"].items() if key != "issued_at"},
    },
}
ORDER_CANCELLED = {
    "status": "success",
    "message": "Order cancelled",
    "data": {
        **_ORDER,
        "status": "cancelled",
        "qikink_status": "not_sent",
        "qikink_shipment_id": None,
        "actions": [],
        "documents": {"invoice": None, "credit_note": None},
    },
}
PRODUCT = {
    "sku": "BHRT-001-M",
    "name": "Heritage Print T-Shirt",
    "description": "Premium cotton with traditional Madhubani art print",
    "price": 1299,
    "stock_quantity": 15,
    "category": "mens",
    "manufacturer": "Qikink",
    "origin": "India",
    "in_stock": True,
    "size_chart": "unisex-classic-tee",
    "size": "M",
    "print": "Madhubani",
    "design": "BHRT-001",
    "colour": "White",
}
DESIGN = {
    "id": "BHRT-001",
    "slug": "heritage-print-t-shirt",
    "name": "Heritage Print T-Shirt",
    "story": "Madhubani painting began on the mud walls of Mithila homes for weddings and festivals.",
    "fabric": "100% combed cotton, bio-washed",
    "gsm": 180,
    "fit": "Regular fit",
    "care": "Machine wash cold, inside out; do not bleach; dry in shade; do not iron on the print",
    "category": "mens",
    "hsn": "6109",
    "print": "Madhubani",
    "categories": ["mens"],
    "variants": [
        {"sku": "BHRT-001-M", "colour": "White", "size": "M", "price": 1299, "stock_quantity": 15, "in_stock": True},
        {"sku": "BHRT-001-L", "colour": "White", "size": "L", "price": 1299, "stock_quantity": 0, "in_stock": False},
    ],
    "colours": ["White"],
    "sizes": ["M", "L"],
    "price_range": {"min": 1299, "max": 1299},
    "in_stock": True,
    "size_chart": "unisex-classic-tee",
    "photos": [],
}
SIZE_CHART = {
    "id": "unisex-classic-tee",
    "name": "Unisex classic T-shirt",
    "fit": "Regular fit, round neck, half sleeves",
    "fabric": "100% cotton, 180 GSM",
    "measurements": ["chest", "length", "shoulder", "sleeve"],
    "sizes": [
        {
            "size": "M",
            "inches": {"chest": 40, "length": 28, "shoulder": 17.5, "sleeve": 8},
            "cm": {"chest": 101.5, "length": 71, "shoulder": 44.5, "sleeve": 20.5},
        },
        {
            "size": "L",
            "inches": {"chest": 42, "length": 29, "shoulder": 18.5, "sleeve": 8.25},
            "cm": {"chest": 106.5, "length": 73.5, "shoulder": 47, "sleeve": 21},
        },
    ],
    "tolerance": {"inches": 0.5, "cm": 1.3},
    "how_to_measure": {
        "advice": "Lay a T-shirt that fits you well flat, measure it as below and pick the size closest to it.",
        "chest": "Straight across from armpit to armpit, then doubled.",
        "length": "From the highest point of the shoulder, next to the collar, straight down to the hem.",
        "shoulder": "Across the back, from one shoulder seam to the other.",
        "sleeve": "From the shoulder seam to the end of the sleeve.",
    },
}
DELIVERY_ESTIMATE = {
    "ordered_on": "2026-12-04",
    "earliest": "2026-12-11",
    "latest": "2026-12-16",
    "print_days": {"min": 2, "max": 3},
    "transit_days": {"min": 3, "max": 7},
}
QIKINK_STATUS = {
    "status": "connected",
    "environment": "sandbox",
    "qikink_api": "https://sandbox.qikink.com",
    "client_id": "78670273...",
    "last_check": _TIME,
    "token_valid_until": "2025-12-04T11:30:00+00:00",
    "pending_orders": 0,
    "last_error": None,
}
AUTHENTICATED = {
    "status": "authenticated",
    "client_id": "78670273...",
    "api_endpoint": "https://sandbox.qikink.com",
    "timestamp": _TIME,
    "token_valid_until": "2025-12-04T11:30:00+00:00",
}
SYNC_REPORT = {
    "sync_id": "SYNC-1733304000",
    "timestamp": _TIME,
    "products_synced": 8,
    "qikink_integration": {"status": "success", "qikink_response": {"products_synced": 8, "sync_timestamp": _TIME}},
    "products": {"valid": 8, "invalid": []},
    "orders": {"pushed": 2, "failed": 0, "still_pending": 0, "refreshed": 5},
}
FULFILMENT = {
    "order_id": "BHRT-4817302956",
    "qikink_shipment_id": "12345678",
    "status": "in_transit",
    "qikink_raw_status": "In-Transit",
    "qikink_status": "synced",
    "tracking_number": "1234567890",
    "courier": "Delhivery",
    "tracking_url": "https://courierupdates.com/?awb=1234567890",
    "estimated_delivery": None,
    "last_update": "2025-12-05T08:00:00+00:00",
    "events": [
        {
            "event": "order_received",
            "timestamp": "2025-12-04T10:00:00+00:00",
            "location": None,
            "description": "Order placed",
        },
        {
            "event": "order_synced",
            "timestamp": "2025-12-04T10:00:01+00:00",
            "location": None,
            "description": "Sent to Qikink",
        },
        {
            "event": "order_processing",
            "timestamp": "2025-12-04T14:30:00+00:00",
            "location": None,
            "description": "Printing",
        },
        {
            "event": "in_transit",
            "timestamp": "2025-12-05T08:00:00+00:00",
            "location": None,
            "description": "Shipped and in transit",
        },
    ],
    "actions": [],
}
VALIDATION_ERROR = {
    "status": "error",
    "error": {
        "code": "validation_error",
        "message": "items[0].quantity must be an integer between 1 and 99",
        "details": [{"field": "items[0].quantity", "message": "must be an integer between 1 and 99"}],
    },
}

EXCHANGE_SIZE = {"reason": "exchange_size", "items": [{"sku": "BHRT-001-L", "quantity": 1}], "note": "M was tight"}

NEW_SIZE_CHART = {
    "id": "oversized-tee",
    "name": "Oversized T-shirt",
    "fit": "Oversized fit, drop shoulders",
    "fabric": "100% cotton, 220 GSM",
    "sizes": [
        {"size": "M", "inches": {"chest": 44, "length": 29, "shoulder": 21, "sleeve": 9}},
        {"size": "L", "inches": {"chest": 46, "length": 30, "shoulder": 22, "sleeve": 9.5}},
    ],
}
