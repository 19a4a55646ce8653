"""Per-client and per-order limits on what an outsider could use to guess: customer look-ups
(an order id with an email, a confirmation link) and admin keys.

Customer look-ups: at most 60 a minute per client, every look-up route together. The tracking page
asks once every 15 s (4 a minute a tab), a customer clicking through her order a few more; 60
leaves room for a household or an office behind one address. With random ids (9×10⁹ of them) that
is about 10⁸ minutes a hit for a guesser who knows an email; before these limits 300 guesses took
0.21 s. Per order, only the look-ups that fail (404: wrong email, or no such order) count: 10 a
minute from anywhere, then every look-up of that order is refused for the rest of the window, the
right email too (else a 200 among the 429s would still tell a guesser with many addresses when
she is right). A customer's own look-ups never count, however many tabs she has open.

Failed admin keys: 5 a minute per client, logged (client, method, route; never the key). Then the
client is refused for the rest of the window even with the right key: if the right key still
worked, a 200 among the 429s would go on telling a guesser when she is right.

Counts are kept by this process, like flask-limiter's for order creation (memory://): a fleet's
limit is this one times its machines, still far below a guessing rate. A failure is counted once
answered, so a burst can overshoot by the requests already in flight (the server's threads).
RATELIMIT_ENABLED=false turns them off (load tests). The client is the socket's address, or the
real client's behind a proxy listed in TRUSTED_PROXIES.
"""

from __future__ import annotations

import logging
import math
import time

from flask import g, request
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from ..errors import TooSoon

log = logging.getLogger("backend.security")

LOOKUPS_PER_CLIENT = RateLimitItemPerMinute(60)  # every customer look-up route together
FAILED_LOOKUPS_PER_ORDER = RateLimitItemPerMinute(10)  # 404s for one order id, from anywhere
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

    def _too_soon(self, item, *keys: str, what: str) -> TooSoon:
        reset_at, _ = self._limiter.get_window_stats(item, *keys)
        wait = max(1, math.ceil(reset_at - time.time()))
        return TooSoon(f"Too many {what}: try again in {wait} seconds", retry_after=wait)

    def _take(self, item, *keys: str, what: str) -> None:
        """Count one hit; 429 with Retry-After when over."""
        if not self._limiter.hit(item, *keys):
            raise self._too_soon(item, *keys, what=what)

    def _refuse_while_spent(self, item, *keys: str, what: str) -> None:
        """429 with Retry-After while `item` is spent for `keys` (counting nothing)."""
        if not self._limiter.test(item, *keys):
            raise self._too_soon(item, *keys, what=what)

    def customer_lookup(self, order_id: str | None) -> None:
        """Before a customer look-up route runs (not for admins)."""
        if not self.enabled:
            return
        self._take(LOOKUPS_PER_CLIENT, "lookup", request.remote_addr or "", what="order look-ups from your address")
        if order_id:
            self._refuse_while_spent(FAILED_LOOKUPS_PER_ORDER, "order", order_id, what="failed look-ups of this order")
            g.looked_up_order = order_id

    def lookup_answered(self, status: int) -> None:
        """After a customer look-up: a 404 counts against the order it named."""
        order_id = g.pop("looked_up_order", None)
        if order_id and status == 404:
            self._limiter.hit(FAILED_LOOKUPS_PER_ORDER, "order", order_id)

    def admin_blocked(self) -> None:
        """Before an admin key is compared: 429 for a client that got it wrong too often."""
        if self.enabled:
            self._refuse_while_spent(
                ADMIN_FAILURES_PER_CLIENT, "admin", request.remote_addr or "", what="wrong admin keys from your address"
            )

    def admin_failed(self) -> None:
        """A wrong admin key: logged (never the key) and counted."""
        rule = request.url_rule.rule if request.url_rule is not None else request.path
        log.warning("Wrong admin key from %s on %s %s", request.remote_addr, request.method, rule)
        if self.enabled:
            self._limiter.hit(ADMIN_FAILURES_PER_CLIENT, "admin", request.remote_addr or "")
