"""Contract tests for /api/orders, /api/products and /api/health, route by route (api.md)."""

from __future__ import annotations

import pytest

from backend import create_app
from tests.conftest import ADDRESS, order_body
from tests.support import assert_error

REMOTE = {"REMOTE_ADDR": "203.0.113.9"}
ADMIN_KEY = "k" * 32


def post_order(client, body=None, **kwargs):
    return client.post("/api/orders", json=body if body is not None else order_body(), **kwargs)


def stock_of(client, sku="BHRT-001-M"):
    return client.get(f"/api/products/{sku}").json["data"]["stock_quantity"]


# --- health and products ----------------------------------------------------------------------
def test_health(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["storage"] == "ok"
    assert response.json["qikink"] == "off"
    assert response.json["version"]


def test_products_list_has_the_guide_fields_and_no_qikink_mapping(client):
    response = client.get("/api/products")
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "success" and body["count"] == 8 == len(body["data"])
    first = next(p for p in body["data"] if p["sku"] == "BHRT-001-M")
    assert first == {
        **first,
        "name": "Heritage Print T-Shirt",
        "price": 1299,
        "stock_quantity": 15,
        "category": "mens",
        "manufacturer": "Qikink",
        "origin": "India",
        "in_stock": True,
    }
    assert "Madhubani" in first["description"]
    assert all("qikink" not in p for p in body["data"])


def test_products_filter_by_category(client):
    body = client.get("/api/products?category=womens").json
    assert body["count"] >= 1 and all(p["category"] == "womens" for p in body["data"])
    assert client.get("/api/products?category=nothing").json["count"] == 0


def test_product_lookup_and_404(client):
    assert client.get("/api/products/BHRT-001-M").json["data"]["sku"] == "BHRT-001-M"
    assert_error(client.get("/api/products/NOPE-1"), 404, "not_found")


def test_patch_product_changes_price_and_stock(client):
    response = client.patch("/api/products/BHRT-001-M", json={"price": 1399, "stock_quantity": 40})
    assert response.status_code == 200
    assert response.json["data"]["price"] == 1399 and response.json["data"]["stock_quantity"] == 40
    assert client.get("/api/products/BHRT-001-M").json["data"]["price"] == 1399


@pytest.mark.parametrize(
    "body",
    [
        {"price": -1},
        {"price": "12"},
        {"stock_quantity": 1.5},
        {"stock_quantity": -2},
        {"name": "x"},
        {},
        {"price": 12.345},
        {"stock_quantity": True},
    ],
)
def test_patch_product_rejects_bad_values(client, body):
    assert_error(client.patch("/api/products/BHRT-001-M", json=body), 422, "validation_error")
    assert stock_of(client) == 15


def test_patch_product_needs_admin(app):
    client = app.test_client()
    assert_error(client.patch("/api/products/BHRT-001-M", json={"price": 1}, environ_base=REMOTE), 401, "unauthorized")


# --- POST /api/orders ----------------------------------------------------------------------------
def test_create_order_answers_201_with_location_and_takes_stock(client):
    response = post_order(client)
    assert response.status_code == 201
    data = response.json["data"]
    assert response.headers["Location"] == f"/api/orders/{data['order_id']}"
    assert response.json["status"] == "success"
    assert data["order_id"].startswith("BHRT-") and len(data["order_id"]) <= 15
    assert data["qikink_order_number"] == data["order_id"].replace("-", "")
    assert data["items"] == [
        {"sku": "BHRT-001-M", "name": "Heritage Print T-Shirt", "quantity": 2, "price": 1299, "line_total": 2598}
    ]
    assert data["total"] == 2598 and data["currency"] == "INR" and data["payment_method"] == "prepaid"
    assert data["status"] == "pending" and data["qikink_status"] == "sync_pending"
    assert data["tracking_id"] is None and data["courier"] is None and data["tracking_url"] is None
    assert data["created_at"].endswith("+00:00")
    assert response.json["message"] == "Order created successfully (Qikink sync pending)"
    assert response.json["qikink_integration"]["status"] == "pending"
    assert stock_of(client) == 13


def test_create_order_normalises_address(client):
    address = {**ADDRESS, "state": "mh", "phone": "+91 98765-43210", "line2": "  Near Gate 2 "}
    data = post_order(client, order_body(shipping_address=address)).json["data"]
    assert data["shipping_address"]["state"] == "Maharashtra"
    assert data["shipping_address"]["phone"] == "9876543210"
    assert data["shipping_address"]["line2"] == "Near Gate 2"


def test_price_is_optional_and_computed_by_the_server(client):
    body = order_body(items=[{"sku": "BHRT-006-M", "quantity": 3}])
    data = post_order(client, body).json["data"]
    assert data["items"][0]["price"] == 899.5 and data["total"] == 2698.5


def test_same_sku_lines_are_merged(client):
    body = order_body(items=[{"sku": "BHRT-001-M", "quantity": 1}, {"sku": "BHRT-001-M", "quantity": 2}])
    data = post_order(client, body).json["data"]
    assert data["items"][0]["quantity"] == 3 and len(data["items"]) == 1
    assert stock_of(client) == 12


def test_price_mismatch_is_409_with_current_price_and_changes_nothing(client):
    response = post_order(client, order_body(items=[{"sku": "BHRT-001-M", "quantity": 1, "price": 1}]))
    assert_error(response, 409, "price_mismatch")
    assert response.json["error"]["details"][0]["current_price"] == 1299
    assert stock_of(client) == 15
    assert client.get("/api/orders").json["pagination"]["total"] == 0


def test_out_of_stock_is_409_and_changes_nothing(client):
    body = order_body(items=[{"sku": "BHRT-001-L", "quantity": 1}, {"sku": "BHRT-007-XL", "quantity": 1}])
    response = post_order(client, body)
    assert_error(response, 409, "out_of_stock")
    assert response.json["error"]["details"][0]["sku"] == "BHRT-007-XL"
    assert stock_of(client, "BHRT-001-L") == 12
    assert client.get("/api/orders").json["pagination"]["total"] == 0


def test_stock_runs_out_exactly(client):
    for _ in range(7):
        assert post_order(client).status_code == 201
    assert stock_of(client) == 1
    assert_error(post_order(client), 409, "out_of_stock")
    assert post_order(client, order_body(items=[{"sku": "BHRT-001-M", "quantity": 1}])).status_code == 201
    assert stock_of(client) == 0
    assert client.get("/api/products/BHRT-001-M").json["data"]["in_stock"] is False


def test_string_address_is_kept_and_marked_action_required(client):
    response = post_order(client, order_body(shipping_address="123 Main St, New Delhi 110001, India"))
    assert response.status_code == 201
    data = response.json["data"]
    assert data["shipping_address"] == "123 Main St, New Delhi 110001, India"
    assert data["status"] == "action_required" and data["qikink_status"] == "action_required"
    assert "pincode" in data["qikink_message"]
    assert response.json["qikink_integration"]["status"] == "action_required"


def test_cod_payment(client):
    assert post_order(client, order_body(payment_method="COD")).json["data"]["payment_method"] == "cod"


def test_order_ids_are_unique_unguessable_and_listed_newest_first(client):
    ids = [
        post_order(client, order_body(items=[{"sku": "BHRT-002-M", "quantity": 1}])).json["data"]["order_id"]
        for _ in range(8)
    ]
    numbers = [int(i.split("-")[1]) for i in ids]
    assert len(set(numbers)) == 8 and all(10**9 <= n < 10**10 for n in numbers)
    assert max(numbers) - min(numbers) > 1000  # not neighbours: one id says nothing of the next
    assert [o["order_id"] for o in client.get("/api/orders").json["data"]] == ids[::-1]
    assert all(len(o.replace("-", "")) <= 15 for o in ids)  # Qikink's order_number: 15 letters and digits


# --- idempotency ------------------------------------------------------------------------------
def test_idempotent_replay_returns_the_same_answer(client):
    first = post_order(client, headers={"Idempotency-Key": "order-42"})
    again = post_order(client, headers={"Idempotency-Key": "order-42"})
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert stock_of(client) == 13
    assert client.get("/api/orders").json["pagination"]["total"] == 1


def test_idempotency_key_with_another_body_is_409(client):
    post_order(client, headers={"Idempotency-Key": "order-43"})
    other = order_body(items=[{"sku": "BHRT-001-M", "quantity": 1}])
    assert_error(post_order(client, other, headers={"Idempotency-Key": "order-43"}), 409, "idempotency_conflict")
    assert stock_of(client) == 13


@pytest.mark.parametrize("key", ["", "a" * 256, "with space", "tab\there", "é"])
def test_bad_idempotency_key_is_422(client, key):
    assert_error(post_order(client, headers={"Idempotency-Key": key}), 422, "validation_error")
    assert stock_of(client) == 15


def test_concurrent_requests_with_one_key_create_one_order(app):
    from concurrent.futures import ThreadPoolExecutor

    def send(_):
        return post_order(app.test_client(), headers={"Idempotency-Key": "same-key"})

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(send, range(16)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json["data"]["order_id"] for a in answers}) == 1
    assert stock_of(app.test_client()) == 13


