"""Qikink's health as the server sees it: the last contact, the circuit breaker, probes."""

from __future__ import annotations

import threading
import time

from ..qikink import QikinkError, QikinkRateLimited
from ..qikink.client import FORCED_MINT_SECONDS
from .circuit_breaker import CircuitBreaker


class QikinkHealth:
    """Connection state from the last contact with Qikink, without calling it for every question."""

    def __init__(self, config, client, *, clock=time.time, breaker: CircuitBreaker | None = None):
        self.config = config
        self.client = client
        self.clock = clock
        self.breaker = breaker or CircuitBreaker(threshold=3, cooldown=config.qikink_breaker_cooldown_seconds)
        self.last_check: float | None = None
        self.last_error: str | None = None

    def note(self, error: Exception | None) -> None:
        """Record the outcome of a call: a success closes the breaker, transient failures open it."""
        if isinstance(error, QikinkRateLimited):
            return  # our own budget, or Qikink's: not a sign that Qikink is down
        self.last_check = self.clock()
        self.last_error = None if error is None else str(error)
        if error is None:
            self.breaker.record_success()
        elif getattr(error, "transient", False) or getattr(error, "http_status", None) in (401, 403):
            self.breaker.record_failure()

    def connection_state(self) -> str:
        """From the last contact with Qikink, without calling it: a quiet hour in which the token
        expired is still "connected" when the last call succeeded."""
        if self.last_error is not None:
            return "disconnected"
        return "connected" if self.last_check is not None or self.client.has_valid_token() else "disconnected"

    def authenticate(self, force: bool = False, *, wait: bool = False):
        """Check the credentials (mint only if no valid token is cached, unless forced). A forced
        mint logs every other process out and spends one of Qikink's 30 calls a minute: none while
        the account's last token is younger than FORCED_MINT_SECONDS (QikinkRateLimited with the
        wait, before any call; the client checks again atomically, for every process sharing the
        call budget's window)."""
        if force:
            age = self.client.last_mint_age()
            if age is not None and age < FORCED_MINT_SECONDS:
                raise QikinkRateLimited(
                    f"A Qikink token was minted {age:.0f} s ago; a forced mint logs out every other "
                    "process, so at most one a minute",
                    retry_after=FORCED_MINT_SECONDS - age,
                )
        try:
            info = self.client.authenticate(force=force, wait=wait)
        except QikinkError as exc:
            self.note(exc)
            raise
        self.note(None)
        return info

    def probe(self, timeout: float = 3.0) -> tuple[bool, str]:
        """Authenticate (minting only if no valid token is cached) in a thread, waiting at most
        `timeout` seconds: the client's own retries must not hold start-up or a status check."""
        outcome: dict = {}

        def attempt():
            try:
                self.authenticate(wait=False)  # never queued behind the call budget
                outcome["ok"] = True
            except QikinkError as exc:
                outcome["error"] = exc.message

        thread = threading.Thread(target=attempt, name="qikink-probe", daemon=True)
        thread.start()
        thread.join(timeout)
        if outcome.get("ok"):
            return True, "SUCCESS"
        if "error" in outcome:
            return False, f"FAILED ({outcome['error']}); orders are kept and sent when Qikink answers"
        self.last_error = f"no answer within {timeout:.0f}s"
        return False, f"NO ANSWER within {timeout:.0f}s; orders are kept and sent when Qikink answers"

    def probe_call(self) -> bool:
        """One real call (the newest page of orders) to learn whether Qikink answers now, even while
        the breaker is open: an admin's sync asks for it. True closes the breaker."""
        try:
            self.client.list_orders(1, wait=False, kind="lookup")
        except QikinkRateLimited:
            return False
        except QikinkError as exc:
            self.note(exc)
            return False
        self.note(None)
        return True
