"""Counts of what a process did (emails sent, payments settled, webhooks received, Qikink calls),
by outcome, for GET /metrics. Thread-safe; per process (a fleet's Prometheus adds the machines up)."""

from __future__ import annotations

import threading
from collections import Counter


class Tally:
    def __init__(self):
        self._lock = threading.Lock()
        self._counts: Counter = Counter()

    def add(self, *labels: str, n: int = 1) -> None:
        with self._lock:
            self._counts[labels] += n

    def snapshot(self) -> dict[tuple[str, ...], int]:
        with self._lock:
            return dict(self._counts)
