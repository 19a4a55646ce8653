"""The fleet of one machine (the journal and in-memory stores): its processes share the data
directory's worker lock files, and nothing else through the store (each process keeps its own
Qikink token; the call budget's window is a file of its own, qikink/budget.py)."""

from __future__ import annotations

from pathlib import Path

from .interface import CallWindow, SharedToken, WorkerLock


class OneMachine:
    """The Fleet of the processes on one data directory (none: one process, in memory)."""

    def __init__(self, data_dir: Path | None = None):
        self.data_dir = data_dir

    def worker_lock(self, name: str = "qikink") -> WorkerLock | None:
        """A lock file in the data directory per worker (`qikink`: sending and polling, `payments`:
        look-ups and expiries, `attention`: the digest, `webhooks`: deliveries); None in memory,
        where one process is all."""
        if self.data_dir is None:
            return None
        from filelock import FileLock

        file = ".worker.lock" if name == "qikink" else f".{name}-worker.lock"
        return FileLock(str(self.data_dir / file), thread_local=False)

    def token_store(self, client_id: str, client_secret: str) -> SharedToken | None:
        return None  # each process mints and keeps its own

    def call_window(self, account: str) -> CallWindow | None:
        return None  # CallBudget keeps the window in the data directory's budget file
