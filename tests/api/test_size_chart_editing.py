"""Size charts edited from the console: kept with the catalogue (seeded from size_charts.json, edits
kept across restarts, one set for a PostgreSQL fleet), checked by the loader's rules, centimetres
made from inches, 409 when a variant would lose its size's row, the admin key required."""

from __future__ import annotations

import logging

import pytest

from backend import create_app

ADMIN_KEY = "k" * 40

ROW_M = {"size": "M", "inches": {"chest": 41, "length": 28, "shoulder": 17.5, "sleeve": 8}}
OVERSIZED = {
    "name": "Oversized T-shirt",
    "fit": "Oversized fit, drop shoulders",
    "fabric": "100% cotton, 220 GSM",
    "sizes": [
        {"size": "M", "inches": {"chest": 44, "length": 29, "shoulder": 21, "sleeve": 9}},
        {"size": "L", "inches": {"chest": 46, "length": 30, "shoulder": 22, "sleeve": 9.5}},
    ],
}


def chart(client, chart_id: str) -> dict:
    answer = client.get(f"/api/size-charts/{chart_id}")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["data"]


def sizes_of(client, chart_id: str) -> dict[str, dict]:
    return {row["size"]: row for row in chart(client, chart_id)["sizes"]}


def as_sent(rows: list[dict]) -> list[dict]:
    """The chart's rows as the console sends them: sizes and inches."""
    return [{"size": row["size"], "inches": row["inches"]} for row in rows]


def with_row(rows: list[dict], size: str, **inches) -> list[dict]:
    """The chart's rows as the console sends them, one size's inches changed."""
    return [
        {"size": row["size"], "inches": {**row["inches"], **(inches if row["size"] == size else {})}} for row in rows
    ]


def test_a_measurement_changed_in_inches_gets_its_centimetres_and_reaches_the_shop(client, caplog):
    caplog.set_level(logging.INFO, logger="backend.catalogue.size_charts")
    rows = chart(client, "unisex-classic-tee")["sizes"]
    answer = client.patch("/api/size-charts/unisex-classic-tee", json={"sizes": with_row(rows, "M", chest=40.5)})
    assert answer.status_code == 200, answer.get_json()
    row = {r["size"]: r for r in answer.get_json()["data"]["sizes"]}["M"]
    assert row["inches"]["chest"] == 40.5 and row["cm"]["chest"] == 103  # 102.87 to the nearest half
    assert row["cm"]["sleeve"] == 20.5  # 20.32: unchanged rows keep the file's rounding
    assert sizes_of(client, "unisex-classic-tee")["M"]["inches"]["chest"] == 40.5
    assert "Catalogue: size chart unisex-classic-tee changed (sizes)" in caplog.text


def test_a_new_chart_is_named_by_a_design_and_reaches_its_variants(client):
    answer = client.post("/api/size-charts", json=OVERSIZED)
    assert answer.status_code == 201, answer.get_json()
    assert answer.headers["Location"].endswith("/api/size-charts/oversized-t-shirt")
    made = answer.get_json()["data"]
    assert made["id"] == "oversized-t-shirt" and made["tolerance"]["inches"] == 0.5
    assert made["sizes"][1]["cm"] == {"chest": 117, "length": 76, "shoulder": 56, "sleeve": 24}
    assert client.post("/api/size-charts", json=OVERSIZED).status_code == 409  # the id is taken
    design = {"name": "Kolam Tee", "category": "mens", "size_chart": "oversized-t-shirt"}
    added = client.post("/api/catalogue/designs", json=design)
    assert added.status_code == 201 and added.get_json()["data"]["size_chart"] == "oversized-t-shirt"


