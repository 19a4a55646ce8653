"""`python -m backend orders …` and `store …`, run as a person runs them, on a real data directory."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from backend.storage import JournalOrderStore, load_catalogue
from tests.harness import BASE_ENV, ROOT
from tests.storage.order_builder import builder


def cli(data_dir, *args, check=True):
    env = {**os.environ, **BASE_ENV, "DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "backend", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if check:
        assert result.returncode == 0, result.stderr[-2000:]
    return result


@pytest.fixture
def shop(data_dir):
    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    orders = [store.create_order(builder(status=status))[0] for status in ("pending", "confirmed", "pending")]
    return store, orders


def test_orders_show_list_and_export(shop, data_dir):
    store, orders = shop
    shown = json.loads(cli(data_dir, "orders", "show", orders[1]["order_id"]).stdout)
    assert shown == orders[1]
    assert cli(data_dir, "orders", "show", "BHRT-1", check=False).returncode == 1
    listed = cli(data_dir, "orders", "list", "--status", "pending").stdout.split()
    assert [word for word in listed if word.startswith("BHRT-")] == [orders[2]["order_id"], orders[0]["order_id"]]
    exported = json.loads(cli(data_dir, "orders", "export").stdout)
    assert exported == orders
    rows = list(csv.DictReader(io.StringIO(cli(data_dir, "orders", "export", "--format", "csv").stdout)))
    assert [row["order_id"] for row in rows] == [o["order_id"] for o in orders]
    assert rows[0]["items"] == "BHRT-001-M x1"


def test_a_hand_edit_is_checked_and_saved_as_a_new_record(shop, data_dir, tmp_path):
    store, orders = shop
    order_id = orders[0]["order_id"]
    edited = {**orders[0], "shipping_address": {"name": "Fixed by hand"}}
    (tmp_path / "fixed.json").write_text(json.dumps(edited), encoding="utf-8")
    assert "Saved" in cli(data_dir, "orders", "edit", order_id, "--from", tmp_path / "fixed.json").stdout
    assert store.get_order(order_id) == edited  # the running store sees it at its next read
    broken = {k: v for k, v in edited.items() if k != "items"}
    (tmp_path / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    refused = cli(data_dir, "orders", "edit", order_id, "--from", tmp_path / "broken.json", check=False)
    assert refused.returncode == 1 and "items" in refused.stderr
    assert store.get_order(order_id) == edited


def test_store_check_compact_and_backup(shop, data_dir, tmp_path):
    store, orders = shop
    store.update_order(orders[0]["order_id"], lambda o: o.update(status="confirmed"))
    assert json.loads(cli(data_dir, "store", "check").stdout)["problems"] == []
    report = json.loads(cli(data_dir, "store", "compact").stdout)
    assert report["orders"] == 3 and report["bytes_after"] < report["bytes_before"]
    assert store.get_order(orders[0]["order_id"])["status"] == "confirmed"  # reloaded after the compaction
    backup = json.loads(cli(data_dir, "store", "backup", tmp_path / "copy").stdout)
    assert backup["orders"] == 3
    copied = json.loads(cli(tmp_path / "copy", "orders", "export").stdout)
    assert copied == [store.get_order(o["order_id"]) for o in orders]
    (data_dir / "orders.jsonl").write_bytes((data_dir / "orders.jsonl").read_bytes()[:-3])
    damaged = cli(data_dir, "store", "check", check=False)
    assert damaged.returncode == 1 and "torn tail" in damaged.stdout
