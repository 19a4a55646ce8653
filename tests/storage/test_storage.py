"""The repository contract, run against the file store and its in-memory twin; file-only faults."""
from __future__ import annotations

import errno
import json
import os
from decimal import Decimal

import pytest

from backend.errors import OutOfStock, StartupError, StorageUnavailable
from backend.storage import FileOrderStore, load_catalogue
from backend.storage import atomic
from tests.conftest import make_data_dir
from tests.faults import FailingFile


def builder(sku="BHRT-001-M", quantity=1, **extra):
    def build(products, order_id):
        if products[sku]["stock_quantity"] < quantity:
            raise OutOfStock()
        order = {"order_id": order_id, "customer_email": "a@example.com", "items": [{"sku": sku, "quantity": quantity}],
                 "status": "pending", "qikink_status": "sync_pending", "created_at": "2026-01-01T00:00:00+00:00", **extra}
        return order, {sku: quantity}
    return build


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


def test_ids_unique_within_one_second(store):
    store.clock = lambda: 1_800_000_000
    ids = [store.create_order(builder(sku="BHRT-002-M"))[0]["order_id"] for _ in range(5)]
    assert ids == [f"BHRT-{1_800_000_000 + i}" for i in range(5)]
    assert store.order_ids() == ids[::-1]


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


def test_intent_without_order_returns_stock(store):
    """A write that died after taking stock but before the order file gives the stock back."""
    original = store._write_order
    store._write_order = lambda order, **kwargs: (_ for _ in ()).throw(StorageUnavailable())
    with pytest.raises(StorageUnavailable):
        store.create_order(builder(quantity=4))
    store._write_order = original
    store.recover()
    assert store.products()["BHRT-001-M"]["stock_quantity"] == 15
    assert store.order_ids() == []


# --- file store only ---------------------------------------------------------------------------------
@pytest.fixture
def file_store(data_dir):
    return FileOrderStore(data_dir, load_catalogue(data_dir / "products.json"))


def test_layout_is_one_file_per_order(file_store, data_dir):
    order, _ = file_store.create_order(builder())
    path = data_dir / "orders" / f"{order['order_id']}.json"
    assert json.loads(path.read_text(encoding="utf-8"))["order_id"] == order["order_id"]
    assert not [p for p in data_dir.rglob("*.tmp")]


def test_a_second_store_on_the_same_directory_sees_the_orders(file_store, data_dir):
    order, _ = file_store.create_order(builder(quantity=2))
    other = FileOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    assert other.get_order(order["order_id"]) == order
    assert other.products()["BHRT-001-M"]["stock_quantity"] == 13


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
@pytest.mark.parametrize("where", ["write", "fsync"])
def test_disk_errors_are_503_and_leave_nothing_partial(file_store, data_dir, monkeypatch, code, where):
    first, _ = file_store.create_order(builder())
    before = sorted(p.name for p in data_dir.rglob("*"))
    state_before = (data_dir / "state.json").read_bytes()

    def failing_fsync(fd):
        raise OSError(code, os.strerror(code))

    if where == "fsync":
        monkeypatch.setattr(atomic.os, "fsync", failing_fsync)
    else:
        real_open = open
        monkeypatch.setattr("builtins.open", lambda *a, **k: FailingFile(real_open(*a, **k), code))
    with pytest.raises(StorageUnavailable) as raised:
        file_store.create_order(builder())
    assert raised.value.status == 503 and raised.value.headers["Retry-After"]
    monkeypatch.undo()
    assert sorted(p.name for p in data_dir.rglob("*")) == before
    assert (data_dir / "state.json").read_bytes() == state_before
    second, _ = file_store.create_order(builder())
    assert file_store.order_ids() == [second["order_id"], first["order_id"]]
    assert file_store.products()["BHRT-001-M"]["stock_quantity"] == 13


def test_order_write_failing_after_stock_was_taken_settles_on_next_write(file_store, data_dir, monkeypatch):
    """ENOSPC on the order file itself (the state file already written): the next write gives back the stock."""
    real = atomic.atomic_write

    def fail_orders(path, data, **kwargs):
        if path.parent.name == "orders":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, **kwargs)

    monkeypatch.setattr(atomic, "atomic_write", fail_orders)
    with pytest.raises(StorageUnavailable):
        file_store.create_order(builder(quantity=5))
    monkeypatch.undo()
    file_store.create_order(builder(quantity=1))
    assert file_store.products()["BHRT-001-M"]["stock_quantity"] == 14
    assert len(file_store.order_ids()) == 1


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

    store = FileOrderStore(data_dir, load_catalogue(data_dir / "products.json"), lock_timeout=0.2)
    with FileLock(str(data_dir / ".store.lock")):
        with pytest.raises(StorageUnavailable):
            store.create_order(builder())


