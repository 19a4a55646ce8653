"""Group commit: orders that arrive while another thread holds the store's lock queue up, and the
next thread to get the lock saves all of them in one durable write before any is answered."""

from __future__ import annotations

import threading

# A create whose lock wait failed while another thread was already saving it waits this long for
# that thread's outcome (the order may be on disk: answering 503 then would be wrong).
BATCH_OUTCOME_WAIT_SECONDS = 60.0


class PendingCreate:
    """One create_order call waiting in the group-commit queue, and its outcome."""

    __slots__ = ("build", "key_hash", "result", "error", "_done")

    def __init__(self, build, key_hash: str | None):
        self.build, self.key_hash = build, key_hash
        self.result, self.error = None, None
        self._done = threading.Event()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float) -> bool:
        return self._done.wait(timeout)

    def finish(self, result) -> None:
        self.result = result
        self._done.set()

    def fail(self, error: BaseException) -> None:
        self.error = error
        self._done.set()

    def outcome(self):
        if self.error is not None:
            raise self.error
        return self.result


def run_in_batch(store, pending: PendingCreate, commit):
    """Queue `pending` on `store` (its `_queue`, `_queue_lock` and `lock`), and under the lock commit
    whatever is queued with `commit(batch)` unless another thread already did; its outcome."""
    with store._queue_lock:
        store._queue.append(pending)
    try:
        with store.lock.hold():
            if not pending.done:
                with store._queue_lock:
                    batch, store._queue = store._queue, []
                try:
                    commit(batch)
                except BaseException as exc:
                    for queued in batch:
                        if not queued.done:
                            queued.fail(exc)
                    raise
    except Exception:
        with store._queue_lock:
            queued = pending in store._queue
            if queued:
                store._queue.remove(pending)  # nobody took it: it is not saved, so failing is right
        if queued or not pending.wait(BATCH_OUTCOME_WAIT_SECONDS):
            raise
    return pending.outcome()
