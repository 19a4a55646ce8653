"""GET /api/designs: every SKU of the catalogue is a variant of exactly one design; the product
answers keep their fields (with `design` and `colour` added); an unknown slug is a 404."""

from __future__ import annotations

import json

import pytest

from backend.storage.designs import build_designs, design_id_of
from backend.storage.errors import StoreStartupError
from tests.harness import ROOT

GUIDE_FIELDS = {"sku", "name", "description", "price", "stock_quantity", "category", "manufacturer", "origin"}


def test_every_sku_is_a_variant_of_exactly_one_design(client):
    skus = [p["sku"] for p in client.get("/api/products").get_json()["data"]]
    answer = client.get("/api/designs").get_json()
    assert answer["count"] == len(answer["data"]) == 7
    variants = [v["sku"] for design in answer["data"] for v in design["variants"]]
    assert sorted(variants) == sorted(skus) and len(set(variants)) == len(variants)
    heritage = answer["data"][0]
    assert heritage["id"] == "BHRT-001" and heritage["slug"] == "heritage-print-t-shirt"
    assert [v["sku"] for v in heritage["variants"]] == ["BHRT-001-M", "BHRT-001-L"]
    assert heritage["sizes"] == ["M", "L"] and heritage["colours"] == ["White"]
    assert heritage["price_range"] == {"min": 1299, "max": 1299}
    assert heritage["fabric"] and heritage["gsm"] == 180 and heritage["fit"] and heritage["care"]
    assert heritage["size_chart"] and heritage["categories"] == ["mens"]


def test_the_product_answers_keep_the_guides_fields_and_add_design_and_colour(client):
    products = client.get("/api/products").get_json()
    assert products["count"] == 8
    for product in products["data"]:
        assert GUIDE_FIELDS <= set(product)
        assert product["design"] == product["sku"].rpartition("-")[0]
    one = client.get("/api/products/BHRT-007-XL").get_json()["data"]
    assert one["price"] == 949 and one["stock_quantity"] == 0 and one["colour"] == "Black"
    assert one["in_stock"] is False and one["size"] == "XL"


def test_one_design_by_slug_with_live_stock_and_sold_out_variants(client):
    client.patch("/api/products/BHRT-001-L", json={"stock_quantity": 0, "price": 1349})
    design = client.get("/api/designs/heritage-print-t-shirt").get_json()["data"]
    by_sku = {v["sku"]: v for v in design["variants"]}
    assert by_sku["BHRT-001-L"]["in_stock"] is False and by_sku["BHRT-001-L"]["price"] == 1349
    assert design["in_stock"] is True and design["price_range"] == {"min": 1299, "max": 1349}
    sold_out = client.get("/api/designs/phulkari-pocket-tee").get_json()["data"]
    assert sold_out["in_stock"] is False


def test_an_unknown_slug_is_a_404_envelope(client):
    answer = client.get("/api/designs/no-such-tee")
    assert answer.status_code == 404 and answer.get_json()["status"] == "error"


def test_the_category_filter(client):
    womens = client.get("/api/designs?category=WOMENS").get_json()["data"]
    assert [d["id"] for d in womens] == ["BHRT-003", "BHRT-006"]


def test_a_design_key_groups_colours_and_undescribed_designs_are_made_from_their_variants():
    catalogue = {
        "BHRT-001-M": {"sku": "BHRT-001-M", "name": "Heritage", "category": "mens", "description": "d"},
        "BHRT-001-BK-M": {"sku": "BHRT-001-BK-M", "design": "BHRT-001", "name": "Heritage", "category": "mens"},
        "MUG": {"sku": "MUG", "name": "Mug", "category": "home", "description": "A mug"},
    }
    designs = build_designs([{"id": "BHRT-001", "slug": "heritage", "gsm": 180}], catalogue)
    assert designs.designs["BHRT-001"]["skus"] == ["BHRT-001-M", "BHRT-001-BK-M"]
    assert designs.by_slug("mug")["story"] == "A mug" and design_id_of("MUG", {}) == "MUG"
    assert designs.of_sku("BHRT-001-BK-M")["slug"] == "heritage"


@pytest.mark.parametrize(
    "entries",
    [[{"id": "A", "gsm": "heavy"}], [{"id": "A", "slug": "Not A Slug"}], [{"id": "A"}, {"id": "A"}], [{}]],
)
def test_a_malformed_designs_section_stops_the_start(entries):
    with pytest.raises(StoreStartupError):
        build_designs(entries, {"A-M": {"sku": "A-M", "name": "A", "category": "mens"}})


def test_the_shipped_catalogue_describes_every_design():
    document = json.loads((ROOT / "data" / "products.json").read_text(encoding="utf-8"))
    described = {entry["id"] for entry in document["designs"]}
    assert {design_id_of(p["sku"], p) for p in document["products"]} == described


def test_a_designs_photos_gather_its_variants_photos_with_their_colour():
    from backend.designs_view import design_photos

    design = {"photos": [{"url": "/a.jpg"}], "skus": ["A-M", "A-L"]}
    products = {
        "A-M": {"colour": "Black", "photos": [{"url": "/b.jpg"}]},
        "A-L": {"colour": "Black", "photos": [{"url": "/b.jpg"}]},
    }
    assert design_photos(design, products) == [{"url": "/a.jpg"}, {"url": "/b.jpg", "colour": "Black"}]


@pytest.mark.parametrize("field", ["design", "colour"])
def test_a_catalogue_with_a_design_or_colour_that_is_not_text_stops_the_start(tmp_path, field):
    from backend.storage.catalogue import load_catalogue

    document = json.loads((ROOT / "data" / "products.json").read_text(encoding="utf-8"))
    document["products"][0][field] = 7
    path = tmp_path / "products.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(StoreStartupError, match=f"{field} must be text"):
        load_catalogue(path)


def test_a_designs_photos_come_from_the_photo_store_as_its_products_have_them(client):
    """The sample mockups (seeded into the photo store on first use) show on the product page too."""
    products = {p["sku"]: p for p in client.get("/api/products").get_json()["data"]}
    design = client.get("/api/designs/warli-village-tee").get_json()["data"]
    assert design["photos"] and design["photos"][0]["src"].startswith("/photos/")
    assert design["photos"][0]["src"] == products["BHRT-002-M"]["photos"][0]["src"]
    listed = {d["slug"]: d for d in client.get("/api/designs").get_json()["data"]}
    assert listed["warli-village-tee"]["photos"] == design["photos"]
