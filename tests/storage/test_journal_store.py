"""The journal store's own promises: torn tails cut and reported, damaged records set aside, other
processes' appends seen, compaction and backup losing nothing, the admin index agreeing with a scan."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

from backend.storage import JournalOrderStore, MemoryOrderStore, OrderFilter, load_catalogue
from backend.storage.errors import StoreStartupError
from backend.storage.journal_check import check_data_dir
from tests.conftest import make_data_dir
from tests.storage.order_builder import builder


def open_store(data_dir, **kwargs):
    return JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"), **kwargs)


def journal(data_dir):
    return data_dir / "orders.jsonl"


def test_one_checksummed_json_line_per_change(data_dir):
    store = open_store(data_dir)
    order, _ = store.create_order(builder(quantity=2), idempotency_key="k")
    store.update_order(order["order_id"], lambda o: o.update(status="confirmed"))
    lines = journal(data_dir).read_bytes().splitlines()[1:]  # after the journal's own first record
    assert len(lines) == 2
    crc, rest = lines[1].split(b" ", 1)
    meta, stored = rest.split(b"\t")
    assert len(crc) == 8 and json.loads(meta)["id"] == order["order_id"]
    assert json.loads(stored)["status"] == "confirmed"
    assert json.loads(lines[0].split(b" ", 1)[1].split(b"\t")[0])["stock"] == {"BHRT-001-M": 13}


@pytest.mark.parametrize("cut", [1, 10, -1])
def test_torn_tail_is_cut_kept_aside_and_reported(data_dir, cut):
    store = open_store(data_dir)
    kept, _ = store.create_order(builder())
    whole = journal(data_dir).read_bytes()
    store.create_order(builder(quantity=3))
    torn = journal(data_dir).read_bytes()[:cut] if cut < 0 else journal(data_dir).read_bytes()[: len(whole) + cut]
    journal(data_dir).write_bytes(torn if cut > 0 else journal(data_dir).read_bytes()[:-1])
    again = open_store(data_dir)
    assert journal(data_dir).read_bytes() == whole
    assert again.order_ids() == [kept["order_id"]]
    assert again.products()["BHRT-001-M"]["stock_quantity"] == 14
    assert len(again.quarantined) == 1 and again.quarantined[0]["problem"].startswith("torn tail cut")
    aside = data_dir / again.quarantined[0]["moved_to"]
    assert whole + aside.read_bytes() == (torn if cut > 0 else journal_bytes_before_cut(store, whole, aside))


def journal_bytes_before_cut(store, whole, aside):
    return whole + aside.read_bytes()


def test_a_damaged_record_in_the_middle_is_set_aside_and_the_rest_is_kept(data_dir):
    store = open_store(data_dir)
    first, _ = store.create_order(builder())
    damaged, _ = store.create_order(builder())
    last, _ = store.create_order(builder())
    lines = journal(data_dir).read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"pending", b"pendinG")  # a flipped bit: the checksum no longer matches
    journal(data_dir).write_bytes(b"\n".join(lines))
    again = open_store(data_dir)
    assert again.get_order(damaged["order_id"]) is None
    assert again.get_order(first["order_id"]) == first and again.get_order(last["order_id"]) == last
    assert again.quarantined[0]["problem"] == "checksum mismatch"
    assert (data_dir / again.quarantined[0]["moved_to"]).read_bytes() == lines[2] + b"\n"
    assert check_data_dir(data_dir, again.catalogue)["problems"]


@pytest.mark.parametrize("garbage", [b"", b"\x00" * 300, b"not a journal\n", b'{"order_id": "BHRT-1"}\n'])
def test_a_journal_with_no_readable_record_stops_start_and_is_left_alone(data_dir, garbage):
    open_store(data_dir).create_order(builder())
    journal(data_dir).write_bytes(garbage)
    with pytest.raises(StoreStartupError, match="orders.jsonl"):
        open_store(data_dir)
    assert journal(data_dir).read_bytes() == garbage


def test_another_process_appends_are_seen_by_reads_and_writes(data_dir):
    one, two = open_store(data_dir), open_store(data_dir)
    a, _ = one.create_order(builder(quantity=2))
    assert two.get_order(a["order_id"]) == a
    b, _ = two.create_order(builder(quantity=1), idempotency_key="k")
    assert one.find_by_idempotency_key("k") == b
    assert one.products()["BHRT-001-M"]["stock_quantity"] == 12
    again, created = one.create_order(builder(), idempotency_key="k")
    assert not created and again == b
    assert one.order_ids() == two.order_ids() == [b["order_id"], a["order_id"]]


def test_a_read_that_raced_an_append_does_not_reload_the_whole_index(data_dir, monkeypatch):
    """A reader stats the journal, then a writer appends and applies a record before the reader
    takes the index lock: the journal only grew, so the reader must not take it for a shrunk or
    replaced file and rebuild the index (at 100,000 orders, a rebuild costs a second)."""
    store = open_store(data_dir)
    first, _ = store.create_order(builder())
    stale = os.stat(journal(data_dir))
    second, _ = store.create_order(builder())
    real_stat, answers = os.stat, iter([stale])
    monkeypatch.setattr(os, "stat", lambda path, *a, **k: next(answers, None) or real_stat(path, *a, **k))
    loads = []
    real_load = store._load
    monkeypatch.setattr(store, "_load", lambda **kw: loads.append(kw) or real_load(**kw))
    assert store.get_order(first["order_id"]) == first
    assert store.get_order(second["order_id"]) == second
    assert loads == []


def test_compaction_keeps_every_order_key_stock_price_and_number(data_dir):
    store = open_store(data_dir)
    other = open_store(data_dir)
    orders = [store.create_order(builder(), idempotency_key=f"k{i}")[0] for i in range(5)]
    for order in orders:
        store.update_order(order["order_id"], lambda o: o.update(status="confirmed"))
    store.transact_order(orders[0]["order_id"], lambda o, tx: o.update(note=tx.next_number("invoice")))
    store.update_product("BHRT-002-M", {"price": Decimal("1399.50"), "stock_quantity": 7})
    before = {i: store.get_order(i) for i in store.order_ids()}
    report = store.compact()
    assert report["bytes_after"] < report["bytes_before"]
    for reader in (store, other, open_store(data_dir)):  # `other` notices the new file and reloads
        assert {i: reader.get_order(i) for i in reader.order_ids()} == before
        assert reader.find_by_idempotency_key("k3")["order_id"] == orders[3]["order_id"]
        assert reader.products()["BHRT-001-M"]["stock_quantity"] == 10
        assert reader.products()["BHRT-002-M"]["price"] == Decimal("1399.50")
    assert len(journal(data_dir).read_bytes().splitlines()) == 1 + 5
    assert other.transact_order(orders[1]["order_id"], lambda o, tx: o.update(n=tx.next_number("invoice")))["n"] == 2


def test_admin_filters_and_counts_agree_with_the_reference_store(tmp_path):
    data_dir = make_data_dir(tmp_path / "data", stock=1000)
    catalogue = load_catalogue(data_dir / "products.json")
    stores = [open_store(data_dir), MemoryOrderStore(catalogue)]
    for store in stores:
        store.clock = lambda: 1_800_000_000
        for n in range(30):
            order, _ = store.create_order(builder(sku="BHRT-002-M"))
            email = f"Customer{n % 3}@Example.com"
            state = ("pending", "sync_pending") if n % 2 else ("confirmed", "synced")
            store.update_order(
                order["order_id"],
                lambda o: o.update(customer_email=email, status=state[0], qikink_status=state[1], n=n),
            )
    for matches in (
        None,
        OrderFilter(status="pending"),
        OrderFilter(qikink_status="synced"),
        OrderFilter(email="customer1@example.COM"),
        OrderFilter(status="confirmed", email="customer2@example.com"),
        OrderFilter(status="nothing"),
    ):
        for page in (1, 2):
            # Order ids are random (each store draws its own): compared by when each was placed.
            journal_page, memory_page = (
                ([o["n"] for o in orders], total)
                for orders, total in (store.list_orders(matches, page=page, per_page=7) for store in stores)
            )
            assert journal_page == memory_page
        assert stores[0].count_by_qikink_status(matches) == stores[1].count_by_qikink_status(matches)


def test_backup_taken_under_load_is_consistent_and_starts(tmp_path):
    data_dir = make_data_dir(tmp_path / "data", stock=100_000)
    store = open_store(data_dir)
    stop = threading.Event()
    placed = []

    def place():
        while not stop.is_set():
            placed.append(store.create_order(builder(sku="BHRT-003-S"))[0]["order_id"])

    writers = [threading.Thread(target=place) for _ in range(4)]
    for writer in writers:
        writer.start()
    try:
        deadline = time.monotonic() + 30
        while len(placed) < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        report = store.backup(tmp_path / "backup", data_dir / "products.json")
    finally:
        stop.set()
        for writer in writers:
            writer.join(30)
    copy = open_store(tmp_path / "backup")
    assert copy.quarantined == []
    ids = copy.order_ids()
    assert len(ids) == report["orders"] >= 20 and set(ids) <= set(placed)
    initial = load_catalogue(data_dir / "products.json")["BHRT-003-S"]["stock_quantity"]
    assert copy.products()["BHRT-003-S"]["stock_quantity"] == initial - len(ids)
    assert check_data_dir(tmp_path / "backup", copy.catalogue)["problems"] == []
    with pytest.raises(StoreStartupError, match="exists already"):
        store.backup(tmp_path / "backup", data_dir / "products.json")


def test_store_check_reports_a_clean_journal_and_changes_nothing(data_dir):
    store = open_store(data_dir)
    store.create_order(builder(), idempotency_key="k")
    before = journal(data_dir).read_bytes()
    report = check_data_dir(data_dir, store.catalogue)
    assert report["problems"] == [] and report["orders"] == 1 and report["idempotency_keys"] == 1
    assert journal(data_dir).read_bytes() == before and os.path.exists(journal(data_dir))


def snapshot(store):
    index = store._fresh()
    return (
        {i: store.get_order(i) for i in store.order_ids()},
        dict(index.keys),
        store.products(),
        dict(index.sequences),
        {n: {v: set(m) for v, m in f.items()} for n, f in index.by_field.items()},
    )


def test_a_start_from_the_index_checkpoint_equals_a_full_read(tmp_path, monkeypatch):
    from backend.storage import journal_store

    monkeypatch.setattr(journal_store, "CHECKPOINT_EVERY", 10)
    data_dir = make_data_dir(tmp_path / "data", stock=1000)
    store = open_store(data_dir)
    for n in range(25):
        order, _ = store.create_order(builder(), idempotency_key=f"k{n}")
        if n % 3 == 0:
            store.transact_order(
                order["order_id"], lambda o, tx: o.update(status="confirmed", n=tx.next_number("invoice"))
            )
    checkpoint = data_dir / "orders.index.json"
    assert checkpoint.exists()
    covered = json.loads(checkpoint.read_text())["end"]
    assert 0 < covered < journal(data_dir).stat().st_size  # the last records are read from the journal
    from_checkpoint = snapshot(open_store(data_dir))
    checkpoint.unlink()
    assert from_checkpoint == snapshot(open_store(data_dir)) == snapshot(store)


@pytest.mark.parametrize("damage", ["other_journal", "unreadable", "beyond_the_end"])
def test_a_checkpoint_that_does_not_fit_the_journal_is_ignored(tmp_path, monkeypatch, damage):
    from backend.storage import journal_store

    monkeypatch.setattr(journal_store, "CHECKPOINT_EVERY", 5)
    data_dir = make_data_dir(tmp_path / "data", stock=1000)
    store = open_store(data_dir)
    for _ in range(12):
        store.create_order(builder())
    expected = snapshot(store)
    checkpoint = data_dir / "orders.index.json"
    document = json.loads(checkpoint.read_text())
    if damage == "other_journal":
        document["journal"] = "0000000000000000"
        document["numbers"] = document["numbers"][:1]  # would lose orders if it were believed
    elif damage == "beyond_the_end":
        document["end"] = 10**9
    checkpoint.write_text("{not json" if damage == "unreadable" else json.dumps(document))
    assert snapshot(open_store(data_dir)) == expected


BEFORE_RANDOM_IDS = Path(__file__).parent / "journal_before_random_ids"  # see its README.md
OLD_IDS = ["BHRT-1733311200", "BHRT-1733307600", "BHRT-1733304000"]  # newest first


@pytest.mark.parametrize("with_checkpoint", [True, False], ids=["checkpoint", "journal-only"])
def test_a_journal_written_before_random_ids_opens_unchanged_and_lists_new_orders_first(
    data_dir, monkeypatch, with_checkpoint
):
    """Old clock-numbered ids and new random ones mixed: listed by when they were placed, not by
    number (a new number may be below every old one), across a reopen and a compaction."""
    for name in ("orders.jsonl", "orders.index.json") if with_checkpoint else ("orders.jsonl",):
        shutil.copy(BEFORE_RANDOM_IDS / name, data_dir / name)
    store = open_store(data_dir)
    assert store.order_ids() == OLD_IDS
    assert store.get_order("BHRT-1733304000")["status"] == "confirmed"
    assert store.find_by_idempotency_key("old-key-1")["order_id"] == "BHRT-1733307600"
    drawn = iter([1_000_000_007, 9_999_999_999])  # below every old number, then above
    monkeypatch.setattr("backend.storage.journal_batch.new_order_number", lambda: next(drawn))
    new = [store.create_order(builder(sku="BHRT-002-M", customer_email="kate@example.com"))[0] for _ in range(2)]
    expected = ["BHRT-9999999999", "BHRT-1000000007", *OLD_IDS]
    assert [order["order_id"] for order in new[::-1]] == expected[:2]
    kate = ["BHRT-9999999999", "BHRT-1000000007", "BHRT-1733311200", "BHRT-1733304000"]
    for reopened in (False, True, "compacted"):
        if reopened == "compacted":
            store.compact()
        opened = open_store(data_dir) if reopened else store
        assert opened.order_ids() == expected, reopened
        assert [o["order_id"] for o in opened.list_orders(page=2, per_page=2)[0]] == expected[2:4]
        assert [o["order_id"] for o in opened.list_orders(OrderFilter(email="KATE@example.com"))[0]] == kate
        assert [o["order_id"] for o in opened.list_orders(OrderFilter(status="pending"))[0]] == expected[:4]
        assert opened.get_order("BHRT-1733307600")["customer_email"] == "asha@example.com"
    assert check_data_dir(data_dir, store.catalogue)["problems"] == []
