"""The figures computed at scrape time (see backend/metrics)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from ..attention.items import KINDS
from ..clock import timestamp_of
from ..orders.lifecycle import ORDER_STATUSES, QIKINK_STATUSES, OrderStatus, QikinkStatus
from ..storage import OrderFilter

if TYPE_CHECKING:
    from ..app import Shop

# The states an order waits in for someone (the customer, the shop, Qikink): the age of the oldest.
WAITING = (
    ("awaiting_payment", OrderFilter(status=OrderStatus.AWAITING_PAYMENT)),
    ("awaiting_confirmation", OrderFilter(status=OrderStatus.AWAITING_CONFIRMATION)),
    ("not_sent", OrderFilter(qikink_status=QikinkStatus.SYNC_PENDING)),
    ("sync_failed", OrderFilter(qikink_status=QikinkStatus.SYNC_FAILED)),
    ("action_required", OrderFilter(qikink_status=QikinkStatus.ACTION_REQUIRED)),
    ("on_hold", OrderFilter(status=OrderStatus.ON_HOLD)),
    ("cancel_pending", OrderFilter(status=OrderStatus.CANCEL_PENDING)),
)


class ShopCollector:
    """A prometheus_client collector over one app's services (`Shop`)."""

    def __init__(self, shop: Shop, *, clock=time.time):
        self.shop = shop
        self.clock = clock

    def collect(self):
        yield from self._orders()
        yield from self._attention()
        yield from self._qikink()
        yield from self._tallies()

    def _count(self, matches: OrderFilter) -> int:
        return self.shop.store.list_orders(matches, page=1, per_page=1)[1]

    def _orders(self):
        by_status = GaugeMetricFamily("shop_orders", "Orders stored, by order status", labels=["status"])
        for status in ORDER_STATUSES:
            by_status.add_metric([status], self._count(OrderFilter(status=status)))
        yield by_status
        by_qikink = GaugeMetricFamily(
            "shop_orders_by_qikink_status", "Orders stored, by Qikink status", labels=["qikink_status"]
        )
        for status in QIKINK_STATUSES:
            by_qikink.add_metric([status], self._count(OrderFilter(qikink_status=status)))
        yield by_qikink
        oldest = GaugeMetricFamily(
            "shop_oldest_waiting_order_age_seconds",
            "Seconds since the oldest order in each waiting state was placed (0: none waits)",
            labels=["state"],
        )
        now = self.clock()
        for state, matches in WAITING:
            total = self._count(matches)
            age = 0.0
            if total:
                # Newest first: the last page of one holds the oldest order.
                last = self.shop.store.list_orders(matches, page=total, per_page=1)[0]
                if last:
                    age = max(0.0, now - timestamp_of(last[0]["created_at"]))
            oldest.add_metric([state], age)
        yield oldest

    def _attention(self):
        items = self.shop.attention.items()
        family = GaugeMetricFamily(
            "shop_attention_items", "Orders that need a person now (GET /api/attention)", labels=["kind", "severity"]
        )
        for kind in KINDS:
            for severity in ("warning", "critical"):
                family.add_metric(
                    [kind, severity], sum(1 for i in items if i["kind"] == kind and i["severity"] == severity)
                )
        yield family

    def _qikink(self):
        fulfilment = self.shop.fulfilment
        client = getattr(fulfilment, "client", None)
        if client is None:  # QIKINK_ENV=off
            return
        usage = client.budget.usage()
        left = GaugeMetricFamily(
            "shop_qikink_budget_available", "Qikink calls each kind could still make this minute", labels=["kind"]
        )
        used = GaugeMetricFamily(
            "shop_qikink_calls_last_minute", "Qikink calls in the last minute, by kind", labels=["kind"]
        )
        for kind, available in usage["available_now"].items():
            if available is not None:
                left.add_metric([kind], available)
            used.add_metric([kind], usage["last_minute"].get(kind, 0))
        yield left
        yield used
        breaker = GaugeMetricFamily(
            "shop_qikink_breaker_open", "1 while the circuit breaker skips calls to Qikink (it seems down)"
        )
        breaker.add_metric([], 0 if fulfilment.breaker.allow() else 1)
        yield breaker
        tally = getattr(client, "tally", None)
        if tally is not None:
            calls = CounterMetricFamily(
                "shop_qikink_calls",
                "Qikink calls made by this process, by kind and outcome",
                labels=["kind", "outcome"],
            )
            for (kind, outcome), n in sorted(tally.snapshot().items()):
                calls.add_metric([kind, outcome], n)
            yield calls

    def _tallies(self):
        emails = CounterMetricFamily(
            "shop_emails", "Customer emails handled by this process, by kind and outcome", labels=["kind", "outcome"]
        )
        for (kind, outcome), n in sorted(self.shop.emails.tally.snapshot().items()):
            emails.add_metric([kind, outcome], n)
        yield emails
        payments = CounterMetricFamily(
            "shop_payments", "Payments settled by this process, by outcome", labels=["outcome"]
        )
        webhooks = CounterMetricFamily(
            "shop_webhooks_received", "Razorpay webhooks received by this process, by outcome", labels=["outcome"]
        )
        refunds = CounterMetricFamily("shop_refunds", "Refunds handled by this process, by outcome", labels=["outcome"])
        if self.shop.payments is not None:
            for labels, n in sorted(self.shop.payments.tally.snapshot().items()):
                (payments if labels[0] == "payment" else webhooks).add_metric([labels[1]], n)
            for (outcome,), n in sorted(self.shop.payments.refunds.tally.snapshot().items()):
                refunds.add_metric([outcome], n)
        yield payments
        yield webhooks
        yield refunds
        deliveries = CounterMetricFamily(
            "shop_webhook_deliveries",
            "Outgoing webhook attempts made by this process, by outcome (retrying: failed, tried again later)",
            labels=["outcome"],
        )
        for (outcome,), n in sorted(self.shop.webhooks.tally.snapshot().items()):
            deliveries.add_metric([outcome], n)
        yield deliveries
