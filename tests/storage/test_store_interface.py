"""Every order store has the shape storage.interface.OrderStore names, and a fleet: what its
servers share (the journal's processes one lock file per worker; PostgreSQL's servers advisory
locks, one Qikink token and one call window; the in-memory twin nothing)."""

from __future__ import annotations

from filelock import FileLock

from backend.storage import OrderStore


def test_every_store_is_an_order_store(store):
    assert isinstance(store, OrderStore)


def test_what_each_store_shares_through_its_fleet(store, data_dir):
    lock = store.fleet.worker_lock("payments")
    kind = type(store).__name__
    if kind == "MemoryOrderStore":  # one process: nothing to share
        assert lock is None
        assert store.fleet.token_store("id", "secret") is None and store.fleet.call_window("id") is None
    elif kind == "JournalOrderStore":  # the processes on one data directory: a lock file each
        assert isinstance(lock, FileLock) and lock.lock_file == str(data_dir / ".payments-worker.lock")
        assert store.fleet.token_store("id", "secret") is None and store.fleet.call_window("id") is None
    else:  # the servers on one database
        assert lock is not None and not lock.is_locked
        assert store.fleet.token_store("id", "secret").load() is None
        assert store.fleet.call_window("id").transact(lambda calls: (len(calls), None)) == 0
