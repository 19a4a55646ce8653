"""Which orders a listing shows."""

from __future__ import annotations

from dataclasses import dataclass

from .order_fields import email_key


@dataclass(frozen=True)
class OrderFilter:
    """Which orders a listing shows: a predicate on an order, which a store may answer from an
    index (the journal store) or as SQL (PostgreSQL)."""

    status: str | None = None
    qikink_status: str | None = None
    email: str | None = None

    def __call__(self, order: dict) -> bool:
        return (
            (self.status is None or order.get("status") == self.status)
            and (self.qikink_status is None or order.get("qikink_status") == self.qikink_status)
            and (
                self.email is None
                or self.email_key is not None
                and email_key(order.get("customer_email")) == self.email_key
            )
        )

    @property
    def email_key(self) -> str | None:
        """The email as stores compare it (`email_key`): None when it can match no order."""
        return email_key(self.email)

    def fields(self) -> dict:
        return {"status": self.status, "qikink_status": self.qikink_status, "email": self.email}


def every_order(store, matches: OrderFilter, *, per_page: int = 200) -> list[dict]:
    """Every order `matches` selects, newest first, read a page at a time (the workers' lists:
    orders awaiting payment or confirmation, pending cancels)."""
    orders, page = [], 1
    while True:
        chunk, total = store.list_orders(matches, page=page, per_page=per_page)
        orders.extend(chunk)
        if not chunk or len(orders) >= total:
            return orders
        page += 1
