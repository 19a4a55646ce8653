"""Group commit: new orders and order changes that arrive while another thread holds the store's
lock queue up, and the next thread to get the lock saves all of them in one durable write before
any is answered."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any


class PendingCreate:
    """One create_order call waiting in the group-commit queue, and its outcome."""

    __slots__ = ("build", "key_hash", "result", "error", "done", "_wake")

    def __init__(self, build, key_hash: str | None):
        self.build, self.key_hash = build, key_hash
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False
        self._wake = threading.Event()  # set when answered, or when it is this call's turn to commit

    def finish(self, result) -> None:
        self.result, self.done = result, True
        self._wake.set()

    def fail(self, error: BaseException) -> None:
        self.error, self.done = error, True
        self._wake.set()

    def outcome(self):
        if self.error is not None:
            raise self.error
        return self.result


class PendingChange(PendingCreate):
    """One transact_order call waiting in the same queue: `mutate(order, tx)` runs under the lock
    in whichever thread commits the batch, after the changes queued before it."""

    __slots__ = ("order_id", "mutate")

    def __init__(self, order_id: str, mutate):
        super().__init__(None, None)
        self.order_id, self.mutate = order_id, mutate


class GroupCommit:
    """The queue of one store and who commits it. A call queues itself; when nobody is committing
    it takes the whole queue and commits it under the store's lock (the leader); otherwise it waits
    on its own event until the leader answers it, or hands it the turn to lead the next batch (the
    first call still queued). Only the threads concerned wake: no herd on every commit."""

    def __init__(self, lock):
        self.lock = lock  # the store's StoreLock (threads and processes)
        self.queue: list[PendingCreate] = []
        self._turn = threading.Lock()
        self._leading = False
        self._leader: int | None = None  # the committing thread's id

    def run(self, pending: PendingCreate, commit):
        """Queue `pending`, see it committed (by this thread or another) with `commit(batch)`; its outcome."""
        with self._turn:
            self.queue.append(pending)
        self._settle(pending, commit)
        return pending.outcome()

    def run_many(self, pendings: Sequence[PendingCreate], commit) -> list:
        """Queue several calls together (one batch, unless the queue is being committed) and see
        them all committed; each one's result, or the exception it raised."""
        with self._turn:
            self.queue.extend(pendings)
        results: list = []
        for pending in pendings:
            self._settle(pending, commit)
            results.append(pending.error if pending.error is not None else pending.result)
        return results

    def _settle(self, pending: PendingCreate, commit) -> None:
        """Wait until `pending` is answered, leading a batch whenever nobody else is."""
        if self._leader == threading.get_ident():  # a build or mutate writing to the store: it would wait for itself
            with self._turn:
                self.queue.remove(pending)
            raise RuntimeError("a store write cannot be made from inside another store write")
        while True:
            with self._turn:
                pending._wake.clear()  # before looking: an answer or a turn given after this wakes it
                if pending.done:
                    return
                lead = not self._leading
                if lead:
                    self._leading, self._leader = True, threading.get_ident()
                    batch, self.queue = self.queue, []
            if not lead:
                pending._wake.wait()
                continue
            try:
                with self.lock.hold():
                    commit(batch)
            except BaseException as exc:
                for queued in batch:  # taken from the queue but not answered: not saved
                    if not queued.done:
                        queued.fail(exc)
                if not isinstance(exc, Exception):
                    raise  # an interrupt: not an answer
            finally:
                with self._turn:
                    self._leading, self._leader = False, None
                    if self.queue:
                        self.queue[0]._wake.set()  # its turn to lead (it may be leading already)
