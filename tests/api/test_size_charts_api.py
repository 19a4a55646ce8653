"""Size charts: every size a product is sold in has a row in its chart, inches and centimetres
agree, a product may name another chart than its category's, and a wrong chart stops the start."""

from __future__ import annotations

import json
import re

import pytest

from backend import create_app
from backend.errors import StartupError
from backend.storage.errors import StoreStartupError
from backend.storage.size_charts import MEASUREMENTS
from tests.harness import ROOT

CHARTS = ROOT / "data" / "size_charts.json"


def charts_by_id(client) -> dict[str, dict]:
    answer = client.get("/api/size-charts").get_json()
    assert answer["count"] == len(answer["data"])
    return {chart["id"]: chart for chart in answer["data"]}


def test_every_size_offered_by_a_product_has_a_row_in_its_chart(client):
    charts = charts_by_id(client)
    products = client.get("/api/products").get_json()["data"]
    assert products and all(p["size_chart"] in charts for p in products)
    for product in products:
        sizes = [row["size"] for row in charts[product["size_chart"]]["sizes"]]
        assert product["size"] in sizes, product["sku"]


def test_the_shipped_charts_run_xs_to_xxl_and_inches_and_cm_agree_within_rounding(client):
    for chart in charts_by_id(client).values():
        assert [row["size"] for row in chart["sizes"]] == ["XS", "S", "M", "L", "XL", "XXL"]
        assert chart["measurements"] == list(MEASUREMENTS)
        for row in chart["sizes"]:
            for measurement in MEASUREMENTS:
                inches, cm = row["inches"][measurement], row["cm"][measurement]
                assert abs(inches * 2.54 - cm) <= 0.5, (chart["id"], row["size"], measurement)
        # Every measurement grows with the size.
        for measurement in MEASUREMENTS:
            values = [row["inches"][measurement] for row in chart["sizes"]]
            assert values == sorted(values) and len(set(values)) == len(values)
        assert chart["tolerance"] == {"inches": 0.5, "cm": 1.3}
        assert set(chart["how_to_measure"]) == {"advice", *MEASUREMENTS}


def test_categories_take_their_chart_and_one_chart_is_served_alone(client):
    products = client.get("/api/products").get_json()["data"]
    assert {p["category"]: p["size_chart"] for p in products} == {
        "mens": "unisex-classic-tee",
        "unisex": "unisex-classic-tee",
        "womens": "womens-classic-tee",
    }
    one = client.get("/api/products/BHRT-003-S").get_json()["data"]
    chart = client.get(f"/api/size-charts/{one['size_chart']}").get_json()["data"]
    assert chart["name"] == "Women's classic T-shirt" and chart["fabric"] == "100% cotton, 180 GSM"
    missing = client.get("/api/size-charts/no-such-chart")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def write_catalogue(config, change) -> None:
    document = json.loads(config.catalogue_file.read_text(encoding="utf-8"))
    change(document["products"])
    config.catalogue_file.write_text(json.dumps(document), encoding="utf-8")


def write_charts(tmp_path, change):
    document = json.loads(CHARTS.read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "size_charts.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_product_may_name_another_chart_and_a_category_may_have_none(config, tmp_path):
    def fitted(document):
        oversized = json.loads(json.dumps(document["charts"]["unisex-classic-tee"]))
        oversized["name"] = "Oversized T-shirt"
        document["charts"]["oversized-tee"] = oversized
        del document["by_category"]["unisex"]

    def products(items):
        items[0]["size_chart"] = "oversized-tee"

    write_catalogue(config, products)
    app = create_app(config.with_overrides(size_charts_path=write_charts(tmp_path, fitted)))
    client = app.test_client()
    by_sku = {p["sku"]: p["size_chart"] for p in client.get("/api/products").get_json()["data"]}
    assert by_sku["BHRT-001-M"] == "oversized-tee"  # its own chart
    assert by_sku["BHRT-001-L"] == "unisex-classic-tee"  # the same design's other size: its category's
    assert by_sku["BHRT-004-M"] is None  # unisex has no chart now
    assert client.get("/api/size-charts/oversized-tee").get_json()["data"]["name"] == "Oversized T-shirt"


@pytest.mark.parametrize(
    ("change_products", "change_charts", "error", "message"),
    [
        (lambda p: p[0].update(size_chart="kurta"), None, StartupError, "size_chart 'kurta' is not in the size charts"),
        (lambda p: p[0].update(size_chart=7), None, StoreStartupError, "size_chart must name a size chart"),
        (lambda p: p[0].update(size="5XL"), None, StartupError, "size 5XL has no row in size chart"),
        (
            None,
            lambda d: d["charts"]["womens-classic-tee"]["sizes"][2]["cm"].update(chest=36),
            StoreStartupError,
            "chest 36 in is 91.44 cm, not 36",
        ),
        (
            None,
            lambda d: d["by_category"].update(kids="kids-tee"),
            StoreStartupError,
            "names 'kids-tee', which is not a chart",
        ),
        (
            None,
            lambda d: d["charts"]["unisex-classic-tee"]["sizes"][0]["inches"].pop("sleeve"),
            StoreStartupError,
            "inches needs a positive",
        ),
        (None, lambda d: d.pop("how_to_measure"), StoreStartupError, "how_to_measure needs text"),
    ],
)
def test_a_chart_that_cannot_serve_the_catalogue_stops_the_start(
    config, tmp_path, change_products, change_charts, error, message
):
    if change_products:
        write_catalogue(config, change_products)
    if change_charts:
        config = config.with_overrides(size_charts_path=write_charts(tmp_path, change_charts))
    with pytest.raises(error, match=re.escape(message)):
        create_app(config)