# --- reading and listing --------------------------------------------------------------------------
def test_get_order_as_admin_and_by_email(app, client):
    order_id = post_order(client).json["data"]["order_id"]
    admin_view = client.get(f"/api/orders/{order_id}").json["data"]
    assert admin_view["order_id"] == order_id
    assert [e["event"] for e in admin_view["events"]] == ["order_received"]
    assert admin_view["sync"] == {
        "attempts": 0,
        "last_error": None,
        "last_attempt_at": None,
        "synced_at": None,
        "next_attempt_at": None,
    }
    remote = app.test_client()
    assert_error(remote.get(f"/api/orders/{order_id}", environ_base=REMOTE), 404, "not_found")
    assert_error(remote.get(f"/api/orders/{order_id}?email=other@example.com", environ_base=REMOTE), 404, "not_found")
    found = remote.get(f"/api/orders/{order_id}?email=ASHA@example.com", environ_base=REMOTE)
    assert found.status_code == 200 and found.json["data"]["order_id"] == order_id
    assert not {"idempotency", "events", "sync"} & set(found.json["data"])


@pytest.mark.parametrize("order_id", ["BHRT-999", "../state", "..%2fstate", "BHRT-1/../../x", "nope"])
def test_unknown_or_malformed_order_id_is_404(client, order_id):
    assert_error(client.get(f"/api/orders/{order_id}"), 404, "not_found")


