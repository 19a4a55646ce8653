"""The catalogue as the shop runs it: its designs and variants kept beside the orders, seeded from
`products.json` on first start and edited from the console (backend/catalogue/).

One document, `{"version", "designs": [entry], "products": [product], "size_charts": {id: chart}}`,
shaped like the files' sections, each design and variant with `published`; the size charts are
seeded from `size_charts.json` (backend/catalogue/size_charts.py). The live price and stock stay where they
always were (the journal's records, the products table); a product's own `price` and
`stock_quantity` are what a new SKU starts with. Three homes, chosen like the order store:
`<data_dir>/catalogue.json` (written atomically, under a file lock, read again only when it
changed), PostgreSQL (postgres_catalogue.py, migration 006: one row every server reads, its
version checked on each read) and memory.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from filelock import FileLock

from .atomic import CorruptFile, read_json, write_json
from .designs import design_id_of
from .errors import StoreStartupError

CATALOGUE_NAME = "catalogue.json"
# mutate(document) changes the stored document in place and returns what the caller answers;
# raising leaves the stored catalogue as it was.
ChangeCatalogue = Callable[[dict], Any]


@dataclass(frozen=True)
class CatalogueSnapshot:
    """The stored catalogue at one version: design entries (catalogue order) and SKU → product
    (Decimal price), both with `published`."""

    version: int
    designs: list[dict] = field(default_factory=list)
    products: dict[str, dict] = field(default_factory=dict)
    size_charts: dict[str, dict] = field(default_factory=dict)  # chart id → chart, as size_charts.json has them

    def design_entry(self, design_id: str) -> dict | None:
        return next((entry for entry in self.designs if entry["id"] == design_id), None)

    def on_sale(self) -> dict[str, dict]:
        """SKU → product of what shoppers see and may order: published variants of published
        designs (a design the section does not describe counts as published)."""
        hidden = {entry["id"] for entry in self.designs if not entry.get("published", True)}
        return {
            sku: product
            for sku, product in self.products.items()
            if product.get("published", True) and design_id_of(sku, product) not in hidden
        }


class StoredCatalogue(Protocol):
    """Where the catalogue document lives (memory, a file, a PostgreSQL row)."""

    def snapshot(self) -> CatalogueSnapshot: ...

    def change(self, mutate: ChangeCatalogue) -> Any: ...


def empty_document() -> dict:
    return {"version": 0, "designs": [], "products": []}


def price_text(price) -> str:
    return str(Decimal(str(price)).quantize(Decimal("0.01")))


def stored_product(product: dict, *, published: bool = True) -> dict:
    """A product as the document keeps it: JSON only (the price as text, exact)."""
    stored = dict(product)
    stored["price"] = price_text(product["price"])
    stored.setdefault("published", published)
    return stored


def document_of(snapshot: CatalogueSnapshot) -> dict:
    """The stored document of a snapshot (what an export writes as catalogue.json)."""
    return {
        "version": snapshot.version,
        "designs": list(snapshot.designs),
        "products": [stored_product(product) for product in snapshot.products.values()],
        "size_charts": dict(snapshot.size_charts),
    }


def snapshot_of(document: dict) -> CatalogueSnapshot:
    products = {}
    for product in document.get("products", []):
        product = dict(product)
        product["price"] = Decimal(str(product["price"]))
        products[product["sku"]] = product
    return CatalogueSnapshot(
        int(document.get("version", 0)),
        list(document.get("designs", [])),
        products,
        dict(document.get("size_charts", {})),
    )


def seed_document(document: dict, products: dict[str, dict], designs: list[dict]) -> bool:
    """Add to `document` the SKUs and design entries it lacks (published, as the file has them);
    what it holds already keeps its edits. True when something was added."""
    known_skus = {product["sku"] for product in document["products"]}
    known_designs = {entry["id"] for entry in document["designs"]}
    added = False
    for sku, product in products.items():
        if sku not in known_skus:
            document["products"].append(stored_product(product))
            added = True
    for entry in designs:
        if entry["id"] not in known_designs:
            document["designs"].append({**entry, "published": entry.get("published", True)})
            known_designs.add(entry["id"])
            added = True
    return added


class MemoryCatalogue:
    """The catalogue of the in-memory order store."""

    def __init__(self):
        self._document = empty_document()
        self._snapshot = snapshot_of(self._document)
        self._lock = threading.RLock()

    def snapshot(self) -> CatalogueSnapshot:
        return self._snapshot

    def change(self, mutate: ChangeCatalogue) -> Any:
        with self._lock:
            document = copy.deepcopy(self._document)
            result = mutate(document)
            document["version"] = self._document["version"] + 1
            self._document, self._snapshot = document, snapshot_of(document)
            return result

    def seed(self, products: dict[str, dict], designs: list[dict]) -> None:
        with self._lock:
            document = copy.deepcopy(self._document)
            if seed_document(document, products, designs):
                document["version"] += 1
                self._document, self._snapshot = document, snapshot_of(document)


class FileCatalogue:
    """`<data_dir>/catalogue.json`, shared by the processes on one data directory: changed under a
    file lock, replaced atomically, read again only when its stat changes."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / CATALOGUE_NAME
        self._lock = FileLock(str(Path(data_dir) / ".catalogue.lock"), timeout=10)
        self._cache: tuple[tuple, CatalogueSnapshot, dict] | None = None
        self._memory_lock = threading.Lock()

    def _read(self) -> tuple[CatalogueSnapshot, dict]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            document = empty_document()
            return snapshot_of(document), document
        key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        cached = self._cache
        if cached is None or cached[0] != key:
            try:
                document = read_json(self.path, dict)
            except CorruptFile as exc:
                raise StoreStartupError(
                    f"Stored catalogue {exc.path} is unreadable: {exc.problem}. Restore it from a backup, "
                    "or move it aside to start again from the catalogue file (edits made in the console are lost)."
                ) from None
            with self._memory_lock:
                self._cache = cached = (key, snapshot_of(document), document)
        return cached[1], cached[2]

    def snapshot(self) -> CatalogueSnapshot:
        return self._read()[0]

    def document(self) -> dict:
        """A copy of the stored document (what an import into PostgreSQL takes over)."""
        return copy.deepcopy(self._read()[1])

    def change(self, mutate: ChangeCatalogue) -> Any:
        with self._lock:
            current, stored = self._read()
            document = copy.deepcopy(stored)
            result = mutate(document)
            document["version"] = current.version + 1
            write_json(self.path, document)
            return result

    def seed(self, products: dict[str, dict], designs: list[dict]) -> None:
        with self._lock:
            _current, stored = self._read()
            document = copy.deepcopy(stored)
            if seed_document(document, products, designs) or not self.path.exists():
                document["version"] = int(document.get("version", 0)) + 1
                write_json(self.path, document)
