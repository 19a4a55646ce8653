"""The pages' serving (types, caching, security headers) and who may call the API from a browser,
through Flask's test client. The pages themselves are tested in Chromium (tests/browser)."""

from __future__ import annotations

import pytest

from backend import create_app
from backend.api.pages import FRONTEND_DIR
from tests.conftest import order_body
from tests.support import assert_error

PAGE_CSP_PARTS = ("default-src 'self'", "frame-ancestors 'none'")


@pytest.mark.parametrize(
    "path, mimetype",
    [
        ("/", "text/html"),
        ("/index.html", "text/html"),
        ("/track", "text/html"),
        ("/track.html", "text/html"),
        ("/js/shop-client.js", "text/javascript"),
        ("/js/config.js", "text/javascript"),
        ("/css/shop.css", "text/css"),
        ("/admin", "text/html"),
        ("/admin.html", "text/html"),
        ("/js/admin.js", "text/javascript"),
        ("/js/admin-client.js", "text/javascript"),
        ("/js/admin-order.js", "text/javascript"),
        ("/js/admin-view.js", "text/javascript"),
        ("/css/admin.css", "text/css"),
    ],
)
def test_pages_and_assets_have_their_type_security_headers_and_revalidate(client, path, mimetype):
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.mimetype == mimetype and answer.mimetype_params["charset"] == "utf-8"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.headers["ETag"]
    if mimetype == "text/html":
        assert all(part in answer.headers["Content-Security-Policy"] for part in PAGE_CSP_PARTS)
        assert b"<script>" not in answer.data and b" on" not in answer.data.split(b"<body", 1)[1].split(b">")[0]
    again = client.get(path, headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/js/../../backend/config.py",
        "/js/nothing.js",
        "/css/../index.html",
        "/data/products.json",
        "/.env",
        "/frontend/index.html",
        "/js/config.json",
    ],
)
def test_nothing_outside_the_pages_and_their_folders_is_served(client, path):
    answer = client.get(path)
    assert_error(answer, 404, "not_found")


def test_json_answers_carry_a_csp_that_loads_nothing_and_nosniff(client):
    answer = client.get("/api/products")
    assert answer.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_admin_page_is_served_only_once_it_exists(client):
    expected = 200 if (FRONTEND_DIR / "admin.html").is_file() else 404
    assert client.get("/admin").status_code == expected


def test_no_page_uses_inline_script_or_event_handlers():
    for page in FRONTEND_DIR.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>" not in text and "javascript:" not in text, page.name
        assert " onclick=" not in text.lower() and " onload=" not in text.lower(), page.name


def allow_origin(client, path, origin, method="GET", **kwargs):
    answer = getattr(client, method.lower())(path, headers={"Origin": origin}, **kwargs)
    return answer, answer.headers.get("Access-Control-Allow-Origin")


@pytest.mark.parametrize("path", ["/api/products", "/api/products/BHRT-001-M", "/api/qikink/status", "/api/health"])
def test_a_page_opened_from_disk_may_read_the_public_routes_in_development(config, path):
    client = create_app(config.with_overrides(app_env="development")).test_client()
    answer, allowed = allow_origin(client, path, "null")
    assert answer.status_code == 200 and allowed == "null"


