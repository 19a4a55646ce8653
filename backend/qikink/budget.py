"""One budget of Qikink calls per account, shared by every thread and process, with priorities.

Qikink allows about 30 calls a minute per account. Every call the server makes takes its place
here first, tagged with its kind. A kind of lower priority must leave headroom for the kinds
above it, so tracking can never use the calls that new orders need:

    token     may use the whole window                 (a token is needed by everything)
    create    leaves 1 for a token                     (a new order reaching the printer)
    lookup    leaves 1 for a token                     (finding an order after a lost answer)
    tracking  leaves 1 for a token + `create_reserve`  (status polls, page by page)

With a `path` (a small file in the data directory) the window is shared by every process on
that directory; without one, by the threads of this process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import threading
import time
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

if TYPE_CHECKING:  # the type only: the budget reads no storage
    from ..storage.interface import CallWindow

from .errors import QikinkRateLimited

log = logging.getLogger(__name__)

KINDS = ("token", "create", "lookup", "tracking")
WINDOW_SECONDS = 60.0
# Our clock and Qikink's see a call a network hop apart: count each call a little longer.
SAFETY_SECONDS = 2.0


def default_create_reserve(per_minute: int) -> int:
    """Calls a minute that tracking leaves for new orders: 2 of Qikink's 30. New orders need no
    more held back: the worker sends a pending order before any poll, as soon as a call frees."""
    return min(2, per_minute // 15)


class MemoryWindow:
    """The window of one process: the calls its threads made."""

    def __init__(self):
        self._calls: list[list] = []

    def transact(self, update):
        """Run `update(calls)` → (result, new calls or None) on the window, atomically for callers
        that hold the budget's thread lock."""
        result, calls = update(list(self._calls))
        if calls is not None:
            self._calls = calls
        return result


class FileWindow:
    """The window of every process on one data directory: a small JSON file under a file lock,
    one list of [time, kind] per account (named by a hash)."""

    def __init__(self, path, account: str):
        self.path = str(path)
        self.account = hashlib.sha256(account.encode("utf-8")).hexdigest()[:16]
        self._lock = FileLock(f"{path}.lock", thread_local=False)

    def _document(self) -> dict:
        try:
            with open(self.path, encoding="utf-8") as handle:
                document = json.load(handle)
            return document if isinstance(document, dict) else {}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("Qikink call budget %s unreadable (%s); starting a new window", self.path, exc)
            return {}

    def transact(self, update):
        try:
            self._lock.acquire(timeout=5)
        except Timeout:
            raise OSError(f"{self.path}.lock is held too long") from None
        try:
            document = self._document()
            calls = document.get(self.account, [])
            result, calls = update(calls if isinstance(calls, list) else [])
            if calls is not None:
                document[self.account] = calls
                # Not order data: no fsync. A crash forgets at most the last calls of one minute.
                temporary = f"{self.path}.{os.getpid()}.tmp"
                with open(temporary, "w", encoding="utf-8") as handle:
                    json.dump(document, handle, separators=(",", ":"))
                os.replace(temporary, self.path)
            return result
        finally:
            self._lock.release()


