"""Each customer email is sent once: an outbox on the order, and a sender thread that drains it.

1. Queue: the change that causes an email (an order placed, first seen in transit, cancelled)
   adds `{"kind", "status": "pending", ...}` to `order["emails"]` in the same order write, once
   per kind. So the email exists exactly when the change is durable.
2. Claim: under the store's lock the sender marks a due pending email claimed (token, expiry).
   Only the claim holder sends it; a live claim is left alone.
3. Send, then record `sent` as the claim holder. A failure releases the claim with a backoff;
   the email is given up (`failed`, with the reason) when the server refused it for good (SMTP
   5xx to its recipient or its content), or when it is still not sent GIVE_UP_SECONDS after it was
   queued (a confirmation days late helps no one). Staff see it in the order's `emails`.

At most one duplicate: if the process dies after the SMTP server accepted a message and before
`sent` was recorded, the claim expires and the email is sent again (with the same Message-ID).
A claim found expired is counted in `resends` on the email, so that case can be seen.

The log transport (no SMTP_URL) skips step 2: writing an email to the log twice harms nobody, so
it needs no claim, and the `sent` records of up to BATCH emails are one store call (one journal
append and one fsync) instead of two writes an email.

Orders come first: while orders are being placed (one written within QUIET_SECONDS), the sender
waits, for at most MAX_DEFER_SECONDS, then sends what is due between them. In a burst of orders
the emails go out just after it, and the orders get the processor (measured with `python -m bench`).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

from ..background import BackgroundThread
from ..clock import now_iso, timestamp_of
from ..retry import backoff_delay
from ..storage.interface import OrderStore
from ..tally import Tally
from .messages import KINDS, draft
from .transport import EmailNotSent, LogTransport

log = logging.getLogger(__name__)

CLAIM_SECONDS = 120.0  # well over one SMTP send (connect, TLS, login, data: each within SMTP_TIMEOUT)
RETRY_BASE_SECONDS = 30.0
RETRY_CAP_SECONDS = 3600.0
GIVE_UP_SECONDS = 2 * 24 * 3600.0  # an email not sent two days after it was queued is given up
CATCH_UP_SECONDS = 600.0  # re-read every order this often: emails queued by other processes
BATCH = 50  # emails recorded in one store call when no claim is needed
QUIET_SECONDS = 0.25  # the sender waits until no order was written for this long...
MAX_DEFER_SECONDS = 30.0  # ...but never longer than this


def queue_email(order: dict, kind: str, timestamp: str) -> bool:
    """Put an email of `kind` in the order's outbox, once per kind (inside an order write). False
    when the order already has one."""
    if kind not in KINDS:
        raise ValueError(f"no email of kind {kind!r}")
    emails = order.setdefault("emails", [])
    if any(e.get("kind") == kind for e in emails):
        return False
    emails.append({"kind": kind, "status": "pending", "queued_at": timestamp, "attempts": 0})
    return True


def due_at(order: dict) -> float | None:
    """When the order's earliest pending email is due (claimed ones: when their claim expires)."""
    times = [
        max(float(e.get("next_attempt_at") or 0.0), float(e.get("claimed_until") or 0.0))
        for e in order.get("emails") or []
        if e.get("status") == "pending"
    ]
    return min(times) if times else None


def public_emails(order: dict) -> list[dict]:
    """The outbox as staff see it."""
    return [
        {
            key: e.get(key)
            for key in ("kind", "status", "via", "queued_at", "sent_at", "failed_at", "attempts", "last_error")
        }
        for e in order.get("emails") or []
    ]


class NoEmails:
    """Sends nothing: the order service's and the tracker's default."""

    def note(self, order: dict) -> None:
        pass


