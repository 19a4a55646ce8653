"""Guessing is limited: customer look-ups per client and per order, wrong admin keys per client
(logged without the key). Time is frozen, so no result depends on the machine's speed."""

from __future__ import annotations

import logging
import types

import pytest

from backend import create_app
from backend.config import Config
from tests.conftest import order_body

ADMIN_KEY = "r" * 32
GUESSER = {"REMOTE_ADDR": "203.0.113.66"}
NEIGHBOUR = {"REMOTE_ADDR": "198.51.100.3"}


class FrozenTime:
    def __init__(self):
        self.now = 1_900_000_000.0

    def time(self):
        return self.now


@pytest.fixture
def frozen(monkeypatch):
    clock = FrozenTime()
    monkeypatch.setattr("limits.storage.memory.time", types.SimpleNamespace(time=clock.time))
    monkeypatch.setattr("backend.api.throttle.time", types.SimpleNamespace(time=clock.time))
    return clock


@pytest.fixture
def shop(data_dir, frozen):
    def make(**settings):
        config = Config(data_dir=data_dir, app_env="test", qikink_env="off", admin_api_key=ADMIN_KEY, **settings)
        app = create_app(config)
        return app, app.test_client()

    return make


def test_300_guesses_of_an_order_id_end_in_429_and_other_customers_go_on(shop, frozen):
    app, client = shop()
    order = client.post("/api/orders", json=order_body(), headers={"X-Admin-Key": ADMIN_KEY}).get_json()["data"]
    number = int(order["order_id"].split("-")[1])
    answers = []
    for guess in range(number - 150, number + 150):
        answer = client.get(
            f"/api/orders/BHRT-{guess}", query_string={"email": "asha@example.com"}, environ_base=GUESSER
        )
        answers.append(answer.status_code)
    assert set(answers[:60]) <= {200, 404} and set(answers[60:]) == {429}
    refused = client.get(f"/api/orders/{order['order_id']}?email=asha@example.com", environ_base=GUESSER)
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert (
        client.get(f"/api/orders/{order['order_id']}?email=asha@example.com", environ_base=NEIGHBOUR).status_code == 200
    )
    frozen.now += 61  # a minute later the guesser may look again
    assert (
        client.get(f"/api/orders/{order['order_id']}?email=asha@example.com", environ_base=GUESSER).status_code == 200
    )


def test_an_order_is_refused_for_the_minute_after_10_failed_look_ups_from_anywhere(shop, frozen):
    app, client = shop()
    order_id = client.post("/api/orders", json=order_body(), headers={"X-Admin-Key": ADMIN_KEY}).get_json()["data"]
    order_id = order_id["order_id"]
    owner = {"email": "asha@example.com"}
    routes = ("/api/orders/{}", "/api/orders/{}/invoice", "/api/qikink/fulfillment/{}", "/api/orders/{}/payment")

    # Her own look-ups never count: six tabs of the tracking page (one every 15 s each) for ten minutes.
    for _minute in range(10):
        for _ in range(24):
            assert client.get(f"/api/qikink/fulfillment/{order_id}", query_string=owner).status_code == 200
        frozen.now += 60

    codes = [
        client.get(
            routes[n % len(routes)].format(order_id),
            query_string={"email": f"guess{n}@example.com"},
            environ_base={"REMOTE_ADDR": f"203.0.113.{n}"},
        ).status_code
        for n in range(1, 13)
    ]
    assert codes == [404] * 10 + [429] * 2
    refused = client.get(f"/api/orders/{order_id}", query_string=owner)  # the right email too: no oracle
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert client.get(f"/api/orders/{order_id}", headers={"X-Admin-Key": ADMIN_KEY}).status_code == 200  # staff
    other = client.post("/api/orders", json=order_body(), headers={"X-Admin-Key": ADMIN_KEY}).get_json()["data"]
    assert client.get(f"/api/orders/{other['order_id']}", query_string=owner).status_code == 200
    frozen.now += 61
    assert client.get(f"/api/orders/{order_id}", query_string=owner).status_code == 200


def test_confirmation_links_are_limited_like_look_ups(shop):
    app, client = shop()
    codes = [client.get(f"/confirm/BHRT-1.{n:032d}", environ_base=GUESSER).status_code for n in range(30)]
    assert codes == [404] * 10 + [429] * 20


def test_wrong_admin_keys_are_throttled_per_client_and_logged_without_the_key(shop, caplog):
    app, client = shop()
    caplog.set_level(logging.WARNING, logger="backend.security")
    tried = [f"guess-{n:04d}" + "x" * 20 for n in range(8)]
    codes = [client.get("/api/orders", headers={"X-Admin-Key": key}, environ_base=GUESSER).status_code for key in tried]
    assert codes == [401] * 5 + [429] * 3
    right = client.get("/api/orders", headers={"X-Admin-Key": ADMIN_KEY}, environ_base=GUESSER)
    assert right.status_code == 429 and "Retry-After" in right.headers  # throttled for the minute, key or not
    assert client.get("/api/orders", headers={"X-Admin-Key": ADMIN_KEY}, environ_base=NEIGHBOUR).status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "backend.security"]
    assert len(lines) == 5 and all("203.0.113.66" in line and "GET /api/orders" in line for line in lines)
    assert not any(key[:8] in line for key in tried for line in lines)
    assert ADMIN_KEY[:8] not in caplog.text


def test_load_tests_turn_the_limits_off(shop):
    app, client = shop(ratelimit_enabled=False)
    codes = {
        client.get("/api/orders/BHRT-12345?email=a@example.com", environ_base=GUESSER).status_code for _ in range(100)
    }
    assert codes == {404}
