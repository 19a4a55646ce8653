"""§4 Corrupt files in the catalogue and the order data, through the real server's start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

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
    env = {
        **os.environ,
        **BASE_ENV,
        "DATA_DIR": str(data_dir),
        "PORT": str(free_port()),
        "ADMIN_API_KEY": ADMIN_KEY,
        "PYTHONUNBUFFERED": "1",
    }
    log = log_dir / f"corrupt-{name}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "backend"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
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
    """A data directory with a journal holding one order, as after a first run."""
    from backend import create_app
    from backend.config import Config

    data_dir = make_data_dir(tmp_path / "data")
    client = create_app(
        Config(data_dir=data_dir, app_env="test", qikink_env="off", ratelimit_enabled=False)
    ).test_client()
    assert client.post("/api/orders", json=tagged_order("before")).status_code == 201
    return data_dir


def stored_order_count(data_dir) -> int:
    from backend.storage import load_catalogue
    from backend.storage.journal_check import check_data_dir

    return check_data_dir(data_dir, load_catalogue(data_dir / "products.json")).get("orders", 0)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_corrupt_catalogue_stops_start_up_naming_the_file(tmp_path, log_dir, kind):
    data_dir = used_data_dir(tmp_path)
    path = data_dir / "products.json"
    broken = BROKEN[kind](path.read_bytes())
    path.write_bytes(broken)
    journal = (data_dir / "orders.jsonl").read_bytes()
    figures.add("faults_injected")
    code, output = start(data_dir, log_dir, f"products-{kind}")
    assert code == 2, output[-2000:]
    assert "ERROR: " in output and str(path) in output, output[-2000:]
    assert "Traceback" not in output
    assert path.read_bytes() == broken, "the corrupt file was changed"
    assert (data_dir / "orders.jsonl").read_bytes() == journal, "the journal was changed"


# A journal with no whole record left stops start-up; one whose end was torn starts, with the torn
# bytes cut, kept aside and reported (a crash mid-append leaves exactly that).
UNREADABLE_JOURNAL = ("nul_bytes", "empty", "wrong_type", "utf16_no_bom")
TORN_JOURNAL = ("truncated", "nul_tail")


@pytest.mark.slow
@pytest.mark.parametrize("kind", UNREADABLE_JOURNAL)
def test_unreadable_journal_stops_start_up_naming_it_and_is_left_alone(tmp_path, log_dir, kind):
    data_dir = used_data_dir(tmp_path)
    path = data_dir / "orders.jsonl"
    broken = BROKEN[kind](path.read_bytes())
    path.write_bytes(broken)
    figures.add("faults_injected")
    code, output = start(data_dir, log_dir, f"journal-{kind}")
    assert code == 2, output[-2000:]
    assert "ERROR: " in output and str(path) in output and "backup" in output, output[-2000:]
    assert "Traceback" not in output
    assert path.read_bytes() == broken, "the corrupt journal was changed"


@pytest.mark.slow
@pytest.mark.parametrize("kind", TORN_JOURNAL)
def test_torn_journal_starts_with_the_tail_cut_kept_and_reported(tmp_path, start_server, kind):
    data_dir = used_data_dir(tmp_path)
    path = data_dir / "orders.jsonl"
    whole = path.read_bytes()
    path.write_bytes(BROKEN[kind](whole))
    figures.add("faults_injected")
    server = start_server(data_dir)
    kept = path.read_bytes()
    assert whole.startswith(kept) and kept.endswith(b"\n")
    torn = list(data_dir.glob("orders.jsonl.torn-*"))
    assert len(torn) == 1 and torn[0].name in server.get("/api/health").json()["quarantined_files"]
    assert server.post("/api/orders", json=tagged_order("after")).status_code == 201


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(READABLE))
def test_catalogue_saved_by_windows_editors_starts(tmp_path, start_server, kind):
    data_dir = used_data_dir(tmp_path)
    path = data_dir / "products.json"
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
def test_damaged_and_hand_edited_records_are_set_aside_and_the_rest_syncs(tmp_path, emulator, start_server):
    """A record changed in place (a damaged sector, an edit in a text editor) fails its checksum:
    that order reads as absent, its line is kept aside byte for byte, every other order syncs.
    (Hand edits are made with `python -m backend orders edit`, which writes a new record.)"""
    data_dir = make_data_dir(tmp_path / "data", stock=1000)
    server = start_server(data_dir)  # Qikink off: every order stays sync_pending
    kinds = sorted(BROKEN) + sorted(HAND_EDITS) + ["good1", "good2"]
    ids = {}
    for kind in kinds:
        response = server.post("/api/orders", json=tagged_order(kind.replace("_", "-")))
        assert response.status_code == 201
        ids[kind] = response.json()["data"]["order_id"]
    server.stop()
    path = data_dir / "orders.jsonl"
    lines = path.read_bytes().split(b"\n")
    damaged = {}
    for number, line in enumerate(lines):
        kind = next((k for k, order_id in ids.items() if f'"id":"{order_id}"'.encode() in line), None)
        if kind is None or kind.startswith("good"):
            continue
        crc, rest = line.split(b" ", 1)
        meta, order = rest.split(b"\t", 1)
        if kind in BROKEN:
            lines[number] = BROKEN[kind](line).replace(b"\n", b" ")
        else:
            lines[number] = crc + b" " + meta + b"\t" + json.dumps(HAND_EDITS[kind](json.loads(order))).encode()
        # Every record of the order (its create, and the writes of its confirmation email's outbox).
        damaged.setdefault(kind, []).append(lines[number] + b"\n")
        figures.add("faults_injected")
    path.write_bytes(b"\n".join(lines))
    unusable = sorted(damaged)
    usable = [k for k in kinds if k not in unusable]

    server = start_server(data_dir, emulator_url=emulator.url)
    for kind in unusable:  # a damaged order reads as absent, never as a 500
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
    quarantined = server.get("/api/health").json().get("quarantined_files", [])
    kept = {p.name: p.read_bytes() for p in data_dir.glob("orders.jsonl.corrupt-at-*")}
    # Every damaged record kept aside, byte for byte (never lost), once each, and reported.
    assert Counter(kept.values()) == Counter(line for records in damaged.values() for line in records)
    assert set(kept) <= set(quarantined)
    counters = emulator.counters()["created"]
    assert sorted(counters) == sorted(ids[k].replace("-", "") for k in usable)
