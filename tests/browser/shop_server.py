"""The real shop for browser tests and the screenshot script: `python -m backend` and the Qikink
emulator (`python -m qikink_emulator`, without its 30-calls-a-minute limit, so that tracking
many test orders at once stays quick), on free ports of 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.conftest import CATALOGUE
from tests.harness import ROOT, EmulatorProcess, Process, ServerProcess, free_port, wait_until

EMULATOR_STEP_SECONDS = 0.5
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium() -> str | None:
    """CHROMIUM_PATH, or the first Chromium on PATH (Debian: `apt-get install chromium`)."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).is_file() else None
    return next((found for found in map(shutil.which, CHROMIUM_NAMES) if found), None)


class ShopServer:
    """The running server, with the admin calls tests use to set the scene and count orders
    (admin rights come from the loopback address: no ADMIN_API_KEY is set)."""

    def __init__(self, process: ServerProcess, emulator: EmulatorProcess):
        self.process = process
        self.emulator = emulator
        self.url = process.url

    def stop(self):
        self.process.stop()
        self.emulator.stop()

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


def start_shop_server(data_dir: Path, log_dir: Path, env: dict | None = None) -> ShopServer:
    """The server and an emulator whose orders move every half second, on free ports; the
    catalogue's stock raised so that a session of tests never runs out by accident."""
    data_dir.mkdir(parents=True, exist_ok=True)
    catalogue = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    for product in catalogue["products"]:
        if product["stock_quantity"]:
            product["stock_quantity"] = 500
    (data_dir / "products.json").write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
    emulator = EmulatorProcess(log_dir, step_seconds=EMULATOR_STEP_SECONDS).start()
    try:
        server = ServerProcess(data_dir, log_dir, emulator_url=emulator.url, env=env).start()
    except Exception:
        emulator.stop()
        raise
    return ShopServer(server, emulator)


@contextmanager
def own_shop_server(tmp_path_factory, name: str, env: dict | None = None):
    """A shop server in a folder of its own, stopped afterwards: for a module whose orders (an
    outage, a webhook endpoint) must not reach other modules'."""
    folder = tmp_path_factory.mktemp(name)
    server = start_shop_server(folder / "data", folder, env)
    try:
        yield server
    finally:
        server.stop()


def serve_frontend(folder: Path, api_url: str, port: int | None = None) -> tuple[Process, str]:
    """`frontend/` copied into `folder` and served by `python -m http.server` (on `port` or a free one), its
    API address set in js/config.js the way the README tells a shop owner to: a cross-origin
    front end. (process, its URL)."""
    site = folder / "frontend"
    shutil.copytree(ROOT / "frontend", site)
    config = site / "js" / "config.js"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "export const API_BASE_URL = null;", f"export const API_BASE_URL = '{api_url}';"
        ),
        encoding="utf-8",
    )
    port = port or free_port()
    process = Process(
        ["-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
        {},
        folder / f"http-server-{port}.log",
    ).start()
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: requests.get(url + "/index.html", timeout=1).ok, 60, what="static site")
    return process, url
