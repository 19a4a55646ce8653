"""What one journal write is made of besides the order: the products an order is built from, the
stock returns and numbers of a transact_order, and the error a failed write becomes."""

from __future__ import annotations

import errno
import logging

from .errors import StoreWriteFailed

log = logging.getLogger(__name__)


def write_failed(action: str, exc: OSError) -> StoreWriteFailed:
    reasons: dict[int | None, str] = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exhausted",
        errno.EROFS: "the disk is read-only",
        errno.EIO: "a disk I/O error",
    }
    reason = reasons.get(exc.errno, exc.strerror or str(exc))
    log.error("Storage failure while %s: %s", action, exc)
    return StoreWriteFailed(f"Could not save the data ({reason}); nothing was changed, try again shortly")


class Transaction:
    """What an order's change may also do, committed in the same record: return stock, draw numbers."""

    def __init__(self, stock_of, sequences: dict[str, int]):
        self._stock_of, self._sequences = stock_of, sequences  # the store's stock now; its sequences
        self.stock: dict[str, int] = {}
        self.sequences: dict[str, int] = {}

    def return_stock(self, sku: str, quantity: int) -> None:
        """Put `quantity` of `sku` back in stock when the change commits."""
        if int(quantity) < 0:
            raise ValueError("quantity must not be negative")
        current = self.stock.get(sku, self._stock_of(sku))
        self.stock[sku] = current + int(quantity)

    def next_number(self, sequence_name: str) -> int:
        """The next number of a gap-free sequence (1, 2, 3 …), used up only if the change commits."""
        number = self.sequences.get(sequence_name, self._sequences.get(sequence_name, 0)) + 1
        self.sequences[sequence_name] = number
        return number


class Products(dict):
    """SKU → product with its current price and stock, made when first asked for (an order names
    one or two of the catalogue's SKUs). Unknown SKUs raise KeyError, as a dict would."""

    def __init__(self, make):
        super().__init__()
        self._make = make

    def __missing__(self, sku):
        product = self[sku] = self._make(sku)
        return product
