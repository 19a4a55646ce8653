"""The store contract, run against the journal store, its in-memory twin and PostgreSQL; file-only faults."""

from __future__ import annotations

import errno
import json
import os
from decimal import Decimal

import pytest

from backend.errors import OutOfStock
from backend.storage import JournalOrderStore, atomic, load_catalogue
from backend.storage.errors import StoreBusy, StoreStartupError, StoreWriteFailed
from backend.storage.order_fields import is_order_id
from backend.storage.order_filter import OrderFilter
from tests.conftest import make_data_dir
from tests.storage.order_builder import builder


# --- the shared contract ---------------------------------------------------------------------------
def test_create_takes_stock_and_reads_back(store):
    order, created = store.create_order(builder(quantity=3))
    assert created
    assert store.get_order(order["order_id"]) == order
    assert store.products()["BHRT-001-M"]["stock_quantity"] == 12
    assert store.order_ids() == [order["order_id"]]


def test_failed_build_changes_nothing(store):
    with pytest.raises(OutOfStock):
        store.create_order(builder(quantity=16))
    assert store.products()["BHRT-001-M"]["stock_quantity"] == 15
    assert store.order_ids() == []


def test_ids_are_random_unique_and_listed_newest_first(store):
    store.clock = lambda: 1_800_000_000  # one second: the ids owe nothing to the clock
    ids = [store.create_order(builder(sku="BHRT-002-M"))[0]["order_id"] for _ in range(15)]
    assert len(set(ids)) == 15 and all(is_order_id(i) and len(i.replace("-", "")) == 14 for i in ids)
    numbers = [int(i[5:]) for i in ids]
    assert numbers != sorted(numbers)  # not a sequence (random: sorted by chance once in 15! draws)
    assert store.order_ids() == ids[::-1]  # newest first, whatever the numbers


def test_a_drawn_number_already_taken_is_drawn_again(store, monkeypatch):
    drawn = iter([1_234_567_890, 1_234_567_890, 1_234_567_890, 2_345_678_901])
    for module in ("backend.storage.journal_batch", "backend.storage.memory_store", "backend.storage.postgres"):
        monkeypatch.setattr(f"{module}.new_order_number", lambda: next(drawn))
    first = store.create_order(builder(sku="BHRT-002-M"))[0]["order_id"]
    second = store.create_order(builder(sku="BHRT-002-M"))[0]["order_id"]
    assert (first, second) == ("BHRT-1234567890", "BHRT-2345678901")


def test_an_email_filter_folds_ascii_letters_only(store):
    """Listings, counts and the open-order limit compare emails as email_key does: the database's
    or Python's Unicode lower() would let the Kelvin sign (U+212A) stand for "k"."""
    kate = store.create_order(builder(customer_email="kate@example.com"))[0]["order_id"]
    store.create_order(builder(customer_email="asha@example.com"))
    for email in ("kate@example.com", "KATE@Example.COM"):
        assert [o["order_id"] for o in store.list_orders(OrderFilter(email=email))[0]] == [kate]
        assert store.count_by_qikink_status(OrderFilter(email=email)) == {"sync_pending": 1}
    for trick in ("\u212aate@example.com", "kate@exa\u017fple.com", "kate@example.com\u200b"):
        assert store.list_orders(OrderFilter(email=trick)) == ([], 0)
        assert store.count_by_qikink_status(OrderFilter(email=trick)) == {}


def test_idempotency_key_returns_the_existing_order(store):
    first, created = store.create_order(builder(), idempotency_key="k1")
    again, created_again = store.create_order(builder(), idempotency_key="k1")
    assert created and not created_again and again["order_id"] == first["order_id"]
    assert store.products()["BHRT-001-M"]["stock_quantity"] == 14
    assert store.find_by_idempotency_key("k1")["order_id"] == first["order_id"]
    assert store.find_by_idempotency_key("k2") is None


def test_update_order_and_skip_when_unchanged(store):
    order, _ = store.create_order(builder())
    updated = store.update_order(order["order_id"], lambda o: o.update(status="confirmed"))
    assert updated["status"] == "confirmed" == store.get_order(order["order_id"])["status"]
    assert store.update_order(order["order_id"], lambda o: False)["status"] == "confirmed"


def test_update_product(store):
    product = store.update_product("BHRT-001-M", {"price": Decimal("1399.50"), "stock_quantity": 3})
    assert product["price"] == Decimal("1399.50") and product["stock_quantity"] == 3
    assert store.products()["BHRT-001-M"]["price"] == Decimal("1399.50")


def test_list_orders_pages_and_filters(store):
    ids = [store.create_order(builder(sku="BHRT-002-M", status=s))[0]["order_id"] for s in ("a", "b", "a")]
    orders, total = store.list_orders(page=1, per_page=2)
    assert total == 3 and [o["order_id"] for o in orders] == ids[::-1][:2]
    orders, total = store.list_orders(lambda o: o["status"] == "a", page=1, per_page=1)
    assert total == 2 and [o["order_id"] for o in orders] == [ids[2]]


# --- journal store only ------------------------------------------------------------------------------
@pytest.fixture
def file_store(data_dir):
    return JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))


