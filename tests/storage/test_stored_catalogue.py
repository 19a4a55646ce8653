"""The stored catalogue (stored_catalogue.py), on the journal store, its in-memory twin and
PostgreSQL: seeded from the file on first start, edits kept across restarts, a SKU new in the file
added, new SKUs stocked and orderable, and one catalogue for every server of a PostgreSQL fleet."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from backend.config import Config
from backend.storage import JournalOrderStore, load_catalogue
from backend.storage.designs import load_design_entries
from tests.storage.order_builder import builder

NEW_VARIANT = {
    "sku": "BHRT-009-L",
    "design": "BHRT-009",
    "name": "Kolam Tee",
    "description": "A kolam of rice flour dots",
    "category": "mens",
    "price": "899.50",
    "stock_quantity": 7,
    "size": "L",
    "colour": "White",
    "published": False,
}


def add_variant(document: dict) -> str:
    document["products"].append(dict(NEW_VARIANT))
    return "added"


def reopen(store, data_dir, request):
    """The same store as a server started again (or a second server of the fleet) would open it."""
    kind = type(store).__name__
    if kind == "JournalOrderStore":
        return JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    if kind == "PostgresOrderStore":
        from backend.storage.postgres import open_postgres_store

        other = open_postgres_store(Config(data_dir=data_dir, database_url=store.url, database_pool_max=2))
        request.addfinalizer(other.close)
        return other
    pytest.skip("the in-memory store lives as long as its process")


def test_seeded_from_the_file_every_variant_published(store, data_dir):
    file_products = load_catalogue(data_dir / "products.json")
    assert list(store.catalogue) == list(file_products)
    assert all(product["published"] is True for product in store.catalogue.values())
    assert store.catalogue["BHRT-001-M"]["price"] == Decimal("1299")
    store.seed_catalogue({}, load_design_entries(data_dir / "products.json"))
    snapshot = store.catalogue_snapshot()
    assert [entry["id"] for entry in snapshot.designs][:2] == ["BHRT-001", "BHRT-002"]
    assert snapshot.design_entry("BHRT-001")["published"] is True
    assert snapshot.on_sale().keys() == file_products.keys()


def test_a_new_variant_is_stocked_priced_and_orderable(store):
    before = store.catalogue_snapshot().version
    assert store.change_catalogue(add_variant) == "added"
    assert store.catalogue_snapshot().version > before
    product = store.products()["BHRT-009-L"]
    assert product["price"] == Decimal("899.50") and product["stock_quantity"] == 7
    assert "BHRT-009-L" not in store.catalogue_snapshot().on_sale()  # not published yet
    store.create_order(builder(sku="BHRT-009-L", quantity=2))
    assert store.products()["BHRT-009-L"]["stock_quantity"] == 5
    store.update_product("BHRT-009-L", {"price": Decimal("949")})
    assert store.products()["BHRT-009-L"]["price"] == Decimal("949")


def test_a_change_that_raises_keeps_the_catalogue(store):
    before = store.catalogue_snapshot()

    def broken(document):
        document["products"].clear()
        raise ValueError("refused")

    with pytest.raises(ValueError):
        store.change_catalogue(broken)
    assert store.catalogue_snapshot().version == before.version and store.catalogue == before.products


def test_a_restart_keeps_the_edits_and_adds_a_sku_new_in_the_file(store, data_dir, request):
    store.change_catalogue(add_variant)

    def rename(document):
        for product in document["products"]:
            if product["sku"] == "BHRT-001-M":
                product["colour"] = "Ivory"

    store.change_catalogue(rename)
    document = json.loads((data_dir / "products.json").read_text(encoding="utf-8"))
    added = dict(document["products"][0], sku="BHRT-001-XL", size="XL", stock_quantity=3)
    document["products"].append(added)
    (data_dir / "products.json").write_text(json.dumps(document), encoding="utf-8")
    again = reopen(store, data_dir, request)
    assert again.catalogue["BHRT-001-M"]["colour"] == "Ivory"  # the edit, not the file's White
    assert again.catalogue["BHRT-009-L"]["published"] is False
    assert again.products()["BHRT-001-XL"]["stock_quantity"] == 3


@pytest.mark.postgres
def test_two_postgres_servers_see_one_catalogue(store, data_dir, request):
    if type(store).__name__ != "PostgresOrderStore":
        pytest.skip("a fleet is PostgreSQL's")
    other = reopen(store, data_dir, request)
    assert "BHRT-009-L" not in other.catalogue
    store.change_catalogue(add_variant)
    assert other.catalogue["BHRT-009-L"]["price"] == Decimal("899.50")  # no restart
    assert other.products()["BHRT-009-L"]["stock_quantity"] == 7

    def publish(document):
        for product in document["products"]:
            if product["sku"] == "BHRT-009-L":
                product["published"] = True

    other.change_catalogue(publish)
    assert "BHRT-009-L" in store.catalogue_snapshot().on_sale()


def test_the_journal_backup_holds_the_stored_catalogue(data_dir, tmp_path):
    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    store.change_catalogue(add_variant)
    store.backup(tmp_path / "backup", data_dir / "products.json")
    saved = json.loads((tmp_path / "backup" / "catalogue.json").read_text(encoding="utf-8"))
    assert "BHRT-009-L" in [product["sku"] for product in saved["products"]]


@pytest.mark.postgres
def test_an_import_into_postgres_takes_the_edited_catalogue_and_an_export_writes_it(
    data_dir, database_url, tmp_path, request
):
    from backend.storage.postgres import open_postgres_store
    from backend.storage.transfer import export_data_dir, import_data_dir

    journal = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    journal.change_catalogue(add_variant)
    journal.create_order(builder(sku="BHRT-009-L", quantity=2))
    pg = open_postgres_store(Config(data_dir=data_dir, database_url=database_url, database_pool_max=2))
    request.addfinalizer(pg.close)
    import_data_dir(pg, data_dir)
    assert pg.catalogue["BHRT-009-L"]["published"] is False
    assert pg.products()["BHRT-009-L"]["stock_quantity"] == 5
    export_data_dir(pg, tmp_path / "out", data_dir / "products.json")
    again = JournalOrderStore(tmp_path / "out", load_catalogue(tmp_path / "out" / "products.json"))
    assert again.products()["BHRT-009-L"]["stock_quantity"] == 5
    assert again.catalogue["BHRT-009-L"]["price"] == Decimal("899.50")