def test_a_page_opened_from_disk_may_place_an_order_and_read_it_with_its_email(config):
    client = create_app(config.with_overrides(app_env="development")).test_client()
    preflight = client.options(
        "/api/orders",
        headers={
            "Origin": "null",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, idempotency-key",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "null"
    assert "idempotency-key" in preflight.headers["Access-Control-Allow-Headers"].lower()
    created = client.post("/api/orders", json=order_body(), headers={"Origin": "null", "Idempotency-Key": "k-1"})
    assert created.status_code == 201 and created.headers["Access-Control-Allow-Origin"] == "null"
    assert {"Location", "Retry-After", "Idempotent-Replayed"} <= {
        h.strip() for h in created.headers["Access-Control-Expose-Headers"].split(",")
    }
    order_id = created.json["data"]["order_id"]
    mine = client.get(f"/api/orders/{order_id}", query_string={"email": "asha@example.com"}, headers={"Origin": "null"})
    assert mine.status_code == 200 and mine.headers["Access-Control-Allow-Origin"] == "null"


def test_a_null_origin_is_never_admin_even_from_this_machine(config):
    """Sandboxed frames of any website send Origin: null too: loopback alone must not make them admin."""
    client = create_app(config.with_overrides(app_env="development")).test_client()
    order_id = client.post("/api/orders", json=order_body()).json["data"]["order_id"]
    assert client.get(f"/api/orders/{order_id}").status_code == 200  # loopback, no Origin: admin
    null = {"Origin": "null"}
    assert client.get(f"/api/orders/{order_id}", headers=null).status_code == 404
    assert client.get("/api/orders", headers=null).status_code == 401
    assert client.patch(f"/api/orders/{order_id}", json={"payment_method": "cod"}, headers=null).status_code == 401
    assert client.patch("/api/products/BHRT-001-M", json={"price": 1}, headers=null).status_code == 401
    _, allowed = allow_origin(client, "/api/qikink/sync", "null", "POST")
    assert allowed is None


@pytest.mark.parametrize("app_env", ["production", "test"])
def test_only_development_answers_a_null_origin(config, app_env):
    client = create_app(config.with_overrides(app_env=app_env, admin_api_key="k" * 32)).test_client()
    _, allowed = allow_origin(client, "/api/products", "null")
    assert allowed is None
    _, allowed = allow_origin(client, "/api/products", "http://localhost:5500")
    assert allowed == "http://localhost:5500"


def test_the_banner_says_where_the_shop_is_and_how_other_front_ends_reach_it(config):
    from backend.cli.banner import pages_lines

    development = pages_lines(config.with_overrides(app_env="development", port=5000))
    assert development[0] == "Shop: open http://localhost:5000/ and buy a T-shirt (order tracking: /track)"
    assert "http://localhost:*" in development[1] and "file://" in development[2]
    production = pages_lines(config.with_overrides(app_env="production", host="shop.example", port=8000))
    assert production[0].startswith("Shop: open http://shop.example:8000/") and len(production) == 2


def test_api_answers_vary_by_origin_and_carry_cors_headers_only_for_browsers(client):
    """Only a browser's cross-origin request (it always sends Origin) gets CORS headers; every API
    answer says it varies by Origin, so no cache hands one origin's answer to another."""
    plain = client.get("/api/products")
    assert plain.headers.getlist("Vary") == ["Origin"]
    assert not [name for name in plain.headers.keys() if name.startswith("Access-Control-")]
    browser = client.get("/api/products", headers={"Origin": "http://localhost:5000"})
    assert browser.headers["Access-Control-Allow-Origin"] == "http://localhost:5000"
    assert browser.headers.getlist("Vary") == ["Origin"]
    assert "Vary" not in client.get("/").headers  # a page: no CORS


@pytest.mark.parametrize("path", ["/", "/track.html", "/js/track.js", "/css/shop.css"])
def test_a_revalidated_page_keeps_its_own_security_policy(client, path):
    """A reload asks again with the validators; the 304 must not carry the JSON answers' policy
    (default-src 'none'), which the browser would apply to its cached page and so block its own
    styles and scripts."""
    first = client.get(path)
    assert first.status_code == 200
    validators = {}
    if first.headers.get("ETag"):
        validators["If-None-Match"] = first.headers["ETag"]
    if first.headers.get("Last-Modified"):
        validators["If-Modified-Since"] = first.headers["Last-Modified"]
    again = client.get(path, headers=validators)
    assert again.status_code == 304
    assert again.headers.get("Content-Security-Policy") in (None, first.headers["Content-Security-Policy"])
