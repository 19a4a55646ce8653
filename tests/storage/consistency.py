"""What must hold after many writers (threads, processes, machines) and crashes: nothing lost or doubled."""

from __future__ import annotations

from collections import Counter


def assert_consistent(stored: dict, products: dict, acked: list[tuple[str, str, int]], initial_stock: int) -> None:
    """Every acknowledged order among `stored` (id → order) with its item; stock = initial - what
    the stored orders took."""
    for order_id, sku, quantity in acked:
        assert order_id in stored, f"acknowledged order {order_id} is missing"
        assert stored[order_id]["items"][0]["sku"] == sku and stored[order_id]["items"][0]["quantity"] == quantity
    taken = Counter()
    for order in stored.values():
        for item in order["items"]:
            taken[item["sku"]] += item["quantity"]
    for sku, product in products.items():
        assert product["stock_quantity"] == initial_stock - taken[sku], sku
