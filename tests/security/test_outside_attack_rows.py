"""Issue 24's table, row by row, against the app: what an outside attack found, each now refused.
(The rows about sockets and bodies are in tests/robustness; rate limits in test_rate_limits.py.)"""

from __future__ import annotations

import sys
import unicodedata

import pytest

from backend import create_app
from backend.config import Config
from backend.models import Problems, validate_address
from tests.conftest import ADDRESS, order_body

OUTSIDE = {"REMOTE_ADDR": "203.0.113.44"}
BAD_IDS = ("{id}%0A", "{id}%0D%0A", "{id}%00", "{id}0000000000", "{id}%20", "%0A{id}", "{id}" + "9" * 5000)
JOINERS = ("\u200c", "\u200d")  # ZWNJ, ZWJ: kept, Indian scripts need them


def order_id_routes(app):
    """(method, rule) of every route that takes an order id: a route added later is covered too."""
    return sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if "order_id" in rule.arguments
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def test_every_route_taking_an_order_id_answers_a_malformed_one_404_never_500(app, client):
    order_id = client.post("/api/orders", json=order_body()).get_json()["data"]["order_id"]
    routes = order_id_routes(app)
    assert len(routes) >= 8
    before = client.get(f"/api/orders/{order_id}").get_json()["data"]
    for method, rule in routes:
        for bad in BAD_IDS:
            path = rule.replace("<order_id>", bad.format(id=order_id)) + "?email=asha@example.com"
            answer = client.open(path, method=method, json={"customer_email": "x@example.com"})
            assert answer.status_code == 404, (method, path, answer.status_code)
            assert answer.get_json()["error"]["code"] == "not_found"
    assert client.get(f"/api/orders/{order_id}").get_json()["data"] == before  # nothing changed


@pytest.mark.parametrize(
    "name",
    ["Asha \u202egnp.exe\u202c Verma", "Asha\u2066 Verma", "Ravi\u200bKumar", "\ufeffRavi", "Ravi\u200f", "Ra\u00advi"],
)
def test_names_and_address_lines_refuse_invisible_formatting(client, name):
    for field in ("name", "line1", "line2", "city"):
        answer = client.post("/api/orders", json=order_body(shipping_address={**ADDRESS, field: name}))
        assert answer.status_code == 422, (field, answer.get_json())
        assert answer.get_json()["error"]["details"][0]["field"] == f"shipping_address.{field}"
    assert client.get("/api/orders").get_json()["pagination"]["total"] == 0


def test_every_invisible_format_character_is_refused_but_the_joiners():
    """Every Unicode format character (category Cf) Python knows of, whatever its version."""
    refused = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert len(refused) > 150
    for char in refused:
        problems = Problems()
        validate_address(problems, {**ADDRESS, "line1": f"12 MG{char} Road"})
        assert [p["field"] for p in problems.items] == ([] if char in JOINERS else ["shipping_address.line1"]), hex(
            ord(char)
        )


def test_an_admin_patch_refuses_a_bidi_override_and_changes_nothing(client):
    order_id = client.post("/api/orders", json=order_body()).get_json()["data"]["order_id"]
    before = client.get(f"/api/orders/{order_id}").get_json()["data"]
    for field in ("name", "line1", "line2", "city"):
        address = {**ADDRESS, field: "Asha \u202egnp.exe\u202c Verma"}
        answer = client.patch(f"/api/orders/{order_id}", json={"shipping_address": address})
        assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "validation_error", field
        assert answer.get_json()["error"]["details"][0]["field"] == f"shipping_address.{field}"
    assert client.get(f"/api/orders/{order_id}").get_json()["data"] == before


def test_indian_scripts_joiners_are_kept(client):
    malayalam = "അനിൽ\u200dകുമാർ"  # a chillu written with ZWJ
    answer = client.post("/api/orders", json=order_body(shipping_address={**ADDRESS, "name": malayalam}))
    assert answer.status_code == 201
    assert answer.get_json()["data"]["shipping_address"]["name"] == malayalam


