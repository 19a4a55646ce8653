"""The deployment of deploy/, for real on 127.0.0.1: Caddy (Debian's, with its internal CA instead
of Let's Encrypt) in front of the real server with TRUSTED_PROXIES=127.0.0.1. HTTPS answers;
Caddy cuts off slow headers and refuses oversized bodies; one client's many connections through
it leave the server reachable; a forged X-Forwarded-For changes nothing (the rate limits see the
real client). Skipped without Caddy, except under CI=true (.ci/run installs it), where that fails.
Bounded: at most 120 sockets, every wait capped."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import time

import pytest
import requests

from tests.conftest import make_data_dir, order_body
from tests.robustness import figures
from tests.robustness.caddy import ROOT, Caddy, caddy_binary
from tests.robustness.conftest import ADMIN_KEY

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def deployed(tmp_path, start_server):
    caddy_binary()
    server = start_server(make_data_dir(tmp_path / "data"), TRUSTED_PROXIES="127.0.0.1", RATELIMIT_ENABLED="true")
    caddy = Caddy(tmp_path, server.port)
    yield caddy, server
    caddy.stop()


def test_deploy_caddyfile_is_valid_caddy_configuration(tmp_path):
    """`caddy validate` (adapts, loads and provisions every module, starts nothing) and `caddy
    adapt` on the shipped file, as a shop would use it."""
    caddy = caddy_binary()
    env = {**os.environ, "SHOP_DOMAIN": "shop.example.in", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    env["XDG_CONFIG_HOME"] = str(tmp_path)
    config = ["--config", str(ROOT / "deploy" / "Caddyfile"), "--adapter", "caddyfile"]
    validated = subprocess.run([caddy, "validate", *config], env=env, capture_output=True, text=True, timeout=60)
    assert validated.returncode == 0, validated.stderr[-3000:]
    adapted = subprocess.run([caddy, "adapt", *config], env=env, capture_output=True, text=True, timeout=60)
    assert adapted.returncode == 0, adapted.stderr
    assert "shop.example.in" in adapted.stdout and "127.0.0.1:5000" in adapted.stdout


def test_https_through_caddy_reaches_the_server_and_keeps_metrics_private(deployed):
    caddy, server = deployed
    answer = caddy.get("/api/products")
    assert answer.status_code == 200 and answer.json()["data"]
    assert answer.headers["X-Request-ID"]
    assert caddy.get("/metrics").status_code == 404  # scraped on the machine itself, never through the proxy
    assert caddy.get("/api/orders", headers={"X-Admin-Key": ADMIN_KEY}).status_code == 200


def test_a_customer_orders_and_looks_her_order_up_over_https(deployed):
    caddy, server = deployed
    placed = requests.post(
        f"{caddy.url}/api/orders",
        json=order_body(),
        headers={"Idempotency-Key": "caddy-order-1"},
        verify=str(caddy.root),
        timeout=15,
    )
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["data"]["order_id"]
    looked_up = caddy.get(f"/api/orders/{order_id}", params={"email": "asha@example.com"})
    assert looked_up.status_code == 200 and looked_up.json()["data"]["order_id"] == order_id
    assert caddy.get(f"/api/orders/{order_id}", params={"email": "someone@example.com"}).status_code == 404


def test_a_forged_forwarded_for_does_not_hide_the_client_from_the_limits(deployed):
    caddy, server = deployed
    codes = []
    for n in range(61):
        # Each request claims another address: Caddy replaces the header with the real one.
        forged = {"X-Forwarded-For": f"198.51.100.{n % 250}"}
        with caddy.tls_socket() as sock:
            sock.sendall(
                f"GET /api/orders/BHRT-{1000 + n}?email=a@example.com HTTP/1.1\r\nHost: localhost:{caddy.port}\r\n"
                f"X-Forwarded-For: {forged['X-Forwarded-For']}\r\nConnection: close\r\n\r\n".encode()
            )
            codes.append(int(sock.recv(64).split(b" ")[1]))
    assert codes[:60] == [404] * 60 and codes[60] == 429  # one client: 127.0.0.2, whatever it claimed
    assert caddy.get("/api/orders/BHRT-5?email=a@example.com").status_code == 404  # another client goes on


def test_caddy_cuts_off_slow_headers(deployed):
    caddy, server = deployed
    slow = [caddy.tls_socket() for _ in range(20)]
    try:
        for sock in slow:
            sock.sendall(b"GET /api/products HTTP/1.1\r\nHost: localhost\r\n")
        deadline = time.monotonic() + 30  # read_header is 2 s here
        open_ = list(slow)
        while open_ and time.monotonic() < deadline:
            for sock in list(open_):
                try:
                    sock.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    open_.remove(sock)
            assert caddy.get("/api/products").status_code == 200
            figures.add("answered_during_attacks")
            time.sleep(0.5)
        assert open_ == []
        figures.add("caddy_slow_sockets_cut_off", len(slow))
    finally:
        for sock in slow:
            sock.close()


def read_answer(sock) -> tuple[int, dict, bytes]:
    answer = b""
    try:
        while chunk := sock.recv(65536):
            answer += chunk
    except (ssl.SSLError, ConnectionResetError):
        pass  # Caddy closes a connection whose body it will not read: the answer came first
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:] if ": " in line)}
    return int(lines[0].split()[1]), headers, body


def test_caddy_refuses_a_200_mib_body_from_its_headers_alone(deployed):
    """Refused by the proxy (the server never sees it), before a byte of the body is sent, in the
    server's JSON error envelope."""
    caddy, server = deployed
    with caddy.tls_socket() as sock:
        sock.sendall(
            b"POST /api/orders HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(200 * 1024 * 1024).encode() + b"\r\n\r\n"
        )
        status, headers, body = read_answer(sock)
    assert status == 413 and headers["server"] == "Caddy"
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["code"] == "payload_too_large"
    figures.add("caddy_big_bodies_refused_unread")
    assert caddy.get("/api/products").status_code == 200


def test_a_chunked_body_through_caddy_is_refused_past_the_limit(deployed):
    """No Content-Length to judge: the body is cut off once it passes 64 KiB, by Caddy or by the
    server, whichever counts it first; 413 JSON either way. (Without Caddy's own limit, the server's
    413 and close reset Caddy's upload now and then, and Caddy answered 502: 3 times in 40.)"""
    caddy, server = deployed

    def pieces():
        for _ in range(50):  # at most 200 KiB
            yield b"a" * 4096

    answer = requests.post(
        f"{caddy.url}/api/orders",
        data=pieces(),
        headers={"Content-Type": "application/json"},
        verify=str(caddy.root),
        timeout=15,
    )
    assert answer.status_code == 413 and answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["error"]["code"] == "payload_too_large"
    assert caddy.get("/api/products").status_code == 200


def test_many_connections_through_caddy_leave_the_server_reachable(deployed):
    caddy, server = deployed
    held = []
    try:
        for _ in range(100):
            held.append(caddy.tls_socket())
        assert caddy.get("/api/products").status_code == 200
        direct = requests.get(f"http://127.0.0.1:{server.port}/api/products", timeout=10)
        assert direct.status_code == 200
        figures.add("answered_during_attacks", 2)
        figures.add("caddy_connections_held", len(held))
    finally:
        for sock in held:
            sock.close()
