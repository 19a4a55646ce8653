"""GST arithmetic for tax-inclusive prices: state codes, GSTIN format, rate slabs, exact splits.

Everything is Decimal rupees; every amount is rounded once, to the paisa, and the parts of an
amount are derived by subtraction so that they always add up to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..models import STATES

PAISA = Decimal("0.01")

# GST state codes (the first two digits of a GSTIN), by the names models.STATES uses.
STATE_CODES = {
    "Jammu and Kashmir": "01",
    "Himachal Pradesh": "02",
    "Punjab": "03",
    "Chandigarh": "04",
    "Uttarakhand": "05",
    "Haryana": "06",
    "Delhi": "07",
    "Rajasthan": "08",
    "Uttar Pradesh": "09",
    "Bihar": "10",
    "Sikkim": "11",
    "Arunachal Pradesh": "12",
    "Nagaland": "13",
    "Manipur": "14",
    "Mizoram": "15",
    "Tripura": "16",
    "Meghalaya": "17",
    "Assam": "18",
    "West Bengal": "19",
    "Jharkhand": "20",
    "Odisha": "21",
    "Chhattisgarh": "22",
    "Madhya Pradesh": "23",
    "Gujarat": "24",
    "Dadra and Nagar Haveli and Daman and Diu": "26",
    "Maharashtra": "27",
    "Karnataka": "29",
    "Goa": "30",
    "Lakshadweep": "31",
    "Kerala": "32",
    "Tamil Nadu": "33",
    "Puducherry": "34",
    "Andaman and Nicobar Islands": "35",
    "Telangana": "36",
    "Andhra Pradesh": "37",
    "Ladakh": "38",
}
assert set(STATE_CODES) == set(STATES.values())
# Union territories without a legislature levy UTGST instead of SGST (Delhi and Puducherry have one).
UTGST_TERRITORIES = frozenset(
    {"Chandigarh", "Ladakh", "Lakshadweep", "Andaman and Nicobar Islands", "Dadra and Nagar Haveli and Daman and Diu"}
)

GSTIN_RE = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
_GSTIN_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def gstin_check_character(first14: str) -> str:
    """The 15th character of a GSTIN: the GSTN's base-36 Luhn-style checksum of the first 14."""
    total = 0
    for index, char in enumerate(first14):
        product = _GSTIN_CHARS.index(char) * (2 if index % 2 else 1)
        total += product // 36 + product % 36
    return _GSTIN_CHARS[(36 - total % 36) % 36]


def gstin_problem(gstin: str, state: str | None = None) -> str | None:
    """Why `gstin` is not a well-formed GSTIN (of `state`, when given), or None."""
    if not GSTIN_RE.match(gstin):
        return (
            "must be 15 characters: 2-digit state code, 10-character PAN, entity number, Z and a "
            "check character (e.g. 27AAPFU0939F1ZV)"
        )
    if gstin[:2] not in STATE_CODES.values():
        return f"starts with {gstin[:2]}, which is not a GST state code"
    if gstin_check_character(gstin[:14]) != gstin[14]:
        return f"has a wrong check character (the last one should be {gstin_check_character(gstin[:14])})"
    if state is not None and STATE_CODES.get(state) != gstin[:2]:
        return f"starts with {gstin[:2]}, but SHOP_STATE {state} has state code {STATE_CODES.get(state)}"
    return None


def paise(amount: Decimal) -> Decimal:
    return amount.quantize(PAISA, rounding=ROUND_HALF_UP)


