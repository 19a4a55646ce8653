"""One lock around every read-modify-write: a thread lock plus a lock file shared by processes."""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import StoreBusy

POLL_SECONDS = 0.002

try:
    import fcntl
except ImportError:  # Windows: filelock's msvcrt lock
    fcntl = None  # type: ignore[assignment]


class _FlockFile:
    """flock(2) on a lock file kept open: one system call to take, one to give back (filelock
    opens and closes the file each round, about 0.2 ms an order). Compatible with filelock's
    Unix lock on the same file, which other tools and the tests use."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None
        self._pid = os.getpid()

    def _file(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked child needs its own open file
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            self._pid = os.getpid()
        return self._fd

    def acquire(self, timeout: float) -> bool:
        fd = self._file()
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(POLL_SECONDS)

    def release(self) -> None:
        assert self._fd is not None, "released before it was acquired"
        fcntl.flock(self._fd, fcntl.LOCK_UN)


class _PortableFile:
    def __init__(self, path: Path):
        from filelock import FileLock

        # thread_local=False: shared by threads; the thread lock lets one of them in at a time.
        self._lock = FileLock(str(path), thread_local=False)

    def acquire(self, timeout: float) -> bool:
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=timeout, poll_interval=POLL_SECONDS)
            return True
        except Timeout:
            return False

    def release(self) -> None:
        self._lock.release()


class StoreLock:
    """Serialises writers across threads and processes, waiting at most `timeout` seconds."""

    def __init__(self, path: Path, timeout: float):
        self.path = Path(path)
        self.timeout = timeout
        self._thread_lock = threading.Lock()
        self._file_lock = _FlockFile(self.path) if fcntl is not None else _PortableFile(self.path)

    @contextmanager
    def hold(self):
        deadline = time.monotonic() + self.timeout
        if not self._thread_lock.acquire(timeout=self.timeout):
            raise StoreBusy("Order storage is busy; try again shortly")
        try:
            try:
                taken = self._file_lock.acquire(max(0.0, deadline - time.monotonic()))
            except OSError as exc:
                raise StoreBusy(f"Cannot take the storage lock: {exc.strerror}") from None
            if not taken:
                raise StoreBusy("Order storage is locked by another process; try again shortly")
            try:
                yield
            finally:
                self._file_lock.release()
        finally:
            self._thread_lock.release()
