"""§4 Corrupt files in the catalogue and the order data, through the real server's start-up."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import make_data_dir
from tests.harness import BASE_ENV, ROOT, free_port, wait_until
from tests.robustness import figures
from tests.robustness.conftest import ADMIN_KEY
from tests.robustness.support import tagged_order

ADMIN = {"X-Admin-Key": ADMIN_KEY}
BROKEN = {
    "truncated": lambda good: good[: len(good) // 2],
    "nul_bytes": lambda good: b"\x00" * len(good),
    "nul_tail": lambda good: good[:-5] + b"\x00" * 5,
    "empty": lambda good: b"",
    "wrong_type": lambda good: b'["not", "an", "object"]',
    "not_utf8": lambda good: good.replace(b'"', b'\xff"', 1),
    "utf16_no_bom": lambda good: good.decode("utf-8").encode("utf-16-le"),
}
READABLE = {
    "utf8_bom": lambda good: b"\xef\xbb\xbf" + good,
    "utf16": lambda good: good.decode("utf-8").encode("utf-16"),
}


def start(data_dir, log_dir, name):
    """Run the real server start-up; (exit code or None if it came up, output)."""
    env = {**os.environ, **BASE_ENV, "DATA_DIR": str(data_dir), "PORT": str(free_port()), "ADMIN_API_KEY": ADMIN_KEY,
           "PYTHONUNBUFFERED": "1"}
    log = log_dir / f"corrupt-{name}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "backend"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    return code, log.read_text(encoding="utf-8", errors="replace")


def used_data_dir(tmp_path):
    """A data directory with a state file, as after a first run."""
    from backend import create_app
    from backend.config import Config

    data_dir = make_data_dir(tmp_path / "data")
    client = create_app(Config(data_dir=data_dir, app_env="test", qikink_env="off", ratelimit_enabled=False)).test_client()
    assert client.post("/api/orders", json=tagged_order("before")).status_code == 201
    return data_dir


@pytest.mark.slow
@pytest.mark.parametrize("target", ["products.json", "state.json"])
@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_corrupt_catalogue_or_state_stops_start_up_naming_the_file(tmp_path, log_dir, target, kind):
    data_dir = used_data_dir(tmp_path)
    path = data_dir / target
    broken = BROKEN[kind](path.read_bytes())
    path.write_bytes(broken)
    figures.add("faults_injected")
    code, output = start(data_dir, log_dir, f"{target}-{kind}")
    assert code == 2, output[-2000:]
    assert "ERROR: " in output and str(path) in output, output[-2000:]
    assert "Traceback" not in output
    assert path.read_bytes() == broken, "the corrupt file was changed"
    assert len(list((data_dir / "orders").glob("BHRT-*.json"))) == 1, "an order was lost"


@pytest.mark.slow
@pytest.mark.parametrize("target", ["products.json", "state.json"])
@pytest.mark.parametrize("kind", sorted(READABLE))
def test_catalogue_or_state_saved_by_windows_editors_starts(tmp_path, start_server, target, kind):
    data_dir = used_data_dir(tmp_path)
    path = data_dir / target
    path.write_bytes(READABLE[kind](path.read_bytes()))
    server = start_server(data_dir)
    assert server.get("/api/products/BHRT-001-M").json()["data"]["stock_quantity"] == 14
    assert server.post("/api/orders", json=tagged_order("after")).status_code == 201
    assert server.get("/api/products/BHRT-001-M").json()["data"]["stock_quantity"] == 13


HAND_EDITS = {
    "missing_items": lambda order: {k: v for k, v in order.items() if k != "items"},
    "missing_email": lambda order: {k: v for k, v in order.items() if k != "customer_email"},
    "email_not_text": lambda order: {**order, "customer_email": 5},
    "status_a_list": lambda order: {**order, "status": ["pending"]},
    "qikink_status_a_number": lambda order: {**order, "qikink_status": 3},
    "items_not_objects": lambda order: {**order, "items": ["BHRT-001-M"]},
    "other_order_id": lambda order: {**order, "order_id": "BHRT-1"},
}


@pytest.mark.slow
def test_corrupt_and_hand_edited_orders_are_quarantined_and_the_rest_syncs(tmp_path, emulator, start_server):
    data_dir = make_data_dir(tmp_path / "data", stock=1000)
    server = start_server(data_dir)  # Qikink off: every order stays sync_pending
    kinds = sorted(BROKEN) + sorted(HAND_EDITS) + sorted(READABLE) + ["good1", "good2"]
    ids = {}
    for kind in kinds:
        response = server.post("/api/orders", json=tagged_order(kind.replace("_", "-")))
        assert response.status_code == 201
        ids[kind] = response.json()["data"]["order_id"]
    server.stop()
    originals = {}
    for kind, order_id in ids.items():
        path = data_dir / "orders" / f"{order_id}.json"
        good = path.read_bytes()
        if kind in BROKEN:
            path.write_bytes(BROKEN[kind](good))
        elif kind in HAND_EDITS:
            path.write_text(json.dumps(HAND_EDITS[kind](json.loads(good))), encoding="utf-8")
        elif kind in READABLE:
            path.write_bytes(READABLE[kind](good))
        originals[kind] = path.read_bytes()
        figures.add("faults_injected", int(not kind.startswith("good")))
    unusable = sorted(BROKEN) + sorted(HAND_EDITS)
    usable = [k for k in kinds if k not in unusable]

    server = start_server(data_dir, emulator_url=emulator.url)
    for kind in unusable:  # a corrupt order reads as absent, never as a 500
        for query, headers in (({}, ADMIN), ({"email": f"{kind.replace('_', '-')}@example.com"}, {})):
            response = server.get(f"/api/orders/{ids[kind]}", params=query, headers=headers)
            assert response.status_code == 404, (kind, response.text)
        assert server.get(f"/api/qikink/fulfillment/{ids[kind]}").status_code == 404
    listed = server.get("/api/orders", headers=ADMIN, params={"email": "good1@example.com"})
    assert listed.status_code == 200 and len(listed.json()["data"]) == 1

    def synced():
        orders = {o["order_id"]: o for o in server.get("/api/orders", headers=ADMIN).json()["data"]}
        return all(orders.get(ids[k], {}).get("qikink_status") == "synced" for k in usable) and orders

    orders = wait_until(synced, 30, interval=0.5, what="the readable orders synced")
    assert set(orders) == {ids[k] for k in usable}
    health = server.get("/api/health").json()
    quarantined = health.get("quarantined_files", [])
    for kind in unusable:  # moved aside, byte for byte: never lost
        moved = list((data_dir / "orders").glob(f"{ids[kind]}.json.corrupt-*"))
        assert len(moved) == 1, kind
        assert moved[0].read_bytes() == originals[kind], kind
        assert moved[0].name in quarantined, kind
        assert not (data_dir / "orders" / f"{ids[kind]}.json").exists()
    counters = emulator.counters()["created"]
    assert sorted(counters) == sorted(ids[k].replace("-", "") for k in usable)
