"""The store's transact_order contract: an order change, the stock it gives back and the numbers
it draws commit together or not at all; run against every store (journal, memory, PostgreSQL)."""

from __future__ import annotations

import threading
import time

import pytest

from backend.errors import OutOfStock
from backend.storage import JournalOrderStore, load_catalogue
from backend.storage.errors import OrderMissing, StoreWriteFailed
from tests.storage.order_builder import builder

SKU = "BHRT-001-M"  # 15 in stock in the test catalogue


def cancel(order, tx, *, number=True):
    """The shape of a cancellation: mark the order, give its stock back, draw a note number."""
    order["status"] = "cancelled"
    for item in order["items"]:
        tx.return_stock(item["sku"], item["quantity"])
    if number:
        order["credit_note"] = tx.next_number("credit-note")


def stock(store) -> int:
    return store.products()[SKU]["stock_quantity"]


def test_stock_returns_and_numbers_commit_with_the_order(store):
    order, _ = store.create_order(builder(quantity=3))
    assert stock(store) == 12
    changed = store.transact_order(order["order_id"], cancel)
    assert changed["status"] == "cancelled" and changed["credit_note"] == 1
    assert store.get_order(order["order_id"])["credit_note"] == 1
    assert stock(store) == 15


def test_numbers_are_gap_free_per_sequence_and_consecutive_within_one_change(store):
    first, _ = store.create_order(builder())
    second, _ = store.create_order(builder())

    def two_numbers(order, tx):
        order["a"] = tx.next_number("invoice")
        order["b"] = tx.next_number("invoice")
        order["other"] = tx.next_number("credit-note")

    changed = store.transact_order(first["order_id"], two_numbers)
    assert (changed["a"], changed["b"], changed["other"]) == (1, 2, 1)
    changed = store.transact_order(second["order_id"], two_numbers)
    assert (changed["a"], changed["b"], changed["other"]) == (3, 4, 2)


def test_mutate_saying_unchanged_uses_up_nothing(store):
    order, _ = store.create_order(builder(quantity=2))

    def draw_then_decline(order, tx):
        cancel(order, tx)
        return False

    store.transact_order(order["order_id"], draw_then_decline)
    assert stock(store) == 13
    assert store.get_order(order["order_id"])["status"] == "pending"
    assert store.transact_order(order["order_id"], cancel)["credit_note"] == 1


def test_mutate_raising_uses_up_nothing(store):
    order, _ = store.create_order(builder(quantity=2))

    def draw_then_refuse(order, tx):
        cancel(order, tx)
        raise ValueError("refused")

    with pytest.raises(ValueError):
        store.transact_order(order["order_id"], draw_then_refuse)
    assert stock(store) == 13
    assert store.get_order(order["order_id"])["status"] == "pending"
    assert store.transact_order(order["order_id"], cancel)["credit_note"] == 1


def test_missing_order_is_not_found(store):
    with pytest.raises(OrderMissing):
        store.transact_order("BHRT-1", cancel)


def test_update_order_still_takes_a_one_argument_mutate(store):
    order, _ = store.create_order(builder())
    store.update_order(order["order_id"], lambda o: o.update(note="kept"))
    assert store.get_order(order["order_id"])["note"] == "kept"


def test_update_orders_changes_each_and_reports_each_failure_on_its_own(store):
    a, _ = store.create_order(builder())
    b, _ = store.create_order(builder())

    def refuse(order):
        raise ValueError("refused")

    results = store.update_orders(
        [
            (a["order_id"], lambda o: o.update(n=1)),
            ("BHRT-1", lambda o: o.update(n=2)),
            (b["order_id"], refuse),
            (b["order_id"], lambda o: o.update(n=3)),
            (a["order_id"], lambda o: o.update(m=o["n"] + 1)),  # sees the first change
        ]
    )
    assert results[0]["n"] == 1
    assert isinstance(results[1], OrderMissing) and isinstance(results[2], ValueError)
    assert results[3]["n"] == 3 and (results[4]["n"], results[4]["m"]) == (1, 2)
    assert store.get_order(a["order_id"])["m"] == 2 and store.get_order(b["order_id"])["n"] == 3


