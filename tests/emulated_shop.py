"""A shop wired to the Qikink emulator over real HTTP, as the fulfilment, order, API, email,
attention and metrics tests build it: its settings, a Qikink client whose backoff sleeps cost no
time, the emulator's test controls, and a few ways to read and act on the shop. The fixtures that
make these shops (`make_shop`, `shop`) are in tests/conftest.py."""

from __future__ import annotations

from backend.config import Config
from backend.fulfilment import Fulfilment
from backend.qikink import QikinkClient, QikinkConfig
from tests.conftest import order_body
from tests.support import EmulatorControl

CLIENT_ID = "78670273abcdef"
SECRET = "fulfilment-test-secret-5f3a"
CREATE = "/api/order/create"
# The order request's push budget: far longer than any call here takes or is allowed (0.5 s
# timeouts), so an answer well within BUDGET / 2 came from Qikink's answer or failure, never from
# waiting the budget out, however slow the machine. No test here waits for it to expire.
BUDGET = 30.0
REMOTE = {"REMOTE_ADDR": "203.0.113.9"}
ADMIN_KEY = "a" * 32


# --- the emulator --------------------------------------------------------------------------------
def inject(emu, kind, *, count=1000, paths=(CREATE,), seconds=1.0):
    """A fault on the next `count` calls to `paths` (every /api/ path when paths is None)."""
    EmulatorControl(emu.url).fault(kind, count=count, seconds=seconds, paths=list(paths) if paths else None)


def counters(emu):
    return EmulatorControl(emu.url).counters()


def set_status(emu, qikink_id, status, number=None):
    EmulatorControl(emu.url).set_status(qikink_id, status, number)


# --- the shop ------------------------------------------------------------------------------------
def qikink_client(url, client_id=CLIENT_ID, secret=SECRET):
    """As build_qikink_client makes it, but the client's backoff sleeps cost no time."""
    return QikinkClient(
        QikinkConfig(
            client_id,
            secret,
            environment="emulator",
            base_url=url,
            connect_timeout=0.5,
            read_timeout=0.5,
            rate_limit_per_minute=0,
        ),
        sleep=lambda seconds: None,
    )


def settings(data_dir, url, **changes) -> Config:
    options = dict(
        data_dir=data_dir,
        app_env="test",
        ratelimit_enabled=False,
        qikink_env="emulator",
        qikink_base_url=url,
        qikink_client_id=CLIENT_ID,
        qikink_client_secret=SECRET,
        qikink_connect_timeout=0.5,
        qikink_read_timeout=0.5,
        qikink_rate_limit_per_minute=0,
        qikink_push_budget=BUDGET,
        qikink_retry_base_seconds=0,
        sync_interval=0.1,
        sync_enabled=False,
    )
    options.update(changes)
    return Config(**options)


def fulfilment_of(app) -> Fulfilment:
    return app.extensions["shop"].fulfilment


def place(app, **overrides):
    return app.test_client().post("/api/orders", json=order_body(**overrides))


def stored(app, order_id) -> dict:
    return app.extensions["shop"].store.get_order(order_id)


def number(order_id) -> str:
    return order_id.replace("-", "")


def cancel(app, order_id, query="", **kwargs):
    return app.test_client().post(f"/api/orders/{order_id}/cancel{query}", **kwargs)
