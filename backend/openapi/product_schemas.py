"""JSON Schemas of products: the admin's product patch (PATCH /api/products/{sku}) and the product
answers (GET /api/products, GET /api/products/{sku})."""

from __future__ import annotations

from ..models import PRODUCT_PATCH_FIELDS, PRODUCT_PRICE_RANGE, SKU_RE, STOCK_RANGE
from ..products_view import PUBLIC_FIELDS
from ..storage.size_charts import HOW_TO_MEASURE_KEYS, MEASUREMENTS
from .fields import COUNT, MONEY, STRING_OR_NULL, SUCCESS, number, obj, ref

POSITIVE = {"type": "number", "exclusiveMinimum": 0}


def product_request_schemas() -> dict:
    """The product patch's body."""
    low, high = PRODUCT_PRICE_RANGE
    return {
        "ProductPatch": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": False,
            "properties": dict(
                zip(
                    PRODUCT_PATCH_FIELDS,
                    (
                        {
                            "type": "number",
                            "minimum": number(low),
                            "maximum": number(high),
                            "multipleOf": 0.01,
                            "description": "Rupees, at most two decimal places (paise).",
                        },
                        {"type": "integer", "minimum": STOCK_RANGE[0], "maximum": STOCK_RANGE[1]},
                    ),
                    strict=False,
                )
            ),
        },
    }


def product_response_schemas() -> dict:
    """A product and the answers holding products."""
    return {
        "Product": obj(
            (*PUBLIC_FIELDS, "in_stock", "size_chart"),
            {
                "sku": {"type": "string", "pattern": SKU_RE.pattern, "examples": ["BHRT-001-M"]},
                "name": {"type": "string"},
                "description": {"type": "string"},
                "price": MONEY,
                "stock_quantity": COUNT,
                "category": {"type": "string"},
                "manufacturer": {"type": "string"},
                "origin": {"type": "string"},
                "in_stock": {"type": "boolean"},
                "size_chart": {
                    **STRING_OR_NULL,
                    "description": "The id of the product's size chart (GET /api/size-charts/{chart_id}); "
                    "null for a product without one.",
                    "examples": ["unisex-classic-tee"],
                },
                "size": {"type": "string"},
                "print": {"type": "string"},
                "photos": {
                    "type": "array",
                    "items": ref("Photo"),
                    "description": "The photos of the product's design (GET /api/products and /api/products/{sku}).",
                },
            },
        ),
        "ProductList": obj(
            ("status", "data", "count"),
            {"status": SUCCESS, "data": {"type": "array", "items": ref("Product")}, "count": COUNT},
        ),
        "ProductAnswer": obj(("status", "data"), {"status": SUCCESS, "data": ref("Product")}),
        **size_chart_schemas(),
        **delivery_schemas(),
    }


def size_chart_schemas() -> dict:
    """A size chart (garment measurements, inches and centimetres) and the answers holding charts."""
    lengths = obj(MEASUREMENTS, {name: POSITIVE for name in MEASUREMENTS})
    how = {"type": "string", "minLength": 1}
    return {
        "SizeChart": obj(
            ("id", "name", "fit", "fabric", "measurements", "sizes", "tolerance", "how_to_measure"),
            {
                "id": {"type": "string", "examples": ["unisex-classic-tee"]},
                "name": {"type": "string"},
                "fit": {"type": "string"},
                "fabric": {"type": "string"},
                "measurements": {
                    "type": "array",
                    "items": {"type": "string", "enum": list(MEASUREMENTS)},
                    "description": "The columns, in order.",
                },
                "sizes": {
                    "type": "array",
                    "minItems": 1,
                    "description": "One row a size, smallest first: garment measurements taken flat "
                    "(chest: armpit to armpit, doubled), in inches and in centimetres (rounded).",
                    "items": obj(
                        ("size", "inches", "cm"), {"size": {"type": "string"}, "inches": lengths, "cm": lengths}
                    ),
                },
                "tolerance": obj(
                    ("inches", "cm"),
                    {"inches": POSITIVE, "cm": POSITIVE},
                    description="How far a printed garment may differ from its row.",
                ),
                "how_to_measure": obj(HOW_TO_MEASURE_KEYS, {key: how for key in HOW_TO_MEASURE_KEYS}),
            },
        ),
        "SizeChartList": obj(
            ("status", "data", "count"),
            {"status": SUCCESS, "data": {"type": "array", "items": ref("SizeChart")}, "count": COUNT},
        ),
        "SizeChartAnswer": obj(("status", "data"), {"status": SUCCESS, "data": ref("SizeChart")}),
    }


def delivery_schemas() -> dict:
    """The delivery estimate of an order placed today."""
    days = obj(("min", "max"), {"min": COUNT, "max": COUNT})
    day = {"type": "string", "format": "date"}
    return {
        "DeliveryEstimateAnswer": obj(
            ("status", "data"),
            {
                "status": SUCCESS,
                "data": obj(
                    ("ordered_on", "earliest", "latest", "print_days", "transit_days"),
                    {
                        "ordered_on": {**day, "description": "Today, in India."},
                        "earliest": day,
                        "latest": day,
                        "print_days": {**days, "description": "Working days (Monday to Friday) to print."},
                        "transit_days": {**days, "description": "Calendar days with the courier."},
                    },
                ),
            },
        ),
    }