def test_concurrent_changes_draw_each_number_once(store):
    orders = [store.create_order(builder())[0] for _ in range(8)]
    drawn = []
    barrier = threading.Barrier(len(orders))

    def draw(order_id):
        barrier.wait()
        for _ in range(3):
            changed = store.transact_order(order_id, lambda o, tx: o.update(n=tx.next_number("invoice")))
            drawn.append(changed["n"])

    threads = [threading.Thread(target=draw, args=(o["order_id"],)) for o in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(drawn) == list(range(1, 25))


# --- the journal store: the change is one record, whole or cut -----------------------------------
def test_a_torn_change_record_is_cut_at_start_and_undoes_nothing_else(data_dir):
    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    order, _ = store.create_order(builder(quantity=3))
    journal = data_dir / "orders.jsonl"
    before = journal.read_bytes()
    store.transact_order(order["order_id"], cancel)
    whole = journal.read_bytes()
    journal.write_bytes(whole[: len(before) + (len(whole) - len(before)) // 2])  # as a kill -9 mid-append
    again = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    assert journal.read_bytes() == before
    assert again.get_order(order["order_id"])["status"] == "pending"
    assert stock(again) == 12
    assert [q["problem"] for q in again.quarantined] == ["torn tail cut (unfinished record (no newline))"]
    assert again.transact_order(order["order_id"], cancel)["credit_note"] == 1
    assert stock(again) == 15


def test_a_failed_fsync_undoes_the_change_at_once(data_dir, monkeypatch):
    import os

    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    order, _ = store.create_order(builder(quantity=3))
    journal = (data_dir / "orders.jsonl").read_bytes()
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(5, "Input/output error")))
    with pytest.raises(StoreWriteFailed):
        store.transact_order(order["order_id"], cancel)
    monkeypatch.undo()
    assert (data_dir / "orders.jsonl").read_bytes() == journal
    assert stock(store) == 12 and store.get_order(order["order_id"])["status"] == "pending"
    assert store.transact_order(order["order_id"], cancel)["credit_note"] == 1


def test_change_kept_when_the_process_dies_after_the_write(data_dir):
    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    order, _ = store.create_order(builder(quantity=3))
    store.transact_order(order["order_id"], cancel)
    again = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    assert again.get_order(order["order_id"])["credit_note"] == 1
    assert stock(again) == 15
    other, _ = again.create_order(builder())
    assert again.transact_order(other["order_id"], cancel)["credit_note"] == 2
    assert stock(again) == 15


# --- the journal store: changes and new orders queued together are one batch, one fsync ---------
def one_batch(store, calls):
    """Run each call in its own thread while a pretend leader is committing, so that all of them
    queue (in this order); then step down: the first to wake commits the whole queue as one batch.
    Returns each call's result or exception, in order."""
    results = [None] * len(calls)
    group = store._group

    def run(slot, call):
        try:
            results[slot] = call()
        except Exception as exc:
            results[slot] = exc

    with group._turn:
        group._leading = True
    for slot, call in enumerate(calls):
        threading.Thread(target=run, args=(slot, call), daemon=True).start()
        deadline = time.monotonic() + 30
        while len(group.queue) < slot + 1 and time.monotonic() < deadline:
            time.sleep(0.001)
    assert len(group.queue) == len(calls)
    with group._turn:  # step down as a leader does: hand the turn to the first queued call
        group._leading = False
        group.queue[0]._wake.set()
    deadline = time.monotonic() + 30
    while any(result is None for result in results) and time.monotonic() < deadline:
        time.sleep(0.005)
    return results


def counting_fsyncs(monkeypatch):
    import os

    fsyncs, real = [], os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: fsyncs.append(fd) or real(fd))
    return fsyncs


