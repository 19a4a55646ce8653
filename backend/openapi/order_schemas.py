"""JSON Schemas of the order answers: the order and its statuses, the charges, the invoice's
envelope, a created order, one order and a page of orders."""

from __future__ import annotations

from ..models import ADDRESS_REQUIRED, ORDER_ID_RE, PAYMENT_METHODS
from ..orders.answers import INTEGRATION_STATUS
from ..orders.lifecycle import ACTIONS, ORDER_STATUSES, QIKINK_STATUSES, REPLACEMENT_REASONS
from ..orders.service import PAGE_RANGE, PER_PAGE_RANGE
from .confirm_schemas import order_confirmation_field
from .fields import COUNT, MONEY, STRING_OR_NULL, SUCCESS, obj, ref
from .invoice_schemas import credit_note_schema, invoice_schema
from .payment_schemas import order_payment_fields


def order_status_schemas() -> dict:
    """The order's own status and its Qikink status, as named enums."""
    return {
        "OrderStatus": {"type": "string", "enum": list(ORDER_STATUSES)},
        "QikinkStatusName": {"type": "string", "enum": list(QIKINK_STATUSES)},
    }


def order_guidance() -> dict:
    """What the reader may do with the order now, and where its documents are: the server's
    rules, so that pages show them instead of copying them."""
    link = {"type": ["string", "null"], "description": "A path on this server; a customer adds ?email=."}
    return {
        "actions": {
            "type": "array",
            "items": {"type": "string", "enum": list(ACTIONS)},
            "uniqueItems": True,
            "description": "What the reader may do now: `cancel` (POST /api/orders/{order_id}/cancel; for "
            "a customer only while Qikink does not have the order, for staff until Qikink packs it) and, "
            "for staff, `edit` (PATCH /api/orders/{order_id}, while Qikink has not accepted it), and "
            "`exchange_size` or `reship` (POST /api/orders/{order_id}/replacement).",
        },
        "documents": obj(
            ("invoice", "credit_note"),
            {
                "invoice": {
                    **link,
                    "description": "The GST invoice, once issued or while one can be "
                    "issued; null when the shop issues none or the order cannot have one.",
                },
                "credit_note": {**link, "description": "The credit note of a cancelled invoiced order."},
            },
        ),
    }


