"""The public shape of a product: what the storefront's routes and the OpenAPI document show."""

from __future__ import annotations

from .models import money_json

PUBLIC_FIELDS = ("sku", "name", "description", "price", "stock_quantity", "category", "manufacturer", "origin")


def public_product(product: dict) -> dict:
    """What the public routes show: the guide's fields plus whether it can be ordered (no mapping)."""
    view = {field: product.get(field) for field in PUBLIC_FIELDS}
    view["price"] = money_json(product["price"])
    view["in_stock"] = product["stock_quantity"] > 0
    for extra in ("size", "print"):
        if extra in product:
            view[extra] = product[extra]
    return view