def test_changes_and_new_orders_queued_together_share_one_append_and_see_each_other(data_dir, monkeypatch):
    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    order, _ = store.create_order(builder(quantity=3))
    assert stock(store) == 12
    fsyncs = counting_fsyncs(monkeypatch)
    results = one_batch(
        store,
        [
            lambda: store.transact_order(order["order_id"], lambda o, tx: o.update(n=tx.next_number("invoice"))),
            lambda: store.transact_order(order["order_id"], cancel),  # sees n, gives 3 back
            lambda: store.create_order(builder(quantity=15)),  # takes the 15 the cancel gave back
            lambda: store.create_order(builder(quantity=1)),  # nothing left
            lambda: store.transact_order(order["order_id"], lambda o, tx: o.update(m=tx.next_number("invoice"))),
        ],
    )
    numbered, cancelled, (big, created), sold_out, again = results
    assert len(fsyncs) == 1, "one append and one fsync for the whole batch"
    assert numbered["n"] == 1 and cancelled["status"] == "cancelled" and cancelled["n"] == 1
    assert created and big["items"][0]["quantity"] == 15
    assert isinstance(sold_out, OutOfStock), "only the call that failed fails"
    assert (again["n"], again["m"], again["status"]) == (1, 2, "cancelled")
    reopened = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    assert reopened.get_order(order["order_id"]) == again
    assert stock(reopened) == 0 and reopened.get_order(big["order_id"]) == big


def test_a_failed_batch_append_fails_every_call_in_it_and_changes_nothing(data_dir, monkeypatch):
    import os

    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    order, _ = store.create_order(builder(quantity=3))
    journal = (data_dir / "orders.jsonl").read_bytes()
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    results = one_batch(
        store,
        [
            lambda: store.transact_order(order["order_id"], cancel),
            lambda: store.transact_order(order["order_id"], lambda o, tx: False),  # read what the cancel wrote
            lambda: store.create_order(builder()),
        ],
    )
    monkeypatch.undo()
    assert all(isinstance(result, StoreWriteFailed) for result in results), results
    assert (data_dir / "orders.jsonl").read_bytes() == journal
    assert store.get_order(order["order_id"])["status"] == "pending" and stock(store) == 12


def test_concurrent_changes_are_group_committed(data_dir, monkeypatch):
    """Eight threads changing orders at once, with an fsync slow enough for them to queue behind it,
    share fsyncs: fewer fsyncs than changes, and every change is kept."""
    import os

    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    orders = [store.create_order(builder())[0] for _ in range(8)]
    fsyncs, real = [], os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (fsyncs.append(fd), time.sleep(0.01), real(fd)))
    barrier = threading.Barrier(len(orders))

    def change(order_id):
        barrier.wait()
        for n in range(5):
            store.transact_order(order_id, lambda o, tx, n=n: o.update(n=n))

    threads = [threading.Thread(target=change, args=(o["order_id"],)) for o in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(fsyncs) < 40 / 2, f"{len(fsyncs)} fsyncs for 40 changes"
    reopened = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    assert all(reopened.get_order(o["order_id"])["n"] == 4 for o in orders)


def test_update_orders_on_the_journal_is_one_append_and_one_fsync(data_dir, monkeypatch):
    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    orders = [store.create_order(builder())[0] for _ in range(10)]
    fsyncs = counting_fsyncs(monkeypatch)
    results = store.update_orders([(o["order_id"], lambda order: order.update(sent=True)) for o in orders])
    assert len(fsyncs) == 1 and all(r["sent"] for r in results)
    reopened = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    assert all(reopened.get_order(o["order_id"])["sent"] for o in orders)


def test_a_store_write_from_inside_a_change_is_refused_not_a_deadlock(data_dir):
    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    order, _ = store.create_order(builder())

    def nested(o, tx):
        store.transact_order(order["order_id"], lambda inner, tx2: inner.update(inner=True))

    with pytest.raises(RuntimeError, match="inside another store write"):
        store.transact_order(order["order_id"], nested)
    assert store.transact_order(order["order_id"], lambda o, tx: o.update(after=True))["after"] is True
