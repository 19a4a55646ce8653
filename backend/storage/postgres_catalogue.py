"""The stored catalogue in PostgreSQL (migration 006): one row every server of a fleet reads. Each
read asks for the row's version (a primary-key look-up) and fetches the document only when
another server changed it, so an edit is seen everywhere without a restart."""

from __future__ import annotations

import copy
import threading
from typing import Any

from psycopg.types.json import Jsonb

from .stored_catalogue import CatalogueSnapshot, ChangeCatalogue, seed_document, snapshot_of


class PostgresCatalogue:
    """The `catalogue` row (and the products rows of its SKUs), read and changed on a connection
    the order store hands in."""

    def __init__(self):
        self._cached: tuple[CatalogueSnapshot, dict] | None = None
        self._lock = threading.Lock()

    def snapshot(self, conn) -> CatalogueSnapshot:
        version = conn.execute("SELECT version FROM catalogue WHERE id = 1").fetchone()[0]
        cached = self._cached
        if cached is not None and cached[0].version == version:
            return cached[0]
        row = conn.execute("SELECT version, document FROM catalogue WHERE id = 1").fetchone()
        return self._keep(row[0], row[1])[0]

    def _keep(self, version: int, document: dict) -> tuple[CatalogueSnapshot, dict]:
        document = {**document, "version": int(version)}
        kept = (snapshot_of(document), document)
        with self._lock:
            self._cached = kept
        return kept

    def change(self, conn, mutate: ChangeCatalogue) -> Any:
        """`mutate(document)` under the row's lock, in the caller's transaction."""
        version, stored = conn.execute("SELECT version, document FROM catalogue WHERE id = 1 FOR UPDATE").fetchone()
        document = copy.deepcopy(stored)
        result = mutate(document)
        self._save(conn, version + 1, document)
        self._add_new_products(conn, document)
        return result

    def seed(self, conn, products: dict[str, dict], designs: list[dict]) -> None:
        version, stored = conn.execute("SELECT version, document FROM catalogue WHERE id = 1 FOR UPDATE").fetchone()
        document = copy.deepcopy(stored)
        if seed_document(document, products, designs):
            self._save(conn, version + 1, document)
        self._add_new_products(conn, document)

    def _add_new_products(self, conn, document: dict) -> None:
        """A SKU new to the catalogue gets its products row, with the catalogue's stock (its price
        stays the catalogue's until it is changed)."""
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO products (sku, stock) VALUES (%s, %s) ON CONFLICT (sku) DO NOTHING",
                [(product["sku"], int(product["stock_quantity"])) for product in document["products"]],
            )

    def _save(self, conn, version: int, document: dict) -> None:
        document.pop("version", None)
        conn.execute("UPDATE catalogue SET version = %s, document = %s WHERE id = 1", (version, Jsonb(document)))
        # Not cached here: the transaction may still roll back; the next read fetches it.
