"""On a 390 px phone nothing is wider than the screen, on every page, the console included, and
axe-core finds no serious or critical violation (issue 26): a table may scroll inside its own box,
the page never scrolls sideways. The pages hold real data (an order, a webhook endpoint), so that
the tables and lists they fill are checked too."""

from __future__ import annotations

import pytest
import requests

from tests.browser.shop_pages import serious_violations, unique_email, wider_than_the_viewport
from tests.conftest import order_body

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def placed(shop_server):
    answer = requests.post(
        shop_server.url + "/api/orders", json=order_body(customer_email=unique_email("phone")), timeout=30
    )
    requests.post(shop_server.url + "/api/webhooks", json={"url": "https://hooks.example.in/phone"}, timeout=30)
    return answer.json()["data"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/p/heritage-print-t-shirt",
        "/p/phulkari-pocket-tee",
        "/track.html?order={order_id}&email={email}",
        "/admin",
        "/admin#order/{order_id}",
        "/admin#webhooks",
        "/shipping",
        "/returns",
        "/cancellation",
        "/privacy",
        "/terms",
        "/contact",
        "/no-such-page",
    ],
)
def test_nothing_is_wider_than_a_phone(context, page, placed, path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(path.format(order_id=placed["order_id"], email=placed["customer_email"]))
    page.wait_for_load_state("networkidle")
    assert wider_than_the_viewport(page) == []
    assert serious_violations(page) == []