def test_list_orders_newest_first_with_filters_and_pages(client):
    ids = [
        post_order(
            client, order_body(items=[{"sku": "BHRT-002-M", "quantity": 1}], customer_email=f"c{i}@example.com")
        ).json["data"]["order_id"]
        for i in range(3)
    ]
    post_order(client, order_body(shipping_address="Somewhere, Delhi"))
    body = client.get("/api/orders").json
    assert body["pagination"] == {"page": 1, "per_page": 50, "total": 4}
    assert [o["order_id"] for o in body["data"]][1:] == ids[::-1]
    assert client.get("/api/orders?qikink_status=action_required").json["pagination"]["total"] == 1
    assert client.get("/api/orders?status=pending").json["pagination"]["total"] == 3
    assert [o["order_id"] for o in client.get("/api/orders?email=C1@example.com").json["data"]] == [ids[1]]
    page2 = client.get("/api/orders?per_page=3&page=2").json
    assert page2["pagination"]["total"] == 4 and [o["order_id"] for o in page2["data"]] == [ids[0]]


def test_list_orders_counts_per_qikink_status_only_when_asked(client):
    for address in ("Somewhere, Delhi", "Elsewhere, Pune", ADDRESS):
        post_order(client, order_body(shipping_address=address))
    post_order(client, order_body(customer_email="ravi@example.com", shipping_address="Anywhere, Goa"))
    assert "counts" not in client.get("/api/orders").json
    body = client.get("/api/orders?counts=qikink_status&qikink_status=action_required&per_page=1").json
    assert body["counts"] == {
        "qikink_status": {"action_required": 3, "sync_pending": 1, "synced": 0, "sync_failed": 0, "not_sent": 0}
    }
    assert body["pagination"]["total"] == 3 and len(body["data"]) == 1
    mine = client.get("/api/orders?counts=qikink_status&email=asha@example.com").json["counts"]["qikink_status"]
    assert mine["action_required"] == 2 and mine["sync_pending"] == 1
    assert_error(client.get("/api/orders?counts=status"), 422, "validation_error")


@pytest.mark.parametrize("query", ["page=0", "per_page=201", "per_page=x", "page=-1"])
def test_list_orders_rejects_bad_paging(client, query):
    assert_error(client.get(f"/api/orders?{query}"), 422, "validation_error")


def test_list_orders_is_admin_only(app):
    assert_error(app.test_client().get("/api/orders", environ_base=REMOTE), 401, "unauthorized")


# --- admin key ---------------------------------------------------------------------------------
@pytest.fixture
def keyed_app(config):
    return create_app(config.with_overrides(admin_api_key=ADMIN_KEY))


@pytest.mark.parametrize(
    "headers,allowed",
    [
        ({}, False),
        ({"Authorization": f"Bearer {ADMIN_KEY}"}, True),
        ({"X-Admin-Key": ADMIN_KEY}, True),
        ({"Authorization": "Bearer wrong"}, False),
        ({"Authorization": ADMIN_KEY}, False),
        ({"X-Forwarded-For": "127.0.0.1"}, False),
    ],
)
def test_admin_key_required_when_set(keyed_app, headers, allowed):
    client = keyed_app.test_client()
    for environ in (REMOTE, {"REMOTE_ADDR": "127.0.0.1"}):
        response = client.get("/api/orders", headers=headers, environ_base=environ)
        assert response.status_code == (200 if allowed else 401)


