"""JSON Schemas of products: the admin's product patch (PATCH /api/products/{sku}) and the product
answers (GET /api/products, GET /api/products/{sku})."""

from __future__ import annotations

from ..designs_view import DETAIL_FIELDS, VARIANT_FIELDS
from ..models import PRODUCT_PATCH_FIELDS, PRODUCT_PRICE_RANGE, SKU_RE, STOCK_RANGE
from ..products_view import PUBLIC_FIELDS
from ..storage.designs import SLUG_RE
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
                "design": {
                    "type": "string",
                    "description": "The id of the design this SKU is a variant of (GET /api/designs).",
                    "examples": ["BHRT-001"],
                },
                "colour": {**STRING_OR_NULL, "examples": ["White"]},
            },
        ),
        "ProductList": obj(
            ("status", "data", "count"),
            {"status": SUCCESS, "data": {"type": "array", "items": ref("Product")}, "count": COUNT},
        ),
        "ProductAnswer": obj(("status", "data"), {"status": SUCCESS, "data": ref("Product")}),
        **design_schemas(),
        **size_chart_schemas(),
        **delivery_schemas(),
    }


def design_schemas() -> dict:
    """A design (details, variants, price range) and the answers holding designs."""
    text_or_null = STRING_OR_NULL
    variant = obj(
        VARIANT_FIELDS,
        {
            "sku": {"type": "string", "pattern": SKU_RE.pattern},
            "colour": text_or_null,
            "size": text_or_null,
            "price": MONEY,
            "stock_quantity": COUNT,
            "in_stock": {"type": "boolean", "description": "False: sold out (shown, not orderable)."},
        },
    )
    names = {"type": "array", "items": {"type": "string"}}
    return {
        "Design": obj(
            (*DETAIL_FIELDS, "categories", "variants", "colours", "sizes", "price_range", "in_stock", "size_chart"),
            {
                "id": {"type": "string", "examples": ["BHRT-001"]},
                "slug": {"type": "string", "pattern": SLUG_RE.pattern, "examples": ["heritage-print-t-shirt"]},
                "name": {"type": "string"},
                "story": {"type": "string"},
                "fabric": text_or_null,
                "gsm": {
                    "type": ["integer", "null"],
                    "minimum": 1,
                    "description": "Fabric weight, grams a square metre.",
                },
                "fit": text_or_null,
                "care": text_or_null,
                "category": {"type": "string"},
                "hsn": text_or_null,
                "print": text_or_null,
                "categories": names,
                "variants": {"type": "array", "minItems": 1, "items": variant},
                "colours": {**names, "description": "The variants' colours, in catalogue order."},
                "sizes": {**names, "description": "The variants' sizes, in catalogue order."},
                "price_range": obj(("min", "max"), {"min": MONEY, "max": MONEY}),
                "in_stock": {"type": "boolean", "description": "Whether any variant can be ordered."},
                "size_chart": STRING_OR_NULL,
                "photos": {"type": "array", "description": "The design's photos (none until some are added)."},
            },
        ),
        "DesignList": obj(
            ("status", "data", "count"),
            {"status": SUCCESS, "data": {"type": "array", "items": ref("Design")}, "count": COUNT},
        ),
        "DesignAnswer": obj(("status", "data"), {"status": SUCCESS, "data": ref("Design")}),
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