def test_a_unicode_case_folding_trick_does_not_open_another_customers_order(client):
    order_id = client.post("/api/orders", json=order_body(customer_email="kate@example.com")).get_json()["data"]
    order_id = order_id["order_id"]
    for trick in (
        "\u212aate@example.com",
        "kate@example.\u212aom".lower(),
        "kate@exa\u017fple.com",
        " kate@example.com\u200b",
    ):
        assert (
            client.get(f"/api/orders/{order_id}", query_string={"email": trick}, environ_base=OUTSIDE).status_code
            == 404
        )
    for same in ("kate@example.com", "KATE@Example.COM", " kate@example.com "):
        assert (
            client.get(f"/api/orders/{order_id}", query_string={"email": same}, environ_base=OUTSIDE).status_code == 200
        )


def test_an_admin_email_filter_folds_no_unicode_either(client):
    client.post("/api/orders", json=order_body(customer_email="kate@example.com"))
    listed = client.get("/api/orders", query_string={"email": "KATE@example.com", "counts": "qikink_status"})
    assert listed.get_json()["pagination"]["total"] == 1
    for trick in ("\u212aate@example.com", "kate@exa\u017fple.com"):
        listed = client.get("/api/orders", query_string={"email": trick, "counts": "qikink_status"}).get_json()
        assert (listed["pagination"]["total"], listed["data"], sum(listed["counts"]["qikink_status"].values())) == (
            0,
            [],
            0,
        )


def test_an_idempotency_key_reused_by_another_customer_names_no_order(client):
    first = client.post("/api/orders", json=order_body(), headers={"Idempotency-Key": "shared-key-1"})
    order_id = first.get_json()["data"]["order_id"]
    other = order_body(customer_email="mallory@example.com")
    answer = client.post("/api/orders", json=other, headers={"Idempotency-Key": "shared-key-1"}, environ_base=OUTSIDE)
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "idempotency_conflict"
    assert order_id not in answer.get_data(as_text=True) and "asha@example.com" not in answer.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/docs", "/", "/admin", "/track.html", "/api/openapi.json", "/api/orders"])
def test_no_page_or_answer_may_be_framed(client, path):
    answer = client.get(path)
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"], path
    assert answer.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("admin_api_key", ["", "k" * 32])
def test_tracking_needs_the_orders_email_or_an_admin(data_dir, admin_api_key):
    """Row 'tracking without the email': courier, AWB and tracking link were anyone's with the id."""
    config = Config(data_dir=data_dir, app_env="test", qikink_env="off", admin_api_key=admin_api_key)
    client = create_app(config).test_client()
    key = {"X-Admin-Key": admin_api_key} if admin_api_key else {}
    order_id = client.post("/api/orders", json=order_body(), headers=key).get_json()["data"]["order_id"]
    path = f"/api/qikink/fulfillment/{order_id}"
    unknown = client.get("/api/qikink/fulfillment/BHRT-1000000001", environ_base=OUTSIDE).get_json()["error"]
    for query in ({}, {"email": "someone@example.com"}, {"email": "asha@example.co"}, {"email": ""}):
        refused = client.get(path, query_string=query, environ_base=OUTSIDE)
        error = refused.get_json()["error"]  # the same as for an order that does not exist
        assert refused.status_code == 404 and error["code"] == unknown["code"] == "not_found"
        assert error["message"].replace(order_id, "<id>") == unknown["message"].replace("BHRT-1000000001", "<id>")
    for query in ({"email": "asha@example.com"}, {"email": " ASHA@Example.com "}):
        tracked = client.get(path, query_string=query, environ_base=OUTSIDE)
        assert tracked.status_code == 200 and tracked.get_json()["order_id"] == order_id
    # The guide's step 5 from the shop's own machine: no key needed while none is set.
    this_machine = client.get(path)
    assert this_machine.status_code == (404 if admin_api_key else 200)
    if admin_api_key:
        assert (
            client.get(path, headers={"Authorization": f"Bearer {admin_api_key}"}, environ_base=OUTSIDE).status_code
            == 200
        )
