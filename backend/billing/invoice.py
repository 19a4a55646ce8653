"""The GST tax invoice of an order: built once from the order, numbered from a gap-free sequence,
and kept on the order so that it never changes after it is issued.

When: at the supply, in the same transaction that records Qikink's acceptance of the order (a
prepaid order once paid, a COD order once confirmed), numbered from the financial year's gap-free
sequence and dated that moment. An order cancelled before it reached Qikink never gets one, and
reading an invoice (GET …/invoice) never changes anything. Numbers issued before this rule (at the
first request, INV-000123) stay as they are.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ..clock import IST, now_iso
from ..errors import InvoiceUnavailable
from ..models import money_json
from ..orders import lifecycle
from ..storage import OrderFilter, every_order
from .charges import stored_charges
from .credit_note import credit_note_problem, financial_year, issue_credit_note
from .gst import STATE_CODES, UTGST_TERRITORIES, GstRules, split_halves, split_inclusive
from .words import rupees_in_words

SEQUENCE = "invoice"  # one sequence per financial year: invoice/26-27
NUMBER_PREFIX = "INV"  # INV/26-27/000123: 16 characters, GST's most (rule 46: letters, digits, '-' and '/')
ZERO = Decimal("0")
CHARGE_LINES = (("shipping", "Shipping"), ("cod_fee", "Cash on delivery fee"))


@dataclass(frozen=True)
class Seller:
    """The shop as its invoices name it (SHOP_LEGAL_NAME, SHOP_GSTIN, SHOP_ADDRESS, SHOP_STATE)."""

    legal_name: str
    gstin: str
    address: str
    state: str

    @classmethod
    def from_config(cls, config) -> Seller | None:
        if not config.seller_gstin:
            return None
        return cls(config.seller_legal_name, config.seller_gstin, config.seller_address, config.seller_state)


def _amount(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _json(values: dict) -> dict:
    return {key: money_json(value) if isinstance(value, Decimal) else value for key, value in values.items()}


def invoice_number(number: int, year: str) -> str:
    return f"{NUMBER_PREFIX}/{year}/{number:06d}"


def _line(
    kind: str,
    description: str,
    hsn: str,
    quantity: int,
    unit_price: Decimal,
    rate: Decimal,
    intra_state: bool,
    sku: str | None = None,
) -> dict:
    amount = unit_price * quantity
    taxable, tax = split_inclusive(amount, rate)
    central, state = split_halves(tax) if intra_state else (ZERO, ZERO)
    return {
        "kind": kind,
        "description": description,
        "sku": sku,
        "hsn": hsn,
        "quantity": quantity,
        "unit_price": unit_price,
        "amount": amount,
        "gst_rate": rate,
        "taxable_value": taxable,
        "cgst": central,
        "sgst": state,
        "igst": ZERO if intra_state else tax,
        "tax": tax,
    }


def build_invoice(
    order: dict, products: dict, rules: GstRules, seller: Seller, number: int, issued_at: datetime
) -> dict:
    """The invoice document (JSON-ready) of a structured-address order; prices include GST."""
    address = order["shipping_address"]
    issued_at = issued_at.astimezone(IST)
    intra_state = address["state"] == seller.state
    lines = []
    for item in order["items"]:
        product = products.get(item["sku"]) or {}
        hsn = product.get("hsn")
        if hsn is None:
            raise InvoiceUnavailable(f"{item['sku']} is no longer in the catalogue, so its HSN code is unknown")
        unit_price = _amount(item["price"])
        description = f"{item['name']} ({product['size']})" if product.get("size") else item["name"]
        lines.append(
            _line(
                "goods",
                description,
                hsn,
                int(item["quantity"]),
                unit_price,
                rules.rate(hsn, unit_price, issued_at.date()),
                intra_state,
                item["sku"],
            )
        )
    # Shipping and the COD fee are part of a composite supply whose principal supply is the goods
    # (CGST Act s.8(a)): taxed at the goods' rate; with several rates, the highest (the safe side).
    principal = max(lines, key=lambda line: line["gst_rate"])
    charges_rate = rules.charges_rate if rules.charges_rate is not None else principal["gst_rate"]
    charges = stored_charges(order)
    for kind, description in CHARGE_LINES:
        amount = _amount(charges[kind] or 0)
        if amount:
            lines.append(_line(kind, description, principal["hsn"], 1, amount, charges_rate, intra_state))
    totals = {
        key: sum((line[key] for line in lines), ZERO)
        for key in ("taxable_value", "cgst", "sgst", "igst", "tax", "amount")
    }
    total = totals.pop("amount")
    if total != _amount(order["total"]):
        raise InvoiceUnavailable(f"The order's lines come to {total}, not its total {order['total']}")
    state_tax = "UTGST" if seller.state in UTGST_TERRITORIES else "SGST"
    return {
        "invoice_number": invoice_number(number, financial_year(issued_at)),
        "invoice_date": issued_at.date().isoformat(),
        "issued_at": issued_at.isoformat(timespec="seconds"),
        "order_id": order["order_id"],
        "order_date": datetime.fromisoformat(order["created_at"]).astimezone(IST).isoformat(timespec="seconds"),
        "payment_method": order.get("payment_method", "prepaid"),
        "currency": "INR",
        "prices_include_tax": True,
        "reverse_charge": False,
        "seller": {
            "legal_name": seller.legal_name,
            "gstin": seller.gstin,
            "address": seller.address,
            "state": seller.state,
            "state_code": STATE_CODES[seller.state],
        },
        "buyer": {
            "name": address.get("name", ""),
            "email": order["customer_email"],
            "address": {key: address.get(key, "") for key in ("line1", "line2", "city", "state", "pincode")},
            "gstin": None,
        },
        "place_of_supply": {"state": address["state"], "state_code": STATE_CODES[address["state"]]},
        "supply": "intra_state" if intra_state else "inter_state",
        "tax_names": {"cgst": "CGST", "sgst": state_tax, "igst": "IGST"},
        "lines": [_json(line) for line in lines],
        "totals": _json({**totals, "total": total}),
        "total_in_words": rupees_in_words(total),
        "charges_rate_rule": (
            "Shipping and the cash-on-delivery fee are part of the supply of the goods "
            "(composite supply) and taxed at the rate of its principal supply"
            if rules.charges_rate is None
            else f"Shipping and the cash-on-delivery fee are taxed at {money_json(charges_rate)}%"
        ),
    }


class InvoiceService:
    """Issues each order's invoice once, numbered gap-free, and reads it back afterwards."""

    def __init__(self, orders, rules: GstRules | None, seller: Seller | None, *, clock=time.time):
        self.orders = orders  # the OrderService: its get() is the access rule (admin, or ?email=)
        self.store = orders.store
        self.rules = rules
        self.seller = seller
        self.clock = clock

    @staticmethod
    def can_issue(rules: GstRules | None, seller: Seller | None) -> bool:
        """Can a shop issue invoices: GST rates in its catalogue, and its SHOP_* seller settings."""
        return rules is not None and seller is not None

    @property
    def issuing(self) -> bool:
        """Can this shop issue invoices (GST rates in the catalogue, SHOP_* seller settings)?"""
        return self.can_issue(self.rules, self.seller)

    def invoice(self, order_id: str, *, email: str | None = None, admin: bool = False) -> dict:
        """The order's invoice: 404 like the order, 409 (with why) while it has none. Changes nothing."""
        order = self.orders.get(order_id, email=email, admin=admin)
        if order.get("invoice"):
            return order["invoice"]
        raise InvoiceUnavailable(self.why_no_invoice(order))

    def why_no_invoice(self, order: dict) -> str:
        if self.rules is None:
            return "This shop issues no invoices yet: its catalogue has no GST rates ('gst')"
        if self.seller is None:
            return (
                "This shop issues no invoices yet: SHOP_LEGAL_NAME, SHOP_GSTIN, SHOP_ADDRESS and SHOP_STATE are not set"
            )
        if lifecycle.is_replacement(order):
            replaced = order["replacement_of"]
            return f"Order {order['order_id']} replaces order {replaced} at the shop's cost: it has no invoice"
        if lifecycle.is_cancelled(order):
            return f"Order {order['order_id']} was cancelled before it was supplied, so it has no invoice"
        if not isinstance(order.get("shipping_address"), dict):
            return (
                "The order needs a structured shipping address (its state is the place of supply) before it is invoiced"
            )
        return (
            f"Order {order['order_id']} is not invoiced yet: its tax invoice is issued when it is handed to our "
            "printing partner (once paid, or confirmed for cash on delivery)"
        )

    def issue_at_supply(self, order: dict, tx, timestamp: str) -> bool:
        """In the transaction that records Qikink's acceptance of the order: its invoice, numbered
        from this financial year's sequence and dated now. False (nothing issued) when the shop
        issues no invoices, the order has one, cannot have one, or is being cancelled."""
        if self.rules is None or self.seller is None:  # not issuing
            return False
        if order.get("invoice") or lifecycle.is_cancelling(order):
            return False
        if lifecycle.is_replacement(order):  # nothing is sold: the shop pays Qikink for it
            return False
        if not isinstance(order.get("shipping_address"), dict):
            return False
        issued_at = datetime.fromisoformat(timestamp)
        # Built before the number is drawn: a failure uses no number (and nothing commits).
        document = build_invoice(order, self.store.catalogue, self.rules, self.seller, 0, issued_at)
        year = financial_year(issued_at)
        document["invoice_number"] = invoice_number(tx.next_number(f"{SEQUENCE}/{year}"), year)
        order["invoice"] = document
        return True

    def issue_missing(self, *, dry_run: bool = False) -> list[str]:
        """Orders Qikink accepted before invoices were issued at the supply (or while the shop had no
        SHOP_* settings) get theirs now, oldest first, dated today (the day it is issued; the supply
        date is the order's). Existing numbers stay as they are. The ids issued (or, with `dry_run`,
        that would be)."""
        if not self.issuing:
            return []
        due = [
            order
            for order in every_order(self.store, OrderFilter(qikink_status=lifecycle.QikinkStatus.SYNCED))
            if not order.get("invoice")
            and not lifecycle.is_cancelling(order)
            and not lifecycle.is_cancelled(order)
            and not lifecycle.is_replacement(order)
            and isinstance(order.get("shipping_address"), dict)
        ]
        due.sort(key=lambda order: order.get("created_at") or "")
        if dry_run:
            return [order["order_id"] for order in due]
        issued = []
        for order in due:
            timestamp = now_iso(self.clock)
            drawn: list[bool] = []

            def issue(stored, tx, timestamp=timestamp, drawn=drawn):
                drawn.append(self.issue_at_supply(stored, tx, timestamp))
                return drawn[-1]  # False: nothing written (another process issued it meanwhile)

            self.store.transact_order(order["order_id"], issue)
            if drawn and drawn[-1]:
                issued.append(order["order_id"])
        return issued

    def credit_note(self, order_id: str, *, email: str | None = None, admin: bool = False) -> dict:
        """The credit note of a cancelled, invoiced order (404 like the order, 409 when it has none
        to give). Issued with the cancel; one cancelled before credit notes existed gets it now."""
        order = self.orders.get(order_id, email=email, admin=admin)
        if order.get("credit_note"):
            return order["credit_note"]
        if problem := credit_note_problem(order):
            raise InvoiceUnavailable(problem)
        timestamp = now_iso(self.clock)

        def issue(order, tx):
            if problem := credit_note_problem(order):
                raise InvoiceUnavailable(problem)
            return issue_credit_note(order, tx, timestamp)

        return self.store.transact_order(order_id, issue)["credit_note"]
