"""Where photos are kept: the bytes by content hash, one record a photo, resized copies made once.

Three implementations of one small interface, chosen like the order store: files in
`<data_dir>/photos/` (the embedded default), PostgreSQL for a fleet (photo_store_postgres.py,
migration 005: every machine serves every photo) and an in-memory twin for tests.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Protocol

from filelock import FileLock

from ..storage.atomic import atomic_write, read_json, remove_temp_files, write_json


class PhotoStore(Protocol):
    """A photo's record is a dict: id, design, colour, alt, hash, mime, width, height, bytes, created_at."""

    def photos(self, design: str | None = None) -> list[dict]: ...
    def photo(self, photo_id: str) -> dict | None: ...
    def add(self, record: dict, data: bytes) -> dict: ...
    def delete(self, photo_id: str) -> dict | None: ...
    def original(self, content_hash: str) -> bytes | None: ...
    def copy(self, content_hash: str, width: int, fmt: str) -> bytes | None: ...
    def save_copy(self, content_hash: str, width: int, fmt: str, data: bytes) -> None: ...
    def seed(self, photos: list[tuple[dict, bytes]]) -> bool: ...


def _ordered(records) -> list[dict]:
    return sorted(records, key=lambda r: (r["design"], r["created_at"], r["id"]))


class MemoryPhotoStore:
    """The twin for tests: the same behaviour, nothing on disk."""

    def __init__(self):
        self._records: dict[str, dict] = {}
        self._blobs: dict[str, bytes] = {}
        self._copies: dict[tuple, bytes] = {}
        self._seeded = False
        self._lock = threading.Lock()

    def photos(self, design=None):
        with self._lock:
            return _ordered(dict(r) for r in self._records.values() if design is None or r["design"] == design)

    def photo(self, photo_id):
        record = self._records.get(photo_id)
        return dict(record) if record else None

    def add(self, record, data):
        with self._lock:
            self._blobs.setdefault(record["hash"], data)
            self._records[record["id"]] = dict(record)
        return dict(record)

    def delete(self, photo_id):
        with self._lock:
            record = self._records.pop(photo_id, None)
            if record and not any(r["hash"] == record["hash"] for r in self._records.values()):
                self._blobs.pop(record["hash"], None)
                for key in [k for k in self._copies if k[0] == record["hash"]]:
                    del self._copies[key]
        return record

    def original(self, content_hash):
        return self._blobs.get(content_hash)

    def copy(self, content_hash, width, fmt):
        return self._copies.get((content_hash, width, fmt))

    def save_copy(self, content_hash, width, fmt, data):
        if content_hash in self._blobs:
            self._copies[(content_hash, width, fmt)] = data

    def seed(self, photos):
        with self._lock:
            if self._seeded:
                return False
            self._seeded = True
        for record, data in photos:
            self.add(record, data)
        return True


class FilePhotoStore:
    """`<data_dir>/photos/`: `<hash>` files (written atomically, never changed: the name is the
    content), `index.json` of the records, `copies/<hash>-<width>.<fmt>`. A file lock keeps two
    processes on one data directory from losing each other's index changes."""

    def __init__(self, data_dir: Path):
        self.folder = Path(data_dir) / "photos"
        self.copies = self.folder / "copies"
        self.copies.mkdir(parents=True, exist_ok=True)
        remove_temp_files(self.folder)
        remove_temp_files(self.copies)
        self.index_path = self.folder / "index.json"
        self._lock = FileLock(str(self.folder / ".lock"), timeout=10)
        self._cache: tuple[tuple, dict] | None = None  # (stat of index.json, its content)

    def _index(self) -> dict:
        """The index, read again only when the file changed (GET /api/products reads it each time)."""
        try:
            stat = self.index_path.stat()
        except FileNotFoundError:
            return {"seeded": False, "photos": {}}
        key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, read_json(self.index_path))
        return self._cache[1]

    def _change(self, mutate):
        with self._lock:
            index = self._index()
            index = {"seeded": index.get("seeded", False), "photos": dict(index["photos"])}
            result = mutate(index)
            write_json(self.index_path, index)
            return result

    def photos(self, design=None):
        records = self._index()["photos"].values()
        return _ordered(dict(r) for r in records if design is None or r["design"] == design)

    def photo(self, photo_id):
        record = self._index()["photos"].get(photo_id)
        return dict(record) if record else None

    def _write_blob(self, content_hash: str, data: bytes) -> None:
        path = self.folder / content_hash
        if not path.exists():
            atomic_write(path, data)

    def add(self, record, data):
        self._write_blob(record["hash"], data)  # first the bytes, then the record that names them
        self._change(lambda index: index["photos"].__setitem__(record["id"], dict(record)))
        return dict(record)

    def delete(self, photo_id):
        def remove(index):
            record = index["photos"].pop(photo_id, None)
            orphan = record and not any(r["hash"] == record["hash"] for r in index["photos"].values())
            return record, orphan

        record, orphan = self._change(remove)
        if orphan:  # after the index no longer names it
            for path in [self.folder / record["hash"], *self.copies.glob(f"{record['hash']}-*")]:
                path.unlink(missing_ok=True)
        return record

    def original(self, content_hash):
        try:
            return (self.folder / content_hash).read_bytes()
        except (FileNotFoundError, OSError):
            return None

    def copy(self, content_hash, width, fmt):
        try:
            return (self.copies / f"{content_hash}-{width}.{fmt}").read_bytes()
        except (FileNotFoundError, OSError):
            return None

    def save_copy(self, content_hash, width, fmt, data):
        if not (self.folder / content_hash).exists():  # deleted meanwhile: nothing to keep it for
            return
        # sync_dir off: a copy lost to a power cut is only made again.
        atomic_write(self.copies / f"{content_hash}-{width}.{fmt}", data, sync_dir=False)

    def seed(self, photos):
        with self._lock:
            if self._index().get("seeded"):
                return False
            for record, data in photos:
                self._write_blob(record["hash"], data)

            def add_all(index):
                index["seeded"] = True
                for record, _ in photos:
                    index["photos"][record["id"]] = dict(record)

            self._change(add_all)  # FileLock is re-entrant within a thread
        return True


def open_photo_store(store, data_dir: Path) -> PhotoStore:
    """The photo store beside an order store: PostgreSQL's pool, else files in the data directory
    (in memory for the in-memory order store)."""
    pool = getattr(store, "pool", None)
    if pool is not None:
        from .postgres_store import PostgresPhotoStore

        return PostgresPhotoStore(pool)
    if type(store).__name__ == "MemoryOrderStore":
        return MemoryPhotoStore()
    return FilePhotoStore(data_dir)


__all__ = ["FilePhotoStore", "MemoryPhotoStore", "PhotoStore", "open_photo_store"]
