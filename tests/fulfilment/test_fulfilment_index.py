"""The worker's index of unsettled orders and the tracker's page reads: where an order sits on
Qikink's newest-first list, learning the offset that other sales channels' orders add, reading by
id when a page would not pay, and a pass that costs what is due, not what is stored."""

from __future__ import annotations

import requests

from backend.fulfilment.index import OrderIndex
from tests.emulated_shop import counters, fulfilment_of, place, qikink_client, set_status, stored


def in_flight(number: int, *, status="processing", raw="Live", polled=0.0) -> dict:
    return {
        "order_id": f"BHRT-{number}",
        "status": status,
        "qikink_status": "synced",
        "qikink_shipment_id": str(number),
        "qikink_raw_status": raw,
        "tracking_id": None,
        "sync": {"last_polled_at": polled},
    }


def test_pages_are_estimated_from_our_own_qikink_ids_newest_first():
    index = OrderIndex(freshness=3600)
    for number in range(1, 26):
        index.note(in_flight(number))
    assert [index.page_of(n) for n in (25, 16, 15, 6, 5, 1)] == [1, 1, 2, 2, 3, 3]
    assert [index.tracked_on_page(p) for p in (1, 2, 3, 4)] == [10, 10, 5, 0]


def test_a_page_read_teaches_the_offset_of_other_channels_orders():
    index = OrderIndex(freshness=3600)
    for number in range(1, 26):
        index.note(in_flight(number))
    index.calibrate(1, [1001, 1000, 25, 24, 23, 22, 21, 20, 19, 18])  # two orders from another channel
    assert index.page_offset == 2
    assert [index.page_of(n) for n in (25, 18, 17, 8, 7)] == [1, 1, 2, 2, 3]


def test_settled_orders_leave_the_index_and_pending_ones_wait_in_it():
    index = OrderIndex(freshness=3600)
    index.note(in_flight(1))
    index.note({**in_flight(2), "status": "delivered"})
    index.note(
        {**in_flight(3), "qikink_status": "sync_pending", "qikink_shipment_id": None, "sync": {"next_attempt_at": 50.0}}
    )
    index.note({**in_flight(4), "qikink_status": "action_required", "qikink_shipment_id": None})
    assert set(index.tracked) == {"BHRT-1"} and index.pending == {"BHRT-3": 50.0} and index.waiting == {"BHRT-4"}
    assert index.next_attempt_at() == 50.0
    index.note({**in_flight(1), "sync": {"terminal": True}})
    assert index.tracked == {} and index.next_due(10**12) is None


def test_cadence_follows_the_stage_and_the_first_poll_comes_soon():
    index = OrderIndex(freshness=3600)
    index.note(in_flight(1, status="processing", polled=1000.0))
    index.note(in_flight(2, status="out_for_delivery", raw="out for delivery", polled=1000.0))
    index.note(in_flight(3, raw=None, polled=1000.0))  # just sent: Qikink's first status unknown
    due = {order_id: entry.due_at for order_id, entry in index.tracked.items()}
    assert due == {"BHRT-1": 1000.0 + 7200, "BHRT-2": 1000.0 + 3600, "BHRT-3": 1000.0 + 300}


def test_a_sweep_reads_pages_and_finds_orders_among_another_channels(make_shop, emu):
    app = make_shop(emu.url, client=qikink_client(emu.url), qikink_tracking_freshness_seconds=3600)
    app.extensions["shop"].store.update_product("BHRT-001-M", {"stock_quantity": 100})
    ours = [place(app).json["data"] for _ in range(12)]
    token = requests.post(
        f"{emu.url}/api/token", data={"ClientId": "other-channel", "client_secret": "x"}, timeout=5
    ).json()["Accesstoken"]
    created = counters(emu)["total_created"]
    for n in range(15):  # another sales channel's orders on the same account, newer than ours
        body = {
            "order_number": f"SHOPIFY{n}",
            "qikink_shipping": "0",
            "gateway": "Prepaid",
            "total_order_value": "1",
            "line_items": [{"search_from_my_products": 1, "sku": "X1", "quantity": "1", "price": "1"}],
        }
        assert requests.post(
            f"{emu.url}/api/order/create",
            json=body,
            timeout=5,
            headers={"ClientId": "other-channel", "Accesstoken": token},
        ).json()["order_id"]
    assert counters(emu)["total_created"] == created + 15
    for order in ours:
        set_status(emu, order["qikink_shipment_id"], "In-Transit")
    calls = counters(emu)["calls"]
    report = fulfilment_of(app).run_pass(force=True)
    assert report["refreshed"] == 12 and report["not_refreshed"] == 0
    assert all(stored(app, o["order_id"])["status"] == "in_transit" for o in ours)
    assert counters(emu)["calls"] - calls <= 6, "pages (and a few reads by id), not one call per order"


def test_a_pass_reads_no_order_that_is_not_due(make_shop, emu, monkeypatch):
    app = make_shop(emu.url, client=qikink_client(emu.url), qikink_tracking_freshness_seconds=3600)
    for _ in range(5):
        place(app, items=[{"sku": "BHRT-001-L", "quantity": 1}])
    fulfilment = fulfilment_of(app)
    fulfilment.run_pass()
    reads = []
    store = fulfilment.store
    original = store.get_order
    monkeypatch.setattr(store, "get_order", lambda order_id: reads.append(order_id) or original(order_id))
    calls = counters(emu)["calls"]
    assert fulfilment.run_pass()["refreshed"] == 0
    assert reads == [] and counters(emu)["calls"] == calls, "nothing due: no file read, no Qikink call"
