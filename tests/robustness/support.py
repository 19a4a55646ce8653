"""What several robustness tests share: order bodies that can be told apart, and the check that
a data directory lost, doubled and oversold nothing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from backend.storage import JournalOrderStore, load_catalogue
from tests.conftest import ADDRESS

SKUS = ["BHRT-001-M", "BHRT-002-M", "BHRT-003-S", "BHRT-004-M"]


def tagged_order(tag: str, sku: str = "BHRT-001-M", quantity: int = 1) -> dict:
    """An order body whose email carries `tag`, so each stored order can be matched to its request."""
    return {
        "customer_email": f"{tag}@example.com",
        "shipping_address": dict(ADDRESS),
        "payment_method": "prepaid",
        "items": [{"sku": sku, "quantity": quantity}],
    }


def tag_of(order: dict) -> str:
    return order["customer_email"].split("@", 1)[0]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def check_data_dir(data_dir: Path, acked: dict[str, tuple[str, str, int]], initial_stock: int) -> dict:
    """`acked`: tag → (order_id, sku, quantity) of every 201. Asserts nothing lost, doubled or
    oversold, ids unique, no temp files, no quarantined order; returns the stored orders by tag."""
    store = JournalOrderStore(Path(data_dir), load_catalogue(Path(data_dir) / "products.json"))
    ids = store.order_ids()
    assert len(ids) == len(set(ids)), "an order id was used twice"
    orders = [store.get_order(order_id) for order_id in ids]
    assert all(order is not None for order in orders), store.quarantined
    tags = Counter(tag_of(order) for order in orders)
    doubled = {tag: n for tag, n in tags.items() if n > 1}
    lost = {tag: ack for tag, ack in acked.items() if tag not in tags}
    by_tag = {tag_of(order): order for order in orders}
    wrong = {
        tag: ack
        for tag, ack in acked.items()
        if tag in by_tag
        and (
            by_tag[tag]["order_id"] != ack[0]
            or by_tag[tag]["items"][0]["sku"] != ack[1]
            or by_tag[tag]["items"][0]["quantity"] != ack[2]
        )
    }
    assert not lost, f"{len(lost)} acknowledged orders lost: {list(lost.items())[:5]}"
    assert not doubled, f"orders stored twice: {list(doubled.items())[:5]}"
    assert not wrong, f"orders stored differently from their 201: {list(wrong.items())[:5]}"
    taken = Counter()
    for order in orders:
        for item in order["items"]:
            taken[item["sku"]] += item["quantity"]
    stock = {sku: product["stock_quantity"] for sku, product in store.products().items()}
    expected = {sku: initial_stock - taken[sku] for sku in stock}
    assert stock == expected, "stock does not match the stored orders"
    temp = [str(p) for p in Path(data_dir).rglob("*.tmp")]
    assert not temp, f"temp files left: {temp[:5]}"
    assert not list(Path(data_dir).glob("orders.jsonl.corrupt-*")), "a record in the middle of the journal was damaged"
    return by_tag
