"""One access-log line a request (no email, no token), a request id in every answer and error body,
and X-Forwarded-For believed only from TRUSTED_PROXIES: the limits and the log see the real client."""

from __future__ import annotations

import logging

import pytest

from backend import create_app
from backend.api.proxies import TrustedProxyFix
from backend.config import Config, ConfigError
from tests.conftest import order_body

PROXY = {"REMOTE_ADDR": "127.0.0.1"}


@pytest.fixture
def shop(data_dir):
    def make(**settings):
        config = Config(data_dir=data_dir, app_env="test", qikink_env="off", **settings)
        return create_app(config).test_client()

    return make


def access_lines(caplog):
    return [r for r in caplog.records if r.name == "backend.access"]


def test_one_line_a_request_without_the_email_or_a_confirmation_token(shop, caplog):
    client = shop(access_log=True, ratelimit_enabled=False)
    caplog.set_level(logging.INFO, logger="backend.access")
    order_id = client.post("/api/orders", json=order_body()).get_json()["data"]["order_id"]
    answer = client.get(f"/api/orders/{order_id}?email=asha@example.com&x=1", headers={"X-Request-ID": "abc-123"})
    client.get("/confirm/BHRT-1.secret-token-value")
    lines = access_lines(caplog)
    assert len(lines) == 3
    looked_up = lines[1]
    assert answer.headers["X-Request-ID"] == "abc-123" and looked_up.request_id == "abc-123"
    assert (looked_up.method, looked_up.status, looked_up.client) == ("GET", 200, "127.0.0.1")
    assert looked_up.path == f"/api/orders/{order_id}?email=…&x=1"
    assert "asha@example.com" not in caplog.text and "secret-token-value" not in caplog.text
    assert lines[2].path == "/confirm/<token>"


@pytest.mark.parametrize(
    ("asked", "logged"),
    [
        ("/api/orders?customer=asha%40example.com&page=2", "/api/orders?customer=…&page=2"),
        ("/api/orders?Email=asha@example.com", "/api/orders?Email=…"),
        ("/api/orders?asha@example.com", "/api/orders?…"),
        ("/api/orders/asha@example.com/invoice", "/api/orders/…/invoice"),
        ("/api/orders?admin_key=k&key=k2&page=1", "/api/orders?admin_key=…&key=…&page=1"),
    ],
)
def test_an_email_anywhere_in_the_path_or_query_is_not_logged(shop, caplog, asked, logged):
    client = shop(access_log=True, ratelimit_enabled=False)
    caplog.set_level(logging.INFO, logger="backend.access")
    answer = client.get(asked, headers={"X-Request-ID": "req-42"})
    (line,) = access_lines(caplog)
    assert (line.path, line.status, line.request_id) == (logged, answer.status_code, "req-42")
    assert "asha" not in caplog.text and "req-42" in line.getMessage() and str(answer.status_code) in line.getMessage()


def test_every_answer_has_a_request_id_and_errors_carry_it(shop):
    client = shop(ratelimit_enabled=False)
    made = client.get("/api/products")
    assert len(made.headers["X-Request-ID"]) == 32
    for hostile in ("a" * 65, "two words", "semi;colon"):
        assert client.get("/api/products", headers={"X-Request-ID": hostile}).headers["X-Request-ID"] != hostile
    error = client.get("/api/orders/BHRT-99999", headers={"X-Request-ID": "trace-7"})
    assert error.get_json()["error"]["request_id"] == "trace-7" and error.headers["X-Request-ID"] == "trace-7"


def test_off_by_default_on_a_laptop_on_in_production():
    assert Config.from_env({}, load_dotenv_file=False).access_log is False
    production = {"APP_ENV": "production", "ADMIN_API_KEY": "p" * 32, "QIKINK_ENV": "off", "PAYMENTS_ENV": "off"}
    assert Config.from_env(production, load_dotenv_file=False).access_log is True
    assert Config.from_env({**production, "ACCESS_LOG": "false"}, load_dotenv_file=False).access_log is False


def test_forwarded_headers_count_only_from_a_trusted_proxy(shop, caplog):
    caplog.set_level(logging.INFO, logger="backend.access")
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    untrusted = shop(access_log=True)
    untrusted.get("/api/products", headers=forwarded, environ_base=PROXY)
    assert access_lines(caplog)[-1].client == "127.0.0.1"  # anyone can send the header

    behind = shop(access_log=True, trusted_proxies=("127.0.0.1/32",))
    behind.get("/api/products", headers=forwarded, environ_base=PROXY)
    assert access_lines(caplog)[-1].client == "203.0.113.9"
    # The proxy's own loopback address no longer makes a client admin: the real one is outside.
    assert behind.get("/api/orders", headers=forwarded, environ_base=PROXY).status_code == 401
    spoofed = behind.get("/api/products", headers=forwarded, environ_base={"REMOTE_ADDR": "198.51.100.8"})
    assert spoofed.status_code == 200 and access_lines(caplog)[-1].client == "198.51.100.8"


def test_the_limits_see_the_real_client_behind_the_proxy(shop):
    behind = shop(trusted_proxies=("127.0.0.1/32",))

    def guess(n, client):
        return behind.get(f"/api/orders/BHRT-{n}?email=a@b.in", headers={"X-Forwarded-For": client}).status_code

    assert [guess(n, "203.0.113.1") for n in range(60)] == [404] * 60
    assert guess(99, "203.0.113.1") == 429
    assert guess(99, "203.0.113.2") == 404


def test_a_malformed_trusted_proxies_is_refused():
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        Config.from_env({"TRUSTED_PROXIES": "caddy"}, load_dotenv_file=False)
    assert Config.from_env({"TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"}, load_dotenv_file=False).trusted_proxies == (
        "127.0.0.1/32",
        "10.0.0.0/8",
    )


@pytest.mark.parametrize(
    ("proxies", "peer", "seen"),
    [
        (("10.0.0.0/8",), "10.20.30.40", "203.0.113.9"),
        (("::1/128",), "::1", "203.0.113.9"),
        (("10.0.0.0/8", "fd00::/8"), "fd12::7", "203.0.113.9"),
        (("10.0.0.0/8",), "192.168.1.5", "192.168.1.5"),
        (("10.0.0.0/8",), "not an address", "not an address"),
        ((), "127.0.0.1", "127.0.0.1"),
    ],
)
def test_trusted_proxies_take_addresses_and_networks(proxies, peer, seen):
    got = {}

    def app(environ, start_response):
        got.update(addr=environ["REMOTE_ADDR"], forwarded=environ.get("HTTP_X_FORWARDED_FOR"))
        return []

    environ = {"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9", "wsgi.url_scheme": "http"}
    TrustedProxyFix(app, proxies)(environ, lambda *a: None)
    assert got["addr"] == seen  # the last hop only: what the trusted proxy itself saw
    if seen == peer:
        assert got["forwarded"] is None  # from anyone else, nothing downstream may read it
