"""§7 Security: admin rules, forwarded-header tricks, CORS, prices, order privacy, rate limit."""

from __future__ import annotations

import pytest

from backend import create_app
from backend.config import Config
from qikink_emulator import EmulatorServer
from tests.conftest import make_data_dir, order_body
from tests.robustness import figures
from tests.robustness.conftest import ADMIN_KEY, CLIENT_ID, CLIENT_SECRET
from tests.support import assert_error

ADMIN_ROUTES = [
    ("GET", "/api/orders", None),
    ("PATCH", "/api/orders/{id}", {"payment_method": "cod"}),
    ("PATCH", "/api/products/BHRT-001-M", {"stock_quantity": 1}),
    ("POST", "/api/qikink/authenticate", None),
    ("POST", "/api/qikink/sync", None),
]
OUTSIDE = "203.0.113.9"
TRICKS = [
    {},
    {"X-Forwarded-For": "127.0.0.1"},
    {"X-Forwarded-For": "127.0.0.1, 127.0.0.1"},
    {"X-Real-IP": "127.0.0.1"},
    {"Forwarded": "for=127.0.0.1"},
    {"Host": "localhost"},
    {"Host": "127.0.0.1:5000"},
    {"X-Forwarded-Host": "localhost"},
    {"X-Original-URL": "/api/health"},
    {"Authorization": "Bearer "},
    {"Authorization": "Bearer wrong-key-wrong-key"},
    {"Authorization": f"Basic {ADMIN_KEY}"},
    {"X-Admin-Key": ADMIN_KEY[:-1]},
    {"X-Admin-Key": ADMIN_KEY + "x"},
    {"X-Admin-Key": ADMIN_KEY.upper()},
    {"Authorization": ADMIN_KEY},
]


@pytest.fixture(scope="module")
def qikink_emulator():
    with EmulatorServer(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, rate_limit_per_minute=0) as server:
        yield server


def make_app(tmp_path, emulator_url=None, **overrides):
    settings = dict(
        data_dir=make_data_dir(tmp_path / "data"),
        ratelimit_enabled=False,
        app_env="test",
        qikink_env="off",
        sync_enabled=False,
    )
    if emulator_url:
        settings.update(
            qikink_env="emulator",
            qikink_base_url=emulator_url,
            qikink_client_id=CLIENT_ID,
            qikink_client_secret=CLIENT_SECRET,
            qikink_read_timeout=2,
            qikink_connect_timeout=1,
        )
    settings.update(overrides)
    return create_app(Config(**settings))


@pytest.mark.parametrize("key", ["", ADMIN_KEY], ids=["no key set", "key set"])
def test_admin_routes_refuse_outsiders_whatever_the_headers(tmp_path, qikink_emulator, key):
    app = make_app(tmp_path, qikink_emulator.url, admin_api_key=key)
    client = app.test_client()
    order_id = client.post("/api/orders", json=order_body()).json["data"]["order_id"]
    before = client.get("/api/products/BHRT-001-M").json["data"]
    for method, route, body in ADMIN_ROUTES:
        for trick in TRICKS:
            response = client.open(
                route.format(id=order_id),
                method=method,
                json=body,
                headers=trick,
                environ_base={"REMOTE_ADDR": OUTSIDE},
            )
            figures.add("bad_inputs_tried")
            assert response.status_code == 401, (method, route, trick, response.status_code)
            assert response.json["error"]["code"] == "unauthorized"
        if key:  # with a key set, even the loopback address needs it
            response = client.open(
                route.format(id=order_id), method=method, json=body, environ_base={"REMOTE_ADDR": "127.0.0.1"}
            )
            assert response.status_code == 401
    assert client.get("/api/products/BHRT-001-M").json["data"] == before
    assert (
        client.get(f"/api/orders/{order_id}", headers={"X-Admin-Key": key} if key else {}).json["data"][
            "payment_method"
        ]
        == "prepaid"
    )
    granted = {"X-Admin-Key": key} if key else {}
    remote = OUTSIDE if key else "127.0.0.1"
    assert client.get("/api/orders", headers=granted, environ_base={"REMOTE_ADDR": remote}).status_code == 200
    if key:
        bearer = client.get(
            "/api/orders", headers={"Authorization": f"Bearer {key}"}, environ_base={"REMOTE_ADDR": OUTSIDE}
        )
        assert bearer.status_code == 200


@pytest.mark.parametrize(
    "origin,allowed",
    [
        ("http://localhost:3000", True),
        ("http://127.0.0.1:8080", True),
        ("http://localhost", True),
        ("http://evil.example", False),
        ("http://localhost.evil.example", False),
        ("http://localhost:3000.evil.example", False),
        ("https://localhost:3000", False),
        ("http://127.0.0.1.nip.io", False),
        ("null", False),
        ("http://evil.example/http://localhost:3000", False),
        ("file://", False),
        ("http://LOCALHOST:3000", False),
    ],
)
def test_cors_answers_only_configured_origins(tmp_path, origin, allowed):
    client = make_app(tmp_path).test_client()
    for response in (
        client.get("/api/products", headers={"Origin": origin}),
        client.options(
            "/api/orders",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "Content-Type",
            },
        ),
    ):
        granted = response.headers.get("Access-Control-Allow-Origin")
        assert (granted == origin) if allowed else granted is None, (origin, granted)
        assert granted != "*"