class EmailSender(BackgroundThread):
    """Drains the outboxes: claims, sends and records each due email; a thread woken after a write."""

    THREAD_NAME = "customer-email"

    def __init__(
        self,
        config,
        store: OrderStore,
        transport=None,
        *,
        clock=time.time,
        retry_base: float = RETRY_BASE_SECONDS,
        claim_seconds: float = CLAIM_SECONDS,
        quiet_seconds: float = QUIET_SECONDS,
        max_defer_seconds: float = MAX_DEFER_SECONDS,
    ):
        self.config = config
        self.store = store
        self.transport = transport or LogTransport()
        self.clock = clock
        self.retry_base = retry_base
        self.claim_seconds = claim_seconds
        self.due: dict[str, float] = {}  # order id -> when its next email is due
        self.tally = Tally()  # emails by kind and outcome (GET /metrics)
        self.via = "log" if isinstance(self.transport, LogTransport) else "smtp"
        self._lock = threading.Lock()
        self._init_thread()
        self._caught_up_at = None
        self.quiet_seconds, self.max_defer_seconds = quiet_seconds, max_defer_seconds
        self._last_order_write = float("-inf")  # monotonic time of the last note() from the shop
        self._deferred_since: float | None = None

    # --- what is due ---------------------------------------------------------------------------
    def note(self, order: dict) -> None:
        """Take in an order just written (after its commit); wakes the thread when an email is due."""
        self._last_order_write = time.monotonic()
        self._note(order)

    def resend(self, order_id: str, kind: str) -> dict | None:
        """Staff: send an email that was given up (`failed`) again, e.g. after the customer's address
        was corrected: pending again, tried from the first attempt. None: no order; the order as it
        is when there is no such failed email (nothing changes)."""

        def again(order):
            email = _find(order, kind)
            if email is None or email.get("status") != "failed":
                return False
            email.update(status="pending", attempts=0, queued_at=now_iso(self.clock), resent=True)
            email.pop("failed_at", None)
            email.pop("next_attempt_at", None)
            return True

        order = self.store.update_order(order_id, again)
        if order is not None:
            self.note(order)
        return order

    def _note(self, order: dict) -> None:
        at = due_at(order)
        with self._lock:
            if at is None:
                self.due.pop(order["order_id"], None)
                return
            self.due[order["order_id"]] = at
        self._wake.set()

    def catch_up(self) -> None:
        """Read every order once (at start, then now and then): emails other processes queued."""
        self._caught_up_at = self.clock()
        for n, order_id in enumerate(self.store.order_ids()):
            if n % 500 == 499:  # a whole shop's orders: let customers' requests go first
                self._stop.wait(self.yield_to_orders())
            order = self.store.get_order(order_id)
            if order is not None and order.get("emails"):
                self._note(order)

    # --- 1. claim, 2. send, 3. record ----------------------------------------------------------
    def _claim(self, order_id: str, kind: str, token: str) -> dict | None:
        now = self.clock()
        claimed = []

        def claim(order):
            email = _find(order, kind)
            if not _due(email, now):
                return False
            if email.get("claimed_by"):  # an earlier sender died after claiming: it may have sent it
                email["resends"] = email.get("resends", 0) + 1
            email.update(claimed_by=token, claimed_until=now + self.claim_seconds)
            claimed.append(True)

        order = self.store.update_order(order_id, claim)
        return order if claimed else None

    def _recorder(self, kind: str, token: str | None, failure: EmailNotSent | None):
        """The order change that records one attempt: `sent`; or the error and when to try again;
        or `failed` when it is given up."""
        timestamp = now_iso(self.clock)

        def record(order):
            email = _find(order, kind)
            if email is None or email["status"] != "pending" or email.get("claimed_by") != token:
                return False  # our claim expired and another sender took over (or, unclaimed, sent it)
            email.pop("claimed_by", None)
            email.pop("claimed_until", None)
            email["attempts"] = email.get("attempts", 0) + 1
            if failure is None:
                # "log": no SMTP_URL, so the email was only written to the server's log.
                email.update(status="sent", sent_at=timestamp, last_error=None, via=self.via)
                email.pop("next_attempt_at", None)
            elif failure.permanent or self.clock() - timestamp_of(email["queued_at"]) >= GIVE_UP_SECONDS:
                why = "refused for good" if failure.permanent else f"given up after {email['attempts']} attempts"
                email.update(status="failed", failed_at=timestamp, last_error=f"{why}: {failure}")
                email.pop("next_attempt_at", None)
            else:
                delay = backoff_delay(email["attempts"] - 1, base=self.retry_base, cap=RETRY_CAP_SECONDS)
                email.update(last_error=str(failure), next_attempt_at=self.clock() + delay)

        return record

    def _deliver(self, order: dict, kind: str) -> EmailNotSent | None:
        """Hand one email to the transport: None when it took it, else why not."""
        try:
            self.transport.send(draft(order, kind, mail_from=self.config.mail_from, shop_url=self.config.shop_url))
        except EmailNotSent as exc:
            return exc
        except Exception as exc:  # a bug must not keep the claim for ever; the email is retried
            log.exception("Unexpected error sending the %s email of %s", kind, order["order_id"])
            return EmailNotSent(f"internal error: {type(exc).__name__}")
        return None

    def _count(self, result: dict, order_id: str, kind: str, failure: EmailNotSent | None, *, claimed: bool) -> None:
        self.tally.add(kind, "sent" if failure is None else "refused" if failure.permanent else "not_sent")
        if failure is None:
            result["sent"] += 1
            if claimed:  # the log transport has just written the email itself
                log.info("Sent the %s email of order %s", kind, order_id)
        else:
            result["failed"] += 1
            later = "it is not tried again" if failure.permanent else "trying again later"
            log.warning("The %s email of order %s was not sent (%s); %s", kind, order_id, failure, later)

    def _read(self, order_id: str) -> dict | None:
        order = self.store.get_order(order_id)
        if order is None:
            with self._lock:
                self.due.pop(order_id, None)
        return order

    def send_due(self, order_id: str) -> dict:
        """Send every due email of one order, each claimed first. {"sent": n, "failed": n}."""
        result = {"sent": 0, "failed": 0}
        order = self._read(order_id)
        if order is None:
            return result
        for kind in [e["kind"] for e in order.get("emails") or [] if e.get("status") == "pending"]:
            token = uuid.uuid4().hex
            claimed = self._claim(order_id, kind, token)
            if claimed is None:
                continue
            failure = self._deliver(claimed, kind)
            order = self.store.update_order(order_id, self._recorder(kind, token, failure))
            self._count(result, order_id, kind, failure, claimed=True)
        self._note(order)
        return result

    def send_unclaimed(self, order_ids: list[str]) -> dict:
        """For a transport that cannot harm by sending twice (the log): send the due emails of these
        orders, then record them all in one store call (one journal append and fsync)."""
        result = {"sent": 0, "failed": 0}
        records = []
        for order_id in order_ids:
            order = self._read(order_id)
            if order is None:
                continue
            now = self.clock()
            kinds = [e["kind"] for e in order.get("emails") or [] if _due(e, now)]
            for kind in kinds:
                failure = self._deliver(order, kind)
                records.append((order_id, self._recorder(kind, None, failure)))
                self._count(result, order_id, kind, failure, claimed=False)
            if not kinds:
                self._note(order)
        for (order_id, _), order in zip(records, self.store.update_orders(records), strict=True):
            if isinstance(order, Exception):  # still pending: written to the log again at the next pass
                log.warning("Could not record the email of order %s as sent: %s", order_id, order)
            else:
                self._note(order)
        return result

    def run_pass(self) -> dict:
        """Send every email that is due now."""
        now = self.clock()
        with self._lock:
            due = sorted(order_id for order_id, at in self.due.items() if at <= now)
        report = {"sent": 0, "failed": 0}
        if getattr(self.transport, "claim_before_send", True):
            results = [self.send_due(order_id) for order_id in due]
        else:
            results = [self.send_unclaimed(due[at : at + BATCH]) for at in range(0, len(due), BATCH)]
        for result in results:
            for key, count in result.items():
                report[key] += count
        return report

    def seconds_to_next_pass(self) -> float:
        with self._lock:
            soonest = min(self.due.values(), default=None)
        wait = CATCH_UP_SECONDS if soonest is None else soonest - self.clock()
        return min(max(wait, 0.05), CATCH_UP_SECONDS)

    # --- the thread ----------------------------------------------------------------------------
    def yield_to_orders(self) -> float:
        """Seconds to wait before the next pass because orders are being placed right now (0: go).
        Customers' requests come first: while orders keep arriving, emails wait, but never longer
        than `max_defer_seconds` (then they go out between the orders)."""
        now = time.monotonic()
        idle = now - self._last_order_write
        if idle >= self.quiet_seconds:
            self._deferred_since = None
            return 0.0
        if self._deferred_since is None:
            self._deferred_since = now
        if now - self._deferred_since >= self.max_defer_seconds:
            return 0.0
        return self.quiet_seconds - idle

    def _work(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            pause = self.yield_to_orders()
            if pause > 0:
                self._stop.wait(pause)
                continue
            try:
                if self._caught_up_at is None or self.clock() - self._caught_up_at >= CATCH_UP_SECONDS:
                    self.catch_up()
                self.run_pass()
                self._deferred_since = None
            except Exception:
                log.exception("Email pass failed; trying again later")
            self._wake.wait(self.seconds_to_next_pass())


def _due(email: dict | None, now: float) -> bool:
    """A pending email whose retry time has come and that no live claim holds."""
    return (
        email is not None
        and email["status"] == "pending"
        and email.get("claimed_until", 0) <= now
        and email.get("next_attempt_at", 0) <= now
    )


def _find(order: dict, kind: str) -> dict | None:
    return next((e for e in order.get("emails") or [] if e.get("kind") == kind), None)
