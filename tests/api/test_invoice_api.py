"""GET /api/orders/<id>/invoice: access like the order, one gap-free number per order, HTML and JSON."""

from __future__ import annotations

import threading

import pytest

from backend import create_app
from backend.config import Config
from tests.conftest import order_body

ADMIN_KEY = "k" * 32
OTHER = {"REMOTE_ADDR": "203.0.113.7"}  # not this machine: no admin rights without the key
SELLER = dict(
    seller_legal_name="Bharat Heritage Prints Private Limited",
    seller_gstin="27AAPFU0939F1ZV",
    seller_address="21 Linking Road, Bandra West, Mumbai 400050",
    seller_state="Maharashtra",
)
JSON = {"Accept": "application/json"}


def make_app(data_dir, **changes):
    return create_app(
        Config(
            data_dir=data_dir,
            ratelimit_enabled=False,
            app_env="test",
            qikink_env="off",
            admin_api_key=ADMIN_KEY,
            **{**SELLER, **changes},
        )
    )


@pytest.fixture
def app(data_dir):
    return make_app(data_dir)


@pytest.fixture
def client(app):
    return app.test_client()


def place(client, **overrides) -> str:
    response = client.post("/api/orders", json=order_body(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]["order_id"]


def invoice(client, order_id, email="asha@example.com", **headers):
    query = f"?email={email}" if email else ""
    return client.get(f"/api/orders/{order_id}/invoice{query}", headers={**JSON, **headers}, environ_base=OTHER)


def test_the_customer_gets_the_invoice_as_json_with_its_figures(client):
    order_id = place(client)
    response = invoice(client, order_id, email="ASHA@example.com")
    assert response.status_code == 200 and response.headers["Vary"] == "Accept, Origin"
    data = response.get_json()["data"]
    assert data["invoice_number"] == "INV-000001" and data["order_id"] == order_id
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
    assert invoice(client, order_id).get_json()["data"]["invoice_number"] == "INV-000001"


def test_an_admin_needs_no_email(client):
    order_id = place(client)
    response = invoice(client, order_id, email=None, Authorization=f"Bearer {ADMIN_KEY}")
    assert response.status_code == 200


def test_the_number_is_given_once_and_numbers_follow_each_other(client, app):
    first, second = place(client), place(client)
    assert invoice(client, second).get_json()["data"]["invoice_number"] == "INV-000001"
    assert invoice(client, first).get_json()["data"]["invoice_number"] == "INV-000002"
    again = invoice(client, second).get_json()["data"]
    assert again["invoice_number"] == "INV-000001"
    stored = app.extensions["shop"].store.get_order(second)["invoice"]
    assert stored == again  # kept on the order: later catalogue or setting changes never alter it
    page = client.get(f"/api/orders/{second}/invoice?email=asha@example.com", environ_base=OTHER)
    assert "INV-000001" in page.get_data(as_text=True)


def test_concurrent_first_requests_share_one_number_and_orders_get_consecutive_ones(client):
    orders = [place(client) for _ in range(4)]
    numbers, errors = [], []

    def ask(order_id):
        try:
            numbers.append((order_id, invoice(client, order_id).get_json()["data"]["invoice_number"]))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(order_id,)) for order_id in orders for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    by_order = {}
    for order_id, number in numbers:
        by_order.setdefault(order_id, set()).add(number)
    assert all(len(found) == 1 for found in by_order.values())
    assert sorted(found.pop() for found in by_order.values()) == [f"INV-00000{n}" for n in range(1, 5)]


def test_a_failed_write_uses_no_number(client, app, monkeypatch):
    import os

    first, second = place(client), place(client)
    store = app.extensions["shop"].store

    def disk_error(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_error)  # the journal append of the invoice is not made durable
    assert invoice(client, first).status_code == 503
    monkeypatch.undo()
    assert "invoice" not in store.get_order(first)
    assert invoice(client, second).get_json()["data"]["invoice_number"] == "INV-000001"
    assert invoice(client, first).get_json()["data"]["invoice_number"] == "INV-000002"


def cancel(app, order_id):
    def mark(order):
        order["status"] = "cancelled"

    app.extensions["shop"].store.update_order(order_id, mark)


def test_a_cancelled_order_gets_no_invoice_unless_it_had_one(client, app):
    invoiced, never = place(client), place(client)
    assert invoice(client, invoiced).status_code == 200
    cancel(app, invoiced)
    cancel(app, never)
    response = invoice(client, never)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "invoice_unavailable" and "cancelled" in error["message"]
    assert invoice(client, invoiced).get_json()["data"]["invoice_number"] == "INV-000001"
    assert invoice(client, place(client)).get_json()["data"]["invoice_number"] == "INV-000002"


def test_a_one_line_address_has_no_place_of_supply(client):
    order_id = place(client, shipping_address="12 MG Road, Mumbai 400001")
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
        "INV-000001",
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
