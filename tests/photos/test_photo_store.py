"""The photo store's contract, run against every implementation: files, memory, PostgreSQL."""

from __future__ import annotations

import pytest

from backend.config import Config
from backend.photos.store import FilePhotoStore, MemoryPhotoStore

BLOB = b"photo bytes"


def record(photo_id: str, design: str = "BHRT-001", content_hash: str = "a" * 32, created_at: float = 1.0) -> dict:
    return {
        "id": photo_id,
        "design": design,
        "colour": None,
        "alt": f"Photo {photo_id}",
        "hash": content_hash,
        "mime": "image/jpeg",
        "width": 800,
        "height": 600,
        "bytes": len(BLOB),
        "created_at": created_at,
    }


@pytest.fixture(params=["file", "memory", pytest.param("postgres", marks=pytest.mark.postgres)])
def photo_store(request, tmp_path):
    if request.param == "file":
        return FilePhotoStore(tmp_path)
    if request.param == "postgres":
        from backend.photos.postgres_store import PostgresPhotoStore
        from backend.storage.postgres import open_postgres_store
        from tests.conftest import make_data_dir

        url = request.getfixturevalue("database_url")
        orders = open_postgres_store(Config(data_dir=make_data_dir(tmp_path / "data"), database_url=url))
        request.addfinalizer(orders.close)
        return PostgresPhotoStore(orders.pool)
    return MemoryPhotoStore()


def test_a_photo_is_kept_with_its_bytes_and_listed_by_design(photo_store):
    photo_store.add(record("ph_1", created_at=2.0), BLOB)
    photo_store.add(record("ph_2", design="BHRT-002", content_hash="b" * 32), b"other")
    photo_store.add(record("ph_0", created_at=1.0, content_hash="c" * 32), b"older")

    assert [r["id"] for r in photo_store.photos("BHRT-001")] == ["ph_0", "ph_1"]
    assert [r["id"] for r in photo_store.photos()] == ["ph_0", "ph_1", "ph_2"]
    assert photo_store.photo("ph_1") == record("ph_1", created_at=2.0)
    assert photo_store.original("a" * 32) == BLOB
    assert photo_store.photo("ph_9") is None and photo_store.original("f" * 32) is None


def test_copies_are_kept_and_go_with_the_last_photo_of_their_bytes(photo_store):
    photo_store.add(record("ph_1"), BLOB)
    photo_store.add(record("ph_2", design="BHRT-002"), BLOB)  # the same bytes for another design
    photo_store.save_copy("a" * 32, 400, "webp", b"small")
    assert photo_store.copy("a" * 32, 400, "webp") == b"small"
    assert photo_store.copy("a" * 32, 800, "webp") is None

    assert photo_store.delete("ph_1")["id"] == "ph_1"
    assert photo_store.original("a" * 32) == BLOB  # ph_2 still shows them
    assert photo_store.copy("a" * 32, 400, "webp") == b"small"

    photo_store.delete("ph_2")
    assert photo_store.photos() == []
    assert photo_store.original("a" * 32) is None
    assert photo_store.copy("a" * 32, 400, "webp") is None
    assert photo_store.delete("ph_2") is None


def test_a_copy_of_bytes_no_photo_has_is_not_kept(photo_store):
    photo_store.save_copy("d" * 32, 400, "jpg", b"stray")
    assert photo_store.copy("d" * 32, 400, "jpg") is None


def test_the_samples_are_added_once_and_a_deleted_one_stays_deleted(photo_store):
    samples = [(record("ph_s1"), BLOB), (record("ph_s2", design="BHRT-002", content_hash="e" * 32), b"two")]
    assert photo_store.seed(samples) is True
    photo_store.delete("ph_s1")
    assert photo_store.seed(samples) is False
    assert [r["id"] for r in photo_store.photos()] == ["ph_s2"]


def test_the_file_store_writes_content_named_files_and_leaves_no_temp_files(tmp_path):
    store = FilePhotoStore(tmp_path)
    store.add(record("ph_1"), BLOB)
    store.save_copy("a" * 32, 800, "jpg", b"copy")
    assert (tmp_path / "photos" / ("a" * 32)).read_bytes() == BLOB
    assert (tmp_path / "photos" / "copies" / f"{'a' * 32}-800.jpg").read_bytes() == b"copy"
    assert not list((tmp_path / "photos").rglob("*.tmp"))
    assert FilePhotoStore(tmp_path).photo("ph_1") == record("ph_1")  # another process's view


def test_the_file_store_sees_another_processs_changes(tmp_path):
    mine, theirs = FilePhotoStore(tmp_path), FilePhotoStore(tmp_path)
    assert mine.photos() == []
    theirs.add(record("ph_1"), BLOB)
    assert [r["id"] for r in mine.photos()] == ["ph_1"]
