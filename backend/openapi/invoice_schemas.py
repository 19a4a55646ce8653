"""The JSON Schemas of the GST tax invoice and of the credit note reversing it (GET
/api/orders/{order_id}/invoice and /credit-note as JSON)."""

from __future__ import annotations

from ..models import PAYMENT_METHODS
from .fields import MONEY, obj


def invoice_schema() -> dict:
    """GET /api/orders/{order_id}/invoice as JSON: the document kept on the order when it was issued."""
    text = {"type": "string"}
    place = obj(("state", "state_code"), {"state": text, "state_code": {"type": "string", "pattern": "^[0-9]{2}$"}})
    amounts = ("taxable_value", "cgst", "sgst", "igst", "tax")
    line = obj(
        ("kind", "description", "sku", "hsn", "quantity", "unit_price", "amount", "gst_rate", *amounts),
        {
            "kind": {"type": "string", "enum": ["goods", "shipping", "cod_fee"]},
            "description": text,
            "sku": {"type": ["string", "null"]},
            "hsn": {"type": "string", "description": "HSN code (for shipping and COD fee, the principal supply's)."},
            "quantity": {"type": "integer", "minimum": 1},
            "unit_price": {**MONEY, "description": "Price of one piece, GST included."},
            "amount": {**MONEY, "description": "unit_price × quantity = taxable_value + tax."},
            "gst_rate": {"type": "number", "minimum": 0, "maximum": 100, "description": "Percent."},
            **{name: MONEY for name in amounts},
        },
    )
    return obj(
        (
            "invoice_number",
            "invoice_date",
            "order_id",
            "seller",
            "buyer",
            "place_of_supply",
            "supply",
            "lines",
            "totals",
            "tax_names",
            "total_in_words",
        ),
        {
            "invoice_number": {
                "type": "string",
                "pattern": "^INV(/[0-9]{2}-[0-9]{2}/|-)[0-9]{6,}$",
                "description": "INV/26-27/000123: the financial year's gap-free sequence, given when the order "
                "is handed to Qikink (INV-000123: issued before that rule, kept as it was).",
            },
            "invoice_date": {"type": "string", "format": "date", "description": "India time."},
            "issued_at": {"type": "string", "format": "date-time"},
            "order_id": {"type": "string"},
            "order_date": {"type": "string", "format": "date-time"},
            "payment_method": {"type": "string", "enum": list(PAYMENT_METHODS)},
            "currency": {"type": "string", "const": "INR"},
            "prices_include_tax": {"type": "boolean"},
            "reverse_charge": {"type": "boolean"},
            "seller": obj(
                ("legal_name", "gstin", "address", "state", "state_code"),
                {"legal_name": text, "gstin": text, "address": text, "state": text, "state_code": text},
            ),
            "buyer": obj(
                ("name", "email", "address"),
                {"name": text, "email": text, "address": {"type": "object"}, "gstin": {"type": ["string", "null"]}},
            ),
            "place_of_supply": place,
            "supply": {
                "type": "string",
                "enum": ["intra_state", "inter_state"],
                "description": "intra_state: CGST + SGST (UTGST in a union territory without a legislature); "
                "inter_state: IGST.",
            },
            "tax_names": obj(
                ("cgst", "sgst", "igst"),
                {"cgst": text, "sgst": {"type": "string", "enum": ["SGST", "UTGST"]}, "igst": text},
            ),
            "lines": {"type": "array", "minItems": 1, "items": line},
            "totals": obj((*amounts, "total"), {**{name: MONEY for name in amounts}, "total": MONEY}),
            "total_in_words": text,
            "charges_rate_rule": text,
        },
    )


def credit_note_schema() -> dict:
    """GET /api/orders/{order_id}/credit-note as JSON: the invoice's parties, lines and totals,
    credited in full, under a number of its own."""
    invoice = invoice_schema()
    return obj(
        ("credit_note_number", "credit_note_date", "reason", *invoice["required"]),
        {
            "credit_note_number": {
                "type": "string",
                "pattern": "^CN(/[0-9]{2}-[0-9]{2}/|-)[0-9]{6,}$",
                "description": "From the shop's own gap-free credit note sequence, given when the invoiced "
                "order was cancelled.",
            },
            "credit_note_date": {"type": "string", "format": "date", "description": "India time."},
            "reason": {"type": "string"},
            **invoice["properties"],
            "invoice_number": {
                **invoice["properties"]["invoice_number"],
                "description": "The invoice this credit note reverses.",
            },
            "invoice_date": {**invoice["properties"]["invoice_date"], "description": "The reversed invoice's date."},
        },
    )