def test_temp_files_from_a_crash_are_removed_at_start(data_dir):
    FileOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    leftover = data_dir / "orders" / ".BHRT-1.json.1234.abcd.tmp"
    leftover.write_text('{"half', encoding="utf-8")
    FileOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
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
def test_corrupt_order_is_quarantined_and_other_orders_survive(file_store, data_dir, kind):
    good, _ = file_store.create_order(builder())
    bad, _ = file_store.create_order(builder())
    path = data_dir / "orders" / f"{bad['order_id']}.json"
    path.write_bytes(CORRUPTIONS[kind])
    assert file_store.get_order(bad["order_id"]) is None
    assert file_store.get_order(good["order_id"]) == good
    quarantined = list((data_dir / "orders").glob(f"{bad['order_id']}.json.corrupt-*"))
    assert len(quarantined) == 1 and quarantined[0].read_bytes() == CORRUPTIONS[kind]
    assert file_store.quarantined[0]["file"] == path.name


def test_hand_edited_order_missing_fields_is_quarantined(file_store, data_dir):
    order, _ = file_store.create_order(builder())
    path = data_dir / "orders" / f"{order['order_id']}.json"
    edited = json.loads(path.read_text(encoding="utf-8"))
    del edited["items"]
    path.write_text(json.dumps(edited), encoding="utf-8")
    assert file_store.get_order(order["order_id"]) is None
    assert "items" in file_store.quarantined[0]["problem"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_and_utf16_files_from_windows_editors_are_read(file_store, data_dir, encoding):
    order, _ = file_store.create_order(builder())
    path = data_dir / "orders" / f"{order['order_id']}.json"
    path.write_text(json.dumps(order, ensure_ascii=False), encoding=encoding)
    assert file_store.get_order(order["order_id"]) == order


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_corrupt_catalogue_fails_start_naming_the_file(tmp_path, kind):
    path = tmp_path / "products.json"
    path.write_bytes(CORRUPTIONS[kind])
    with pytest.raises(StartupError) as raised:
        load_catalogue(path)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_catalogue_saved_by_notepad_or_powershell_loads(data_dir, encoding):
    path = data_dir / "products.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text, encoding=encoding)
    assert "BHRT-001-M" in load_catalogue(path)


@pytest.mark.parametrize("problem", [
    {"products": []}, {"products": [{"sku": "BHRT-001-M"}]}, {"items": []},
    {"products": [{"sku": "A-1", "name": "n", "description": "d", "category": "c", "price": 10, "stock_quantity": 1,
                   "qikink": {"search_from_my_products": 0, "sku": "X", "print_type_id": 1, "designs": [{}]}}]},
])
def test_invalid_catalogue_content_fails_start(tmp_path, problem):
    path = tmp_path / "products.json"
    path.write_text(json.dumps(problem), encoding="utf-8")
    with pytest.raises(StartupError):
        load_catalogue(path)


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_corrupt_state_file_fails_start_and_is_left_alone(file_store, data_dir, kind):
    file_store.create_order(builder())
    (data_dir / "state.json").write_bytes(CORRUPTIONS[kind])
    with pytest.raises(StartupError) as raised:
        FileOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    assert "state.json" in str(raised.value)
    assert (data_dir / "state.json").read_bytes() == CORRUPTIONS[kind]


def test_unwritable_data_dir_fails_start_clearly(tmp_path, monkeypatch):
    directory = make_data_dir(tmp_path / "ro")
    catalogue = load_catalogue(directory / "products.json")
    monkeypatch.setattr("backend.storage.files.os.access", lambda path, mode: False)
    with pytest.raises(StartupError, match="not usable.*DATA_DIR"):
        FileOrderStore(directory, catalogue)


def test_data_dir_that_cannot_be_created_fails_start_clearly(tmp_path, data_dir):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StartupError, match="not usable"):
        FileOrderStore(blocker / "data", load_catalogue(data_dir / "products.json"))


def test_failed_directory_fsync_withdraws_the_batch(file_store, data_dir, monkeypatch):
    """If the new orders' directory entry cannot be made durable, they are not acknowledged:
    their files are removed and their stock returns."""
    real = file_store._sync_new_files

    def failing(**kwargs):
        raise StorageUnavailable()

    monkeypatch.setattr(file_store, "_sync_new_files", failing)
    with pytest.raises(StorageUnavailable):
        file_store.create_order(builder(quantity=2))
    monkeypatch.setattr(file_store, "_sync_new_files", real)
    assert file_store.order_ids() == []
    file_store.create_order(builder(quantity=1))
    assert file_store.products()["BHRT-001-M"]["stock_quantity"] == 14


def test_reading_a_file_windows_holds_is_retried_then_503(file_store, data_dir, monkeypatch):
    """A file being replaced on Windows can refuse to open for a moment; for good, it is a 503."""
    order, _ = file_store.create_order(builder())
    real = type(data_dir).read_bytes
    refusals = {"left": 2}

    def flaky(path):
        if path.name == f"{order['order_id']}.json" and refusals["left"]:
            refusals["left"] -= 1
            raise PermissionError(errno.EACCES, "being used by another process")
        return real(path)

    monkeypatch.setattr(type(data_dir), "read_bytes", flaky)
    assert file_store.get_order(order["order_id"]) == order and refusals["left"] == 0
    refusals["left"] = 10_000
    monkeypatch.setattr(atomic, "_REPLACE_RETRY_SECONDS", 0.05)
    with pytest.raises(StorageUnavailable):
        file_store.get_order(order["order_id"])