def test_a_second_store_on_the_same_directory_sees_the_orders(file_store, data_dir):
    order, _ = file_store.create_order(builder(quantity=2))
    other = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    assert other.get_order(order["order_id"]) == order
    assert other.products()["BHRT-001-M"]["stock_quantity"] == 13
    later, _ = other.create_order(builder(quantity=1))
    assert file_store.get_order(later["order_id"]) == later  # caught up from the journal's tail
    assert file_store.products()["BHRT-001-M"]["stock_quantity"] == 12


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
@pytest.mark.parametrize("where", ["write", "fsync"])
def test_disk_errors_are_503_and_leave_nothing_partial(file_store, data_dir, monkeypatch, code, where):
    first, _ = file_store.create_order(builder())
    before = sorted(p.name for p in data_dir.rglob("*"))
    journal_before = (data_dir / "orders.jsonl").read_bytes()

    def failing(*args):
        raise OSError(code, os.strerror(code))

    if where == "fsync":
        monkeypatch.setattr(os, "fsync", failing)
    else:
        real_write = os.write
        monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data)[:7]) and failing())
    with pytest.raises(StoreWriteFailed) as raised:
        file_store.create_order(builder())
    assert raised.value.retry_after
    monkeypatch.undo()
    assert sorted(p.name for p in data_dir.rglob("*")) == before
    assert (data_dir / "orders.jsonl").read_bytes() == journal_before
    second, _ = file_store.create_order(builder())
    assert file_store.order_ids() == [second["order_id"], first["order_id"]]
    assert file_store.products()["BHRT-001-M"]["stock_quantity"] == 13


def test_api_answers_503_storage_unavailable_on_full_disk(client, monkeypatch):
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    from tests.conftest import order_body

    response = client.post("/api/orders", json=order_body())
    assert response.status_code == 503
    assert response.json["error"]["code"] == "storage_unavailable"
    assert response.headers["Retry-After"]
    monkeypatch.undo()
    assert client.get("/api/products/BHRT-001-M").json["data"]["stock_quantity"] == 15
    assert client.post("/api/orders", json=order_body()).status_code == 201


def test_lock_held_too_long_is_503(data_dir):
    from filelock import FileLock

    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"), lock_timeout=0.2)
    with FileLock(str(data_dir / ".store.lock")):
        with pytest.raises(StoreBusy):
            store.create_order(builder())


def test_temp_files_from_a_crash_are_removed_at_start(data_dir):
    JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    leftover = data_dir / ".orders.jsonl.1234.abcd.tmp"
    leftover.write_text('{"half', encoding="utf-8")
    JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    assert not leftover.exists()


def test_os_replace_retries_permission_error(tmp_path, monkeypatch):
    """Windows: a reader holding the target open makes os.replace fail for a moment."""
    target = tmp_path / "x.json"
    target.write_text("{}", encoding="utf-8")
    real = os.replace
    failures = {"left": 3}

    def flaky(src, dst):
        if failures["left"]:
            failures["left"] -= 1
            raise PermissionError(errno.EACCES, "being used by another process")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", flaky)
    atomic.write_json(target, {"ok": True})
    assert json.loads(target.read_text()) == {"ok": True}
    assert failures["left"] == 0 and not list(tmp_path.glob("*.tmp"))


# --- corrupt files ---------------------------------------------------------------------------------
CORRUPTIONS = {
    "truncated": b'{"order_id": "BHRT-1", "ite',
    "nul_bytes": b"\x00" * 64,
    "empty": b"",
    "wrong_type": b"[1, 2, 3]",
    "not_utf8": b'{"a": "\xff\xfe\xfa"}',
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_corrupt_catalogue_fails_start_naming_the_file(tmp_path, kind):
    path = tmp_path / "products.json"
    path.write_bytes(CORRUPTIONS[kind])
    with pytest.raises(StoreStartupError) as raised:
        load_catalogue(path)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_catalogue_saved_by_notepad_or_powershell_loads(data_dir, encoding):
    path = data_dir / "products.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text, encoding=encoding)
    assert "BHRT-001-M" in load_catalogue(path)


@pytest.mark.parametrize("problem", [{"products": []}, {"products": [{"sku": "BHRT-001-M"}]}, {"items": []}])
def test_invalid_catalogue_content_fails_start(tmp_path, problem):
    path = tmp_path / "products.json"
    path.write_text(json.dumps(problem), encoding="utf-8")
    with pytest.raises(StoreStartupError):
        load_catalogue(path)


def test_catalogue_with_an_unsendable_qikink_mapping_fails_start(data_dir):
    from backend import create_app
    from backend.config import Config
    from backend.errors import StartupError

    product = {
        "sku": "A-1",
        "name": "n",
        "description": "d",
        "category": "c",
        "price": 10,
        "stock_quantity": 1,
        "qikink": {"search_from_my_products": 0, "sku": "X", "print_type_id": 1, "designs": [{}]},
    }
    (data_dir / "products.json").write_text(json.dumps({"products": [product]}), encoding="utf-8")
    with pytest.raises(StartupError, match=r"products\[0\] \(A-1\): qikink.designs\[0\] is missing"):
        create_app(Config(data_dir=data_dir, app_env="test", qikink_env="off"))


def test_unwritable_data_dir_fails_start_clearly(tmp_path, monkeypatch):
    directory = make_data_dir(tmp_path / "ro")
    catalogue = load_catalogue(directory / "products.json")
    monkeypatch.setattr("backend.storage.journal_store.os.access", lambda path, mode: False)
    with pytest.raises(StoreStartupError, match="not usable.*DATA_DIR"):
        JournalOrderStore(directory, catalogue)


def test_data_dir_that_cannot_be_created_fails_start_clearly(tmp_path, data_dir):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StoreStartupError, match="not usable"):
        JournalOrderStore(blocker / "data", load_catalogue(data_dir / "products.json"))