def order_response_schemas() -> dict:
    """The order and the answers holding orders (and the charges and invoice of orders)."""
    stored_address = obj(
        ADDRESS_REQUIRED,
        {
            **{name: {"type": "string"} for name in ("name", "line1", "line2", "city", "state", "pincode", "phone")},
            "country": {"type": "string"},
        },
    )
    order_fields = {
        "order_id": {
            "type": "string",
            "pattern": ORDER_ID_RE.pattern,
            "maxLength": 15,
            "examples": ["BHRT-4817302956"],
        },
        "customer_email": {"type": "string"},
        "shipping_address": {"anyOf": [stored_address, {"type": "string"}]},
        "items": {
            "type": "array",
            "items": obj(
                ("sku", "name", "quantity", "price", "line_total"),
                {
                    "sku": {"type": "string"},
                    "name": {"type": "string"},
                    "quantity": {"type": "integer", "minimum": 1},
                    "price": MONEY,
                    "line_total": MONEY,
                },
            ),
        },
        "subtotal": {**MONEY, "description": "The items' prices added up."},
        "shipping": {**MONEY, "description": "SHIPPING_FEE, or 0 when the items reach FREE_SHIPPING_ABOVE."},
        "cod_fee": {**MONEY, "description": "COD_FEE for cash on delivery, else 0."},
        "total": {
            **MONEY,
            "description": "What the customer pays: subtotal + shipping + cod_fee (for cash on "
            "delivery, what the courier collects).",
        },
        "currency": {"type": "string", "const": "INR"},
        "payment_method": {"type": "string", "enum": list(PAYMENT_METHODS)},
        "status": ref("OrderStatus"),
        "qikink_status": ref("QikinkStatusName"),
        "qikink_order_number": {"type": "string", "description": "The order id without its hyphen."},
        "qikink_shipment_id": {"type": ["string", "null"], "description": "Qikink's own order id."},
        "tracking_id": STRING_OR_NULL,
        "courier": STRING_OR_NULL,
        "tracking_url": STRING_OR_NULL,
        "qikink_message": STRING_OR_NULL,
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    }
    payment = order_payment_fields()
    confirmation = order_confirmation_field()
    documents = {
        "invoice_number": {
            "type": ["string", "null"],
            "description": "The order's GST invoice, once issued (GET /api/orders/{order_id}/invoice).",
        },
        "credit_note_number": {
            "type": ["string", "null"],
            "description": "The credit note reversing the invoice, once the invoiced order is cancelled "
            "(GET /api/orders/{order_id}/credit-note).",
        },
    }
    order_id_or_null = {"type": ["string", "null"], "pattern": ORDER_ID_RE.pattern}
    links = {
        "replacement_of": {
            **order_id_or_null,
            "description": "The order this one replaces at the shop's cost (total 0: no payment, no invoice).",
        },
        "replacement_reason": {"type": ["string", "null"], "enum": [*REPLACEMENT_REASONS, None]},
        "replacements": {
            "type": "array",
            "items": {"type": "string", "pattern": ORDER_ID_RE.pattern},
            "description": "The orders sent to replace this one (POST /api/orders/{order_id}/replacement).",
        },
    }
    return {
        "Order": obj(
            (*order_fields, *payment, "actions", "documents"),
            {**order_fields, **payment, **confirmation, **documents, **links, **order_guidance()},
        ),
        "Charges": obj(
            ("status", "data"),
            {
                "status": SUCCESS,
                "data": obj(
                    ("currency", "shipping_fee", "free_shipping_above", "cod_fee", "invoices"),
                    {
                        "currency": {"type": "string", "const": "INR"},
                        "shipping_fee": MONEY,
                        "free_shipping_above": {
                            "type": ["number", "null"],
                            "minimum": 0,
                            "description": "Shipping is free from this items subtotal; null: never.",
                        },
                        "cod_fee": MONEY,
                        "invoices": {
                            "type": "boolean",
                            "description": "Whether the shop issues GST invoices (its GST rates and SHOP_* "
                            "settings are set): the tracking page offers an order's invoice only then.",
                        },
                    },
                ),
            },
        ),
        "Invoice": obj(("status", "data"), {"status": SUCCESS, "data": invoice_schema()}),
        "CreditNote": obj(("status", "data"), {"status": SUCCESS, "data": credit_note_schema()}),
        "OrderCreated": obj(
            ("status", "message", "data", "qikink_integration"),
            {
                "status": SUCCESS,
                "message": {"type": "string"},
                "data": ref("Order"),
                "qikink_integration": obj(
                    ("status", "qikink_shipment_id", "tracking_id"),
                    {
                        "status": {
                            "type": "string",
                            "enum": sorted({*INTEGRATION_STATUS.values(), "awaiting_payment", "awaiting_confirmation"}),
                        },
                        "qikink_shipment_id": STRING_OR_NULL,
                        "tracking_id": STRING_OR_NULL,
                        "reason": {**STRING_OR_NULL, "description": "Why the order is not at Qikink yet."},
                    },
                ),
                "payment": {
                    "anyOf": [ref("Checkout"), {"type": "null"}],
                    "description": "A prepaid order awaiting payment: what the page opens Razorpay Checkout "
                    "with (null while Razorpay cannot be reached: GET /api/orders/{order_id}/payment later).",
                },
            },
        ),
        "OrderAnswer": obj(
            ("status", "data"), {"status": SUCCESS, "message": {"type": "string"}, "data": ref("Order")}
        ),
        "OrderList": obj(
            ("status", "data", "pagination"),
            {
                "status": SUCCESS,
                "data": {"type": "array", "items": ref("Order")},
                "pagination": obj(
                    ("page", "per_page", "total"),
                    {
                        "page": {"type": "integer", "minimum": PAGE_RANGE[0]},
                        "per_page": {"type": "integer", "minimum": PER_PAGE_RANGE[0], "maximum": PER_PAGE_RANGE[1]},
                        "total": COUNT,
                    },
                ),
            },
        ),
    }
