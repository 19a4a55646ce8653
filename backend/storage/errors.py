"""Storage's own errors. They know nothing of HTTP: backend/errors.py maps them to 503 and 404,
and `python -m backend` turns a StoreStartupError into its one-line start-up failure."""

from __future__ import annotations


class StoreError(Exception):
    """Something storage could not do; the message says what, for a person."""

    default_message = "Order storage failed"

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message


class StoreUnavailable(StoreError):
    """Storage cannot take the request now; the same request may work after `retry_after` seconds."""

    default_message = "Order storage is unavailable; try again shortly"

    def __init__(self, message: str | None = None, *, retry_after: int = 5):
        super().__init__(message)
        self.retry_after = retry_after


class StoreBusy(StoreUnavailable):
    """The store's lock could not be had in time (another thread or process holds it)."""

    default_message = "Order storage is busy; try again shortly"


class StoreWriteFailed(StoreUnavailable):
    """A write failed (full disk, I/O error, read-only disk, database down); nothing was changed."""

    default_message = "Could not save the data; nothing was changed, try again shortly"


class OrderMissing(StoreError):
    default_message = "No such order"


class ProductMissing(StoreError):
    default_message = "No such product"


class StoreStartupError(StoreError):
    """The store cannot open its data: names the file or database and what to do."""


class SoldOut(StoreError):
    """A product's stock ran out while the order was being saved (another server took it)."""

    default_message = "Not enough stock"


def outcomes(call, items) -> list:
    """`call(*item)` for each item: its result, or the exception it raised (for the stores'
    `update_orders`, where one order's failure must not stop the others)."""
    results = []
    for item in items:
        try:
            results.append(call(*item))
        except Exception as exc:
            results.append(exc)
    return results
