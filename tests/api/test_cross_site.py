"""Issue 10's two holes: DNS rebinding (a foreign Host) and other websites using the admin
rights the loopback address gives when no ADMIN_API_KEY is set."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
import requests

from backend import create_app
from backend.cli.banner import print_banner
from backend.config import Config, ConfigError
from tests.conftest import order_body
from tests.harness import ServerProcess, free_port
from tests.support import EmulatorControl

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}
ADMIN_KEY = "k" * 32
ADMIN_ROUTES = {
    ("GET", "/api/attention"),
    ("GET", "/metrics"),
    ("POST", "/api/orders/<order_id>/emails/<kind>/resend"),
    ("GET", "/api/orders"),
    ("PATCH", "/api/orders/<order_id>"),
    ("POST", "/api/orders/<order_id>/confirm"),
    ("POST", "/api/orders/<order_id>/payment/check"),
    ("POST", "/api/orders/<order_id>/replacement"),
    ("PATCH", "/api/products/<sku>"),
    ("GET", "/api/catalogue"),
    ("POST", "/api/catalogue/designs"),
    ("PATCH", "/api/catalogue/designs/<design_id>"),
    ("POST", "/api/catalogue/designs/<design_id>/variants"),
    ("PATCH", "/api/catalogue/variants/<sku>"),
    ("POST", "/api/size-charts"),
    ("PATCH", "/api/size-charts/<chart_id>"),
    ("POST", "/api/photos"),
    ("DELETE", "/api/photos/<photo_id>"),
    ("POST", "/api/qikink/authenticate"),
    ("POST", "/api/qikink/sync"),
    ("GET", "/api/webhooks"),
    ("POST", "/api/webhooks"),
    ("GET", "/api/webhooks/<endpoint_id>"),
    ("PATCH", "/api/webhooks/<endpoint_id>"),
    ("DELETE", "/api/webhooks/<endpoint_id>"),
    ("POST", "/api/webhooks/<endpoint_id>/secret"),
    ("GET", "/api/webhooks/<endpoint_id>/deliveries"),
    ("POST", "/api/webhooks/deliveries/<int:delivery_id>/resend"),
}
FOREIGN_HOSTS = [
    "rebind.attacker.example:5000",
    "rebind.attacker.example",
    "localhost.attacker.example:5000",
    "127.0.0.1.nip.io:5000",
    "0.0.0.0:5000",
    "[::2]:5000",
    "[::1]:99999",
    "LOCALHOST:5000",
]
# (`Origin: null` is never admin at all: 401, see tests/api/test_pages.py.)
OTHER_WEBSITES = [
    {"Origin": "http://evil.example"},
    {"Origin": "https://localhost:3000"},
    {"Origin": "http://localhost.evil.example"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Origin": "http://localhost:3000", "Sec-Fetch-Site": "cross-site"},
]
OWN_TOOLS = [
    {},
    {"Origin": "http://localhost"},
    {"Origin": "http://localhost:3000"},
    {"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-site"},
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},
]


@pytest.fixture
def make_app(data_dir, emu):
    """Apps talking to the session emulator; their fulfilment pools are closed afterwards."""
    made = []

    def make(**changes):
        settings = dict(
            data_dir=data_dir,
            ratelimit_enabled=False,
            app_env="test",
            qikink_env="emulator",
            qikink_base_url=emu.url,
            qikink_client_id="78670273abcdef",
            qikink_client_secret="cross-site-test-secret",
            qikink_rate_limit_per_minute=0,
            qikink_connect_timeout=0.5,
            qikink_read_timeout=0.5,
            qikink_push_budget=1,
            sync_enabled=False,
        )
        made.append(create_app(Config(**{**settings, **changes})))
        return made[-1]

    yield make
    for app in made:
        if app.extensions["shop"].fulfilment is not None:
            app.extensions["shop"].fulfilment.close()


def emulator_calls(emu) -> int:
    return EmulatorControl(emu.url).counters()["calls"]


def every_route(app, order_id):
    """(method, rule, path) for every route the app has, with its arguments filled in."""
    samples = {
        "order_id": order_id,
        "sku": "BHRT-001-M",
        "folder": "js",
        "name": "shop-client.js",
        "filename": "x.js",
        "token": f"{order_id}.not-its-token",
        "pincode": "400001",
        "kind": "confirmation",
        "endpoint_id": "ep_0123456789abcdef",
        "delivery_id": "1",
        "chart_id": "unisex-classic-tee",
        "photo_id": "ph_0123456789abcdef",
        "content_hash": "0" * 32,
        "width": "800",
        "fmt": "jpg",
        "slug": "heritage-print-t-shirt",
        "design_id": "BHRT-001",
    }
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda argument: samples[argument[1]], rule.rule)
        for method in sorted(rule.methods - {"HEAD"}):  # HEAD answers as GET does
            yield method, rule.rule, path


def admin_routes(app, order_id) -> set:
    """The routes that refuse a client on another machine without a key: the admin ones."""
    client = app.test_client()
    return {
        (method, rule)
        for method, rule, path in every_route(app, order_id)
        if client.open(path, method=method, json={}, environ_base=OUTSIDE).status_code == 401
    }


# --- DNS rebinding: the Host header ------------------------------------------------------------
def test_a_foreign_host_gets_json_400_on_every_route_and_nothing_runs(make_app, emu):
    app = make_app()
    client = app.test_client()
    order_id = client.post("/api/orders", json=order_body()).json["data"]["order_id"]
    stock = client.get("/api/products/BHRT-001-M").json["data"]["stock_quantity"]
    calls = emulator_calls(emu)
    routes = list(every_route(app, order_id))
    assert len(routes) >= 15
    for method, _, path in routes:
        for host in FOREIGN_HOSTS:
            response = client.open(
                path, method=method, json={"stock_quantity": 1, **order_body()}, headers={"Host": host}
            )
            assert response.status_code == 400, (method, path, host, response.status_code)
            if method != "HEAD":
                assert response.json["error"]["code"] == "untrusted_host"
            assert "asha@example.com" not in response.get_data(as_text=True)
    assert emulator_calls(emu) == calls, "no admin route reached Qikink"
    orders = client.get("/api/orders").json
    assert orders["pagination"]["total"] == 1 and orders["data"][0]["payment_method"] == "prepaid"
    assert client.get("/api/products/BHRT-001-M").json["data"]["stock_quantity"] == stock


@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "127.0.0.1", "127.0.0.1:5000", "[::1]", "[::1]:5000"])
def test_loopback_names_are_always_answered(make_app, host):
    client = make_app().test_client()
    assert client.get("/api/orders", headers={"Host": host}).status_code == 200


def test_allowed_hosts_adds_names_and_their_subdomains_with_a_leading_dot(make_app):
    client = make_app(allowed_hosts=("shop.example.in", ".lan.example")).test_client()
    for host in ("shop.example.in", "shop.example.in:8000", "till.lan.example:5000", "localhost:5000"):
        assert client.get("/api/products", headers={"Host": host}).status_code == 200, host
    for host in ("evil.example", "shop.example.in.evil.example", "lan.example.evil.example"):
        assert client.get("/api/products", headers={"Host": host}).status_code == 400, host


def test_the_address_in_host_is_answered_when_it_is_one_address(make_app):
    client = make_app(host="192.168.1.20").test_client()
    assert client.get("/api/products", headers={"Host": "192.168.1.20:5000"}).status_code == 200
    assert client.get("/api/products", headers={"Host": "192.168.1.21:5000"}).status_code == 400
    everywhere = make_app(host="0.0.0.0").test_client()
    assert everywhere.get("/api/products", headers={"Host": "0.0.0.0:5000"}).status_code == 400


def test_allowed_hosts_setting_is_read_and_validated():
    config = Config.from_env({"ALLOWED_HOSTS": " Shop.Example.in, 192.168.1.20,.lan.example ", "QIKINK_ENV": "off"})
    assert config.allowed_hosts == ("shop.example.in", "192.168.1.20", ".lan.example")
    assert Config.from_env({"QIKINK_ENV": "off"}).allowed_hosts == ()
    for bad in ("http://shop.example.in", "shop.example.in:5000", "shop.example.in/admin", "*", "[::1]"):
        with pytest.raises(ConfigError, match="ALLOWED_HOSTS"):
            Config.from_env({"ALLOWED_HOSTS": bad, "QIKINK_ENV": "off"})


# --- other websites and admin-by-loopback ------------------------------------------------------
def test_the_admin_routes_are_the_documented_ones(make_app):
    app = make_app()
    order_id = app.test_client().post("/api/orders", json=order_body()).json["data"]["order_id"]
    assert admin_routes(app, order_id) == ADMIN_ROUTES


@pytest.mark.parametrize("website", OTHER_WEBSITES, ids=lambda h: " ".join(h.values()))
def test_other_websites_get_403_on_every_admin_route_without_a_key(make_app, website):
    app = make_app()
    client = app.test_client()
    order_id = client.post("/api/orders", json=order_body()).json["data"]["order_id"]
    for method, rule, path in every_route(app, order_id):
        if (method, rule) in ADMIN_ROUTES | {("GET", "/api/orders/<order_id>")}:  # admin, or the customer
            response = client.open(path, method=method, json={"stock_quantity": 1}, headers=website)
            assert response.status_code == 403, (method, path, response.status_code)
            assert response.json["error"]["code"] == "cross_site_request"
    assert client.get(f"/api/orders/{order_id}").json["data"]["payment_method"] == "prepaid"


@pytest.mark.parametrize("tool", OWN_TOOLS, ids=lambda h: " ".join(h.values()) or "curl")
def test_this_machines_tools_and_allowed_origins_keep_admin_rights(make_app, tool):
    client = make_app().test_client()
    order_id = client.post("/api/orders", json=order_body()).json["data"]["order_id"]
    assert client.get("/api/orders", headers=tool).status_code == 200
    assert client.get(f"/api/orders/{order_id}", headers=tool).status_code == 200
    changed = client.patch("/api/products/BHRT-002-M", json={"stock_quantity": 7}, headers=tool)
    assert changed.status_code == 200 and changed.json["data"]["stock_quantity"] == 7


def test_a_page_on_this_server_reached_by_another_allowed_name_is_its_own_origin(make_app):
    client = make_app(allowed_hosts=("till.lan.example",), cors_origins=("https://shop.example.in",)).test_client()
    own = {"Host": "till.lan.example:5000", "Origin": "http://till.lan.example:5000", "Sec-Fetch-Site": "same-origin"}
    assert client.get("/api/orders", headers=own).status_code == 200
    other_port = {**own, "Origin": "http://till.lan.example:5001"}
    assert client.get("/api/orders", headers=other_port).status_code == 403


def test_a_simple_text_plain_post_from_another_website_changes_nothing(make_app, emu):
    taken_offline = make_app(qikink_env="off").test_client().post("/api/orders", json=order_body())
    order_id = taken_offline.json["data"]["order_id"]
    client = make_app().test_client()
    assert client.get(f"/api/orders/{order_id}").json["data"]["qikink_status"] == "sync_pending"
    calls = emulator_calls(emu)
    simple = {"Origin": "http://evil.example", "Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"}
    for path in ("/api/qikink/sync?retry_failed=true", "/api/qikink/authenticate?force=true"):
        response = client.post(path, data='{"x": 1}', headers=simple)
        assert (response.status_code, response.json["error"]["code"]) == (403, "cross_site_request")
    assert client.post("/api/orders", data=order_body(), headers=simple).status_code == 415
    assert emulator_calls(emu) == calls, "nothing reached Qikink"
    assert client.get("/api/orders").json["pagination"]["total"] == 1
    assert client.get(f"/api/orders/{order_id}").json["data"]["qikink_status"] == "sync_pending"
    # The same request from curl (no Origin) is the guide's step 3, and does send the order.
    assert client.post("/api/qikink/sync").json["orders"]["pushed"] == 1


def test_with_a_key_a_valid_key_works_from_allowed_origins_and_an_invalid_one_never(make_app):
    app = make_app(admin_api_key=ADMIN_KEY, cors_origins=("https://shop.example.in", "http://localhost:*"))
    client = app.test_client()
    valid = [{"Authorization": f"Bearer {ADMIN_KEY}"}, {"X-Admin-Key": ADMIN_KEY}]
    invalid = [{}, {"X-Admin-Key": ADMIN_KEY[:-1]}, {"Authorization": "Bearer " + "x" * 32}]
    origins = [
        {"Origin": "https://shop.example.in", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://localhost:3000", "Sec-Fetch-Site": "same-site"},
        {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
        {},
    ]
    for origin in origins:
        for environ in (OUTSIDE, {"REMOTE_ADDR": "127.0.0.1"}):
            for key in valid:
                response = client.get("/api/orders", headers={**origin, **key}, environ_base=environ)
                assert response.status_code == 200, (origin, key)
                if "Origin" in origin and origin["Origin"] != "http://localhost":
                    assert response.headers["Access-Control-Allow-Origin"] == origin["Origin"]
            for key in invalid:
                response = client.post("/api/qikink/sync", headers={**origin, **key}, environ_base=environ)
                assert response.status_code == 401, (origin, key)
    # A page on a website CORS does not allow cannot even send the key: its preflight is refused.
    preflight = client.options(
        "/api/orders",
        headers={
            "Origin": "http://evil.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


# --- the guide's steps, as curl and PowerShell send them, against the real server -------------
@pytest.fixture
def server(tmp_path, data_dir):
    process = ServerProcess(
        data_dir, tmp_path, env={"QIKINK_ENV": "emulator", "QIKINK_EMULATOR_PORT": str(free_port())}
    )
    yield process.start()
    process.stop()


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_guides_curl_steps_still_work(server):
    base = f"http://localhost:{server.port}"

    def curl(*args) -> str:
        done = subprocess.run(
            ["curl", "-sS", "-w", " %{http_code}", *args], capture_output=True, text=True, timeout=30, check=True
        )
        return done.stdout.rsplit(" ", 1)[1]

    assert curl(f"{base}/api/qikink/status") == "200"
    assert curl("-X", "POST", f"{base}/api/qikink/authenticate") == "200"
    assert curl("-X", "POST", f"{base}/api/qikink/sync") == "200"
    assert curl(f"{base}/api/orders") == "200"
    assert curl("-H", "Host: rebind.attacker.example:5000", f"{server.url}/api/orders") == "400"
    assert (
        curl(
            "-X",
            "POST",
            "-H",
            "Origin: http://evil.example",
            "-H",
            "Content-Type: text/plain",
            f"{base}/api/qikink/sync",
        )
        == "403"
    )


@pytest.mark.e2e
def test_the_guides_powershell_steps_still_work(server):
    """Invoke-RestMethod sends its own User-Agent and no Origin or Sec-Fetch-* headers."""
    session = requests.Session()
    session.headers.update(
        {"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.19045; en-US) PowerShell/7.4.6"}
    )
    base = f"http://localhost:{server.port}"
    assert session.get(f"{base}/api/qikink/status", timeout=15).status_code == 200
    assert session.post(f"{base}/api/qikink/authenticate", timeout=15).status_code == 200
    assert session.post(f"{base}/api/qikink/sync", timeout=15).status_code == 200
    created = session.post(f"{base}/api/orders", json=order_body(), timeout=15)
    assert created.status_code == 201
    order_id = created.json()["data"]["order_id"]
    assert session.get(f"{base}/api/qikink/fulfillment/{order_id}", timeout=15).status_code == 200
    assert session.get(f"{base}/api/orders/{order_id}", timeout=15).status_code == 200


# --- the banner -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "host,allowed,line",
    [
        (
            "0.0.0.0",
            (),
            "HOST=0.0.0.0 listens on every network, but only localhost, 127.0.0.1 and [::1] are answered: "
            "set ALLOWED_HOSTS",
        ),
        ("0.0.0.0", ("shop.example.in",), "Host names answered: localhost, 127.0.0.1, [::1], shop.example.in"),
        ("192.168.1.20", (), "Host names answered: localhost, 127.0.0.1, [::1], 192.168.1.20"),
    ],
)
def test_banner_says_which_host_names_are_answered(data_dir, host, allowed, line):
    stream = io.StringIO()
    print_banner(Config(data_dir=data_dir, host=host, allowed_hosts=allowed), None, emulator_url=None, stream=stream)
    assert line in stream.getvalue()


def test_banner_is_quiet_about_host_names_on_the_default_loopback_address(data_dir):
    stream = io.StringIO()
    print_banner(Config(data_dir=data_dir), None, emulator_url=None, stream=stream)
    assert "ALLOWED_HOSTS" not in stream.getvalue() and "Host names" not in stream.getvalue()
