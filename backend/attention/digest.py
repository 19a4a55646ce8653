"""The "needs attention" digest, mailed to ALERT_EMAIL: at most once an hour, and only when the
list holds something the owner has not been told (a new item, or one that turned critical), so a
shop owner who never opens the console still hears of stuck orders.

What was told is written on each order (`attention_told`: "<kind>:<severity>") after the email is
accepted, by the one process holding the "attention" worker lock (a file lock, or a PostgreSQL
advisory lock for a fleet): the same item is not mailed twice, whichever machine mails it. A crash
between the email and those writes repeats the item in the next digest (told twice rather than
never).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from email.message import EmailMessage

from filelock import Timeout

from ..background import BackgroundThread
from .items import Attention, summary

log = logging.getLogger(__name__)

PASS_SECONDS = 300.0  # looks every five minutes...
EVERY_SECONDS = 3600.0  # ...and mails at most once an hour


def told_key(item: dict) -> str:
    shop_wide = f":{item['subject']}" if item.get("order_id") is None else ""
    return f"{item['kind']}:{item['severity']}{shop_wide}"


class AttentionDigest(BackgroundThread):
    THREAD_NAME = "attention-digest"

    def __init__(
        self,
        attention: Attention,
        transport,
        *,
        to: str,
        mail_from: str,
        shop_url: str,
        clock: Callable[[], float] = time.time,
        interval: float = PASS_SECONDS,
    ):
        self.attention = attention
        self.store = attention.store
        self.transport = transport
        self.to = to
        self.mail_from = mail_from
        self.shop_url = shop_url
        self.clock = clock
        self.interval = interval
        self.last_sent: float | None = None
        self._shop_told: set[str] = set()
        self._init_thread()

    def run_pass(self) -> dict:
        """Mail the digest when it is due and something is new: {"new": n, "sent": bool}."""
        if not self.to or (self.last_sent is not None and self.clock() - self.last_sent < EVERY_SECONDS):
            return {"new": 0, "sent": False}
        lock = self.store.fleet.worker_lock("attention")  # None: an in-memory store (one process)
        try:
            if lock is not None:
                lock.acquire(timeout=0)
        except Timeout:
            return {"new": 0, "sent": False}  # another process of the fleet mails it
        try:
            items = self.attention.items()
            new = [item for item in items if told_key(item) not in self._told(item)]
            if not new:
                return {"new": 0, "sent": False}
            self.transport.send(self.message(new, items))
            self.last_sent = self.clock()
            for item in new:
                self._mark(item)
            log.info("Attention digest mailed: %d new of %d items", len(new), len(items))
            return {"new": len(new), "sent": True}
        finally:
            if lock is not None:
                lock.release()

    def _told(self, item: dict) -> list[str] | set[str]:
        if item["order_id"] is None:  # a shop-wide item (a webhook endpoint turned off)
            return self._shop_told
        order = self.store.get_order(item["order_id"]) or {}
        return order.get("attention_told") or []

    def _mark(self, item: dict) -> None:
        key = told_key(item)
        if item["order_id"] is None:  # told once per process: after a restart it is mailed once more
            self._shop_told.add(key)
            return

        def mark(order):
            told = order.setdefault("attention_told", [])
            if key in told:
                return False
            told.append(key)
            return True

        self.store.update_order(item["order_id"], mark)

    def message(self, new: list[dict], items: list[dict]) -> EmailMessage:
        counts = summary(items)
        critical = f", {counts['critical']} urgent" if counts["critical"] else ""
        message = EmailMessage()
        message["To"] = self.to
        message["From"] = self.mail_from
        message["Subject"] = f"{len(items)} order{'s' if len(items) != 1 else ''} need attention{critical}"
        lines = [
            f"{len(new)} new since the last email; {len(items)} in all. The console lists them all:",
            f"{self.shop_url}/admin",
            "",
        ]
        for item in sorted(new, key=lambda i: (i["severity"] != "critical", i["since"])):
            urgent = "URGENT: " if item["severity"] == "critical" else ""
            lines += [
                f"{urgent}{item['order_id'] or item['subject']}: {item['message']}",
                f"  What to do: {item['action']}",
                f"  {'The order' if item['order_id'] else 'Where'}: {self.shop_url}{item['order_link']}",
            ]
            if item.get("link"):
                lines.append(f"  Also: {item['link']}")
            lines.append("")
        lines.append("You get this email at most once an hour, and only when something is new.")
        message.set_content("\n".join(lines))
        return message

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_pass()
            except Exception:
                log.exception("Attention digest pass failed; trying again later")
            self._wake.wait(self.interval)
            self._wake.clear()
