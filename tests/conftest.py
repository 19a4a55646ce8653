"""Shared fixtures: a config on a temp data directory, the app, its client, both order stores."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from backend import create_app
from backend.config import Config
from backend.storage import JournalOrderStore, MemoryOrderStore, load_catalogue
from tests.postgres_server import start_server
from tests.support import EmulatorControl

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "data" / "products.json"

ADDRESS = {
    "name": "Asha Verma",
    "line1": "12 MG Road",
    "line2": "",
    "city": "Mumbai",
    "state": "Maharashtra",
    "pincode": "400001",
    "phone": "9876543210",
    "country": "IN",
}


def order_body(**overrides) -> dict:
    body = {
        "customer_email": "asha@example.com",
        "shipping_address": dict(ADDRESS),
        "payment_method": "prepaid",
        "items": [{"sku": "BHRT-001-M", "quantity": 2, "price": 1299}],
    }
    body.update(overrides)
    return body


def make_data_dir(path: Path, stock: int | None = None) -> Path:
    """A data directory holding the real catalogue, optionally with every stock set to `stock`."""
    path.mkdir(parents=True, exist_ok=True)
    document = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    if stock is not None:
        for product in document["products"]:
            product["stock_quantity"] = stock
    (path / "products.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return make_data_dir(tmp_path / "data")


@pytest.fixture
def config(data_dir) -> Config:
    return Config(data_dir=data_dir, ratelimit_enabled=False, app_env="test", qikink_env="off")


@pytest.fixture
def app(config):
    return create_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def postgres():
    """One throwaway PostgreSQL server for the session (skips without PostgreSQL, fails under CI=true)."""
    server = start_server()
    yield server
    server.destroy()


@pytest.fixture
def database_url(postgres) -> str:
    """A new empty database on the session's PostgreSQL server."""
    return postgres.create_database()


@pytest.fixture(params=["file", "memory", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, data_dir):
    """Every repository: the same storage tests run against each."""
    catalogue = load_catalogue(data_dir / "products.json")
    if request.param == "file":
        return JournalOrderStore(data_dir, catalogue)
    if request.param == "postgres":
        from backend.storage.postgres import open_postgres_store

        url = request.getfixturevalue("database_url")
        store = open_postgres_store(Config(data_dir=data_dir, database_url=url, database_pool_max=4))
        request.addfinalizer(store.close)
        return store
    return MemoryOrderStore(catalogue)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium for Playwright; the browser tests skip without it, except under CI=true."""
    from tests.browser.shop_server import find_chromium

    path = find_chromium()
    if path is None:
        message = "Chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: a missing browser fails the run)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One Chromium for the whole run: Playwright's sync API allows one instance at a time, so
    every browser test (tests/browser, tests/billing) shares this one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def emulator():
    """One Qikink emulator over real HTTP (a thread) for the session; statuses do not move by themselves."""
    from qikink_emulator import EmulatorServer

    with EmulatorServer(step_seconds=0, rate_limit_per_minute=0) as server:
        yield server


@pytest.fixture
def emu(emulator):
    """The session emulator, reset (orders, tokens, faults, counters) before each test."""
    EmulatorControl(emulator.url).reset()
    return emulator


@pytest.fixture
def make_shop(data_dir):
    """Apps on the test data directory; their workers and send pools are closed afterwards."""
    from tests.emulated_shop import settings

    made = []

    def make(url, *, client=None, **changes):
        app = create_app(settings(data_dir, url, **changes), qikink_client=client)
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["shop"].fulfilment.close()


@pytest.fixture
def shop(make_shop, emu):
    """An app sending to the session emulator through a client whose backoff costs no time."""
    from tests.emulated_shop import qikink_client

    return make_shop(emu.url, client=qikink_client(emu.url))


# pytest-xdist's controller runs no test and loads no conftest below this one: the robustness
# suite's figures and secret-leak scan come from the workers (tests/robustness/conftest.py).
@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    output = getattr(node, "workeroutput", {}).get("robustness")
    if output:
        from tests.robustness import conftest as robustness

        robustness.take_worker_output(output)


def _robustness_from_workers():
    robustness = sys.modules.get("tests.robustness.conftest")
    return robustness if robustness is not None and robustness.took_worker_output() else None


def pytest_sessionfinish(session, exitstatus):
    if robustness := _robustness_from_workers():
        robustness.fail_on_leaks(session)


def pytest_terminal_summary(terminalreporter):
    if robustness := _robustness_from_workers():
        robustness.report(terminalreporter)


def _module_rank(item) -> tuple:
    """Longest first: a test with its own pytest timeout (minutes long), then the end-to-end ones
    (a minute or less), then the other slow ones."""
    timeout = item.get_closest_marker("timeout")
    longest = -(timeout.args[0] if timeout and timeout.args else 0)
    return (longest, item.get_closest_marker("e2e") is None, item.get_closest_marker("slow") is None)


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (pyproject.toml's `-n`), the test files that take longest first. Each
    worker takes a whole file at a time (`--dist loadfile`, so a file's tests keep their order and
    its module fixtures start once), in this order, so the long files start at once, side by side,
    rather than ending the run on one worker while the others idle. Every worker sorts alike, as
    xdist requires."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        ranks: dict = {}
        for item in items:
            ranks[item.path] = min(ranks.get(item.path, (0, True, True)), _module_rank(item))
        items.sort(key=lambda item: ranks[item.path])  # stable: a file's tests keep their order
