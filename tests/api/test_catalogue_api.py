"""/api/catalogue: the console's catalogue. New designs and variants start unpublished and stay out
of the storefront and of orders; a variant without a Qikink mapping cannot be published (409 with
why); the loader's rules refuse a broken change; SKUs are unique; every answer carries each
variant's problems and margin; edits survive a restart; the admin key is required."""

from __future__ import annotations

import logging

import pytest

from backend import create_app
from tests.conftest import order_body

MAPPING = {"search_from_my_products": 1, "sku": "KOLAM001L"}
ADMIN_KEY = "k" * 40


def new_design(client, **fields) -> dict:
    body = {"name": "Kolam Tee", "category": "mens", "story": "Rice-flour dots drawn at dawn", "hsn": "6109"}
    answer = client.post("/api/catalogue/designs", json={**body, **fields})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["data"]


def new_variant(client, design_id: str, **fields) -> dict:
    body = {"size": "L", "colour": "White", "price": 999, "stock_quantity": 5}
    answer = client.post(f"/api/catalogue/designs/{design_id}/variants", json={**body, **fields})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["data"]


def shop_skus(client) -> set[str]:
    return {product["sku"] for product in client.get("/api/products").get_json()["data"]}


def test_the_catalogue_lists_every_design_with_its_variants_problems_and_margin(client):
    answer = client.get("/api/catalogue").get_json()
    assert answer["count"] == len(answer["data"]) >= 7
    heritage = answer["data"][0]
    assert heritage["id"] == "BHRT-001" and heritage["published"] and heritage["on_sale"]
    assert heritage["page"] == "/p/heritage-print-t-shirt" and heritage["photos"] == "/api/photos?design=BHRT-001"
    variant = heritage["variants"][0]
    assert variant["sku"] == "BHRT-001-M" and variant["publishable"] is True and variant["on_sale"] is True
    parts = variant["margin"]
    assert parts["price"] == 1299 and parts["gst_rate"] == 5.0 and parts["qikink_cost_from"] == "settings"
    assert parts["margin"] == pytest.approx(1299 - 61.86 - 300 - 65 - 25.98 - 4.68)
    assert variant["problems"] == [] and parts["warning"] is None


def test_a_new_design_and_variant_stay_off_the_shop_until_published(client, caplog):
    caplog.set_level(logging.INFO, logger="backend.catalogue.editing")
    design = new_design(client)
    assert design["id"] == "BHRT-008" and design["slug"] == "kolam-tee" and design["published"] is False
    assert design["variants"] == []
    variant = new_variant(client, design["id"])
    assert variant["sku"] == "BHRT-008-WHI-L" and variant["published"] is False
    assert variant["publishable"] is False
    assert variant["problems"][0].startswith("Cannot be sent to Qikink (qikink mapping is missing)")
    assert "BHRT-008-WHI-L" not in shop_skus(client)
    assert client.get("/api/designs/kolam-tee").status_code == 404
    assert client.get("/p/kolam-tee").status_code == 404
    refused = client.post("/api/orders", json=order_body(items=[{"sku": "BHRT-008-WHI-L", "quantity": 1}]))
    unknown = client.post("/api/orders", json=order_body(items=[{"sku": "NOPE-1", "quantity": 1}]))
    assert refused.status_code == unknown.status_code == 422
    assert refused.get_json()["error"]["details"] == [
        {"field": "items[0].sku", "message": "is not a product in the catalogue"}
    ]
    assert "Catalogue: design BHRT-008 created (unpublished)" in caplog.text
    assert "Catalogue: variant BHRT-008-WHI-L added to design BHRT-008" in caplog.text


def test_a_variant_without_a_mapping_cannot_be_published_then_with_one_it_is_sold(client, caplog):
    caplog.set_level(logging.INFO, logger="backend.catalogue.editing")
    design = new_design(client)
    sku = new_variant(client, design["id"])["sku"]
    refused = client.patch(f"/api/catalogue/variants/{sku}", json={"published": True})
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert (
        error["code"] == "not_publishable"
        and "cannot be sent to Qikink (qikink mapping is missing)" in error["message"]
    )
    published = client.patch(f"/api/catalogue/variants/{sku}", json={"qikink": MAPPING, "published": True})
    assert published.status_code == 200 and published.get_json()["data"]["published"] is True
    assert published.get_json()["data"]["on_sale"] is False  # its design is not published yet
    assert sku not in shop_skus(client)
    shown = client.patch(f"/api/catalogue/designs/{design['id']}", json={"published": True})
    assert shown.status_code == 200 and shown.get_json()["data"]["on_sale"] is True
    assert sku in shop_skus(client)
    page = client.get("/api/designs/kolam-tee").get_json()["data"]
    assert [v["sku"] for v in page["variants"]] == [sku] and page["price_range"] == {"min": 999, "max": 999}
    assert client.get("/p/kolam-tee").status_code == 200
    order = client.post("/api/orders", json=order_body(items=[{"sku": sku, "quantity": 2, "price": 999}]))
    assert order.status_code == 201, order.get_json()
    assert "Catalogue: variant BHRT-008-WHI-L changed (published, qikink)" in caplog.text
    assert "asha" not in caplog.text.lower()  # no personal data in the audit lines


