"""The order builder a store's create_order takes, for tests that write orders without the service."""

from __future__ import annotations

from backend.errors import OutOfStock


def builder(sku="BHRT-001-M", quantity=1, **extra):
    def build(products, order_id):
        if products[sku]["stock_quantity"] < quantity:
            raise OutOfStock()
        order = {
            "order_id": order_id,
            "customer_email": "a@example.com",
            "items": [{"sku": sku, "quantity": quantity}],
            "status": "pending",
            "qikink_status": "sync_pending",
            "created_at": "2026-01-01T00:00:00+00:00",
            **extra,
        }
        return order, {sku: quantity}

    return build
