"""GET /api/orders/<id>/invoice: access like the order, one gap-free number per order, HTML and JSON."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from backend.billing.credit_note import financial_year
from tests.api.invoicing import ADMIN_KEY, INV, OTHER, invoice, make_app, place, supply
from tests.conftest import order_body


@pytest.fixture
def app(data_dir):
    return make_app(data_dir)


@pytest.fixture
def client(app):
    return app.test_client()


def test_the_customer_gets_the_invoice_as_json_with_its_figures(client):
    order_id = place(client)
    response = invoice(client, order_id, email="ASHA@example.com")
    assert response.status_code == 200 and response.headers["Vary"] == "Accept, Origin"
    data = response.get_json()["data"]
    assert data["invoice_number"] == INV + "000001" and data["order_id"] == order_id
    assert data["totals"] == {
        "taxable_value": 2474.29,
        "cgst": 61.86,
        "sgst": 61.85,
        "igst": 0,
        "tax": 123.71,
        "total": 2598,
    }
    assert data["seller"]["gstin"] == "27AAPFU0939F1ZV" and data["buyer"]["name"] == "Asha Verma"


@pytest.mark.parametrize("email", [None, "someone@example.com"])
def test_anyone_else_gets_404_never_403_and_no_number_is_used(client, email):
    order_id = place(client)
    response = invoice(client, order_id, email=email)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert invoice(client, "BHRT-1", email="asha@example.com").status_code == 404
    assert invoice(client, order_id).get_json()["data"]["invoice_number"] == INV + "000001"


def test_an_admin_needs_no_email(client):
    order_id = place(client)
    response = invoice(client, order_id, email=None, Authorization=f"Bearer {ADMIN_KEY}")
    assert response.status_code == 200


def test_the_number_is_given_once_and_numbers_follow_each_other(client, app):
    first, second = place(client, supplied=False), place(client, supplied=False)
    supply(client, second)
    supply(client, first)
    assert invoice(client, second).get_json()["data"]["invoice_number"] == INV + "000001"
    assert invoice(client, first).get_json()["data"]["invoice_number"] == INV + "000002"
    supply(client, second)  # accepted again (a look-up finding it): nothing changes
    again = invoice(client, second).get_json()["data"]
    assert again["invoice_number"] == INV + "000001"
    stored = app.extensions["shop"].store.get_order(second)["invoice"]
    assert stored == again  # kept on the order: later catalogue or setting changes never alter it
    page = client.get(f"/api/orders/{second}/invoice?email=asha@example.com", environ_base=OTHER)
    assert INV + "000001" in page.get_data(as_text=True)


def test_reading_an_invoice_changes_nothing_and_an_order_not_supplied_has_none(client, app):
    store = app.extensions["shop"].store
    waiting, supplied = place(client, supplied=False), place(client)
    before = (store.get_order(waiting), store.get_order(supplied))
    refused = invoice(client, waiting)
    assert refused.status_code == 409 and "not invoiced yet" in refused.get_json()["error"]["message"]
    assert invoice(client, supplied).status_code == 200
    client.get(f"/api/orders/{supplied}/invoice?email=asha@example.com", environ_base=OTHER)
    assert (store.get_order(waiting), store.get_order(supplied)) == before
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    assert client.get(f"/api/orders/{waiting}", headers=admin).get_json()["data"]["documents"]["invoice"] is None


def test_numbering_restarts_each_financial_year():
    # 31 March 2027, 23:59 IST is 2026-27; 1 April 2027, 00:00 IST is 2027-28.
    assert financial_year(datetime.fromisoformat("2027-03-31T18:29:00+00:00")) == "26-27"
    assert financial_year(datetime.fromisoformat("2027-03-31T18:30:00+00:00")) == "27-28"


def test_the_first_invoice_of_a_new_financial_year_is_number_one(client, app):
    march, april, later = (place(client, supplied=False) for _ in range(3))
    supply(client, march, "2027-03-31T18:00:00+00:00")
    supply(client, april, "2027-04-01T04:00:00+00:00")
    supply(client, later, "2027-04-02T04:00:00+00:00")
    numbers = [invoice(client, o).get_json()["data"] for o in (march, april, later)]
    assert [n["invoice_number"] for n in numbers] == ["INV/26-27/000001", "INV/27-28/000001", "INV/27-28/000002"]
    assert [n["invoice_date"] for n in numbers] == ["2027-03-31", "2027-04-01", "2027-04-02"]
    assert all(len(n["invoice_number"]) <= 16 for n in numbers)  # CGST Rules, rule 46


def test_concurrent_supplies_of_one_order_draw_one_number_and_orders_get_consecutive_ones(client):
    orders = [place(client, supplied=False) for _ in range(4)]
    errors = []

    def accept(order_id):
        try:
            supply(client, order_id)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=accept, args=(order_id,)) for order_id in orders for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = sorted(invoice(client, o).get_json()["data"]["invoice_number"] for o in orders)
    assert numbers == [f"{INV}00000{n}" for n in range(1, 5)]


def test_a_failed_write_uses_no_number(client, app, monkeypatch):
    import os

    from backend.storage.errors import StoreError

    first, second = place(client, supplied=False), place(client, supplied=False)
    store = app.extensions["shop"].store

    def disk_error(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_error)  # the journal append of the invoice is not made durable
    with pytest.raises(StoreError):
        supply(client, first)
    monkeypatch.undo()
    assert "invoice" not in store.get_order(first)
    supply(client, second)
    supply(client, first)
    assert invoice(client, second).get_json()["data"]["invoice_number"] == INV + "000001"
    assert invoice(client, first).get_json()["data"]["invoice_number"] == INV + "000002"


def cancel(app, order_id):
    def mark(order):
        order["status"] = "cancelled"

    app.extensions["shop"].store.update_order(order_id, mark)


def test_a_cancelled_order_gets_no_invoice_unless_it_had_one(client, app):
    invoiced, never = place(client), place(client, supplied=False)
    assert invoice(client, invoiced).status_code == 200
    cancel(app, invoiced)
    cancel(app, never)
    response = invoice(client, never)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "invoice_unavailable" and "cancelled" in error["message"]
    assert invoice(client, invoiced).get_json()["data"]["invoice_number"] == INV + "000001"
    assert invoice(client, place(client)).get_json()["data"]["invoice_number"] == INV + "000002"


def test_a_one_line_address_has_no_place_of_supply(client):
    order_id = place(client, shipping_address="12 MG Road, Mumbai 400001")  # supplied: no invoice still
    response = invoice(client, order_id)
    assert response.status_code == 409 and "structured shipping address" in response.get_json()["error"]["message"]


def test_a_shop_without_gstin_issues_none(data_dir):
    client = make_app(data_dir, seller_legal_name="", seller_gstin="", seller_address="", seller_state="").test_client()
    response = invoice(client, place(client))
    assert response.status_code == 409 and "SHOP_GSTIN" in response.get_json()["error"]["message"]


def test_the_page_is_printable_html_escaping_customer_text_with_its_own_policy(client):
    name = '<script>alert("x")</script> Asha'
    order_id = place(client, shipping_address={**order_body()["shipping_address"], "name": name})
    response = client.get(
        f"/api/orders/{order_id}/invoice?email=asha@example.com",
        environ_base=OTHER,
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "<script" not in html and "&lt;script&gt;" in html
    for text in (
        "Tax Invoice",
        INV + "000001",
        "27AAPFU0939F1ZV",
        "Maharashtra (state code 27)",
        "6109",
        "2,474.29",
        "61.86",
        "61.85",
        "2,598.00",
        "@media print",
        "Rupees Two Thousand",
    ):
        assert text in html, text
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'; style-src 'sha256-") and "http" not in html.split("<body>")[1]


def test_curl_without_accept_gets_the_page(client):
    order_id = place(client)
    response = client.get(f"/api/orders/{order_id}/invoice?email=asha@example.com", environ_base=OTHER)
    assert response.mimetype == "text/html"