def test_a_published_variant_keeps_a_mapping_that_can_be_sent(client):
    refused = client.patch("/api/catalogue/variants/BHRT-001-M", json={"qikink": {"sku": ""}})
    assert refused.status_code == 409 and refused.get_json()["error"]["details"][0]["field"] == "qikink"
    hidden = client.patch("/api/catalogue/variants/BHRT-001-M", json={"published": False})
    assert hidden.status_code == 200 and "BHRT-001-M" not in shop_skus(client)


def test_a_price_that_loses_money_is_answered_with_the_warning_and_kept(client):
    answer = client.patch("/api/catalogue/variants/BHRT-001-M", json={"price": 349})
    assert answer.status_code == 200
    variant = answer.get_json()["data"]
    assert variant["price"] == 349 and variant["margin"]["margin"] < 0
    assert variant["margin"]["warning"] == "Loses ₹40.86 on each sale"
    assert answer.get_json()["warnings"] == ["Loses ₹40.86 on each sale"]
    assert client.get("/api/products/BHRT-001-M").get_json()["data"]["price"] == 349


def test_a_new_variant_is_made_by_qikink_in_india_like_the_files(client):
    design = new_design(client)
    sku = new_variant(client, design["id"], qikink={**MAPPING, "cost": None}, published=True)["sku"]
    client.patch(f"/api/catalogue/designs/{design['id']}", json={"published": True})
    product = client.get(f"/api/products/{sku}").get_json()["data"]
    assert product["manufacturer"] == "Qikink" and product["origin"] == "India"


def test_the_variants_own_qikink_cost_is_used(client):
    mapping = {"search_from_my_products": 1, "sku": "BHRT001M", "cost": 250.5}
    variant = client.patch("/api/catalogue/variants/BHRT-001-M", json={"qikink": mapping}).get_json()["data"]
    assert variant["margin"]["qikink_cost"] == 250.5 and variant["margin"]["qikink_cost_from"] == "variant"


def test_design_edits_reach_its_variants_and_the_shop(client):
    answer = client.patch(
        "/api/catalogue/designs/BHRT-001", json={"name": "Madhubani Tee", "story": "New words", "gsm": 200}
    )
    assert answer.status_code == 200
    design = answer.get_json()["data"]
    assert design["name"] == "Madhubani Tee" and design["story"] == "New words" and design["gsm"] == 200
    assert client.get("/api/products/BHRT-001-M").get_json()["data"]["name"] == "Madhubani Tee"
    page = client.get("/api/designs/heritage-print-t-shirt").get_json()["data"]
    assert page["name"] == "Madhubani Tee" and page["gsm"] == 200


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/catalogue/designs", {"category": "mens"}, "name"),
        ("/api/catalogue/designs", {"name": "X", "category": "mens", "hsn": "61"}, "hsn"),
        ("/api/catalogue/designs", {"name": "X", "category": "mens", "colour": "Red"}, "colour"),
        ("/api/catalogue/designs/BHRT-001/variants", {"size": "L"}, "price"),
        ("/api/catalogue/designs/BHRT-001/variants", {"size": "L", "price": 0}, "price"),
        ("/api/catalogue/designs/BHRT-001/variants", {"price": 999}, "size"),
        ("/api/catalogue/variants/BHRT-001-M", {"stock_quantity": -1}, "stock_quantity"),
        ("/api/catalogue/variants/BHRT-001-M", {"sku": "BHRT-001-X"}, "sku"),
        ("/api/catalogue/variants/BHRT-001-M", {"published": "yes"}, "published"),
        ("/api/catalogue/variants/BHRT-001-M", {}, "body"),
        ("/api/catalogue/designs/BHRT-001", {"slug": "Not A Slug"}, "slug"),
    ],
)
def test_broken_fields_are_named(client, path, body, field):
    send = client.post if path.endswith(("designs", "variants")) else client.patch
    answer = send(path, json=body)
    assert answer.status_code == 422, answer.get_json()
    assert field in [problem["field"] for problem in answer.get_json()["error"]["details"]]


