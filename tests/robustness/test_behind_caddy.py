"""The deployment of deploy/, for real on 127.0.0.1: Caddy (Debian's, with its internal CA instead
of Let's Encrypt) in front of the real server with TRUSTED_PROXIES=127.0.0.1. HTTPS answers;
Caddy cuts off slow headers and refuses oversized bodies; one client's many connections through
it leave the server reachable; a forged X-Forwarded-For changes nothing (the rate limits see the
real client). Skipped without Caddy, except under CI=true (.ci/run installs it), where that fails.
Bounded: at most 120 sockets, every wait capped."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import make_data_dir
from tests.robustness import figures
from tests.robustness.conftest import ADMIN_KEY

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CLIENT = "127.0.0.2"  # a customer other than the machine itself


def caddy_binary() -> str:
    found = shutil.which("caddy")
    if found is None:
        reason = "Caddy is not installed (apt-get install caddy; .ci/run installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Caddy:
    def __init__(self, folder: Path, upstream_port: int):
        self.port = free_port()
        self.folder = folder
        config = folder / "Caddyfile"
        # deploy/Caddyfile's protections, with the test's domain, port, CA and a short header timeout.
        config.write_text(
            f"""{{
	admin off
	local_certs
	skip_install_trust
	auto_https disable_redirects
	servers {{
		timeouts {{
			read_header 2s
			read_body 10s
			idle 30s
		}}
		max_header_size 16KB
	}}
}}

https://localhost:{self.port} {{
	@internal path /metrics
	respond @internal 404
	reverse_proxy 127.0.0.1:{upstream_port}
}}
""",
            encoding="utf-8",
        )
        env = {**os.environ, "HOME": str(folder), "XDG_DATA_HOME": str(folder / "data"), "XDG_CONFIG_HOME": str(folder)}
        self.log = (folder / "caddy.log").open("wb")
        self.process = subprocess.Popen(
            [caddy_binary(), "run", "--config", str(config), "--adapter", "caddyfile"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.root = folder / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Caddy stopped: {(folder / 'caddy.log').read_text()[-2000:]}")
            if self.root.exists() and self._answers():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Caddy did not answer within 60 s: {(folder / 'caddy.log').read_text()[-2000:]}")

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    def _answers(self) -> bool:
        try:
            requests.get(f"{self.url}/api/health", verify=str(self.root), timeout=2)
            return True
        except requests.RequestException:
            return False

    def get(self, path: str, **kwargs):
        return requests.get(f"{self.url}{path}", verify=str(self.root), timeout=15, **kwargs)

    def tls_socket(self, source: str = CLIENT) -> ssl.SSLSocket:
        context = ssl.create_default_context(cafile=str(self.root))
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.settimeout(10)
        raw.bind((source, 0))
        raw.connect(("127.0.0.1", self.port))
        return context.wrap_socket(raw, server_hostname="localhost")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.log.close()


@pytest.fixture
def deployed(tmp_path, start_server):
    caddy_binary()
    server = start_server(make_data_dir(tmp_path / "data"), TRUSTED_PROXIES="127.0.0.1", RATELIMIT_ENABLED="true")
    caddy = Caddy(tmp_path, server.port)
    yield caddy, server
    caddy.stop()


def test_deploy_caddyfile_is_valid_caddy_configuration():
    caddy = caddy_binary()
    result = subprocess.run(
        [caddy, "adapt", "--config", str(ROOT / "deploy" / "Caddyfile"), "--adapter", "caddyfile"],
        env={**os.environ, "SHOP_DOMAIN": "shop.example.in"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "shop.example.in" in result.stdout and "127.0.0.1:5000" in result.stdout


def test_https_through_caddy_reaches_the_server_and_keeps_metrics_private(deployed):
    caddy, server = deployed
    answer = caddy.get("/api/products")
    assert answer.status_code == 200 and answer.json()["data"]
    assert answer.headers["X-Request-ID"]
    assert caddy.get("/metrics").status_code == 404  # scraped on the machine itself, never through the proxy
    assert caddy.get("/api/orders", headers={"X-Admin-Key": ADMIN_KEY}).status_code == 200


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


def test_caddy_cuts_off_slow_headers_and_refuses_big_bodies(deployed):
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
        figures.add("slow_sockets_cut_off", len(slow))
    finally:
        for sock in slow:
            sock.close()
    big = requests.post(
        f"{caddy.url}/api/orders",
        data=b'{"customer_email": "' + b"a" * (200 * 1024) + b'"}',
        headers={"Content-Type": "application/json"},
        verify=str(caddy.root),
        timeout=15,
    )
    assert big.status_code == 413 and big.json()["error"]["code"] == "payload_too_large"  # the server's, passed on


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
    finally:
        for sock in held:
            sock.close()
