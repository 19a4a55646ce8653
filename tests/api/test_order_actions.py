"""Answers say what the reader may do with an order now (`actions`) and where its GST documents are
(`documents`): the server's rules (orders/lifecycle.py), so that the pages show them instead of
copying them. The tracking view carries the customer's `actions` too."""

from __future__ import annotations

import pytest

from tests.api.invoicing import ADMIN_KEY, OTHER, invoice, make_app, place
from tests.conftest import order_body

ADMIN = {"X-Admin-Key": ADMIN_KEY}


@pytest.fixture
def client(data_dir):
    return make_app(data_dir).test_client()


def as_customer(client, order_id):
    response = client.get(f"/api/orders/{order_id}?email=asha@example.com", environ_base=OTHER)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def as_admin(client, order_id):
    response = client.get(f"/api/orders/{order_id}", headers=ADMIN, environ_base=OTHER)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def tracking_view(client, order_id):
    response = client.get(f"/api/qikink/fulfillment/{order_id}?email=asha@example.com", environ_base=OTHER)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def set_statuses(client, order_id, status, qikink_status):
    def move(order):
        order["status"], order["qikink_status"] = status, qikink_status

    client.application.extensions["shop"].orders.store.update_order(order_id, move)


def test_a_new_order_may_be_cancelled_by_its_customer_and_corrected_by_staff(client):
    created = client.post("/api/orders", json=order_body(), environ_base=OTHER).get_json()["data"]
    order_id = created["order_id"]
    assert created["actions"] == ["cancel"]
    assert created["documents"] == {"invoice": None, "credit_note": None}  # invoiced when supplied
    assert as_customer(client, order_id)["actions"] == ["cancel"]
    assert as_admin(client, order_id)["actions"] == ["cancel", "edit"]
    assert tracking_view(client, order_id)["actions"] == ["cancel"]
    listed = client.get("/api/orders", headers=ADMIN, environ_base=OTHER).get_json()["data"]
    assert [o["actions"] for o in listed] == [["cancel", "edit"]]


@pytest.mark.parametrize(
    "status, qikink_status, customer, admin",
    [
        ("confirmed", "synced", [], ["cancel"]),
        ("in_transit", "synced", [], []),
        ("cancel_requested", "synced", [], []),
        ("pending", "sync_failed", ["cancel"], ["cancel", "edit"]),
    ],
)
def test_what_may_be_done_follows_where_the_order_is(client, status, qikink_status, customer, admin):
    order_id = place(client)
    set_statuses(client, order_id, status, qikink_status)
    assert as_customer(client, order_id)["actions"] == customer
    assert tracking_view(client, order_id)["actions"] == customer
    assert as_admin(client, order_id)["actions"] == admin


def test_a_cancelled_order_allows_nothing_and_has_documents_only_if_it_was_invoiced(client):
    never = place(client, supplied=False)
    cancelled = client.post(f"/api/orders/{never}/cancel?email=asha@example.com", environ_base=OTHER).get_json()
    assert cancelled["data"]["actions"] == []
    assert cancelled["data"]["documents"] == {"invoice": None, "credit_note": None}
    invoiced = place(client)
    assert invoice(client, invoiced).status_code == 200
    client.post(f"/api/orders/{invoiced}/cancel?email=asha@example.com", environ_base=OTHER)
    assert as_customer(client, invoiced)["documents"] == {
        "invoice": f"/api/orders/{invoiced}/invoice",
        "credit_note": f"/api/orders/{invoiced}/credit-note",
    }
    assert tracking_view(client, invoiced)["actions"] == []


def test_no_invoice_link_for_an_address_in_one_line_or_a_shop_that_issues_none(client, data_dir):
    one_line = place(client, shipping_address="12 MG Road, Mumbai 400001")
    assert as_customer(client, one_line)["documents"]["invoice"] is None
    assert as_admin(client, one_line)["actions"] == ["cancel", "edit"]
    no_gstin = make_app(data_dir, seller_gstin="").test_client()
    order_id = place(no_gstin)
    assert as_customer(no_gstin, order_id)["documents"] == {"invoice": None, "credit_note": None}
