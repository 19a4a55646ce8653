"""One lock around every read-modify-write: a thread lock plus a lock file shared by processes."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import StoreBusy

POLL_SECONDS = 0.002


class StoreLock:
    """Serialises writers across threads and processes, waiting at most `timeout` seconds."""

    def __init__(self, path: Path, timeout: float):
        self.path = Path(path)
        self.timeout = timeout
        self._thread_lock = threading.Lock()
        # thread_local=False: this object is shared by threads, and the thread lock already
        # guarantees only one of them holds the file lock at a time.
        self._file_lock = FileLock(str(self.path), thread_local=False)

    @contextmanager
    def hold(self):
        deadline = time.monotonic() + self.timeout
        if not self._thread_lock.acquire(timeout=self.timeout):
            raise StoreBusy("Order storage is busy; try again shortly")
        try:
            try:
                self._file_lock.acquire(timeout=max(0.0, deadline - time.monotonic()), poll_interval=POLL_SECONDS)
            except Timeout:
                raise StoreBusy("Order storage is locked by another process; try again shortly") from None
            except OSError as exc:
                raise StoreBusy(f"Cannot take the storage lock: {exc.strerror}") from None
            try:
                yield
            finally:
                self._file_lock.release()
        finally:
            self._thread_lock.release()
