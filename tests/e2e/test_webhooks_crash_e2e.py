"""`kill -9` of the real server between order changes and their webhook deliveries: after a
restart on the same data directory every event is delivered, each order's in order (issue 25's
"delivered after restart"). A receiver on 127.0.0.1 verifies every signature; the emulator holds
the orders still (long steps), so each order's events are exactly created, then sent to Qikink."""

from __future__ import annotations

import time

import pytest

from tests.conftest import make_data_dir, order_body
from tests.harness import EmulatorProcess, ServerProcess, wait_until
from tests.webhooks.receiver import Receiver

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ORDERS = 12


def place(server: ServerProcess, count: int) -> list[str]:
    return [server.post("/api/orders", json=order_body(), timeout=10).json()["data"]["order_id"] for _ in range(count)]


def assert_each_in_order(receiver: Receiver, placed: list[str]) -> None:
    got = [(r["order_id"], r["type"]) for r in receiver.received]
    for order_id in placed:
        mine = [kind for o, kind in got if o == order_id]
        deduplicated = [kind for n, kind in enumerate(mine) if kind not in mine[:n]]
        assert deduplicated == ["order.created", "order.sent_to_qikink"], (order_id, mine)
        # at least once: a repeat is only ever of the event just delivered, never an older one
        steps = [deduplicated.index(kind) for kind in mine]
        assert all(later - earlier in (0, 1) for earlier, later in zip(steps, steps[1:], strict=False)), (
            order_id,
            mine,
        )
    assert receiver.refused_signatures == 0


@pytest.fixture
def shop(tmp_path):
    emulator = EmulatorProcess(tmp_path, step_seconds=1000).start()
    data_dir = make_data_dir(tmp_path / "data", stock=10_000)
    servers = []

    def start():
        server = ServerProcess(data_dir, tmp_path, emulator_url=emulator.url).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
    emulator.stop()


def test_kill_9_while_the_receiver_is_down_then_every_event_is_delivered_after_restart(shop):
    receiver = Receiver()
    server = shop()
    receiver.start()
    receiver.secret = server.post("/api/webhooks", json={"url": receiver.url}, timeout=10).json()["data"]["secret"]
    port = receiver.port
    receiver.stop()  # down: every event waits in the outbox or the delivery log
    placed = place(server, ORDERS)
    time.sleep(1.5)  # the webhook thread fans some out and fails to deliver them
    server.kill()

    receiver.port = port
    receiver.start()
    try:
        shop()  # the same data directory: the outboxes and the delivery log are read back
        # the first retry after a failure waits 5 s; the orders never fanned out go at once
        wait_until(lambda: len({(r["order_id"], r["type"]) for r in receiver.received}) >= 2 * ORDERS, 60)
        assert_each_in_order(receiver, placed)
    finally:
        receiver.stop()


def test_kill_9_in_the_middle_of_deliveries_loses_none_and_keeps_the_order(shop):
    receiver = Receiver().start()
    server = shop()
    receiver.secret = server.post("/api/webhooks", json={"url": receiver.url}, timeout=10).json()["data"]["secret"]
    placed = place(server, ORDERS)
    wait_until(lambda: len(receiver.received) >= ORDERS // 2, 30, what="some deliveries")
    server.kill()  # mid-stream: some events delivered, some fanned out, some still in orders
    more = place(shop(), 3)
    try:
        wait_until(lambda: len({(r["order_id"], r["type"]) for r in receiver.received}) >= 2 * (ORDERS + 3), 60)
        assert_each_in_order(receiver, placed + more)
    finally:
        receiver.stop()
