"""JSON Schemas of products: the admin's product patch (PATCH /api/products/{sku}) and the product
answers (GET /api/products, GET /api/products/{sku})."""

from __future__ import annotations

from ..models import PRODUCT_PATCH_FIELDS, PRODUCT_PRICE_RANGE, SKU_RE, STOCK_RANGE
from ..products_view import PUBLIC_FIELDS
from .fields import COUNT, MONEY, SUCCESS, number, obj, ref


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
            (*PUBLIC_FIELDS, "in_stock"),
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
                "size": {"type": "string"},
                "print": {"type": "string"},
            },
        ),
        "ProductList": obj(
            ("status", "data", "count"),
            {"status": SUCCESS, "data": {"type": "array", "items": ref("Product")}, "count": COUNT},
        ),
        "ProductAnswer": obj(("status", "data"), {"status": SUCCESS, "data": ref("Product")}),
    }
