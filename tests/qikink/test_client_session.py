"""The client's own HTTP session reads the environment's proxy and CA settings once, at start."""

from __future__ import annotations

from backend.qikink.client import _session_for


def test_proxy_and_ca_bundle_from_the_environment_are_kept(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.shop.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/shop/ca.pem")
    session = _session_for("https://api.qikink.com")
    assert session.proxies.get("https") == "http://proxy.shop.example:3128"
    assert session.verify == "/etc/shop/ca.pem"
    assert session.trust_env is False, "read once here, not again on every call"


def test_no_proxy_for_a_host_listed_in_no_proxy(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.shop.example:3128")
    monkeypatch.setenv("NO_PROXY", "sandbox.qikink.com,127.0.0.1")
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    assert _session_for("https://sandbox.qikink.com").proxies == {}
    assert _session_for("http://127.0.0.1:5001").proxies == {}
    assert _session_for("https://sandbox.qikink.com").verify is True
