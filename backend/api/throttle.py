"""Per-client and per-order limits on what an outsider could use to guess: customer look-ups
(an order id with an email, a confirmation link) and admin keys.

A customer looks an order up a few times a minute at most (the tracking page refreshes every
REFRESH seconds); 300 guesses of an order id with a known email took 0.21 s before these limits.
Failed admin keys are limited per client and logged (client, method, route; never the key).

Counts are kept by this process (a fleet's limit is this one times its machines; still far below
a guessing rate). RATELIMIT_ENABLED=false turns them off (load tests). The client is the socket's
address, or the real client's behind a proxy listed in TRUSTED_PROXIES.
"""

from __future__ import annotations

import logging
import math
import time

from flask import request
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from ..errors import TooSoon

log = logging.getLogger("backend.security")

LOOKUPS_PER_CLIENT = RateLimitItemPerMinute(60)  # every customer look-up route together
LOOKUPS_PER_ORDER = RateLimitItemPerMinute(20)  # one order id, from anywhere
ADMIN_FAILURES_PER_CLIENT = RateLimitItemPerMinute(5)  # wrong admin keys; then 429 for the minute

# The routes an outsider could use to find or confirm orders (endpoint names).
CUSTOMER_LOOKUPS = frozenset(
    {
        "orders.get_order",
        "orders.cancel_order",
        "invoices.get_invoice",
        "invoices.get_credit_note",
        "payments.get_payment",
        "payments.post_payment",
        "qikink.fulfilment",
        "confirm.resend_confirmation",
        "confirm.confirmation_page",
        "confirm.confirm_by_link",
    }
)


class Throttle:
    def __init__(self, *, enabled: bool = True):
        self.enabled = enabled
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def _take(self, item, *keys: str, what: str) -> None:
        """Count one hit; 429 with Retry-After when over."""
        if self._limiter.hit(item, *keys):
            return
        reset_at, _ = self._limiter.get_window_stats(item, *keys)
        wait = max(1, math.ceil(reset_at - time.time()))
        raise TooSoon(f"Too many {what}: try again in {wait} seconds", retry_after=wait)

    def customer_lookup(self, order_id: str | None) -> None:
        """Before a customer look-up route runs (not for admins)."""
        if not self.enabled:
            return
        self._take(LOOKUPS_PER_CLIENT, "lookup", request.remote_addr or "", what="order look-ups from your address")
        if order_id:
            self._take(LOOKUPS_PER_ORDER, "order", order_id, what="look-ups of this order")

    def admin_blocked(self) -> None:
        """Before an admin key is compared: 429 for a client that got it wrong too often."""
        if not self.enabled:
            return
        if not self._limiter.test(ADMIN_FAILURES_PER_CLIENT, "admin", request.remote_addr or ""):
            reset_at, _ = self._limiter.get_window_stats(ADMIN_FAILURES_PER_CLIENT, "admin", request.remote_addr or "")
            wait = max(1, math.ceil(reset_at - time.time()))
            raise TooSoon(f"Too many wrong admin keys from your address: try again in {wait} seconds", retry_after=wait)

    def admin_failed(self) -> None:
        """A wrong admin key: logged (never the key) and counted."""
        rule = request.url_rule.rule if request.url_rule is not None else request.path
        log.warning("Wrong admin key from %s on %s %s", request.remote_addr, request.method, rule)
        if self.enabled:
            self._limiter.hit(ADMIN_FAILURES_PER_CLIENT, "admin", request.remote_addr or "")
