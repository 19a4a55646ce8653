"""The public shape of a product: what the storefront's routes and the OpenAPI document show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import money_json
from .storage.designs import design_id_of

if TYPE_CHECKING:
    from .storage.size_charts import SizeCharts

PUBLIC_FIELDS = ("sku", "name", "description", "price", "stock_quantity", "category", "manufacturer", "origin")


def public_product(product: dict, size_charts: SizeCharts | None = None) -> dict:
    """What the public routes show: the guide's fields, whether it can be ordered, the id of its
    size chart (GET /api/size-charts/<id>; null without one), its design (GET /api/designs) and
    colour (null when the catalogue names none); no Qikink mapping."""
    view = {field: product.get(field) for field in PUBLIC_FIELDS}
    view["price"] = money_json(product["price"])
    view["in_stock"] = product["stock_quantity"] > 0
    view["size_chart"] = size_charts.chart_id_for(product) if size_charts else None
    view["design"] = design_id_of(product["sku"], product)
    view["colour"] = product.get("colour")
    for extra in ("size", "print"):
        if extra in product:
            view[extra] = product[extra]
    return view
