"""Client-side limit on calls to Qikink, shared by every thread using one client."""
import math
import threading
import time
from collections import deque

from .errors import QikinkRateLimited


class RateLimiter:
    """At most `per_minute` calls in any sliding window of `window` seconds (0 = unlimited)."""

    def __init__(self, per_minute: int, *, clock=time.time, sleep=time.sleep, window=60.0):
        self.per_minute = per_minute
        self._clock = clock
        self._sleep = sleep
        self._window = window
        self._lock = threading.Lock()
        self._calls = deque()

    def _try_take(self):
        """Record a call if there is budget; else return how long until there is."""
        with self._lock:
            now = self._clock()
            while self._calls and self._calls[0] <= now - self._window:
                self._calls.popleft()
            if len(self._calls) < self.per_minute:
                self._calls.append(now)
                return 0.0
            return max(self._calls[0] + self._window - now, 0.001)

    def acquire(self, wait: bool = True) -> None:
        """Take one call's budget, sleeping until there is some, or raise if `wait` is False."""
        if not self.per_minute:
            return
        while True:
            delay = self._try_take()
            if not delay:
                return
            if not wait:
                raise QikinkRateLimited("Client-side Qikink rate limit reached",
                                        retry_after=math.ceil(delay * 1000) / 1000)
            # Sleep outside the lock so other threads can check their own budget.
            self._sleep(delay)
