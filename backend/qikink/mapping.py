"""Our order → Qikink's create body, and Qikink's order → our fulfilment view."""

import logging
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..orders.lifecycle import OrderStatus as S

log = logging.getLogger(__name__)

ADDRESS1_MAX = 90
CANCELLED_PREFIX = "cancelled_"

TERMINAL_RAW_STATUSES = frozenset({"delivered", "returned", "cancelled", "lost", "archived"})

# Qikink's free-text status (normalised: lower case, '-'/'_' as spaces) → (our status, event);
# how an order may move between our statuses is orders/lifecycle.py's.
_STATUS_TABLE = {}
for _raws, _mapped in (
    (("on hold",), (S.ON_HOLD, "order_on_hold")),
    (("live", "live oos", "to be printed", "partially picklisted", "printed"), (S.PROCESSING, "order_processing")),
    (("manifested", "pickup scheduled"), (S.READY_TO_SHIP, "ready_to_ship")),
    (("in transit", "picked up", "misrouted", "delivery rescheduled"), (S.IN_TRANSIT, "in_transit")),
    (("out for delivery",), (S.OUT_FOR_DELIVERY, "out_for_delivery")),
    (("delivered",), (S.DELIVERED, "delivered")),
    (
        ("exception", "not attempted", "consignee unavailable", "incorrect/incomplete address", "refused to accept"),
        (S.EXCEPTION, "delivery_exception"),
    ),
    (("rto initiated",), (S.RTO_INITIATED, "rto_initiated")),
    (("returned",), (S.RETURNED, "returned")),
    (("cancelled",), (S.CANCELLED, "cancelled")),
    (("action required",), (S.ACTION_REQUIRED, "action_required")),
):
    for _raw in _raws:
        _STATUS_TABLE[_raw] = _mapped
# Courier delivery-problem strings vary ("Undelivered 1st Attempt", "refused - COD not ready").
_EXCEPTION_PREFIXES = ("undelivered", "refused", "not attempted", "consignee", "incorrect")


class MappingError(ValueError):
    """Our order cannot be expressed as a Qikink order (missing mapping, unstructured address)."""


def _normalise(raw_status):
    return re.sub(r"[\s_-]+", " ", str(raw_status or "")).strip().lower()


def map_status(raw_status: str, number: str | None = None) -> tuple[str, str] | None:
    """(order status, event) for a Qikink status per api.md; None when unknown."""
    if number and str(number).lower().startswith(CANCELLED_PREFIX):
        return (S.CANCELLED, "cancelled")
    key = _normalise(raw_status)
    if key in _STATUS_TABLE:
        return _STATUS_TABLE[key]
    if key.startswith(_EXCEPTION_PREFIXES):
        return (S.EXCEPTION, "delivery_exception")
    return None


def is_terminal_raw(raw_status: str, number: str | None = None) -> bool:
    """Whether Qikink will not move this order any more (delivered, returned, lost...)."""
    cancelled = bool(number) and str(number).lower().startswith(CANCELLED_PREFIX)
    return cancelled or _normalise(raw_status) in TERMINAL_RAW_STATUSES


