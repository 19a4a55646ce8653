"""The console's changes to the catalogue: new designs and variants, their fields, publishing.

Every change is checked by the catalogue loader's own rules (`product_problem`, the design entries,
the size charts) on the catalogue it would make, then saved all or nothing. A variant is
published only with a Qikink mapping that can be sent; SKUs never change (an order names them);
prices and stock go where they always lived (`update_product`). Each change is logged at INFO:
what changed, never who bought what."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from ..errors import CatalogueConflict, NotFound, NotPublishable, ValidationError
from ..qikink.mapping import mapping_problem
from ..storage.catalogue import normalised_product, product_problem
from ..storage.designs import build_designs, design_entry_problem, design_id_of, slugify
from ..storage.errors import StoreStartupError
from ..storage.stored_catalogue import price_text, snapshot_of, stored_product
from .requests import design_changes, variant_changes

if TYPE_CHECKING:
    from ..storage.interface import OrderStore
    from .size_charts import StoredSizeCharts

log = logging.getLogger(__name__)

PROPAGATED = ("name", "category", "hsn", "print", "size_chart")  # a design's fields its variants carry too


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError.from_fields([{"field": field, "message": message}])


class CatalogueEditor:
    """Changes to one store's catalogue, checked against its size charts."""

    def __init__(self, store: OrderStore, size_charts: StoredSizeCharts):
        self.store = store
        self.size_charts = size_charts

    # --- designs -----------------------------------------------------------------------------
    def create_design(self, body: dict) -> str:
        """A new design, unpublished until staff publish it; its id (given, or the next BHRT-NNN)."""
        changes = design_changes(body, new=True)

        def create(document: dict) -> str:
            taken = {entry["id"] for entry in document["designs"]}
            taken |= {design_id_of(p["sku"], p) for p in document["products"]}
            design_id = changes.pop("id", None) or _next_design_id(taken)
            if design_id in taken:
                raise CatalogueConflict(f"A design with id {design_id} exists already")
            slugs = {entry.get("slug") for entry in document["designs"]}
            slug = changes.pop("slug", None) or _free_slug(slugify(changes["name"]), slugs)
            entry = {"id": design_id, "slug": slug, "published": False, **changes}
            document["designs"].append(entry)
            self._check(document, f"design {design_id}")
            return design_id

        design_id = self.store.change_catalogue(create)
        log.info("Catalogue: design %s created (unpublished)", design_id)
        return design_id

    def change_design(self, design_id: str, body: dict) -> None:
        """Change a design's fields; name, category, HSN, print and size chart reach its variants."""
        changes = design_changes(body)

        def change(document: dict) -> None:
            entry = self._entry(document, design_id)
            entry.update(changes)
            for product in document["products"]:
                if design_id_of(product["sku"], product) == design_id:
                    for field in PROPAGATED:
                        if field in changes:
                            _set(product, field, changes[field])
            self._check(document, f"design {design_id}")

        self.store.change_catalogue(change)
        log.info("Catalogue: design %s changed (%s)", design_id, ", ".join(sorted(changes)))

    def _entry(self, document: dict, design_id: str) -> dict:
        """The design's entry in `document`; a design known only from its variants gets one."""
        entry = next((e for e in document["designs"] if e["id"] == design_id), None)
        if entry is not None:
            return entry
        variants = [p for p in document["products"] if design_id_of(p["sku"], p) == design_id]
        if not variants:
            raise NotFound(f"No design {design_id}")
        first = variants[0]
        entry = {"id": design_id, "slug": slugify(first["name"]), "name": first["name"], "published": True}
        entry.update({f: first[f] for f in ("category", "hsn", "print") if isinstance(first.get(f), str)})
        entry["story"] = first.get("description", "")
        document["designs"].append(entry)
        return entry

    # --- variants ----------------------------------------------------------------------------
    def add_variant(self, design_id: str, body: dict) -> str:
        """A new variant of `design_id` (unpublished unless asked and mappable); its SKU."""
        changes = variant_changes(body, new=True)

        def add(document: dict) -> str:
            entry = self._entry(document, design_id)
            sku = changes.get("sku") or _sku_for(design_id, changes)
            if any(p["sku"] == sku for p in document["products"]):
                raise CatalogueConflict(f"SKU {sku} exists already: each variant has its own")
            product = {
                "sku": sku,
                "design": design_id,
                "name": entry.get("name") or design_id,
                "description": entry.get("story") or entry.get("name") or design_id,
                "category": entry.get("category") or "unisex",
                "price": changes["price"],
                "stock_quantity": changes.get("stock_quantity", 0),
                "size": changes["size"],
                "published": changes.get("published", False),
            }
            for field in ("hsn", "print", "size_chart"):
                if entry.get(field):
                    product[field] = entry[field]
            for field in ("colour", "qikink"):
                if changes.get(field) is not None:
                    product[field] = changes[field]
            document["products"].append(stored_product(normalised_product(product), published=product["published"]))
            self._check(document, f"variant {sku}")
            return sku

        sku = self.store.change_catalogue(add)
        log.info("Catalogue: variant %s added to design %s", sku, design_id)
        return sku

    def change_variant(self, sku: str, body: dict) -> None:
        """Change a variant: price and stock as PATCH /api/products does, the rest in the catalogue."""
        if sku not in self.store.catalogue:
            raise NotFound(f"No variant with SKU {sku}")
        changes = variant_changes(body)
        live = {key: changes.pop(key) for key in ("price", "stock_quantity") if key in changes}
        if changes:

            def change(document: dict) -> None:
                product = next(p for p in document["products"] if p["sku"] == sku)
                for field, value in changes.items():
                    _set(product, field, value)
                self._check(document, f"variant {sku}")

            self.store.change_catalogue(change)
        if live:
            self.store.update_product(sku, live)
        logged = {**changes, **live}
        log.info(
            "Catalogue: variant %s changed (%s)%s",
            sku,
            ", ".join(sorted(logged)),
            f", price now {price_text(live['price'])}" if "price" in live else "",
        )

    # --- the loader's rules ------------------------------------------------------------------
    def _check(self, document: dict, what: str) -> None:
        """Refuse the change (nothing is saved) when the catalogue it makes breaks a rule."""
        snapshot = snapshot_of(document)
        for sku, product in snapshot.products.items():
            problem = product_problem(product)
            if problem:
                raise _invalid(what, f"cannot be saved: {sku}: {problem}")
            if product.get("published"):
                unmappable = mapping_problem(product)
                if unmappable:
                    raise NotPublishable(
                        f"{sku} cannot be published: it cannot be sent to Qikink ({unmappable}). "
                        "Add its Qikink mapping first.",
                        details=[{"field": "qikink", "message": unmappable}],
                    )
        for entry in snapshot.designs:
            problem = design_entry_problem(entry)
            if problem:
                raise _invalid(what, f"cannot be saved: design {entry.get('id')}: {problem}")
        try:
            build_designs(snapshot.designs, snapshot.products, where="The catalogue")
        except StoreStartupError as exc:  # two designs with one slug
            raise CatalogueConflict(str(exc)) from None
        problem = self.size_charts.of(snapshot).catalogue_problem(snapshot.products)
        if problem:  # the charts are another resource's state: a conflict with them, not a malformed body
            raise CatalogueConflict(f"{what} cannot be saved: {problem}")


def _set(product: dict, field: str, value) -> None:
    if field == "price":
        product[field] = price_text(value)
    elif value is None:
        product.pop(field, None)
    else:
        product[field] = value


def _next_design_id(taken: set[str]) -> str:
    numbers = [int(match[1]) for design_id in taken if (match := re.fullmatch(r"BHRT-(\d+)", design_id))]
    return f"BHRT-{max(numbers, default=0) + 1:03d}"


def _free_slug(slug: str, taken: set) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


def _sku_for(design_id: str, changes: dict) -> str:
    """BHRT-010-M; with a colour, BHRT-010-BLA-M (the first three letters of the colour)."""
    size = re.sub(r"[^A-Za-z0-9]+", "", changes["size"]).upper() or "ONE"
    colour = re.sub(r"[^A-Za-z]+", "", changes.get("colour") or "").upper()[:3]
    return f"{design_id}-{colour}-{size}" if colour else f"{design_id}-{size}"