class CallBudget:
    """At most `per_minute` calls in any window (0 = unlimited), each kind within its headroom.

    `window` keeps the calls: this process's (default), a file's (`path`, every process on the data
    directory) or the database's (every server of a fleet, see storage/fleet.py)."""

    def __init__(
        self,
        per_minute: int,
        *,
        path=None,
        window: CallWindow | None = None,
        account: str = "",
        clock=time.time,
        sleep=time.sleep,
        create_reserve: int | None = None,
    ):
        self.per_minute = per_minute
        self.span = WINDOW_SECONDS + SAFETY_SECONDS
        reserve = default_create_reserve(per_minute) if create_reserve is None else create_reserve
        self.headroom = {"token": 0, "create": 1, "lookup": 1, "tracking": 1 + reserve}
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self.window = window or (FileWindow(path, account) if path else MemoryWindow())

    def limit(self, kind: str) -> int:
        """How many calls of the window a call of `kind` may find taken and still go."""
        return max(1, self.per_minute - self.headroom[kind])

    def _window(self, update):
        """`update(calls, now)` → (result, changed) on the current window, or None when the
        window cannot be read now (the caller waits a second)."""
        with self._lock:
            now = self._clock()

            def pruned(calls):
                calls = [c for c in calls if c[0] > now - self.span]
                result, changed = update(calls, now)
                return result, calls if changed else None

            try:
                return self.window.transact(pruned)
            except Exception as exc:  # a budget that cannot be read must not fail a send: wait
                log.warning("Qikink call budget unavailable (%s); waiting", type(exc).__name__)
                return None

    @staticmethod
    def _wait_for(calls, now, limit, window) -> float:
        """Seconds until fewer than `limit` calls are in the window."""
        if len(calls) < limit:
            return 0.0
        return max(calls[len(calls) - limit][0] + window - now, 0.001)

    # --- taking calls ------------------------------------------------------------------------
    def try_take(self, kind: str) -> float:
        """Take one call of `kind` now (0.0), or say in how many seconds one could be taken."""
        return self._take(kind)[0]

    def _take(self, kind: str, apart: float = 0.0) -> tuple[float, float | None]:
        """(wait, age): one call of `kind` taken now (wait 0.0), or the seconds until one could go.
        With `apart`, also none while the last call of `kind` (by any process sharing the window) is
        younger than `apart` seconds; `age` then says how old it is. Checked and taken atomically."""
        if not self.per_minute and not apart:
            return 0.0, None
        limit = self.limit(kind)

        def take(calls, now):
            age = self._age_of_last(calls, now, kind)
            if apart and age is not None and age < apart:
                return (apart - age, age), False
            wait = self._wait_for(calls, now, limit, self.span) if self.per_minute else 0.0
            if not wait:
                calls.append([now, kind])
            return (wait, None), not wait

        result = self._window(take)
        return (1.0, None) if result is None else result

    @staticmethod
    def _age_of_last(calls, now, kind) -> float | None:
        times = [c[0] for c in calls if c[1] == kind]
        return max(now - max(times), 0.0) if times else None

    def acquire(self, kind: str, wait: bool = True, *, apart: float = 0.0) -> None:
        """Take one call, sleeping until there is room, or raise QikinkRateLimited if not `wait`.
        A call refused by `apart` (see `_take`) is never waited for: QikinkRateLimited at once."""
        while True:
            delay, age = self._take(kind, apart)
            if not delay:
                return
            if age is not None:
                raise QikinkRateLimited(
                    f"the last Qikink {kind} call was {age:.0f} s ago (at most one every {apart:.0f} s)",
                    retry_after=math.ceil(delay * 1000) / 1000,
                )
            if not wait:
                raise QikinkRateLimited(
                    f"Qikink call budget for {kind} spent this minute", retry_after=math.ceil(delay * 1000) / 1000
                )
            self._sleep(delay)

    def since_last(self, kind: str) -> float | None:
        """Seconds since the last call of `kind` in the window (any process sharing it), or None."""
        return self._window(lambda calls, now: (self._age_of_last(calls, now, kind), False))

    def wait_for(self, kind: str) -> float:
        """Seconds until a call of `kind` could go (0.0: now), taking nothing."""
        if not self.per_minute:
            return 0.0
        limit = self.limit(kind)
        wait = self._window(lambda calls, now: (self._wait_for(calls, now, limit, self.span), False))
        return 1.0 if wait is None else wait

    def usage(self) -> dict:
        """Calls in the last minute by kind, the limit, and what each kind could still take."""

        def count(calls, now):
            recent = [c for c in calls if c[0] > now - WINDOW_SECONDS]
            return ({kind: sum(1 for c in recent if c[1] == kind) for kind in KINDS}, len(calls)), False

        by_kind, in_window = self._window(count) or ({kind: 0 for kind in KINDS}, 0)
        available = {kind: max(self.limit(kind) - in_window, 0) if self.per_minute else None for kind in KINDS}
        return {
            "per_minute": self.per_minute or None,
            "last_minute": by_kind,
            "last_minute_total": sum(by_kind.values()),
            "available_now": available,
        }

    def creates_per_minute(self) -> int:
        """New orders a minute the budget sustains (0: unlimited), for the queue's time estimate."""
        return self.limit("create") if self.per_minute else 0
