"""One background thread per service (the Qikink sync worker, the customer-email sender): started
and stopped once, woken early when there is new work."""

from __future__ import annotations

import threading


class BackgroundThread:
    """Runs the subclass's `_work()` in a daemon thread named `THREAD_NAME`; `_work` waits on
    `self._wake` (set by `wake()`) and returns once `self._stop` is set."""

    THREAD_NAME = "background"

    def _init_thread(self) -> None:
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _work(self) -> None:
        raise NotImplementedError

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._work, name=self.THREAD_NAME, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