def test_the_loaders_rules_refuse_a_size_the_chart_lacks_and_a_chart_that_does_not_exist(client):
    answer = client.post("/api/catalogue/designs/BHRT-001/variants", json={"size": "7XL", "price": 999})
    assert answer.status_code == 409 and "size 7XL has no row in size chart" in answer.get_json()["error"]["message"]
    answer = client.patch("/api/catalogue/designs/BHRT-001", json={"size_chart": "no-such-chart"})
    assert answer.status_code == 409 and "is not in the size charts" in answer.get_json()["error"]["message"]
    assert (
        client.post("/api/catalogue/designs", json={"name": "X", "category": "mens", "hsn": "६१०९"}).status_code == 422
    )


def test_skus_and_design_ids_and_slugs_are_unique(client):
    taken = client.post("/api/catalogue/designs/BHRT-001/variants", json={"sku": "BHRT-001-M", "size": "M", "price": 9})
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "catalogue_conflict"
    again = client.post("/api/catalogue/designs", json={"id": "BHRT-001", "name": "X", "category": "mens"})
    assert again.status_code == 409
    slug = client.patch("/api/catalogue/designs/BHRT-002", json={"slug": "heritage-print-t-shirt"})
    assert slug.status_code == 409
    assert new_design(client, name="Heritage Print T-Shirt")["slug"] == "heritage-print-t-shirt-2"


def test_unknown_designs_and_variants_are_404(client):
    assert client.patch("/api/catalogue/designs/NOPE", json={"name": "X"}).status_code == 404
    assert client.post("/api/catalogue/designs/NOPE/variants", json={"size": "M", "price": 9}).status_code == 404
    assert client.patch("/api/catalogue/variants/NOPE-M", json={"price": 9}).status_code == 404


def test_a_restart_keeps_the_edits(config):
    client = create_app(config).test_client()
    design = new_design(client)
    new_variant(client, design["id"], qikink=MAPPING, published=True)
    client.patch(f"/api/catalogue/designs/{design['id']}", json={"published": True})
    client.patch("/api/catalogue/variants/BHRT-001-M", json={"colour": "Ivory", "price": 1199})
    again = create_app(config).test_client()
    assert "BHRT-008-WHI-L" in shop_skus(again)
    product = again.get("/api/products/BHRT-001-M").get_json()["data"]
    assert product["colour"] == "Ivory" and product["price"] == 1199


def test_the_catalogue_needs_the_admin_key(config):
    client = create_app(config.with_overrides(admin_api_key=ADMIN_KEY)).test_client()
    assert client.get("/api/catalogue").status_code == 401
    assert client.post("/api/catalogue/designs", json={"name": "X", "category": "mens"}).status_code == 401
    assert client.patch("/api/catalogue/variants/BHRT-001-M", json={"price": 9}).status_code == 401
    keyed = client.get("/api/catalogue", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert keyed.status_code == 200


@pytest.mark.postgres
def test_two_servers_on_one_database_see_each_others_edits_without_restart(config, database_url):
    shared = config.with_overrides(database_url=database_url, database_pool_max=2)
    first, second = create_app(shared), create_app(shared)
    try:
        one, two = first.test_client(), second.test_client()
        assert shop_skus(two) == shop_skus(one)
        design = new_design(one)
        sku = new_variant(one, design["id"], qikink=MAPPING, published=True)["sku"]
        one.patch(f"/api/catalogue/designs/{design['id']}", json={"published": True})
        assert sku in shop_skus(two)
        assert two.get("/api/designs/kolam-tee").status_code == 200
        two.patch(f"/api/catalogue/variants/{sku}", json={"price": 1099, "colour": "Cream"})
        product = one.get(f"/api/products/{sku}").get_json()["data"]
        assert product["price"] == 1099 and product["colour"] == "Cream"
    finally:
        for app in (first, second):
            app.extensions["shop"].store.close()


def test_a_published_design_without_a_published_variant_is_not_shown(client):
    design = new_design(client)
    new_variant(client, design["id"], qikink=MAPPING)
    answer = client.patch(f"/api/catalogue/designs/{design['id']}", json={"published": True})
    assert answer.get_json()["data"]["on_sale"] is False
    assert answer.get_json()["warnings"] == ["Not shown to shoppers: it has no published variant yet"]
    assert "Kolam Tee" not in [d["name"] for d in client.get("/api/designs").get_json()["data"]]
    assert client.get("/p/kolam-tee").status_code == 404
