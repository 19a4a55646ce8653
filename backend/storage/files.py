"""The file-backed order store: one JSON file per order, written atomically and durably."""
from __future__ import annotations

import errno
import logging
import os
import shutil
from pathlib import Path

from ..errors import StartupError, StorageUnavailable
from ..models import ORDER_ID_RE
from .atomic import CorruptFile, fsync_dir, quarantine, read_json, remove_temp_files, write_json
from .locking import StoreLock
from .repository import OrderStore, check_order, order_number

log = logging.getLogger(__name__)

MIN_FREE_BYTES = 1024 * 1024


def _storage_error(action: str, exc: OSError) -> StorageUnavailable:
    reason = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exhausted",
              errno.EROFS: "the disk is read-only", errno.EIO: "a disk I/O error"}.get(exc.errno, exc.strerror or str(exc))
    log.error("Storage failure while %s: %s", action, exc)
    return StorageUnavailable(f"Could not save the data ({reason}); nothing was changed, try again shortly")


class FileOrderStore(OrderStore):
    """Orders under `<data_dir>/orders/`, shared state in `<data_dir>/state.json`."""

    def __init__(self, data_dir: Path, catalogue: dict[str, dict], *, lock_timeout: float = 5.0, **kwargs):
        super().__init__(catalogue, **kwargs)
        self.data_dir = Path(data_dir)
        self.orders_dir = self.data_dir / "orders"
        self.keys_dir = self.data_dir / "idempotency"
        self.state_path = self.data_dir / "state.json"
        self._state_cache: tuple[tuple, dict] | None = None
        try:
            for directory in (self.data_dir, self.orders_dir, self.keys_dir):
                directory.mkdir(parents=True, exist_ok=True)
            if not os.access(self.data_dir, os.W_OK):
                raise PermissionError(errno.EACCES, "not writable", str(self.data_dir))
            self.lock = StoreLock(self.data_dir / ".store.lock", lock_timeout)
            with self.lock.hold():
                for directory in (self.data_dir, self.orders_dir, self.keys_dir):
                    remove_temp_files(directory)
                if not self.state_path.exists():
                    self._save_state(self._initial_state())
        except (OSError, StorageUnavailable) as exc:
            raise StartupError(
                f"Data directory {self.data_dir} is not usable ({getattr(exc, 'strerror', None) or exc}). "
                "Make it writable by this user or point DATA_DIR at a writable folder."
            ) from None
        try:
            self._read_state()
        except OSError as exc:
            raise StartupError(f"State file {self.state_path} cannot be read ({exc.strerror or exc})") from None
        except CorruptFile as exc:
            raise StartupError(
                f"State file {exc.path} is unreadable: {exc.problem}. It holds stock levels and the order "
                "number sequence; restore it from a backup (nothing was changed)."
            ) from None
        self.recover()

    def _locked(self):
        return self.lock.hold()

    # --- state -------------------------------------------------------------------------------
    def _load_state(self) -> dict:
        try:
            return self._read_state()
        except OSError as exc:
            raise _storage_error("reading stock and sequence", exc) from None

    def _read_state(self) -> dict:
        stat = self.state_path.stat()
        key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if self._state_cache and self._state_cache[0] == key:
            cached = self._state_cache[1]
        else:
            cached = read_json(self.state_path, dict, decimals=True)
            for field, kind in (("last_order_seq", int), ("stock", dict), ("prices", dict), ("intents", dict)):
                if not isinstance(cached.get(field), kind):
                    raise CorruptFile(self.state_path, f"{field} is missing or of the wrong type")
            for field in ("changes", "sequences"):  # added later: a state file from before lacks them
                if not isinstance(cached.setdefault(field, {}), dict):
                    raise CorruptFile(self.state_path, f"{field} is of the wrong type")
            self._state_cache = (key, cached)
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in cached.items()}

    def _save_state(self, state: dict) -> None:
        try:
            write_json(self.state_path, state)
        except OSError as exc:
            raise _storage_error("saving stock and sequence", exc) from None

    # --- orders ------------------------------------------------------------------------------
    def _order_path(self, order_id: str) -> Path:
        return self.orders_dir / f"{order_id}.json"

    def _read_order(self, order_id: str) -> dict | None:
        if not ORDER_ID_RE.match(order_id or ""):
            return None
        path = self._order_path(order_id)
        try:
            order = read_json(path, dict)
        except FileNotFoundError:
            return None
        except CorruptFile as exc:
            self._quarantine(path, exc.problem)
            return None
        except OSError as exc:
            raise _storage_error(f"reading order {order_id}", exc) from None
        problem = check_order(order, order_id)
        if problem:
            self._quarantine(path, problem)
            return None
        return order

    def _quarantine(self, path: Path, problem: str) -> None:
        try:
            moved = quarantine(path, problem)
        except FileNotFoundError:
            return  # another thread or process moved it first
        except OSError as exc:
            log.error("Could not quarantine %s (%s): %s", path, problem, exc)
            return
        self.quarantined.append({"file": path.name, "problem": problem, "moved_to": moved.name})

    def _write_order(self, order: dict, *, sync_dir: bool = True) -> None:
        try:
            write_json(self._order_path(order["order_id"]), order, sync_dir=sync_dir)
        except OSError as exc:
            raise _storage_error(f"saving order {order['order_id']}", exc) from None

    def _sync_new_files(self, with_keys: bool = True) -> None:
        try:
            if with_keys:
                fsync_dir(self.keys_dir)
            fsync_dir(self.orders_dir)
        except OSError as exc:
            raise _storage_error("making new orders durable", exc) from None

    def _discard_order(self, order_id: str) -> None:
        try:
            self._order_path(order_id).unlink()
        except OSError as exc:
            log.error("Could not remove order %s after a failed directory fsync: %s", order_id, exc)

    def _order_exists(self, order_id: str) -> bool:
        return self._order_path(order_id).exists()

    def _read_idempotency(self, key_hash: str) -> dict | None:
        path = self.keys_dir / f"{key_hash}.json"
        try:
            return read_json(path, dict)
        except FileNotFoundError:
            return None
        except CorruptFile as exc:
            self._quarantine(path, exc.problem)
            return None

    def _write_idempotency(self, key_hash: str, record: dict) -> None:
        try:
            write_json(self.keys_dir / f"{key_hash}.json", record, sync_dir=False)
        except OSError as exc:
            raise _storage_error("saving the idempotency key", exc) from None

    def order_ids(self) -> list[str]:
        ids = []
        with os.scandir(self.orders_dir) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(".json") and ORDER_ID_RE.match(name[:-5]):
                    ids.append(name[:-5])
        ids.sort(key=order_number, reverse=True)
        return ids

    def worker_lock(self):
        from filelock import FileLock

        return FileLock(str(self.data_dir / ".worker.lock"), thread_local=False)

    def check_writable(self) -> str | None:
        if not os.access(self.orders_dir, os.W_OK):
            return f"{self.orders_dir} is not writable"
        try:
            if shutil.disk_usage(self.data_dir).free < MIN_FREE_BYTES:
                return "the disk is full"
        except OSError as exc:
            return str(exc.strerror or exc)
        return None
