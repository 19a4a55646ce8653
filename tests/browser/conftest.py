"""Browser fixtures: Debian's Chromium driven by Playwright, against the real server process
(`python -m backend` with its embedded Qikink emulator) over HTTP on 127.0.0.1.

Without Chromium the browser tests skip with a message, except with CI=true, where they fail.
Every request the browser makes to a host other than 127.0.0.1/localhost is aborted.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import CATALOGUE
from tests.harness import ROOT, Process, ServerProcess, free_port, wait_until

EMULATOR_STEP_SECONDS = 0.5
LOCAL_HOSTS = ("127.0.0.1", "localhost")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium() -> str | None:
    """CHROMIUM_PATH, or the first Chromium on PATH (Debian: `apt-get install chromium`)."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).is_file() else None
    return next((found for found in map(shutil.which, CHROMIUM_NAMES) if found), None)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = "Chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: a missing browser fails the run)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"])
        yield browser
        browser.close()


class ShopServer:
    """The running server, with the admin calls tests use to set the scene and count orders
    (admin rights come from the loopback address: no ADMIN_API_KEY is set)."""

    def __init__(self, process: ServerProcess):
        self.process = process
        self.url = process.url

    def orders_for(self, email: str) -> list[dict]:
        answer = self.process.get("/api/orders", params={"email": email, "per_page": 200})
        answer.raise_for_status()
        return answer.json()["data"]

    def order(self, order_id: str) -> dict:
        return self.process.get(f"/api/orders/{order_id}").json()["data"]

    def product(self, sku: str) -> dict:
        return self.process.get(f"/api/products/{sku}").json()["data"]

    def set_product(self, sku: str, **changes) -> None:
        self.process.patch(f"/api/products/{sku}", json=changes).raise_for_status()


def start_shop_server(data_dir: Path, log_dir: Path, env: dict | None = None) -> ServerProcess:
    """`python -m backend` on free ports with its embedded emulator moving every half second;
    the catalogue's stock raised so that a session of tests never runs out by accident."""
    data_dir.mkdir(parents=True, exist_ok=True)
    catalogue = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    for product in catalogue["products"]:
        if product["stock_quantity"]:
            product["stock_quantity"] = 500
    (data_dir / "products.json").write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
    settings = {"QIKINK_ENV": "emulator", "QIKINK_EMULATOR_PORT": str(free_port()),
                "QIKINK_EMULATOR_STEP_SECONDS": str(EMULATOR_STEP_SECONDS), "QIKINK_RATE_LIMIT_PER_MINUTE": "30",
                **(env or {})}
    return ServerProcess(data_dir, log_dir, env=settings).start()


@pytest.fixture(scope="session")
def shop_server(tmp_path_factory):
    """One server for the browser session; tests tell their orders apart by a unique email."""
    folder = tmp_path_factory.mktemp("browser-shop")
    process = start_shop_server(folder / "data", folder)
    yield ShopServer(process)
    process.stop()


@pytest.fixture(scope="session")
def static_site(tmp_path_factory, shop_server):
    """`frontend/` copied and served by `python -m http.server` on another port, its API address
    set in js/config.js the way the README tells a shop owner to: a cross-origin front end."""
    folder = tmp_path_factory.mktemp("static-site")
    site = folder / "frontend"
    shutil.copytree(ROOT / "frontend", site)
    config = site / "js" / "config.js"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "export const API_BASE_URL = null;", f"export const API_BASE_URL = '{shop_server.url}';"), encoding="utf-8")
    port = free_port()
    process = Process([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory",
                       str(site)], {}, folder / "http-server.log").start()
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: requests.get(url + "/index.html", timeout=1).ok, 15, what="static site")
    yield url
    process.stop()


def _local_only(route):
    if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
        route.fallback()
    else:
        route.abort("blockedbyclient")


class PageProblems:
    """What a page did that no test expects: uncaught errors and dialogs (alert, confirm...)."""

    def __init__(self):
        self.errors: list[str] = []
        self.dialogs: list[str] = []


@pytest.fixture
def page_problems():
    return PageProblems()


@pytest.fixture
def context(browser, shop_server):
    """A fresh browser profile (empty localStorage) whose relative URLs go to the shop."""
    context = browser.new_context(base_url=shop_server.url, locale="en-IN", timezone_id="Asia/Kolkata")
    context.route("**/*", _local_only)
    yield context
    context.close()


@pytest.fixture
def page(context, page_problems):
    page = context.new_page()
    page.on("pageerror", lambda error: page_problems.errors.append(str(error)))

    def on_dialog(dialog):
        page_problems.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    assert not page_problems.errors, f"uncaught errors in the page: {page_problems.errors}"
