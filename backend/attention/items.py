"""The "needs attention" list itself (see the package's docstring): which orders, why, since when,
what to do, and how urgent."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from ..clock import iso_utc, timestamp_of
from ..orders.lifecycle import OrderStatus, PaymentStatus, QikinkStatus
from ..payments.records import payment_status
from ..storage import OrderFilter, every_order
from ..storage.interface import OrderStore
from .thresholds import DAY, DEFAULT_HOURS, HOUR, Thresholds

RECENT_DAYS = 14  # failed emails and refunds are looked for among the orders of the last two weeks
CRITICAL_AFTER = DAY  # a kind listed at once turns critical after a day (action required: two)
QIKINK_DASHBOARD = "https://dashboard.qikink.com"
RAZORPAY_DASHBOARD = "https://dashboard.razorpay.com"
AT_ONCE = (
    "action_required",
    "sync_failed",
    "delivery_exception",
    "rto",
    "cod_review",
    "payment_mismatch",
    "email_failed",
    "refund_failed",
    "webhook_disabled",
)
KINDS = (*DEFAULT_HOURS, *AT_ONCE)


class Attention:
    """The "needs attention" list of one shop's store."""

    def __init__(
        self,
        store: OrderStore,
        *,
        thresholds: Thresholds | None = None,
        clock: Callable[[], float] = time.time,
        emails=None,
        webhooks=None,
    ):
        self.store = store
        self.webhooks = webhooks  # the webhook endpoints (a turned-off one is an item)
        self.thresholds = thresholds or Thresholds()
        self.clock = clock
        self.emails_description = getattr(getattr(emails, "transport", None), "description", None)

    # --- the list ------------------------------------------------------------------------------
    def items(self) -> list[dict]:
        """Every item, newest first (critical ones first among equals is the pages' choice)."""
        now = self.clock()
        found: dict[tuple[str, str], dict] = {}
        for item in self._candidates(now):
            if item is None:
                continue
            key = (item["kind"], item.get("order_id") or item.get("subject") or "")
            found.setdefault(key, item)
        return sorted(found.values(), key=lambda item: item["since"], reverse=True)

    def _candidates(self, now: float) -> Iterable[dict | None]:
        for order in self._with(status=OrderStatus.ON_HOLD):
            yield self._aged(order, "qikink_on_hold", now, since_event="order_on_hold")
        for order in self._with(status=OrderStatus.ACTION_REQUIRED) + self._with(
            qikink_status=QikinkStatus.ACTION_REQUIRED
        ):
            yield self._item(order, "action_required", _since(order, "action_required"), now)
        for order in self._with(qikink_status=QikinkStatus.SYNC_FAILED):
            yield self._item(order, "sync_failed", _since(order), now)
        for order in self._with(qikink_status=QikinkStatus.SYNC_PENDING):
            if order["status"] not in (OrderStatus.CANCEL_PENDING, OrderStatus.CANCELLED):
                sendable_since = _latest(order, ("order_received", "payment_received", "cod_confirmed", "order_edited"))
                yield self._aged(order, "not_sent", now, since=sendable_since)
        for status, kind, event in (
            (OrderStatus.READY_TO_SHIP, "stuck_ready_to_ship", "ready_to_ship"),
            (OrderStatus.IN_TRANSIT, "stuck_in_transit", "in_transit"),
            (OrderStatus.OUT_FOR_DELIVERY, "stuck_out_for_delivery", "out_for_delivery"),
        ):
            for order in self._with(status=status):
                yield self._aged(order, kind, now, since_event=event)
        for order in self._with(status=OrderStatus.EXCEPTION):
            yield self._item(order, "delivery_exception", _since(order, "delivery_exception"), now)
        for order in self._with(status=OrderStatus.RTO_INITIATED):
            yield self._item(order, "rto", _since(order, "rto_initiated"), now)
        for order in self._with(status=OrderStatus.AWAITING_CONFIRMATION):
            if (order.get("cod_confirmation") or {}).get("customer_confirmed_at"):
                yield self._item(order, "cod_review", order["cod_confirmation"]["customer_confirmed_at"], now)
        for order in self._with(status=OrderStatus.AWAITING_PAYMENT):
            mismatch = _event(order, "payment_mismatch")
            if mismatch is not None:
                yield self._item(order, "payment_mismatch", mismatch["timestamp"], now)
        for order in self.recent(now):
            for email in order.get("emails") or []:
                if email.get("status") == "failed":
                    yield self._item(order, "email_failed", email.get("failed_at") or _since(order), now, detail=email)
            if payment_status(order) == PaymentStatus.REFUND_FAILED:
                failed = _event(order, "refund_failed")
                yield self._item(order, "refund_failed", failed["timestamp"] if failed else _since(order), now)
        yield from self._turned_off_webhooks()

    def _turned_off_webhooks(self) -> Iterable[dict]:
        """Webhook endpoints the server turned off (410 Gone, or days of failures): shop-wide items."""
        for endpoint in self.webhooks.endpoints() if self.webhooks is not None else ():
            if endpoint["enabled"] or not endpoint["disabled_reason"]:
                continue  # on, or turned off by staff
            yield {
                "kind": "webhook_disabled",
                "order_id": None,
                "subject": f"Webhook {endpoint['url']}",
                "since": iso_utc(endpoint["disabled_at"]),
                "severity": "critical",
                "message": f"Order events no longer go to {endpoint['url']}: {endpoint['disabled_reason']}.",
                "action": "Check the tool that receives them, then turn the endpoint on again in the console's "
                "Webhooks panel: the events it missed are sent then, oldest first.",
                "link": None,
                "order_link": "/admin#webhooks",
            }

    def recent(self, now: float) -> list[dict]:
        """The orders created in the last RECENT_DAYS, newest first (a page at a time, stopping at
        the first older one)."""
        cutoff, page = now - RECENT_DAYS * DAY, 1
        found: list[dict] = []
        while True:
            chunk, total = self.store.list_orders(None, page=page, per_page=200)
            for order in chunk:
                if timestamp_of(order["created_at"]) < cutoff:
                    return found
                found.append(order)
            if not chunk or page * 200 >= total:
                return found
            page += 1

    def _with(self, **fields) -> list[dict]:
        return every_order(self.store, OrderFilter(**fields))

    def _aged(self, order, kind, now, *, since_event: str | None = None, since: str | None = None):
        since = since or _since(order, since_event)
        if now - timestamp_of(since) < self.thresholds.of(kind):
            return None
        return self._item(order, kind, since, now)

    def _item(self, order: dict, kind: str, since: str, now: float, *, detail: dict | None = None) -> dict:
        threshold = self.thresholds.of(kind)
        escalate = 2 * threshold if threshold else (2 * DAY if kind == "action_required" else CRITICAL_AFTER)
        age = now - timestamp_of(since)
        message, action, link = self._words(order, kind, age, detail)
        return {
            "kind": kind,
            "order_id": order["order_id"],
            "since": since,
            "severity": "critical" if age >= escalate else "warning",
            "message": message,
            "action": action,
            "link": link,
            "order_link": f"/admin#order/{order['order_id']}",
        }

    def _words(self, order: dict, kind: str, age: float, detail: dict | None) -> tuple[str, str, str | None]:
        """(what is wrong, what to do, where to do it), in a shop owner's words."""
        how_long = _duration(age)
        qikink_said = order.get("qikink_message")
        words = {
            "qikink_on_hold": (
                f"On hold at Qikink for {how_long}: Qikink holds orders when the shop's wallet balance is too low.",
                "Top up the Qikink wallet in Qikink's dashboard; the order then moves on by itself.",
                QIKINK_DASHBOARD,
            ),
            "action_required": (
                f"Qikink needs something done before it prints this order{': ' + qikink_said if qikink_said else ''}.",
                "Open the order: correct the address here (then it is sent again), or fix the design in "
                "Qikink's dashboard. Qikink cancels orders with copyrighted designs after 3 days.",
                QIKINK_DASHBOARD,
            )
            if order["qikink_status"] != QikinkStatus.ACTION_REQUIRED
            else (
                "The shipping address is one line of text, so the order cannot be sent to Qikink yet.",
                "Open the order and complete the address (name, street, city, state, PIN code, phone): "
                "it is sent as soon as it is saved.",
                None,
            ),
            "sync_failed": (
                f"Qikink refused this order{': ' + qikink_said if qikink_said else ''}.",
                'Open the order, correct what Qikink names, then press "Sync now" with "retry failed".',
                None,
            ),
            "not_sent": (
                f"Waiting {how_long} to be sent to Qikink.",
                'Check the Qikink connection at the top of the console, then press "Sync now". '
                "Orders are kept and sent as soon as Qikink answers.",
                None,
            ),
            "stuck_ready_to_ship": (
                f"Packed for {how_long} but not picked up by the courier.",
                "Ask Qikink's support why the courier has not collected it.",
                QIKINK_DASHBOARD,
            ),
            "stuck_in_transit": (
                f"In transit for {how_long}.",
                "Check the courier's tracking; if it has not moved, ask Qikink's support.",
                order.get("tracking_url"),
            ),
            "stuck_out_for_delivery": (
                f"Out for delivery for {how_long}.",
                "Call the customer (the phone number is on the order) and check the courier's tracking.",
                order.get("tracking_url"),
            ),
            "delivery_exception": (
                "The courier reported a delivery problem.",
                "Check the courier's tracking and call the customer before the parcel goes back.",
                order.get("tracking_url"),
            ),
            "rto": (
                "The parcel is on its way back to the shop (return to origin).",
                "Call the customer: a new order costs a new print; Qikink does not reship it.",
                order.get("tracking_url"),
            ),
            "cod_review": (
                f"A cash-on-delivery order above the review limit, confirmed by the customer {how_long} ago, "
                "waits for you.",
                'Call the customer, then press "Confirm order" on the order page (or cancel it).',
                None,
            ),
            "payment_mismatch": (
                "A payment did not match the order's total, so the order was not sent.",
                "Check the payment in Razorpay's dashboard; refund it, or contact the customer.",
                RAZORPAY_DASHBOARD,
            ),
            "email_failed": (
                f'The customer\'s "{(detail or {}).get("kind", "order")}" email could not be sent'
                f"{': ' + str(detail['last_error']) if detail and detail.get('last_error') else ''}.",
                "Check the customer's email address on the order and the mail settings (SMTP_URL); "
                "then tell the customer another way.",
                None,
            ),
            "refund_failed": (
                "A refund to the customer failed.",
                "Refund the payment by hand in Razorpay's dashboard, then tell the customer.",
                RAZORPAY_DASHBOARD,
            ),
        }
        return words[kind]


def summary(items: list[dict]) -> dict:
    return {
        "total": len(items),
        "critical": sum(1 for item in items if item["severity"] == "critical"),
        "by_kind": {kind: n for kind in KINDS if (n := sum(1 for item in items if item["kind"] == kind))},
    }


def _event(order: dict, name: str) -> dict | None:
    return next((e for e in order.get("events") or [] if e["event"] == name), None)


def _latest(order: dict, names: tuple[str, ...]) -> str:
    stamps = [e["timestamp"] for e in order.get("events") or [] if e["event"] in names]
    return max(stamps, key=timestamp_of) if stamps else order["created_at"]


def _since(order: dict, event: str | None = None) -> str:
    """When the order entered its state: the event's time when recorded, else its last change."""
    found = _event(order, event) if event else None
    return found["timestamp"] if found else (order.get("updated_at") or order["created_at"])


def _duration(seconds: float) -> str:
    hours = seconds / HOUR
    if hours < 1:
        return "less than an hour"
    if hours < 48:
        return f"{int(hours)} hour{'s' if int(hours) != 1 else ''}"
    return f"{int(hours // 24)} days"
