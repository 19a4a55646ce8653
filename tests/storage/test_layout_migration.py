"""A data directory in the per-order-file layout of earlier versions is moved to the journal at the
first start, losslessly: every order, Idempotency-Key, stock level, price and number carries over,
interrupted writes are settled as that layout's recovery settled them, and the old files are kept."""

from __future__ import annotations

import json
from decimal import Decimal

from backend.storage import JournalOrderStore, load_catalogue
from backend.storage.atomic import dumps
from backend.storage.order_fields import hash_key

BASE = 1_790_000_000


def old_order(n: int, **extra) -> dict:
    order_id = f"BHRT-{BASE + n}"
    return {
        "order_id": order_id,
        "customer_email": f"c{n}@example.com",
        "shipping_address": {"name": "A"},
        "items": [{"sku": "BHRT-001-M", "quantity": 1, "price": 1299, "line_total": 1299}],
        "total": 1299,
        "currency": "INR",
        "payment_method": "prepaid",
        "status": "pending",
        "qikink_status": "sync_pending",
        "qikink_order_number": order_id.replace("-", ""),
        "created_at": "2026-01-01T00:00:00+00:00",
        "updated_at": "2026-01-01T00:00:00+00:00",
        "events": [],
        "idempotency": None,
        **extra,
    }


def write_old_layout(data_dir):
    """What the per-order-file store (up to this change) left on disk: compact JSON order files,
    Idempotency-Key files named by the key's SHA-256, state.json with stock, prices, the sequence,
    write intents and transact_order changes; plus what editors and crashes leave."""
    orders, keys = data_dir / "orders", data_dir / "idempotency"
    orders.mkdir()
    keys.mkdir()
    for n in range(5):
        extra = {"txn": "tok-kept"} if n == 3 else {}
        (orders / f"BHRT-{BASE + n}.json").write_bytes(dumps(old_order(n, **extra)))
    (orders / f"BHRT-{BASE + 5}.json").write_bytes(b"\xef\xbb\xbf" + dumps(old_order(5)))  # saved by Notepad
    (orders / f"BHRT-{BASE + 6}.json").write_text(json.dumps(old_order(6)), encoding="utf-16")  # by PowerShell
    (orders / f"BHRT-{BASE + 7}.json").write_bytes(b'{"order_id": "BHRT-17')  # torn by a crash
    (orders / f".BHRT-{BASE + 8}.json.123.abcd.tmp").write_bytes(b"{")  # a temp file a crash left
    (keys / f"{hash_key('key-1')}.json").write_bytes(dumps({"order_id": f"BHRT-{BASE + 1}"}))
    (keys / f"{hash_key('key-gone')}.json").write_bytes(dumps({"order_id": f"BHRT-{BASE + 99}"}))
    state = {
        "version": 1,
        "last_order_seq": BASE + 9,
        "stock": {"BHRT-001-M": 5, "BHRT-002-M": 9},
        "prices": {"BHRT-002-M": 1399.5},
        # BASE+9 never got its file: its 2 come back. BASE+4's file exists: its stock stays taken.
        "intents": {f"BHRT-{BASE + 9}": {"BHRT-001-M": 2}, f"BHRT-{BASE + 4}": {"BHRT-001-M": 1}},
        # a cancellation of BASE+2 that never landed (undone), one of BASE+3 that did (kept)
        "changes": {
            f"BHRT-{BASE + 2}": {"token": "tok-lost", "stock": {"BHRT-002-M": 1}, "numbers": {"credit-note": [4, 5]}},
            f"BHRT-{BASE + 3}": {"token": "tok-kept", "stock": {"BHRT-001-M": 1}, "numbers": {"invoice": [6, 7]}},
        },
        "sequences": {"credit-note": 5, "invoice": 7},
    }
    (data_dir / "state.json").write_bytes(dumps(state))
    return state


def test_old_layout_is_migrated_losslessly_at_first_start(data_dir):
    write_old_layout(data_dir)
    old_files = {p.relative_to(data_dir): p.read_bytes() for p in data_dir.rglob("*.json") if p.name != "products.json"}
    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    ids = [f"BHRT-{BASE + n}" for n in range(7)]
    assert store.order_ids() == ids[::-1]
    for n, order_id in enumerate(ids):
        expected = old_order(n, **({"txn": "tok-kept"} if n == 3 else {}))
        assert store.get_order(order_id) == expected
    assert store.find_by_idempotency_key("key-1")["order_id"] == ids[1]
    assert store.find_by_idempotency_key("key-gone") is None
    products = store.products()
    assert products["BHRT-001-M"]["stock_quantity"] == 5 + 2
    assert products["BHRT-002-M"]["stock_quantity"] == 9 - 1
    assert products["BHRT-002-M"]["price"] == Decimal("1399.5")
    order, _ = store.create_order(lambda products, order_id: ({**old_order(0), "order_id": order_id}, {}))
    # Ids are random (not above the old ones): a new one is none of the old, and lists first.
    assert order["order_id"] not in ids and store.order_ids()[0] == order["order_id"]
    drawn = store.transact_order(
        ids[0], lambda o, tx: o.update(c=tx.next_number("credit-note"), i=tx.next_number("invoice"))
    )
    assert (drawn["c"], drawn["i"]) == (5, 8)
    # Nothing deleted: the old files are kept as they were, the torn one reported.
    aside = next(data_dir.glob("before-journal-*"))
    assert {
        p.relative_to(aside): p.read_bytes() for p in aside.rglob("*.json") if p.name != "MIGRATED.json"
    } == old_files
    assert not (data_dir / "state.json").exists() and not (data_dir / "orders").exists()
    assert [q["file"].split("/")[-1] for q in store.quarantined] == [f"BHRT-{BASE + 7}.json"]
    assert json.loads((aside / "MIGRATED.json").read_text())["orders"] == 7


def test_migration_runs_once_and_a_crash_after_the_journal_was_written_is_finished(data_dir):
    write_old_layout(data_dir)
    JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    journal = (data_dir / "orders.jsonl").read_bytes()
    again = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    assert (data_dir / "orders.jsonl").read_bytes() == journal and len(again.order_ids()) == 7
    # As if the process died after writing the journal, before moving the old files aside:
    (data_dir / "state.json").write_bytes(b'{"version": 1}')
    third = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    assert len(third.order_ids()) == 7 and not (data_dir / "state.json").exists()
    assert len(list(data_dir.glob("before-journal-*/state.json"))) >= 1
