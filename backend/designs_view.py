"""The public shape of a design (GET /api/designs): its details, its variants with live price and
stock, its price range, colours and sizes, and its size chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import money_json
from .products_view import public_product

if TYPE_CHECKING:
    from .storage.designs import Designs
    from .storage.size_charts import SizeCharts

DETAIL_FIELDS = ("id", "slug", "name", "story", "fabric", "gsm", "fit", "care", "category", "hsn", "print")
VARIANT_FIELDS = ("sku", "colour", "size", "price", "stock_quantity", "in_stock")


def public_design(design: dict, products: dict[str, dict], size_charts: SizeCharts | None = None) -> dict:
    """What the public routes show of `design`, priced from `products` (the store's live SKU →
    product); no Qikink mapping."""
    variants = []
    for sku in design["skus"]:
        product = public_product(products[sku], size_charts)
        variants.append({field: product.get(field) for field in VARIANT_FIELDS})
    prices = [products[sku]["price"] for sku in design["skus"]]
    view = {field: design[field] for field in DETAIL_FIELDS}
    view["categories"] = [design["category"]]
    view["variants"] = variants
    view["colours"] = list(dict.fromkeys(v["colour"] for v in variants if v["colour"]))
    view["sizes"] = list(dict.fromkeys(v["size"] for v in variants if v["size"]))
    view["price_range"] = {"min": money_json(min(prices)), "max": money_json(max(prices))}
    view["in_stock"] = any(v["in_stock"] for v in variants)
    first = products[design["skus"][0]]
    view["size_chart"] = size_charts.chart_id_for(first) if size_charts else None
    view["photos"] = design_photos(design, products)
    return view


def design_photos(design: dict, products: dict[str, dict]) -> list:
    """The design's own photos, then its variants' (`photos` on a product; each marked with its
    variant's colour when it names none), each once: the product page shows the chosen colour's."""
    photos = list(design["photos"])
    for sku in design["skus"]:
        product = products[sku]
        for photo in product.get("photos") or []:
            if isinstance(photo, dict) and product.get("colour") and "colour" not in photo:
                photo = {**photo, "colour": product["colour"]}
            if photo not in photos:
                photos.append(photo)
    return photos


def public_designs(designs: Designs, products: dict[str, dict], size_charts: SizeCharts | None = None) -> list[dict]:
    """Every design whose variants are all still in the store (catalogue order)."""
    return [
        public_design(design, products, size_charts)
        for design in designs.designs.values()
        if all(sku in products for sku in design["skus"])
    ]
