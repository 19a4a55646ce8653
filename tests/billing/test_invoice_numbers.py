"""Invoice figures against hand-worked examples (build_invoice, no HTTP), and the rate data.

Every example is worked out in its comment the way an accountant would check it: for a
tax-inclusive amount A at rate r, taxable = A × 100 / (100 + r) rounded half-up to the paisa,
tax = A − taxable; intra-state CGST = tax / 2 rounded half-up, SGST = tax − CGST.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from backend.billing import load_gst_rules
from backend.billing.gst import GstRules, gstin_check_character, gstin_problem, split_halves, split_inclusive
from backend.billing.invoice import Seller, build_invoice
from backend.billing.page import indian_amount
from backend.billing.words import rupees_in_words
from backend.errors import InvoiceUnavailable
from tests.conftest import ADDRESS, CATALOGUE

RULES = load_gst_rules(CATALOGUE)
MUMBAI_SHOP = Seller(
    "Bharat Heritage Prints Private Limited",
    "27AAPFU0939F1ZV",
    "21 Linking Road, Bandra West, Mumbai 400050",
    "Maharashtra",
)
PRODUCTS = {
    "BHRT-001-M": {"hsn": "6109", "size": "M"},
    "BHRT-002-M": {"hsn": "6109", "size": "M"},
    "BHRT-003-S": {"hsn": "6109", "size": "S"},
    "BHRT-004-M": {"hsn": "6109", "size": "M"},
    "BHRT-006-M": {"hsn": "6109", "size": "M"},
}
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def order(lines, *, state="Maharashtra", shipping=0, cod_fee=0, payment_method="prepaid"):
    items = [
        {
            "sku": sku,
            "name": "Tee",
            "quantity": quantity,
            "price": price,
            "line_total": float(Decimal(str(price)) * quantity),
        }
        for sku, quantity, price in lines
    ]
    subtotal = sum(Decimal(str(price)) * quantity for _, quantity, price in lines)
    total = subtotal + Decimal(str(shipping)) + Decimal(str(cod_fee))
    return {
        "order_id": "BHRT-1795900000",
        "customer_email": "asha@example.com",
        "shipping_address": {**ADDRESS, "state": state},
        "items": items,
        "subtotal": float(subtotal),
        "shipping": shipping,
        "cod_fee": cod_fee,
        "total": float(total),
        "payment_method": payment_method,
        "created_at": "2026-11-29T12:00:00+00:00",
    }


def figures(line_or_totals, *keys):
    return tuple(line_or_totals[key] for key in keys)


TAX = ("taxable_value", "cgst", "sgst", "igst", "tax")


def test_intra_state_two_pieces_with_an_odd_paisa():
    # Maharashtra shop, Maharashtra buyer, 2 × ₹1,299 = ₹2,598.00 at 5% (₹1,237.14 a piece ≤ ₹2,500):
    #   taxable = 2598 × 100 / 105 = 2474.2857… → 2474.29;  tax = 2598.00 − 2474.29 = 123.71
    #   CGST = 123.71 / 2 = 61.855 → 61.86;  SGST = 123.71 − 61.86 = 61.85
    invoice = build_invoice(order([("BHRT-001-M", 2, 1299)]), PRODUCTS, RULES, MUMBAI_SHOP, 1, NOW)
    (line,) = invoice["lines"]
    assert figures(line, "hsn", "quantity", "unit_price", "amount", "gst_rate") == ("6109", 2, 1299, 2598, 5)
    assert figures(line, *TAX) == (2474.29, 61.86, 61.85, 0, 123.71)
    assert figures(invoice["totals"], *TAX, "total") == (2474.29, 61.86, 61.85, 0, 123.71, 2598)
    assert invoice["supply"] == "intra_state"
    assert invoice["place_of_supply"] == {"state": "Maharashtra", "state_code": "27"}
    assert invoice["seller"]["state_code"] == "27" and invoice["tax_names"]["sgst"] == "SGST"
    assert invoice["invoice_number"] == "INV/26-27/000001" and invoice["invoice_date"] == "2026-11-29"
    assert invoice["total_in_words"] == "Rupees Two Thousand Five Hundred Ninety-Eight Only"


def test_inter_state_is_igst_only():
    # Maharashtra shop, Karnataka buyer, 1 × ₹999 at 5%:
    #   taxable = 999 × 100 / 105 = 951.4285… → 951.43;  IGST = 999.00 − 951.43 = 47.57
    invoice = build_invoice(order([("BHRT-002-M", 1, 999)], state="Karnataka"), PRODUCTS, RULES, MUMBAI_SHOP, 7, NOW)
    assert figures(invoice["lines"][0], *TAX) == (951.43, 0, 0, 47.57, 47.57)
    assert figures(invoice["totals"], *TAX, "total") == (951.43, 0, 0, 47.57, 47.57, 999)
    assert invoice["supply"] == "inter_state"
    assert invoice["place_of_supply"] == {"state": "Karnataka", "state_code": "29"}
    assert invoice["invoice_number"] == "INV/26-27/000007"


def test_multi_line_odd_paise_add_up_line_by_line_and_in_total():
    # Intra-state (Maharashtra), three lines at 5%:
    #   1 × ₹899.50: taxable 899.50 / 1.05 = 856.666… → 856.67; tax 42.83; CGST 21.415 → 21.42, SGST 21.41
    #   1 × ₹1,149:  taxable 1149 / 1.05 = 1094.2857… → 1094.29; tax 54.71; CGST 27.355 → 27.36, SGST 27.35
    #   2 × ₹1,099 = ₹2,198: taxable 2198 / 1.05 = 2093.333… → 2093.33; tax 104.67; CGST 52.335 → 52.34, SGST 52.33
    # Totals: amount 899.50 + 1149 + 2198 = 4246.50; taxable 856.67 + 1094.29 + 2093.33 = 4044.29;
    #   tax 42.83 + 54.71 + 104.67 = 202.21 (= 4246.50 − 4044.29); CGST 21.42 + 27.36 + 52.34 = 101.12;
    #   SGST 21.41 + 27.35 + 52.33 = 101.09 (101.12 + 101.09 = 202.21)
    invoice = build_invoice(
        order([("BHRT-006-M", 1, 899.5), ("BHRT-003-S", 1, 1149), ("BHRT-004-M", 2, 1099)]),
        PRODUCTS,
        RULES,
        MUMBAI_SHOP,
        2,
        NOW,
    )
    assert [figures(line, *TAX) for line in invoice["lines"]] == [
        (856.67, 21.42, 21.41, 0, 42.83),
        (1094.29, 27.36, 27.35, 0, 54.71),
        (2093.33, 52.34, 52.33, 0, 104.67),
    ]
    assert figures(invoice["totals"], *TAX, "total") == (4044.29, 101.12, 101.09, 0, 202.21, 4246.5)


def test_shipping_and_cod_fee_are_their_own_lines_at_the_goods_rate():
    # COD to Tamil Nadu (inter-state) with SHIPPING_FEE 49 and COD_FEE 30; 1 × ₹1,299 → total ₹1,378:
    #   T-shirt:  1299 / 1.05 = 1237.1428… → 1237.14; IGST 61.86
    #   shipping:   49 / 1.05 = 46.666…   → 46.67;   IGST 2.33   (5%: the rate of the goods)
    #   COD fee:    30 / 1.05 = 28.5714…  → 28.57;   IGST 1.43
    #   totals: taxable 1237.14 + 46.67 + 28.57 = 1312.38; IGST 61.86 + 2.33 + 1.43 = 65.62; 1312.38 + 65.62 = 1378.00
    invoice = build_invoice(
        order([("BHRT-001-M", 1, 1299)], state="Tamil Nadu", shipping=49, cod_fee=30, payment_method="cod"),
        PRODUCTS,
        RULES,
        MUMBAI_SHOP,
        3,
        NOW,
    )
    assert [(line["kind"], line["hsn"], line["gst_rate"]) for line in invoice["lines"]] == [
        ("goods", "6109", 5),
        ("shipping", "6109", 5),
        ("cod_fee", "6109", 5),
    ]
    assert [figures(line, *TAX) for line in invoice["lines"]] == [
        (1237.14, 0, 0, 61.86, 61.86),
        (46.67, 0, 0, 2.33, 2.33),
        (28.57, 0, 0, 1.43, 1.43),
    ]
    assert figures(invoice["totals"], *TAX, "total") == (1312.38, 0, 0, 65.62, 65.62, 1378)
    assert invoice["place_of_supply"]["state_code"] == "33"


def test_shipping_and_cod_fee_intra_state_split_with_odd_paise():
    # The same order within Maharashtra:
    #   shipping tax 2.33 → CGST 1.165 → 1.17, SGST 1.16;  COD fee tax 1.43 → CGST 0.715 → 0.72, SGST 0.71
    #   T-shirt tax 61.86 → CGST 30.93, SGST 30.93; totals CGST 30.93 + 1.17 + 0.72 = 32.82, SGST 32.80
    invoice = build_invoice(
        order([("BHRT-001-M", 1, 1299)], shipping=49, cod_fee=30, payment_method="cod"),
        PRODUCTS,
        RULES,
        MUMBAI_SHOP,
        3,
        NOW,
    )
    assert [figures(line, "cgst", "sgst") for line in invoice["lines"]] == [(30.93, 30.93), (1.17, 1.16), (0.72, 0.71)]
    assert figures(invoice["totals"], *TAX, "total") == (1312.38, 32.82, 32.8, 0, 65.62, 1378)


def test_a_piece_above_the_slab_is_taxed_at_18_and_so_are_the_charges():
    # From 22 Sept 2025: ≤ ₹2,500 a piece (without tax) 5%, above 18%.
    #   ₹3,000: at 5% a piece would be 3000 / 1.05 = 2857.14 > 2500, so 18%:
    #   taxable 3000 / 1.18 = 2542.3728… → 2542.37; tax 457.63; CGST 228.815 → 228.82, SGST 228.81
    #   with it, shipping ₹49 at 18% (highest rate of the goods): 49 / 1.18 = 41.5254… → 41.53; tax 7.47;
    #   CGST 3.735 → 3.74, SGST 3.73. A ₹999 tee in the same order stays at 5%.
    invoice = build_invoice(
        order([("BHRT-001-M", 1, 3000), ("BHRT-002-M", 1, 999)], shipping=49), PRODUCTS, RULES, MUMBAI_SHOP, 4, NOW
    )
    assert [(line["kind"], line["gst_rate"]) for line in invoice["lines"]] == [
        ("goods", 18),
        ("goods", 5),
        ("shipping", 18),
    ]
    assert figures(invoice["lines"][0], *TAX) == (2542.37, 228.82, 228.81, 0, 457.63)
    assert figures(invoice["lines"][2], *TAX) == (41.53, 3.74, 3.73, 0, 7.47)


@pytest.mark.parametrize(
    "price,on,rate",
    [
        # ₹2,625.00 / 1.05 = 2500.00: not exceeding ₹2,500 → 5%; ₹2,625.01 / 1.05 = 2500.0095 → 2500.01 → 18%
        ("2625", "2026-01-01", 5),
        ("2625.01", "2026-01-01", 18),
        # Before 22 Sept 2025 the limit was ₹1,000 and the rate above it 12%: ₹1,050 / 1.05 = 1000 → 5%;
        # ₹1,299 / 1.05 = 1237.14 > 1000 → 12%; from 22 Sept 2025 the same ₹1,299 is 5%.
        ("1050", "2025-09-21", 5),
        ("1299", "2025-09-21", 12),
        ("1299", "2025-09-22", 5),
    ],
)
def test_rate_slabs_are_dated_data(price, on, rate):
    from datetime import date

    assert RULES.rate("6109", Decimal(price), date.fromisoformat(on)) == rate


def test_the_old_slab_on_an_invoice_dated_before_the_change():
    # 1 × ₹1,299 invoiced 21 Sept 2025 (IST), intra-state at 12%:
    #   taxable 1299 / 1.12 = 1159.8214… → 1159.82; tax 139.18; CGST 69.59, SGST 69.59
    invoice = build_invoice(
        order([("BHRT-001-M", 1, 1299)]),
        PRODUCTS,
        RULES,
        MUMBAI_SHOP,
        5,
        datetime(2025, 9, 21, 12, 0, tzinfo=UTC),
    )
    assert figures(invoice["lines"][0], "gst_rate", *TAX) == (12, 1159.82, 69.59, 69.59, 0, 139.18)


def test_union_territory_without_legislature_levies_utgst():
    gstin = "04AAPFU0939F1Z" + gstin_check_character("04AAPFU0939F1Z")
    seller = Seller("Shop", gstin, "Sector 17, Chandigarh", "Chandigarh")
    invoice = build_invoice(order([("BHRT-001-M", 1, 1299)], state="Chandigarh"), PRODUCTS, RULES, seller, 1, NOW)
    assert invoice["tax_names"] == {"cgst": "CGST", "sgst": "UTGST", "igst": "IGST"}
    assert invoice["seller"]["state_code"] == invoice["place_of_supply"]["state_code"] == "04"


def test_invoice_date_is_india_time():
    late_evening_utc = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)  # 01:30 on 30 Nov in India
    invoice = build_invoice(order([("BHRT-001-M", 1, 1299)]), PRODUCTS, RULES, MUMBAI_SHOP, 1, late_evening_utc)
    assert invoice["invoice_date"] == "2026-11-30"


def test_a_product_gone_from_the_catalogue_is_refused_not_guessed():
    with pytest.raises(InvoiceUnavailable, match="HSN"):
        build_invoice(order([("BHRT-001-M", 1, 1299)]), {}, RULES, MUMBAI_SHOP, 1, NOW)


@pytest.mark.parametrize(
    "amount,rate",
    [(a, r) for a in ("0.01", "0.05", "1", "899.50", "1299", "99999.99") for r in ("0", "5", "12", "18", "28")],
)
def test_splits_always_add_up(amount, rate):
    taxable, tax = split_inclusive(Decimal(amount), Decimal(rate))
    assert taxable + tax == Decimal(amount) and taxable.as_tuple().exponent == -2
    central, state = split_halves(tax)
    assert central + state == tax and abs(central - state) <= Decimal("0.01")


@pytest.mark.parametrize(
    "gstin,problem",
    [
        ("27AAPFU0939F1ZV", None),
        ("27AAPFU0939F1ZX", "check character"),
        ("27AAPFU0939F1Z", "15 characters"),
        ("99AAPFU0939F1ZV", "not a GST state code"),
        ("27aapfu0939f1zv", "15 characters"),
    ],
)
def test_gstin_format_and_check_character(gstin, problem):
    found = gstin_problem(gstin)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(
    "gst,message",
    [
        ({"rates": {"61": []}}, "HSN code"),
        ({"rates": {"6109": [{"from": "2025-13-01", "slabs": [{"rate": 5}]}]}}, "from must be a date"),
        ({"rates": {"6109": [{"from": "2025-01-01", "slabs": [{"rate": 5, "max_unit_value": 10}]}]}}, "last slab"),
        ({"rates": {"6109": [{"from": "2025-01-01", "slabs": [{"rate": 105}]}]}}, "percentage"),
        ({"rates": {"6110": [{"from": "2025-01-01", "slabs": [{"rate": 5}]}]}}, "hsn must be one of"),
    ],
)
def test_broken_rate_data_is_refused_with_where(gst, message):
    with pytest.raises(ValueError, match=message):
        GstRules.from_document({"gst": gst, "products": [{"sku": "X", "hsn": "6109"}]})


def test_amounts_read_the_indian_way():
    assert indian_amount(1234567.5) == "12,34,567.50" and indian_amount(999) == "999.00"
    assert (
        rupees_in_words(Decimal("1234567.50"))
        == "Rupees Twelve Lakh Thirty-Four Thousand Five Hundred Sixty-Seven and Fifty Paise Only"
    )
