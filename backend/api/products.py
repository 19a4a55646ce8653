"""/api/products: the catalogue with live prices and stock."""

from flask import Blueprint, request

from ..errors import NotFound
from ..models import validate_product_patch
from ..photos.service import design_of
from ..products_view import public_product
from . import json_body, require_admin, services

bp = Blueprint("products", __name__, url_prefix="/api/products")


@bp.get("")
def list_products():
    products = products_data(request.args.get("category"))
    return {"status": "success", "data": products, "count": len(products)}


def products_data(category: str | None = None) -> list[dict]:
    """GET /api/products' `data` (also in the storefront's HTML: first_screen.py)."""
    shop = services()
    photos = shop.photos.by_design() if shop.photos is not None else {}
    charts = shop.size_charts.current()
    products = [
        {**public_product(p, charts), "photos": photos.get(design_of(p), [])}
        for p in shop.shelf.products().values()
        if category is None or p["category"].lower() == category.strip().lower()
    ]
    return products


@bp.get("/<sku>")
def get_product(sku):
    product = services().shelf.products().get(sku)
    if product is None:
        raise NotFound(f"No product with SKU {sku}")
    photos = services().photos.by_design().get(design_of(product), [])
    return {
        "status": "success",
        "data": {**public_product(product, services().size_charts.current()), "photos": photos},
    }


@bp.patch("/<sku>")
def patch_product(sku):
    require_admin()
    if sku not in services().store.catalogue:
        raise NotFound(f"No product with SKU {sku}")
    changes = validate_product_patch(json_body())
    product = services().store.update_product(sku, changes)
    return {"status": "success", "data": public_product(product, services().size_charts.current())}
