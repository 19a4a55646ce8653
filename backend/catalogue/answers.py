"""The console's view of the catalogue (GET /api/catalogue): every design with every variant,
published or not, each variant with whether it can be published, its problems in plain words and
its margin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..errors import NotFound
from ..models import money_json
from ..qikink.mapping import mapping_problem
from ..storage.designs import design_id_of
from .margin import MarginSettings, gst_rate, margin, variant_cost

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..billing.gst import GstRules
    from ..storage.interface import OrderStore
    from .shelf import Shelf
    from .size_charts import StoredSizeCharts

DESIGN_FIELDS = ("id", "slug", "name", "story", "fabric", "gsm", "fit", "care", "category", "hsn", "print")
MONEY_PARTS = ("price", "gst", "qikink_cost", "shipping", "gateway_fee", "gst_on_gateway_fee", "margin")


@dataclass
class CatalogueAnswers:
    """What GET /api/catalogue and the edits answer, from one store's catalogue."""

    store: OrderStore
    shelf: Shelf
    size_charts: StoredSizeCharts
    margins: MarginSettings
    gst_rules: GstRules | None
    today: Callable[[], date] = date.today

    def designs(self) -> list[dict]:
        """Every design, catalogue order, with its variants (a new design may have none yet)."""
        snapshot = self.store.catalogue_snapshot()
        grouped = self.shelf.designs(on_sale=False).designs
        products = self.store.products()
        on_sale = snapshot.on_sale()
        views = []
        order = [entry["id"] for entry in snapshot.designs] + [d for d in grouped if snapshot.design_entry(d) is None]
        for design_id in order:
            entry = snapshot.design_entry(design_id) or {}
            design = grouped.get(design_id) or {**entry, "skus": []}
            views.append(self._design(design, entry, products, on_sale))
        return views

    def design(self, design_id: str) -> dict:
        found = next((view for view in self.designs() if view["id"] == design_id), None)
        if found is None:
            raise NotFound(f"No design {design_id}")
        return found

    def variant(self, sku: str) -> dict:
        product = self.store.catalogue.get(sku)
        if product is None:
            raise NotFound(f"No variant with SKU {sku}")
        design = self.design(design_id_of(sku, product))
        return next(v for v in design["variants"] if v["sku"] == sku)

    def _design(self, design: dict, entry: dict, products: dict, on_sale: dict) -> dict:
        view = {field: design.get(field) for field in DESIGN_FIELDS}
        view["size_chart"] = entry.get("size_chart")
        view["published"] = bool(entry.get("published", True))
        variants = [self._variant(products[sku], sku in on_sale) for sku in design["skus"] if sku in products]
        view["on_sale"] = view["published"] and any(v["on_sale"] for v in variants)
        view["page"] = f"/p/{view['slug']}" if view["slug"] else None
        view["photos"] = f"/api/photos?design={view['id']}"
        problems = []
        if view["published"] and not any(v["published"] for v in variants):
            problems.append("Not shown to shoppers: it has no published variant yet")
        view["problems"] = problems
        view["variants"] = variants
        return view

    def _variant(self, product: dict, on_sale: bool) -> dict:
        price = product["price"]
        parts = margin(
            price,
            self.margins,
            rate=gst_rate(self.gst_rules, product.get("hsn"), price, self.today()),
            qikink_cost=variant_cost(product),
        )
        unmappable = mapping_problem(product)
        problems = []
        if unmappable:
            problems.append(f"Cannot be sent to Qikink ({unmappable}): add its Qikink mapping to publish it")
        if parts["warning"]:
            problems.append(parts["warning"])
        if product.get("published", True) and not on_sale:
            problems.append("Its design is not published: shoppers do not see it")
        if on_sale and product["stock_quantity"] <= 0:
            problems.append("Sold out: shoppers see it but cannot buy it")
        return {
            "sku": product["sku"],
            "colour": product.get("colour"),
            "size": product.get("size"),
            "price": money_json(price),
            "stock_quantity": product["stock_quantity"],
            "published": bool(product.get("published", True)),
            "on_sale": on_sale,
            "qikink": product.get("qikink"),
            "publishable": unmappable is None,
            "problems": problems,
            "margin": margin_json(parts),
        }


def margin_json(parts: dict) -> dict:
    """The margin's parts as JSON: rupees as numbers, percentages as numbers, the warning or null."""
    view = {key: money_json(parts[key]) for key in MONEY_PARTS}
    view["gst_rate"] = float(parts["gst_rate"])
    view["margin_percent"] = float(parts["margin_percent"])
    view["qikink_cost_from"] = parts["qikink_cost_from"]
    view["warning"] = parts["warning"]
    return view