def test_cors_with_a_configured_shop_origin_only(tmp_path):
    client = make_app(tmp_path, cors_origins=("https://shop.example.in",)).test_client()
    assert (
        client.get("/api/products", headers={"Origin": "https://shop.example.in"}).headers[
            "Access-Control-Allow-Origin"
        ]
        == "https://shop.example.in"
    )
    for other in ("http://localhost:3000", "https://shop.example.in.evil.example", "https://evil.shop.example.in"):
        assert "Access-Control-Allow-Origin" not in client.get("/api/products", headers={"Origin": other}).headers


@pytest.mark.parametrize(
    "tamper",
    [
        {"items": [{"sku": "BHRT-001-M", "quantity": 2, "price": 1}]},
        {"items": [{"sku": "BHRT-001-M", "quantity": 2, "price": 0}]},
        {
            "items": [
                {"sku": "BHRT-001-M", "quantity": 1, "price": 1299},
                {"sku": "BHRT-001-M", "quantity": 1, "price": 1},
            ]
        },
        {"items": [{"sku": "BHRT-001-M", "quantity": 2, "price": 1299.001}]},
    ],
)
def test_prices_cannot_be_tampered_with(tmp_path, tamper):
    client = make_app(tmp_path).test_client()
    response = client.post("/api/orders", json=order_body(**tamper))
    assert response.status_code == 409 and response.json["error"]["code"] == "price_mismatch"
    assert client.get("/api/products/BHRT-001-M").json["data"]["stock_quantity"] == 15


def test_client_totals_and_line_prices_are_ignored(tmp_path):
    client = make_app(tmp_path).test_client()
    body = order_body(
        items=[{"sku": "BHRT-001-M", "quantity": 2, "line_total": 1, "name": "free"}],
        total=1,
        currency="USD",
        status="delivered",
        qikink_status="synced",
        order_id="BHRT-1",
    )
    data = client.post("/api/orders", json=body).json["data"]
    assert data["total"] == 2598 and data["currency"] == "INR" and data["items"][0]["line_total"] == 2598
    assert data["status"] == "pending" and data["order_id"] != "BHRT-1"


def test_order_details_need_admin_or_the_customers_email(tmp_path):
    app = make_app(tmp_path, admin_api_key=ADMIN_KEY)
    client = app.test_client()
    order_id = client.post("/api/orders", json=order_body()).json["data"]["order_id"]
    for query in (
        {},
        {"email": "someone@example.com"},
        {"email": ""},
        {"email": "asha@example.co"},
        {"email": "*"},
        {"email": "asha@example.com\x00"},
    ):
        response = client.get(f"/api/orders/{order_id}", query_string=query, environ_base={"REMOTE_ADDR": OUTSIDE})
        assert response.status_code == 404, query
        assert response.json["error"]["code"] == "not_found"
    unknown = client.get("/api/orders/BHRT-1", query_string={"email": "asha@example.com"})
    assert unknown.status_code == 404 and unknown.json == client.get(f"/api/orders/{order_id}").json | {
        "error": {**unknown.json["error"]}
    }
    for query, headers in (({"email": " ASHA@example.com "}, {}), ({}, {"X-Admin-Key": ADMIN_KEY})):
        assert client.get(f"/api/orders/{order_id}", query_string=query, headers=headers).status_code == 200
    assert (
        client.get(
            "/api/orders", query_string={"email": "asha@example.com"}, environ_base={"REMOTE_ADDR": OUTSIDE}
        ).status_code
        == 401
    )
    assert client.get(f"/api/qikink/fulfillment/{order_id}", environ_base={"REMOTE_ADDR": OUTSIDE}).status_code == 404
    tracking = client.get(f"/api/qikink/fulfillment/{order_id}", query_string={"email": "asha@example.com"})
    assert tracking.status_code == 200  # the customer's: where the parcel is, not who or where she is
    for private in ("asha@example.com", "Asha Verma", "9876543210", "MG Road"):
        assert private not in tracking.get_data(as_text=True)


def test_order_creation_is_rate_limited_per_client_address(tmp_path):
    client = make_app(tmp_path, ratelimit_enabled=True, order_rate_limit="5 per minute").test_client()
    codes = [
        client.post(
            "/api/orders",
            json=order_body(items=[{"sku": "BHRT-002-M", "quantity": 1}]),
            environ_base={"REMOTE_ADDR": "198.51.100.1"},
            headers={"X-Forwarded-For": f"10.0.0.{i}"},
        ).status_code
        for i in range(8)
    ]
    figures.add("bad_inputs_tried", 8)
    assert codes == [201] * 5 + [429] * 3
    limited = client.post("/api/orders", json=order_body(), environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) > 0
    other = client.post("/api/orders", json=order_body(), environ_base={"REMOTE_ADDR": "198.51.100.2"})
    assert other.status_code == 201
    assert client.get("/api/products").status_code == 200  # reads are not limited


def test_ratelimit_enabled_false_turns_it_off(tmp_path):
    config = Config.from_env(
        {
            "DATA_DIR": str(make_data_dir(tmp_path / "data", stock=1000)),
            "RATELIMIT_ENABLED": "false",
            "ORDER_RATE_LIMIT": "2 per minute",
            "QIKINK_ENV": "off",
            "PAYMENTS_ENV": "off",
            "APP_ENV": "test",
        }
    )
    client = create_app(config).test_client()
    codes = {client.post("/api/orders", json=order_body()).status_code for _ in range(6)}
    assert codes == {201}
