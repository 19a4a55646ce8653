"""The shipped deploy/Caddyfile run for real on 127.0.0.1 in front of a server, with Caddy's own CA
instead of Let's Encrypt: for the tests behind Caddy and for bench/pages.py. Skips (fails under
CI=true) without Caddy."""

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

from tests.harness import free_port

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


def shipped_config(upstream_port: int) -> str:
    """deploy/Caddyfile itself, with what only a test changes: Caddy's internal CA instead of
    Let's Encrypt (no trust store touched, no port 80, no admin endpoint), the server's port, and
    a 2 s header timeout instead of 10 s (to keep the test short).
    Each change must apply exactly once: a reworded Caddyfile fails here, not silently."""
    text = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    changes = [
        ("\n{\n", "\n{\n\tadmin off\n\tlocal_certs\n\tskip_install_trust\n\tauto_https disable_redirects\n"),
        ("read_header 10s", "read_header 2s"),
        ("reverse_proxy 127.0.0.1:5000", f"reverse_proxy 127.0.0.1:{upstream_port}"),
    ]
    for old, new in changes:
        assert text.count(old) == 1, f"deploy/Caddyfile no longer has {old!r} once"
        text = text.replace(old, new)
    return text


class Caddy:
    """A Caddy process serving the shipped configuration over HTTPS until `stop()`."""

    def __init__(self, folder: Path, upstream_port: int):
        self.port = free_port()
        self.folder = folder
        config = folder / "Caddyfile"
        config.write_text(shipped_config(upstream_port), encoding="utf-8")
        env = {
            **os.environ,
            "SHOP_DOMAIN": f"https://localhost:{self.port}",
            "HOME": str(folder),
            "XDG_DATA_HOME": str(folder / "data"),
            "XDG_CONFIG_HOME": str(folder),
        }
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