def split_inclusive(amount: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    """(taxable value, tax) of a tax-inclusive amount: taxable rounded to the paisa, tax the rest,
    so taxable + tax == amount exactly."""
    taxable = paise(amount * 100 / (100 + rate))
    return taxable, amount - taxable


def split_halves(tax: Decimal) -> tuple[Decimal, Decimal]:
    """CGST and SGST of an intra-state tax: half each, the odd paisa to the first, adding up to `tax`."""
    central = paise(tax / 2)
    return central, tax - central


@dataclass(frozen=True)
class Slab:
    rate: Decimal
    max_unit_value: Decimal | None  # None: no upper limit


@dataclass(frozen=True)
class Schedule:
    start: date
    slabs: tuple[Slab, ...]


class GstRules:
    """The catalogue's GST rates: per HSN code, dated schedules of value slabs (all data)."""

    def __init__(self, rates: dict[str, list[Schedule]], source: str = "", charges_rate: Decimal | None = None):
        self.rates = rates
        self.source = source
        self.charges_rate = charges_rate  # None: shipping and COD fee follow the principal supply

    @classmethod
    def from_document(cls, document: dict) -> GstRules | None:
        """Read and check the catalogue's `gst` section and every product's `hsn` (None: the catalogue
        has no `gst` section, so no invoices); ValueError says what is wrong."""
        if "gst" not in document:
            return None
        section, products = document["gst"], document.get("products") or []
        if not isinstance(section, dict) or not isinstance(section.get("rates"), dict) or not section["rates"]:
            raise ValueError("expected a 'gst' object with 'rates' by HSN code")
        rates = {}
        for hsn, schedules in section["rates"].items():
            where = f"gst.rates[{hsn!r}]"
            if not re.fullmatch(r"[0-9]{4}([0-9]{2}){0,2}", hsn):
                raise ValueError(f"{where}: an HSN code is 4, 6 or 8 digits")
            if not isinstance(schedules, list) or not schedules:
                raise ValueError(f"{where}: expected a list of schedules, each with 'from' and 'slabs'")
            rates[hsn] = sorted((_schedule(s, f"{where}[{i}]") for i, s in enumerate(schedules)), key=lambda s: s.start)
        charges_rate = section.get("charges_rate")
        if charges_rate is not None:
            charges_rate = _rate(charges_rate, "gst.charges_rate")
        for index, product in enumerate(products):
            hsn = product.get("hsn") if isinstance(product, dict) else None
            if hsn not in rates:
                raise ValueError(
                    f"products[{index}]: hsn must be one of the codes in gst.rates "
                    f"({', '.join(sorted(rates))}), not {hsn!r}"
                )
        return cls(rates, str(section.get("source") or ""), charges_rate)

    def rate(self, hsn: str, unit_price: Decimal, on: date) -> Decimal:
        """The GST rate (percent) of one piece sold at tax-inclusive `unit_price` on `on`.

        A slab's limit is on the sale value per piece without the tax, so each slab is tried at
        its own rate: the first whose taxable value fits applies."""
        schedules = [s for s in self.rates[hsn] if s.start <= on]
        if not schedules:
            raise ValueError(f"no GST rate for HSN {hsn} on {on.isoformat()}")
        for slab in schedules[-1].slabs:
            taxable, _ = split_inclusive(unit_price, slab.rate)
            if slab.max_unit_value is None or taxable <= slab.max_unit_value:
                return slab.rate
        raise ValueError(f"HSN {hsn}: no slab for a piece of {unit_price}")  # the last slab has no limit


def _rate(value, where: str) -> Decimal:
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        rate = Decimal(-1)
    if isinstance(value, bool) or not rate.is_finite() or not 0 <= rate <= 100:
        raise ValueError(f"{where} must be a percentage from 0 to 100")
    return rate


def _schedule(raw, where: str) -> Schedule:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected an object with 'from' and 'slabs'")
    try:
        start = date.fromisoformat(str(raw.get("from")))
    except ValueError:
        raise ValueError(f"{where}.from must be a date (YYYY-MM-DD)") from None
    slabs = raw.get("slabs")
    if not isinstance(slabs, list) or not slabs:
        raise ValueError(f"{where}.slabs must be a non-empty list")
    parsed = []
    for index, slab in enumerate(slabs):
        if not isinstance(slab, dict):
            raise ValueError(f"{where}.slabs[{index}]: expected an object with 'rate'")
        limit = slab.get("max_unit_value")
        if limit is not None:
            try:
                limit = Decimal(str(limit))
            except InvalidOperation:
                limit = Decimal(-1)
            if isinstance(slab.get("max_unit_value"), bool) or not limit.is_finite() or limit <= 0:
                raise ValueError(f"{where}.slabs[{index}].max_unit_value must be a positive amount")
        parsed.append(Slab(_rate(slab.get("rate"), f"{where}.slabs[{index}].rate"), limit))
    if parsed[-1].max_unit_value is not None or any(s.max_unit_value is None for s in parsed[:-1]):
        raise ValueError(f"{where}.slabs: only the last slab, and it must, have no max_unit_value")
    limits = [s.max_unit_value for s in parsed[:-1] if s.max_unit_value is not None]  # all of them (checked above)
    if limits != sorted(limits):
        raise ValueError(f"{where}.slabs: max_unit_value must increase from slab to slab")
    return Schedule(start, tuple(parsed))
