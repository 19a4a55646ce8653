"""A shop that issues GST invoices (the four seller settings set, Qikink off), and the calls the
invoice, credit-note and order-actions tests make on it."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from backend import create_app
from backend.billing.credit_note import financial_year
from backend.clock import now_iso
from backend.config import Config
from tests.conftest import order_body

FY = financial_year(datetime.now(UTC))  # numbering restarts each April: INV/26-27/000001
INV, CN = f"INV/{FY}/", f"CN/{FY}/"
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


def supply(client, order_id, timestamp=None) -> str:
    """Qikink accepted the order: the write that records it issues the invoice, as the sender's
    hook does (these apps run with QIKINK_ENV=off; tests/api/test_invoice_at_supply.py sends for real)."""
    shop = client.application.extensions["shop"]
    stamp = timestamp or now_iso(time.time)
    shop.store.transact_order(order_id, lambda order, tx: shop.invoices.issue_at_supply(order, tx, stamp))
    return order_id


def place(client, *, supplied=True, **overrides) -> str:
    """A new order, by default supplied (so invoiced, when the shop issues invoices)."""
    response = client.post("/api/orders", json=order_body(**overrides))
    assert response.status_code == 201, response.get_json()
    order_id = response.get_json()["data"]["order_id"]
    return supply(client, order_id) if supplied else order_id


def invoice(client, order_id, email="asha@example.com", **headers):
    query = f"?email={email}" if email else ""
    return client.get(f"/api/orders/{order_id}/invoice{query}", headers={**JSON, **headers}, environ_base=OTHER)
