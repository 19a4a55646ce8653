"""JSON Schemas of the console's catalogue (/api/catalogue): the bodies that create and change
designs and variants (their rules from backend/catalogue/requests.py) and the answers, each
variant with `publishable`, `problems` and `margin`."""

from __future__ import annotations

from ..catalogue.answers import DESIGN_FIELDS as ANSWER_DESIGN_FIELDS
from ..catalogue.answers import MONEY_PARTS
from ..catalogue.requests import COST_MAX, DESIGN_TEXT, HSN_RE
from ..catalogue.size_charts import CHART_TEXT, LEAST_INCHES, MOST_INCHES, MOST_SIZES
from ..models import PRODUCT_PRICE_RANGE, SKU_RE, STOCK_RANGE
from ..storage.designs import SLUG_RE
from ..storage.size_charts import MEASUREMENTS
from .fields import COUNT, STRING_OR_NULL, SUCCESS, number, obj, ref, text

NULLABLE_TEXT = {"type": ["string", "null"]}


def _price() -> dict:
    low, high = PRODUCT_PRICE_RANGE
    return {
        "type": "number",
        "minimum": number(low),
        "maximum": number(high),
        "multipleOf": 0.01,
        "description": "Rupees, tax inclusive, at most two decimal places (paise).",
    }


def _mapping() -> dict:
    return {
        "type": ["object", "null"],
        "description": "The Qikink mapping, as in data/products.json: a My Products SKU "
        "(`search_from_my_products` 1 and `sku`) or a catalogue blank (0, `sku`, `print_type_id`, `designs`). "
        "`cost` (optional, rupees) is what Qikink charges for the piece, for the margin check. Saved as "
        "given; a variant is published only when it can be sent (409 `not_publishable` says why not).",
        "properties": {"cost": {"type": ["number", "null"], "minimum": 0, "maximum": number(COST_MAX)}},
    }


def _design_body(new: bool) -> dict:
    properties: dict = {
        field: text(longest, required=field in ("name", "category")) for field, longest in DESIGN_TEXT.items()
    }
    properties["hsn"] = {"type": "string", "pattern": f"^(?:{HSN_RE.pattern})$"}
    properties["gsm"] = {"type": ["integer", "null"], "minimum": 1, "maximum": 1000}
    properties["slug"] = {"type": "string", "pattern": SLUG_RE.pattern, "maxLength": 80}
    properties["size_chart"] = {
        "type": ["string", "null"],
        "minLength": 1,
        "pattern": r"\S",
        "description": "A size chart's id (GET /api/size-charts/{chart_id}); reaches every variant.",
    }
    properties["published"] = {"type": "boolean", "description": "Shown to shoppers (with a published variant)."}
    schema: dict = {"type": "object", "additionalProperties": False, "properties": properties}
    if new:
        properties["id"] = {"type": "string", "pattern": SKU_RE.pattern, "description": "Default: the next BHRT-NNN."}
        schema["required"] = ["name", "category"]
    else:
        schema["minProperties"] = 1
    return schema


def _variant_body(new: bool) -> dict:
    properties: dict = {
        "price": _price(),
        "stock_quantity": {"type": "integer", "minimum": STOCK_RANGE[0], "maximum": STOCK_RANGE[1]},
        "size": text(40),
        "colour": {"anyOf": [text(40), {"type": "null"}]},
        "qikink": _mapping(),
        "published": {"type": "boolean", "description": "Only with a Qikink mapping that can be sent."},
    }
    schema: dict = {"type": "object", "additionalProperties": False, "properties": properties}
    if new:
        properties["sku"] = {
            "type": "string",
            "pattern": SKU_RE.pattern,
            "description": "Default: the design's id, the colour's first three letters and the size "
            "(BHRT-008-WHI-L). Never changes once made.",
        }
        schema["required"] = ["size", "price"]
    else:
        schema["minProperties"] = 1
    return schema