def test_a_size_a_variant_sells_cannot_leave_its_chart(client):
    rows = chart(client, "unisex-classic-tee")["sizes"]
    without_m = [r for r in as_sent(rows) if r["size"] != "M"]
    answer = client.patch("/api/size-charts/unisex-classic-tee", json={"sizes": without_m})
    assert answer.status_code == 409
    error = answer.get_json()["error"]
    assert error["code"] == "catalogue_conflict" and "size M has no row in size chart" in error["message"]
    assert "M" in sizes_of(client, "unisex-classic-tee")
    without_xs = [r for r in as_sent(rows) if r["size"] != "XS"]  # no variant sells XS
    assert client.patch("/api/size-charts/unisex-classic-tee", json={"sizes": without_xs}).status_code == 200
    assert "XS" not in sizes_of(client, "unisex-classic-tee")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"sizes": []}, "sizes"),
        ({"sizes": [ROW_M, ROW_M]}, "sizes[1].size"),
        ({"sizes": [{**ROW_M, "inches": {**ROW_M["inches"], "chest": 0}}]}, "sizes[0].inches.chest"),
        ({"sizes": [{**ROW_M, "inches": {**ROW_M["inches"], "chest": "40"}}]}, "sizes[0].inches.chest"),
        ({"sizes": [{**ROW_M, "inches": {**ROW_M["inches"], "chest": 0.001}}]}, "sizes[0].inches.chest"),
        ({"sizes": [{**ROW_M, "inches": {**ROW_M["inches"], "chest": 101}}]}, "sizes[0].inches.chest"),
        ({"sizes": [{**ROW_M, "inches": {**ROW_M["inches"], "waist": 30}}]}, "sizes[0].inches.waist"),
        ({"sizes": [{**ROW_M, "cm": {"chest": 104}}]}, "sizes[0].cm"),
        ({"sizes": [{**ROW_M, "inches": {"chest": 40, "length": 28, "shoulder": 17}}]}, "sizes[0].inches.sleeve"),
        ({"sizes": [{"size": " ", "inches": ROW_M["inches"]}]}, "sizes[0].size"),
        ({"name": ""}, "name"),
        ({"colour": "red"}, "colour"),
        ({}, "body"),
    ],
)
def test_broken_fields_are_named(client, body, field):
    answer = client.patch("/api/size-charts/unisex-classic-tee", json=body)
    assert answer.status_code == 422, answer.get_json()
    assert field in [item["field"] for item in answer.get_json()["error"]["details"]]


def test_an_unknown_chart_is_404(client):
    assert client.patch("/api/size-charts/nope", json={"name": "X"}).status_code == 404


def test_a_restart_keeps_the_edits(config):
    client = create_app(config).test_client()
    client.patch("/api/size-charts/womens-classic-tee", json={"name": "Women's fitted T-shirt"})
    assert client.post("/api/size-charts", json=OVERSIZED).status_code == 201
    again = create_app(config).test_client()
    assert chart(again, "womens-classic-tee")["name"] == "Women's fitted T-shirt"
    assert chart(again, "oversized-t-shirt")["fabric"] == "100% cotton, 220 GSM"


def test_editing_charts_needs_the_admin_key(config):
    client = create_app(config.with_overrides(admin_api_key=ADMIN_KEY)).test_client()
    assert client.post("/api/size-charts", json=OVERSIZED).status_code == 401
    assert client.patch("/api/size-charts/unisex-classic-tee", json={"name": "X"}).status_code == 401
    assert client.get("/api/size-charts/unisex-classic-tee").status_code == 200  # shoppers read it
    keyed = client.patch(
        "/api/size-charts/unisex-classic-tee",
        json={"name": "Unisex tee"},
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
    )
    assert keyed.status_code == 200


@pytest.mark.postgres
def test_two_servers_on_one_database_see_one_set_of_charts(config, database_url):
    shared = config.with_overrides(database_url=database_url, database_pool_max=2)
    first, second = create_app(shared), create_app(shared)
    try:
        one, two = first.test_client(), second.test_client()
        rows = chart(one, "unisex-classic-tee")["sizes"]
        changed = one.patch("/api/size-charts/unisex-classic-tee", json={"sizes": with_row(rows, "L", length=29.5)})
        assert changed.status_code == 200
        assert sizes_of(two, "unisex-classic-tee")["L"]["inches"]["length"] == 29.5
        assert two.post("/api/size-charts", json=OVERSIZED).status_code == 201
        assert chart(one, "oversized-t-shirt")["name"] == "Oversized T-shirt"
    finally:
        for app in (first, second):
            app.extensions["shop"].store.close()