def money(value) -> str:
    """An exact decimal string for Qikink: 1299 → "1299", 1299.5 → "1299.5"."""
    if isinstance(value, bool):
        raise MappingError(f"not an amount: {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise MappingError(f"not an amount: {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise MappingError(f"not an amount: {value!r}")
    # Amounts are rupees exact to the paisa; anything finer is float noise from upstream.
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount == amount.to_integral_value():
        return str(int(amount))
    return format(amount.normalize(), "f")


def qikink_order_number(order_id: str) -> str:
    """Qikink's order_number: our id without the hyphen (letters and digits only)."""
    return str(order_id).replace("-", "")


def split_name(name: str | None) -> tuple[str, str]:
    """(first_name, last_name): the last word is the last name; a single word has none."""
    words = str(name or "").split()
    if len(words) <= 1:
        return (words[0] if words else "", "")
    return (" ".join(words[:-1]), words[-1])


def split_address(line1: str | None, line2: str | None = "") -> tuple[str, str]:
    """(address1, address2): address1 at most 90 characters, overflow moved to address2."""
    line1 = " ".join(str(line1 or "").split())
    line2 = " ".join(str(line2 or "").split())
    if len(line1) <= ADDRESS1_MAX:
        return line1, line2
    cut = line1.rfind(" ", 0, ADDRESS1_MAX + 1)
    if cut <= 0:
        cut = ADDRESS1_MAX
    head, rest = line1[:cut].rstrip(" ,"), line1[cut:].strip(" ,")
    return head, f"{rest}, {line2}" if line2 else rest


def _phone(raw) -> str:
    digits = re.sub(r"\D", "", str(raw or ""))
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    return digits


def _line_item(item: dict, products: dict) -> dict:
    sku = item.get("sku")
    mapping = (products.get(sku) or {}).get("qikink")
    if not isinstance(mapping, dict) or not mapping.get("sku"):
        raise MappingError(f"product {sku} has no Qikink mapping")
    line = {
        "search_from_my_products": int(mapping.get("search_from_my_products", 1)),
        "sku": str(mapping["sku"]),
        "quantity": str(int(item["quantity"])),
        "price": money(item["price"]),
    }
    if line["search_from_my_products"] == 0:
        designs = mapping.get("designs") or []
        if "print_type_id" not in mapping or not designs:
            raise MappingError(f"product {sku}: a catalogue blank needs print_type_id and designs")
        line["print_type_id"] = int(mapping["print_type_id"])
        line["designs"] = [
            {
                key: str(design.get(key) or "")
                for key in (
                    "design_code",
                    "width_inches",
                    "height_inches",
                    "placement_sku",
                    "design_link",
                    "mockup_link",
                )
            }
            for design in designs
        ]
    return line


def to_qikink_order(order: dict, products: dict[str, dict]) -> dict:
    """The body of POST /api/order/create for one of our stored orders."""
    address = order.get("shipping_address")
    if not isinstance(address, dict):
        raise MappingError(
            "shipping_address must be structured (name, line1, city, state, "
            "pincode, phone) before the order can be sent to Qikink"
        )
    first_name, last_name = split_name(address.get("name"))
    address1, address2 = split_address(address.get("line1"), address.get("line2"))
    return {
        "order_number": qikink_order_number(order["order_id"]),
        "qikink_shipping": "1",
        "gateway": "COD" if str(order.get("payment_method", "")).lower() == "cod" else "Prepaid",
        "total_order_value": money(order["total"]),
        "line_items": [_line_item(item, products) for item in order["items"]],
        # last_name and address2 must be present even when empty: Qikink's PHP fails otherwise.
        "shipping_address": {
            "first_name": first_name,
            "last_name": last_name,
            "address1": address1,
            "address2": address2,
            "phone": _phone(address.get("phone")),
            "email": str(order.get("customer_email") or ""),
            "city": str(address.get("city") or ""),
            "zip": str(address.get("pincode") or ""),
            "province": str(address.get("state") or ""),
            "country_code": str(address.get("country") or "IN").upper(),
        },
    }


def tracking_url(link: str | None, awb: str | None) -> str | None:
    """Qikink's tracking link, with the AWB appended when it sent only the prefix."""
    if not link:
        return None
    link = str(link)
    if link.endswith("awb="):
        return f"{link}{awb}" if awb else None
    return link


def to_fulfilment(qikink_order: dict) -> dict:
    """Our fulfilment view of an order as Qikink reports it."""
    raw_status = str(qikink_order.get("status") or "")
    number = str(qikink_order.get("number") or "")
    shipping = qikink_order.get("shipping") or {}
    awb = shipping.get("awb")
    awb = str(awb) if awb not in (None, "") else None
    courier = shipping.get("courier_provider_name") or None
    mapped = map_status(raw_status, number)
    if mapped is None:
        log.info("Unknown Qikink status %r for order %s", raw_status, qikink_order.get("order_id"))
    return {
        "status": mapped[0] if mapped else None,
        "event": mapped[1] if mapped else None,
        "raw_status": raw_status,
        "cancelled": mapped is not None and mapped[0] == S.CANCELLED,
        "tracking_number": awb,
        "courier": str(courier) if courier else None,
        "tracking_url": tracking_url(shipping.get("tracking_link"), awb),
        "qikink_shipment_id": str(qikink_order.get("order_id", "")),
    }


# --- the catalogue's Qikink mapping ------------------------------------------------------------
DESIGN_FIELDS = ("design_code", "placement_sku", "width_inches", "height_inches", "design_link", "mockup_link")
PLACEMENTS = ("fr", "bk", "lp", "rp", "ls", "rs")


def _mapping_problem(mapping) -> str | None:
    if not isinstance(mapping, dict):
        return "qikink mapping is missing"
    if not isinstance(mapping.get("sku"), str) or not mapping["sku"]:
        return "qikink.sku is missing"
    mode = mapping.get("search_from_my_products")
    if mode == 1:
        if "designs" in mapping or "print_type_id" in mapping:
            return "qikink: a My Products SKU takes no designs or print_type_id"
        return None
    if mode != 0:
        return "qikink.search_from_my_products must be 1 or 0"
    if not isinstance(mapping.get("print_type_id"), int):
        return "qikink.print_type_id is required for a catalogue blank"
    designs = mapping.get("designs")
    if not isinstance(designs, list) or not designs:
        return "qikink.designs is required for a catalogue blank"
    for index, design in enumerate(designs):
        missing = [f for f in DESIGN_FIELDS if not isinstance(design, dict) or not str(design.get(f, "")).strip()]
        if missing:
            return f"qikink.designs[{index}] is missing {', '.join(missing)}"
        if len(str(design["design_code"])) > 20:
            return f"qikink.designs[{index}].design_code is longer than 20 characters"
        if design["placement_sku"] not in PLACEMENTS:
            return f"qikink.designs[{index}].placement_sku must be one of {', '.join(PLACEMENTS)}"
    return None


def mapping_problem(product: dict) -> str | None:
    """Why a product's Qikink mapping cannot be sent, or None (used by /api/qikink/sync)."""
    return _mapping_problem(product.get("qikink"))


def catalogue_problem(catalogue: dict[str, dict]) -> str | None:
    """The first product whose Qikink mapping cannot be sent and why, or None (checked at start)."""
    for index, (sku, product) in enumerate(catalogue.items()):
        problem = _mapping_problem(product.get("qikink"))
        if problem:
            return f"products[{index}] ({sku}): {problem}"
    return None
