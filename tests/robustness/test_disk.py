"""§3 Disk: ENOSPC and EIO at the journal's write and fsync through the whole app; read-only data directory."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections import namedtuple

import pytest

from backend import create_app
from backend.config import Config
from backend.storage import journal_store
from tests.conftest import make_data_dir, order_body
from tests.harness import BASE_ENV, ROOT, free_port
from tests.robustness import figures
from tests.robustness.conftest import ADMIN_KEY
from tests.support import assert_error

ADMIN = {"X-Admin-Key": ADMIN_KEY}
Case = namedtuple("Case", "name method path body headers")
REQUESTS = [  # each makes one journal append: a record written, then fsynced
    Case("new order with key", "post", "/api/orders", order_body(), {"Idempotency-Key": "disk-1"}),
    Case("new order", "post", "/api/orders", order_body(), {}),
    Case("product patch", "patch", "/api/products/BHRT-001-M", {"stock_quantity": 7}, ADMIN),
    Case("order patch", "patch", "/api/orders/{order_id}", {"payment_method": "cod"}, ADMIN),
]


@pytest.fixture
def shop(tmp_path):
    data_dir = make_data_dir(tmp_path / "data")
    app = create_app(
        Config(data_dir=data_dir, ratelimit_enabled=False, app_env="test", qikink_env="off", admin_api_key=ADMIN_KEY)
    )
    return app, data_dir


def fail_next_append(monkeypatch, code: int, where: str) -> dict:
    """Make the next journal append fail with `code`: at `write` (half the record reaches the file
    first, as when the disk fills mid-write) or at `fsync`."""
    calls = {"n": 0}
    real_write = os.write

    def failing_write(fd, data):
        calls["n"] += 1
        real_write(fd, bytes(data)[: len(data) // 2])
        raise OSError(code, os.strerror(code))

    def failing_fsync(fd):
        calls["n"] += 1
        raise OSError(code, os.strerror(code))

    if where == "write":
        monkeypatch.setattr(journal_store.os, "write", failing_write)
    else:
        monkeypatch.setattr(journal_store.os, "fsync", failing_fsync)
    return calls


def snapshot(data_dir):
    return {
        p.relative_to(data_dir).as_posix(): p.read_bytes()
        for p in sorted(data_dir.rglob("*"))
        if p.is_file() and not p.name.startswith(".store.lock")
    }


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO], ids=["ENOSPC", "EIO"])
@pytest.mark.parametrize("where", ["write", "fsync"])
@pytest.mark.parametrize("case", REQUESTS, ids=[c.name for c in REQUESTS])
def test_disk_failure_is_503_leaves_nothing_partial_and_recovers(shop, monkeypatch, case, code, where):
    app, data_dir = shop
    client = app.test_client()
    first = client.post("/api/orders", json=order_body(items=[{"sku": "BHRT-001-M", "quantity": 1}]))
    assert first.status_code == 201
    order_id = first.json["data"]["order_id"]
    path = case.path.format(order_id=order_id)
    before = snapshot(data_dir)

    calls = fail_next_append(monkeypatch, code, where)
    response = getattr(client, case.method)(path, json=case.body, headers=case.headers)
    figures.add("faults_injected")
    assert calls["n"] >= 1, "the failure was never reached"
    assert_error(response, 503, "storage_unavailable")
    assert int(response.headers["Retry-After"]) > 0
    after = snapshot(data_dir)
    assert not [p for p in after if p.endswith(".tmp")], "a temp file was left"
    assert after == before, "the append failed, yet the journal (or another file) changed"

    monkeypatch.undo()  # space returns
    assert client.get("/api/health").status_code == 200
    again = getattr(client, case.method)(path, json=case.body, headers=case.headers)
    assert again.status_code in (200, 201), again.get_data(as_text=True)
    orders = client.get("/api/orders", headers=ADMIN).json["data"]
    expected_orders = 2 if case.method == "post" else 1
    assert len(orders) == expected_orders
    taken = sum(item["quantity"] for o in orders for item in o["items"] if item["sku"] == "BHRT-001-M")
    stock = client.get("/api/products/BHRT-001-M").json["data"]["stock_quantity"]
    assert stock == (7 if case.name == "product patch" else 15 - taken)
    if case.name == "order patch":
        assert client.get(f"/api/orders/{order_id}", headers=ADMIN).json["data"]["payment_method"] == "cod"


def test_full_disk_shows_in_health_and_clears(shop, monkeypatch):
    app, _ = shop
    client = app.test_client()
    usage = type("Usage", (), {"total": 10**9, "used": 10**9, "free": 0})
    monkeypatch.setattr("backend.storage.journal_files.shutil.disk_usage", lambda path: usage)
    figures.add("faults_injected")
    response = client.get("/api/health")
    assert response.status_code == 503 and response.json["storage"] == "unavailable"
    monkeypatch.undo()
    assert client.get("/api/health").json["storage"] == "ok"


@pytest.mark.parametrize("mode", ["access", "erofs"])
def test_read_only_data_dir_at_start_up_gives_a_clear_message(tmp_path, log_dir, mode):
    """Root ignores chmod, so the read-only disk is simulated inside the real server process."""
    data_dir = make_data_dir(tmp_path / "data")
    if mode == "erofs":  # a data directory that was used before, now on a read-only mount
        create_app(Config(data_dir=data_dir, app_env="test", qikink_env="off"))
    before = snapshot(data_dir)
    env = {**os.environ, **BASE_ENV, "DATA_DIR": str(data_dir), "PORT": str(free_port()), "PYTHONUNBUFFERED": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.robustness.readonly_start", mode],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    figures.add("faults_injected")
    (log_dir / f"readonly-{mode}.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    assert result.returncode == 2, result.stdout + result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("ERROR: Data directory") and str(data_dir) in message
    assert "DATA_DIR" in message and "writable" in message
    assert "Traceback" not in result.stderr
    assert snapshot(data_dir) == before
