"""What a page on another website gets from this machine's browser when the server has no admin
key (admin by loopback): its simple, no-cors requests arrive with its Origin and change nothing."""

from __future__ import annotations

import pytest

from tests.browser.shop_server import serve_frontend, start_shop_server
from tests.conftest import order_body

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

SIMPLE_POST = """async (url) => {
  await fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
}"""


@pytest.fixture(scope="module")
def loopback_admin_server(tmp_path_factory):
    """No admin key, one shop origin allowed (not the attacker's), no background sync."""
    folder = tmp_path_factory.mktemp("loopback-admin")
    server = start_shop_server(
        folder / "data", folder, env={"CORS_ORIGINS": "https://shop.example.in", "SYNC_ENABLED": "false"}
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def other_website(tmp_path_factory, loopback_admin_server):
    process, url = serve_frontend(tmp_path_factory.mktemp("other-website"), loopback_admin_server.url)
    yield url
    process.stop()


def test_a_simple_post_from_another_website_changes_nothing(page, loopback_admin_server, other_website):
    server, emulator = loopback_admin_server.process, loopback_admin_server.emulator
    emulator.fault("503", count=1000, paths=None)
    try:
        order_id = server.post("/api/orders", json=order_body()).json()["data"]["order_id"]
    finally:
        emulator.clear_faults()
    calls = emulator.counters()["calls"]
    seen = []
    page.on(
        "response",
        lambda answer: (
            seen.append((answer.request.headers.get("origin"), answer.status)) if "/api/qikink/" in answer.url else None
        ),
    )

    page.goto(other_website + "/index.html")
    for path in ("/api/qikink/sync", "/api/qikink/authenticate?force=true"):
        page.evaluate(SIMPLE_POST, server.url + path)

    assert seen == [(other_website, 403), (other_website, 403)]
    assert emulator.counters()["calls"] == calls, "nothing reached Qikink"
    assert server.get(f"/api/orders/{order_id}").json()["data"]["qikink_status"] == "sync_pending"
    assert server.post("/api/qikink/sync").json()["orders"]["pushed"] == 1  # the same call from curl