def _chart_body(new: bool) -> dict:
    inches = {"type": "number", "minimum": number(LEAST_INCHES), "maximum": number(MOST_INCHES)}
    measured = obj(MEASUREMENTS, {name: inches for name in MEASUREMENTS}, additionalProperties=False)
    row = obj(("size", "inches"), {"size": text(10), "inches": measured}, additionalProperties=False)
    properties: dict = {field: text(longest) for field, longest in CHART_TEXT.items()}
    properties["sizes"] = {
        "type": "array",
        "minItems": 1,
        "maxItems": MOST_SIZES,
        "items": row,
        "description": "Every row of the chart, smallest first, each size once (a size twice is 422); the "
        "centimetres are made "
        "from the inches. A size a variant of the chart sells cannot be left out (409 `catalogue_conflict`).",
    }
    schema: dict = {"type": "object", "additionalProperties": False, "properties": properties}
    if new:
        properties["id"] = {
            "type": "string",
            "pattern": SLUG_RE.pattern,
            "maxLength": 80,
            "description": "Default: made from the name.",
        }
        schema["required"] = [*CHART_TEXT, "sizes"]
    else:
        schema["minProperties"] = 1
    return schema


def catalogue_request_schemas() -> dict:
    return {
        "NewSizeChart": _chart_body(new=True),
        "SizeChartPatch": _chart_body(new=False),
        "NewDesign": _design_body(new=True),
        "DesignPatch": _design_body(new=False),
        "NewVariant": _variant_body(new=True),
        "VariantPatch": _variant_body(new=False),
    }


def catalogue_response_schemas() -> dict:
    money = {part: {"type": "number"} for part in MONEY_PARTS}
    margin = obj(
        (*MONEY_PARTS, "gst_rate", "margin_percent", "qikink_cost_from", "warning"),
        {
            **money,
            "gst_rate": {"type": "number", "description": "Percent of GST in the price."},
            "margin_percent": {"type": "number", "description": "The margin in percent of the price."},
            "qikink_cost_from": {"type": "string", "enum": ["variant", "settings"]},
            "warning": {**STRING_OR_NULL, "description": "A loss, or a margin below MARGIN_WARN_PERCENT."},
        },
        description="What one sale leaves: the price less its GST, Qikink's cost, shipping, the gateway's "
        "fee and the GST on that fee (the settings MARGIN_*).",
    )
    variant = obj(
        (
            "sku",
            "colour",
            "size",
            "price",
            "stock_quantity",
            "published",
            "on_sale",
            "qikink",
            "publishable",
            "problems",
            "margin",
        ),
        {
            "sku": {"type": "string"},
            "colour": STRING_OR_NULL,
            "size": STRING_OR_NULL,
            "price": {"type": "number"},
            "stock_quantity": COUNT,
            "published": {"type": "boolean"},
            "on_sale": {"type": "boolean", "description": "Shoppers see it: published, and its design too."},
            "qikink": {"type": ["object", "null"]},
            "publishable": {"type": "boolean", "description": "Its Qikink mapping can be sent."},
            "problems": {"type": "array", "items": {"type": "string"}, "description": "In plain words."},
            "margin": ref("Margin"),
        },
    )
    design_fields = {field: NULLABLE_TEXT for field in ANSWER_DESIGN_FIELDS}
    design_fields["gsm"] = {"type": ["integer", "null"]}
    design = obj(
        (*ANSWER_DESIGN_FIELDS, "size_chart", "published", "on_sale", "page", "photos", "problems", "variants"),
        {
            **design_fields,
            "size_chart": STRING_OR_NULL,
            "published": {"type": "boolean"},
            "on_sale": {"type": "boolean"},
            "page": {**STRING_OR_NULL, "description": "Its product page, /p/{slug}."},
            "photos": {"type": "string", "description": "Its photos (POST /api/photos adds one)."},
            "problems": {"type": "array", "items": {"type": "string"}},
            "variants": {"type": "array", "items": ref("CatalogueVariant")},
        },
    )
    warnings = {"type": "array", "items": {"type": "string"}, "description": "The problems, margin warnings first."}
    return {
        "Margin": margin,
        "CatalogueVariant": variant,
        "CatalogueDesign": design,
        "Catalogue": obj(
            ("status", "data", "count"),
            {"status": SUCCESS, "data": {"type": "array", "items": ref("CatalogueDesign")}, "count": COUNT},
        ),
        "CatalogueDesignAnswer": obj(
            ("status", "data"), {"status": SUCCESS, "data": ref("CatalogueDesign"), "warnings": warnings}
        ),
        "CatalogueVariantAnswer": obj(
            ("status", "data", "warnings"), {"status": SUCCESS, "data": ref("CatalogueVariant"), "warnings": warnings}
        ),
    }
