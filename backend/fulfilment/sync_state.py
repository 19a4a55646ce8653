"""How sending one order to Qikink stands: the claim, retries, and what polling learnt.

Stored on the order as `order["sync"]`, a plain JSON object whose keys are kept as they always
were (claimed_by, claimed_until, lookup_first, attempts, last_error, last_attempt_at,
next_attempt_at, synced_at, last_polled_at, terminal), so stored orders read back unchanged.
`SyncState.of(order)` edits the order's own object in place (inside a store mutation);
`SyncState.read(order)` is a copy for reading.
"""

from __future__ import annotations

from datetime import datetime

_CLAIM_KEYS = ("claimed_by", "claimed_until")


class SyncState:
    """A typed view over one order's `sync` object."""

    __slots__ = ("_data",)

    def __init__(self, data: dict):
        self._data = data

    @classmethod
    def of(cls, order: dict) -> SyncState:
        """The order's own sync state, created empty when missing; changes land in the order."""
        if not isinstance(order.get("sync"), dict):
            order["sync"] = {}
        return cls(order["sync"])

    @classmethod
    def read(cls, order: dict) -> SyncState:
        """A copy of the order's sync state, for reading."""
        return cls.from_dict(order.get("sync") or {})

    @classmethod
    def from_dict(cls, data: dict) -> SyncState:
        return cls(dict(data))

    @classmethod
    def new_claim(cls, token: str, until: float) -> SyncState:
        """The state of an order claimed as it is placed (no earlier attempt to look up)."""
        return cls({"claimed_by": token, "claimed_until": until})

    def as_dict(self) -> dict:
        return dict(self._data)

    # --- the claim -----------------------------------------------------------------------------
    @property
    def claimed_by(self) -> str | None:
        return self._data.get("claimed_by")

    def is_claimed(self, now: float) -> bool:
        """A live claim: someone may be sending the order right now."""
        return self._data.get("claimed_until", 0) > now

    def claimed_until(self) -> float:
        return float(self._data.get("claimed_until", 0))

    def held_by(self, token: str) -> bool:
        return token is not None and self._data.get("claimed_by") == token

    def claim(self, token: str, until: float) -> None:
        """Take the right to send. A claim left by an earlier attempt (a crash, a lost answer)
        means the order may have reached Qikink: look it up before creating it."""
        self._data["lookup_first"] = bool(self._data.get("lookup_first") or self._data.get("claimed_by"))
        self._data.update(claimed_by=token, claimed_until=until)

    def release(self) -> None:
        for key in _CLAIM_KEYS:
            self._data.pop(key, None)

    # --- attempts ------------------------------------------------------------------------------
    @property
    def lookup_first(self) -> bool:
        return bool(self._data.get("lookup_first"))

    @property
    def attempts(self) -> int:
        return int(self._data.get("attempts", 0))

    @property
    def last_error(self) -> str | None:
        return self._data.get("last_error")

    @last_error.setter
    def last_error(self, message: str | None) -> None:
        self._data["last_error"] = message

    @property
    def last_attempt_at(self) -> str | None:
        return self._data.get("last_attempt_at")

    @property
    def unanswered(self) -> bool:
        """The last attempt got no answer: it may still be reaching Qikink."""
        return bool(self._data.get("unanswered"))

    def seconds_since_attempt(self, now: float) -> float | None:
        """Seconds since the last failed attempt, or None when there was none."""
        raw = self._data.get("last_attempt_at")
        return now - datetime.fromisoformat(raw).timestamp() if raw else None

    @property
    def next_attempt_at(self) -> float | None:
        return self._data.get("next_attempt_at")

    def is_due(self, now: float) -> bool:
        return self._data.get("next_attempt_at", 0) <= now

    def schedule_retry(self, at: float, reason: str) -> None:
        """Give the order back, to be tried again at `at` (epoch seconds)."""
        self.release()
        self._data["next_attempt_at"] = at
        self._data["last_error"] = reason

    def attempt_failed(self, message: str, timestamp: str, *, retry_at: float | None, unanswered: bool = False) -> int:
        """Record a failed attempt and release the claim; `retry_at` None: refused for good (no
        retry, nothing to look up). `unanswered`: no answer came back (a timeout, a dropped
        connection), so Qikink may still be taking the order. The attempts so far."""
        attempts = self.attempts + 1
        self._data.update(
            attempts=attempts, last_error=message, last_attempt_at=timestamp, lookup_first=retry_at is not None
        )
        if unanswered:
            self._data["unanswered"] = True
        else:
            self._data.pop("unanswered", None)
        self.release()
        if retry_at is None:
            self._data.pop("next_attempt_at", None)
        else:
            self._data["next_attempt_at"] = retry_at
        return attempts

    def due_now(self) -> None:
        """Try again at the next chance (an admin's retry or edit); `lookup_first` is kept, since an
        earlier attempt may have reached Qikink."""
        self._data.pop("next_attempt_at", None)

    def reset_retries(self) -> None:
        for key in ("next_attempt_at", "attempts", "last_error"):
            self._data.pop(key, None)

    def synced(self, timestamp: str, polled_at: float) -> None:
        """Qikink has the order: the claim and the retry state go, its status is known now."""
        for key in (*_CLAIM_KEYS, "lookup_first", "next_attempt_at", "last_error", "unanswered"):
            self._data.pop(key, None)
        self._data["synced_at"] = timestamp
        self._data["last_polled_at"] = polled_at

    @property
    def synced_at(self) -> str | None:
        return self._data.get("synced_at")

    # --- tracking ------------------------------------------------------------------------------
    @property
    def last_polled_at(self) -> float:
        return float(self._data.get("last_polled_at") or 0.0)

    def polled(self, at: float, *, error: str | None = None) -> None:
        self._data["last_polled_at"] = at
        if error is not None:
            self._data["last_error"] = error

    @property
    def terminal(self) -> bool:
        """Qikink reported a final status: nothing more to poll."""
        return bool(self._data.get("terminal"))

    def mark_terminal(self) -> None:
        self._data["terminal"] = True
