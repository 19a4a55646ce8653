"""/api/designs: the catalogue by design (a design's colours × sizes are its variants, the SKUs of
/api/products), with live prices and stock; what the product page /p/<slug> shows."""

from flask import Blueprint, request

from ..designs_view import public_design, public_designs
from ..errors import NotFound
from ..photos.service import design_of
from . import services

bp = Blueprint("designs", __name__, url_prefix="/api/designs")


def _products_with_photos() -> dict[str, dict]:
    """The products on sale with their design's photos from the photo store, as GET /api/products has them."""
    shop = services()
    photos = shop.photos.by_design() if shop.photos is not None else {}
    return {sku: {**p, "photos": photos.get(design_of(p), [])} for sku, p in shop.shelf.products().items()}


@bp.get("")
def list_designs():
    designs = designs_data(request.args.get("category"))
    return {"status": "success", "data": designs, "count": len(designs)}


def designs_data(category: str | None = None) -> list[dict]:
    """GET /api/designs' `data` (also in the storefront's HTML: first_screen.py)."""
    shop = services()
    return [
        design
        for design in public_designs(shop.shelf.designs(), _products_with_photos(), shop.size_charts.current())
        if category is None or design["category"].lower() == category.strip().lower()
    ]


@bp.get("/<slug>")
def get_design(slug):
    shop = services()
    design = shop.shelf.designs().by_slug(slug)
    products = _products_with_photos()
    if design is None or not all(sku in products for sku in design["skus"]):
        raise NotFound(f"No design {slug}")
    return {"status": "success", "data": public_design(design, products, shop.size_charts.current())}
