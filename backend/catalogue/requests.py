"""What the console may send to change the catalogue, checked field by field (one 422 names every
broken field). The catalogue's own rules (a product, a design entry) are the loader's, applied by
editing.py to the result."""

from __future__ import annotations

import re
from decimal import Decimal

from ..errors import ValidationError
from ..models import Problems, is_integral, text_field, validate_product_patch
from ..storage.designs import SLUG_RE
from ..storage.order_fields import SKU_RE

DESIGN_TEXT = {"name": 100, "story": 2000, "fabric": 200, "fit": 200, "care": 500, "category": 40, "print": 100}
DESIGN_FIELDS = (*DESIGN_TEXT, "hsn", "gsm", "slug", "size_chart", "published")
VARIANT_FIELDS = ("price", "stock_quantity", "colour", "size", "qikink", "published")
NEW_VARIANT_FIELDS = ("sku", *VARIANT_FIELDS)
NEW_DESIGN_FIELDS = ("id", *DESIGN_FIELDS)
HSN_DIGITS = (4, 6, 8)
HSN_RE = re.compile("|".join(f"[0-9]{{{n}}}" for n in HSN_DIGITS))  # ASCII digits: str.isdigit takes '४' too
COST_MAX = Decimal("100000")


def plain_json(value):
    """`value` with every Decimal (parse_json_body reads numbers so) as an int or a float: what
    every home of the stored catalogue can keep."""
    if isinstance(value, dict):
        return {key: plain_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_json(item) for item in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _unknown(problems: Problems, body: dict, allowed: tuple[str, ...]) -> None:
    for key in sorted(set(body) - set(allowed)):
        problems.add(key, f"cannot be set here (only {', '.join(allowed)})")


def _published(problems: Problems, body: dict, changes: dict) -> None:
    if "published" in body:
        if isinstance(body["published"], bool):
            changes["published"] = body["published"]
        else:
            problems.add("published", "must be true or false")


def design_changes(body: dict, *, new: bool = False) -> dict:
    """The design fields of a POST (`new`: name and category required) or PATCH body."""
    problems = Problems()
    _unknown(problems, body, NEW_DESIGN_FIELDS if new else DESIGN_FIELDS)
    changes: dict = {}
    for field, longest in DESIGN_TEXT.items():
        if field in body or (new and field in ("name", "category")):
            required = field in ("name", "category")
            value = text_field(problems, field, body.get(field), required=required, max_len=longest)
            changes[field] = value.lower() if field == "category" else value
    if new and "id" in body:
        design_id = body["id"]
        if not isinstance(design_id, str) or not SKU_RE.match(design_id):
            problems.add("id", "must be letters, digits, '-' or '_' (at most 64), starting with a letter or digit")
        else:
            changes["id"] = design_id
    if "hsn" in body:
        hsn = body["hsn"]
        if not isinstance(hsn, str) or not HSN_RE.fullmatch(hsn):
            problems.add("hsn", "must be an HSN code of 4, 6 or 8 digits")
        else:
            changes["hsn"] = hsn
    if "gsm" in body:
        gsm = body["gsm"]
        if gsm is not None and (not is_integral(gsm) or not 0 < gsm <= 1000):
            problems.add("gsm", "must be a whole number from 1 to 1000, or null")
        else:
            changes["gsm"] = int(gsm) if gsm is not None else None
    if "slug" in body:
        slug = body["slug"]
        if not isinstance(slug, str) or not SLUG_RE.match(slug) or len(slug) > 80:
            problems.add("slug", "must be lower-case words joined by '-' (at most 80 characters)")
        else:
            changes["slug"] = slug
    if "size_chart" in body:
        chart = body["size_chart"]
        if chart is not None and (not isinstance(chart, str) or not chart.strip()):
            problems.add("size_chart", "must name a size chart, or be null")
        else:
            changes["size_chart"] = chart
    _published(problems, body, changes)
    if not new and not changes and not problems.items:
        problems.add("body", f"must contain at least one of {', '.join(DESIGN_FIELDS)}")
    problems.raise_if_any()
    return changes


def variant_changes(body: dict, *, new: bool = False) -> dict:
    """The variant fields of a POST (`new`: size and price required) or PATCH body; `price` and
    `stock_quantity` checked as PATCH /api/products checks them."""
    problems = Problems()
    _unknown(problems, body, NEW_VARIANT_FIELDS if new else VARIANT_FIELDS)
    changes: dict = {}
    live = {key: body[key] for key in ("price", "stock_quantity") if key in body}
    if new and "price" not in body:
        problems.add("price", "is required")
    if live:
        try:
            changes.update(validate_product_patch(live))
        except ValidationError as exc:  # its fields join this body's
            problems.items.extend(exc.details or [])
    if new and "sku" in body:
        sku = body["sku"]
        if not isinstance(sku, str) or not SKU_RE.match(sku):
            problems.add("sku", "must be letters, digits, '-' or '_' (at most 64), starting with a letter or digit")
        else:
            changes["sku"] = sku
    for field in ("size", "colour"):
        if field in body or (new and field == "size"):
            if body.get(field) is None and field == "colour" and field in body:
                changes[field] = None
                continue
            changes[field] = text_field(problems, field, body.get(field), required=True, max_len=40)
    if "qikink" in body:
        mapping = body["qikink"]
        if mapping is not None and not isinstance(mapping, dict):
            problems.add("qikink", "must be an object (the Qikink mapping) or null")
        else:
            cost = (mapping or {}).get("cost")
            if cost is not None and (isinstance(cost, bool) or not isinstance(cost, (int, Decimal))):
                problems.add("qikink.cost", "must be an amount in rupees")
            elif cost is not None and not 0 <= cost <= COST_MAX:
                problems.add("qikink.cost", f"must be from 0 to {COST_MAX} rupees")
            changes["qikink"] = plain_json(mapping)
    _published(problems, body, changes)
    if not new and not changes and not problems.items:
        problems.add("body", f"must contain at least one of {', '.join(VARIANT_FIELDS)}")
    problems.raise_if_any()
    return changes
