"""The tax invoice is issued at the supply, against the Qikink emulator over HTTP: in the write that
records Qikink's acceptance of the order, so an order pushed at once is invoiced in its 201, one
queued while Qikink is down is invoiced when the worker sends it, one cancelled before that never
is, and a GET of the invoice never changes anything."""

from __future__ import annotations

from datetime import datetime

from tests.api.invoicing import INV, SELLER
from tests.conftest import order_body
from tests.emulated_shop import fulfilment_of, inject, qikink_client, stored
from tests.support import EmulatorControl


def test_an_order_qikink_accepts_is_invoiced_in_that_write_and_only_then(make_shop, emu):
    shop = make_shop(emu.url, client=qikink_client(emu.url), **SELLER)
    client = shop.test_client()
    at_once = client.post("/api/orders", json=order_body()).get_json()["data"]
    assert at_once["qikink_status"] == "synced"
    assert at_once["invoice_number"] == INV + "000001"
    assert at_once["documents"]["invoice"] == f"/api/orders/{at_once['order_id']}/invoice"

    inject(emu, "503", count=1000)  # Qikink down: orders are taken and queued, not invoiced
    queued = client.post("/api/orders", json=order_body()).get_json()["data"]
    cancelled_first = client.post("/api/orders", json=order_body()).get_json()["data"]
    assert (queued["qikink_status"], queued["invoice_number"], queued["documents"]["invoice"]) == (
        "sync_pending",
        None,
        None,
    )
    before = stored(shop, queued["order_id"])
    refused = client.get(f"/api/orders/{queued['order_id']}/invoice", headers={"Accept": "application/json"})
    assert refused.status_code == 409 and "not invoiced yet" in refused.get_json()["error"]["message"]
    assert stored(shop, queued["order_id"]) == before  # a GET changes nothing
    cancelled = client.post(f"/api/orders/{cancelled_first['order_id']}/cancel").get_json()["data"]
    assert cancelled["status"] == "cancelled" and cancelled["invoice_number"] is None

    EmulatorControl(emu.url).clear_faults()
    fulfilment_of(shop).run_pass(force=True)
    sent = stored(shop, queued["order_id"])
    assert sent["qikink_status"] == "synced" and sent["invoice"]["invoice_number"] == INV + "000002"
    synced_at = next(e for e in sent["events"] if e["event"] == "order_synced")["timestamp"]
    assert datetime.fromisoformat(sent["invoice"]["issued_at"]) == datetime.fromisoformat(synced_at)
    assert "invoice" not in stored(shop, cancelled_first["order_id"])  # never a number for it


def test_orders_sent_before_invoices_at_supply_get_theirs_from_the_command_once(make_shop, emu, monkeypatch, capsys):
    shop = make_shop(emu.url, client=qikink_client(emu.url), **SELLER)
    client = shop.test_client()
    old, kept = (client.post("/api/orders", json=order_body()).get_json()["data"] for _ in range(2))
    cancelled = client.post("/api/orders", json=order_body()).get_json()["data"]
    store = shop.extensions["shop"].store

    def as_before_the_change(order):  # sent to Qikink by a version that invoiced on the first GET
        del order["invoice"]

    for order in (old, cancelled):
        store.update_order(order["order_id"], as_before_the_change)
    store.update_order(cancelled["order_id"], lambda order: order.update(status="cancelled"))
    invoices = shop.extensions["shop"].invoices
    assert invoices.issue_missing(dry_run=True) == [old["order_id"]]
    assert "invoice" not in stored(shop, old["order_id"])  # a dry run changes nothing
    assert invoices.issue_missing() == [old["order_id"]]
    assert stored(shop, old["order_id"])["invoice"]["invoice_number"] == INV + "000004"  # next in the sequence
    assert stored(shop, kept["order_id"])["invoice"]["invoice_number"] == INV + "000002"  # kept as it was
    assert "invoice" not in stored(shop, cancelled["order_id"])
    assert invoices.issue_missing() == []  # once

    from backend.__main__ import main

    monkeypatch.setenv("DATA_DIR", str(store.data_dir))
    for name, value in SELLER.items():
        monkeypatch.setenv(name.replace("seller_", "SHOP_").upper(), value)
    monkeypatch.setenv("QIKINK_ENV", "off")
    assert main(["orders", "issue-invoices", "--dry-run"]) == 0
    assert '"count": 0' in capsys.readouterr().out