def test_forwarded_headers_never_grant_loopback_admin(app):
    response = app.test_client().get(
        "/api/orders", environ_base=REMOTE, headers={"X-Forwarded-For": "127.0.0.1", "Host": "localhost:5000"}
    )
    assert_error(response, 401, "unauthorized")


# --- PATCH /api/orders/<id> ------------------------------------------------------------------------
def test_patch_completes_an_action_required_order(client):
    order_id = post_order(client, order_body(shipping_address="Test Address, Delhi")).json["data"]["order_id"]
    response = client.patch(
        f"/api/orders/{order_id}",
        json={"shipping_address": {**ADDRESS, "state": "DL", "city": "New Delhi", "pincode": "110001"}},
    )
    assert response.status_code == 200
    data = response.json["data"]
    assert data["qikink_status"] == "sync_pending" and data["status"] == "pending"
    assert data["shipping_address"]["state"] == "Delhi" and data["qikink_message"] is None


def test_patch_validates_and_changes_nothing_on_error(client):
    order_id = post_order(client, order_body(shipping_address="Test Address, Delhi")).json["data"]["order_id"]
    response = client.patch(
        f"/api/orders/{order_id}", json={"shipping_address": {**ADDRESS, "pincode": "012345"}, "total": 1}
    )
    assert_error(response, 422, "validation_error")
    fields = {d["field"] for d in response.json["error"]["details"]}
    assert fields == {"shipping_address.pincode", "total"}
    assert client.get(f"/api/orders/{order_id}").json["data"]["qikink_status"] == "action_required"


def test_patch_refuses_orders_qikink_accepted(app, client):
    order_id = post_order(client).json["data"]["order_id"]
    app.extensions["shop"].store.update_order(order_id, lambda o: o.update(qikink_status="synced", status="confirmed"))
    assert_error(client.patch(f"/api/orders/{order_id}", json={"payment_method": "cod"}), 409, "order_not_editable")


def test_patch_unknown_order_is_404(client):
    assert_error(client.patch("/api/orders/BHRT-1", json={"payment_method": "cod"}), 404, "not_found")


# --- the error envelope for every HTTP error -----------------------------------------------------------
def test_unknown_route_is_json_404(client):
    assert_error(client.get("/nope"), 404, "not_found")


def test_wrong_method_is_json_405(client):
    response = client.delete("/api/orders")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_body_over_64_kib_is_413(client):
    response = client.post("/api/orders", data=b'{"a": "' + b"x" * 70000 + b'"}', content_type="application/json")
    assert_error(response, 413, "payload_too_large")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_non_json_content_type_is_415(client, content_type):
    response = client.post("/api/orders", data=b"{}", content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"[]",
        b'"x"',
        b"null",
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": 1, "a": 2}',
        b"\xff\xfe{}",
        b"{" * 10000 + b"}" * 10000,
        b'{"n": ' + b"9" * 5000 + b"}",
    ],
)
def test_bad_json_is_400(client, raw):
    response = client.post("/api/orders", data=raw, content_type="application/json")
    assert_error(response, 400, "invalid_json")
    assert stock_of(client) == 15


def test_unexpected_error_is_json_500_without_details(app, client, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.extensions["shop"].orders, "place", boom)
    response = post_order(client)
    assert_error(response, 500, "internal_error")
    assert "secret internals" not in response.get_data(as_text=True)


def test_rate_limit_answers_429_in_the_envelope(config):
    app = create_app(config.with_overrides(ratelimit_enabled=True, order_rate_limit="3 per minute"))
    client = app.test_client()
    answers = [post_order(client, order_body(items=[{"sku": "BHRT-002-M", "quantity": 1}])) for _ in range(4)]
    assert [a.status_code for a in answers[:3]] == [201] * 3
    assert_error(answers[3], 429, "rate_limited")
    assert answers[3].headers.get("Retry-After")


def test_cors_allows_localhost_origins_only(client):
    ok = client.get("/api/products", headers={"Origin": "http://localhost:3000"})
    assert ok.headers.get("Access-Control-Allow-Origin") == "http://localhost:3000"
    evil = client.get("/api/products", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in evil.headers
    preflight = client.options(
        "/api/orders",
        headers={
            "Origin": "http://127.0.0.1:8080",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type, Idempotency-Key",
        },
    )
    assert preflight.headers.get("Access-Control-Allow-Origin") == "http://127.0.0.1:8080"
