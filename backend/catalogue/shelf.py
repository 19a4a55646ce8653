"""What shoppers see of the stored catalogue: the designs and variants on sale, with live prices
and stock. Rebuilt only when the stored catalogue's version moves."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ..storage.designs import Designs, build_designs, design_id_of

if TYPE_CHECKING:
    from ..storage.interface import OrderStore


class Shelf:
    """The designs of one order store's catalogue: on sale (the storefront) or all (the console)."""

    def __init__(self, store: OrderStore):
        self.store = store
        self._cache: dict[bool, tuple[int, Designs]] = {}
        self._lock = threading.Lock()

    def designs(self, *, on_sale: bool = True) -> Designs:
        """The designs grouped from the stored catalogue: with `on_sale`, only published designs
        and their published variants (a design without one is left out)."""
        snapshot = self.store.catalogue_snapshot()
        cached = self._cache.get(on_sale)
        if cached is not None and cached[0] == snapshot.version:
            return cached[1]
        if on_sale:
            products = snapshot.on_sale()
            entries = [entry for entry in snapshot.designs if entry.get("published", True)]
        else:
            products, entries = snapshot.products, snapshot.designs
        designs = build_designs(entries, products, where="Stored catalogue")
        with self._lock:
            self._cache[on_sale] = (snapshot.version, designs)
        return designs

    def products(self) -> dict[str, dict]:
        """SKU → product with live price and stock, of what is on sale."""
        on_sale = self.store.catalogue_snapshot().on_sale()
        return {sku: product for sku, product in self.store.products().items() if sku in on_sale}

    def design_ids(self) -> set[str]:
        """Every design id, on sale or not (photos may be added before a design is published)."""
        snapshot = self.store.catalogue_snapshot()
        return {entry["id"] for entry in snapshot.designs} | {
            design_id_of(sku, product) for sku, product in snapshot.products.items()
        }
