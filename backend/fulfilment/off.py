"""Qikink off (QIKINK_ENV=off): the dispatcher that sends nothing, so callers never ask `is None`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import NotFound
from ..models import is_order_id
from ..orders.dispatch import SendsNothing
from ..storage.interface import OrderStore
from .events import fulfilment_body

if TYPE_CHECKING:
    from ..config import Config


class QikinkOff(SendsNothing):
    """Orders stay `sync_pending` (the order service's dispatcher sends nothing); status and
    tracking answer from what is stored."""

    enabled = False
    last_error = None

    def __init__(self, config: Config, store: OrderStore):
        self.config = config
        self.store = store

    # --- what the views and the server ask ----------------------------------------------------
    def connection_state(self) -> str:
        return "off"

    def status(self) -> dict:
        return {
            "status": "not_configured",
            "environment": self.config.qikink_env,
            "qikink_api": None,
            "client_id": None,
            "last_check": None,
            "token_valid_until": None,
            "pending_orders": None,
            "last_error": None,
        }

    def fulfilment_view(self, order_id: str) -> dict:
        """The stored view of an order; nothing is asked of Qikink."""
        order = self.store.get_order(order_id) if is_order_id(order_id) else None
        if order is None:
            raise NotFound(f"No order {order_id}")
        return fulfilment_body(order)

    def wake(self) -> None:
        pass

    def start_worker(self) -> None:
        pass

    def close(self) -> None:
        pass
