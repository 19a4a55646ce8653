"""The GST credit note of an invoiced order that is cancelled (CGST Act s. 34; its contents: CGST
Rules, rule 53(1A)): the invoice's lines, taxable values and tax, credited in full, under a number
of its own gap-free sequence, naming the invoice it reverses.

When: in the same `transact_order` that makes the order `cancelled` (a cancel before Qikink had it,
or Qikink reporting it cancelled), so the number, the document and the status commit together.
An order cancelled and invoiced before credit notes existed gets its note at the first request.
Built only from the invoice kept on the order: later changes to rates, prices or the SHOP_*
settings never alter what it credits.
"""

from __future__ import annotations

from datetime import datetime

from ..clock import IST
from ..orders import lifecycle

SEQUENCE = "credit_note"  # one sequence per financial year: credit_note/26-27
NUMBER_PREFIX = "CN"  # CN/26-27/000123: 15 characters, within GST's 16
REASON = "Order cancelled: the supply invoiced was not made, and the amount is credited in full"
# What a credit note repeats of the invoice it reverses.
FROM_INVOICE = (
    "order_id",
    "order_date",
    "payment_method",
    "currency",
    "prices_include_tax",
    "reverse_charge",
    "seller",
    "buyer",
    "place_of_supply",
    "supply",
    "tax_names",
    "lines",
    "totals",
    "total_in_words",
    "charges_rate_rule",
)


def credit_note_number(number: int, year: str) -> str:
    return f"{NUMBER_PREFIX}/{year}/{number:06d}"


def financial_year(moment: datetime) -> str:
    """India's financial year (April to March) of a moment, as 26-27."""
    day = moment.astimezone(IST)
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start % 100:02d}-{(start + 1) % 100:02d}"


def build_credit_note(invoice: dict, number: int, issued_at: datetime) -> dict:
    """The credit note (JSON-ready) reversing `invoice` in full."""
    year = financial_year(issued_at)
    issued_at = issued_at.astimezone(IST)
    return {
        "credit_note_number": credit_note_number(number, year),
        "credit_note_date": issued_at.date().isoformat(),
        "issued_at": issued_at.isoformat(timespec="seconds"),
        "invoice_number": invoice["invoice_number"],
        "invoice_date": invoice["invoice_date"],
        "reason": REASON,
        **{key: invoice[key] for key in FROM_INVOICE},
    }


def issue_credit_note(order: dict, tx, timestamp: str) -> bool:
    """In the transaction that cancels `order`: its credit note, when it was invoiced and has none."""
    if not order.get("invoice") or order.get("credit_note") or not lifecycle.is_cancelled(order):
        return False
    issued_at = datetime.fromisoformat(timestamp)  # the one format: UTC with its offset
    number = tx.next_number(f"{SEQUENCE}/{financial_year(issued_at)}")
    order["credit_note"] = build_credit_note(order["invoice"], number, issued_at)
    return True


def credit_note_problem(order: dict) -> str | None:
    """Why an order has no credit note to give, or None when it has one (or is owed one)."""
    if order.get("credit_note"):
        return None
    if not lifecycle.is_cancelled(order):
        return f"Order {order['order_id']} is not cancelled, so it has no credit note"
    if not order.get("invoice"):
        return f"Order {order['order_id']} was cancelled before it was invoiced, so it needs no credit note"
    return None
