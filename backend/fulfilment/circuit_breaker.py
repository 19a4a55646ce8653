"""A circuit breaker: after a few consecutive transient failures, skip calls for a cool-down."""

from __future__ import annotations

import threading
import time


class CircuitBreaker:
    """Closed → (threshold failures in a row) → open for `cooldown` s → calls allowed again: the
    first success closes it, a failure opens it for another cool-down."""

    def __init__(self, threshold: int = 3, cooldown: float = 30.0, *, clock=time.monotonic):
        self.threshold = threshold
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None

    def allow(self) -> bool:
        """Whether a call may go ahead now."""
        with self._lock:
            return self._opened_at is None or self.clock() - self._opened_at >= self.cooldown

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= self.threshold:
                self._opened_at = self.clock()

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._opened_at is not None
