"""A beginner's own page opened straight from disk (file://, sent as `Origin: null`): in
development it can read the catalogue, place an order and read it back, and never act as admin."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.conftest import order_body

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

PAGE = """<!doctype html><html lang="en"><title>My shop</title><body><pre id="out">running</pre>
<script>
const api = %r;
async function call(path, init) {
  try {
    const answer = await fetch(api + path, init);
    return answer.status;
  } catch (error) {
    return 'blocked: ' + error.message;
  }
}
(async () => {
  const order = { method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'file-page-1' },
                  body: JSON.stringify(%s) };
  const results = {
    products: await call('/api/products'),
    order: await call('/api/orders', order),
    list_orders: await call('/api/orders'),
    sync: await call('/api/qikink/sync', { method: 'POST' }),
  };
  document.getElementById('out').textContent = JSON.stringify(results);
})();
</script></body></html>"""


def test_a_page_opened_from_disk_may_shop_but_never_administer(page, shop_server, tmp_path):
    body = order_body(customer_email="from-disk@example.com")
    html = tmp_path / "my-shop.html"
    html.write_text(PAGE % (shop_server.url, json.dumps(body)), encoding="utf-8")
    page.goto(html.as_uri())
    expect(page.locator("#out")).not_to_have_text("running")
    results = json.loads(page.locator("#out").inner_text())
    assert results["products"] == 200 and results["order"] == 201
    assert results["list_orders"] == 401, "loopback does not make a null origin admin"
    # A POST without a body needs no preflight: it reaches the server, which refuses it (401),
    # and the browser does not even let the page read that.
    assert results["sync"].startswith("blocked"), "admin-only routes do not answer a null origin at all"
    assert len(shop_server.orders_for("from-disk@example.com")) == 1
