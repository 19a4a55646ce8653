"""The credit note of an invoiced order that is cancelled: issued in the cancel's own write, once,
from its own gap-free sequence, reversing the invoice in full; GET /api/orders/<id>/credit-note
answers it like the invoice (HTML or JSON, the order's access rule)."""

from __future__ import annotations

import pytest

from tests.api.invoicing import ADMIN_KEY, CN, INV, JSON, OTHER, SELLER, invoice, make_app, place
from tests.conftest import order_body
from tests.emulated_shop import cancel, fulfilment_of, qikink_client, stored
from tests.support import requests_post


@pytest.fixture
def app(data_dir):
    return make_app(data_dir)


@pytest.fixture
def client(app):
    return app.test_client()


def credit_note(client, order_id, email="asha@example.com", **headers):
    query = f"?email={email}" if email else ""
    return client.get(f"/api/orders/{order_id}/credit-note{query}", headers={**JSON, **headers}, environ_base=OTHER)


def customer_cancels(client, order_id):
    response = client.post(f"/api/orders/{order_id}/cancel?email=asha@example.com", environ_base=OTHER)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def test_cancelling_an_invoiced_order_issues_a_credit_note_reversing_it_in_full(client):
    order_id = place(client)
    issued = invoice(client, order_id).get_json()["data"]
    cancelled = customer_cancels(client, order_id)
    assert cancelled["status"] == "cancelled"
    assert cancelled["invoice_number"] == INV + "000001" and cancelled["credit_note_number"] == CN + "000001"
    response = credit_note(client, order_id, email="ASHA@example.com")
    assert response.status_code == 200 and response.headers["Vary"] == "Accept, Origin"
    note = response.get_json()["data"]
    assert note["credit_note_number"] == CN + "000001" and note["reason"].startswith("Order cancelled")
    assert (note["invoice_number"], note["invoice_date"]) == (issued["invoice_number"], issued["invoice_date"])
    for key in ("seller", "buyer", "place_of_supply", "supply", "lines", "totals", "total_in_words"):
        assert note[key] == issued[key], key
    assert note["totals"]["total"] == 2598 and note["totals"]["tax"] == 123.71
    # The invoice itself stays as issued; cancelling again changes nothing and uses no number.
    assert invoice(client, order_id).get_json()["data"] == issued
    assert customer_cancels(client, order_id)["credit_note_number"] == CN + "000001"
    assert credit_note(client, order_id).get_json()["data"] == note


def test_an_order_never_invoiced_needs_no_credit_note_and_uses_no_number(client):
    never = place(client, supplied=False)
    assert customer_cancels(client, never)["credit_note_number"] is None
    refused = credit_note(client, never)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "invoice_unavailable"
    assert "cancelled before it was invoiced" in refused.get_json()["error"]["message"]
    invoiced = place(client)
    invoice(client, invoiced)
    assert customer_cancels(client, invoiced)["credit_note_number"] == CN + "000001"


def test_an_order_that_is_not_cancelled_has_none(client):
    order_id = place(client)
    invoice(client, order_id)
    refused = credit_note(client, order_id)
    assert refused.status_code == 409 and "is not cancelled" in refused.get_json()["error"]["message"]
    assert (
        client.get(f"/api/orders/{order_id}", environ_base=OTHER, query_string={"email": "asha@example.com"}).json[
            "data"
        ]["credit_note_number"]
        is None
    )


@pytest.mark.parametrize("email", [None, "someone@example.com"])
def test_anyone_else_gets_404_and_an_admin_needs_no_email(client, email):
    order_id = place(client)
    invoice(client, order_id)
    customer_cancels(client, order_id)
    assert credit_note(client, order_id, email=email).status_code == 404
    assert credit_note(client, "BHRT-1").status_code == 404
    admin = credit_note(client, order_id, email=None, Authorization=f"Bearer {ADMIN_KEY}")
    assert admin.status_code == 200 and admin.get_json()["data"]["credit_note_number"] == CN + "000001"


def test_an_order_cancelled_before_credit_notes_existed_gets_one_at_the_first_request(client, app):
    order_id = place(client)
    invoice(client, order_id)

    def cancelled_by_older_code(order):
        order["status"] = "cancelled"

    app.extensions["shop"].store.update_order(order_id, cancelled_by_older_code)
    first = credit_note(client, order_id).get_json()["data"]
    assert first["credit_note_number"] == CN + "000001" and first["invoice_number"] == INV + "000001"
    assert credit_note(client, order_id).get_json()["data"] == first
    assert app.extensions["shop"].store.get_order(order_id)["credit_note"] == first


def test_the_page_is_a_printable_credit_note_naming_the_invoice(client):
    order_id = place(client, shipping_address={**order_body()["shipping_address"], "name": "<b>Asha</b>"})
    invoice(client, order_id)
    customer_cancels(client, order_id)
    response = client.get(f"/api/orders/{order_id}/credit-note?email=asha@example.com", environ_base=OTHER)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "<b>Asha" not in html and "&lt;b&gt;Asha" in html
    for text in ("Credit Note", CN + "000001", "Against invoice", INV + "000001", "2,474.29", "123.71", "reverses tax"):
        assert text in html, text
    assert "Tax Invoice" not in html
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'; style-src 'sha256-")


def test_qikink_cancelling_an_invoiced_order_issues_the_credit_note_with_the_status(make_shop, emu):
    shop = make_shop(emu.url, client=qikink_client(emu.url), **SELLER)
    client = shop.test_client()
    order = client.post("/api/orders", json=order_body()).get_json()["data"]
    assert order["qikink_status"] == "synced"
    assert invoice(client, order["order_id"]).status_code == 200
    assert cancel(shop, order["order_id"]).get_json()["data"]["status"] == "cancel_requested"  # admin
    assert credit_note(client, order["order_id"]).status_code == 409  # not cancelled yet
    requests_post(f"{emu.url}/_emulator/orders/{order['qikink_shipment_id']}/cancel")
    fulfilment_of(shop).run_pass(force=True)
    after = stored(shop, order["order_id"])
    assert after["status"] == "cancelled" and after["credit_note"]["credit_note_number"] == CN + "000001"
    assert after["credit_note"]["invoice_number"] == INV + "000001"
