"""Staff send a failed email again (POST /api/orders/<id>/emails/<kind>/resend); the console says
"written to the log" for an email that never left the machine; emails explain the total and link
the tracking page and the invoice."""

from __future__ import annotations

from backend import create_app
from backend.config import Config
from backend.customer_email.messages import draft
from tests.conftest import order_body

OUTSIDE = {"REMOTE_ADDR": "203.0.113.90"}
KEY = "e" * 32


def make(data_dir):
    app = create_app(Config(data_dir=data_dir, app_env="test", qikink_env="off", admin_api_key=KEY))
    return app, app.test_client()


def test_a_failed_email_is_sent_again_by_staff_only(data_dir):
    app, client = make(data_dir)
    order_id = client.post("/api/orders", json=order_body(), headers={"X-Admin-Key": KEY}).get_json()["data"][
        "order_id"
    ]
    store = app.extensions["shop"].store
    path = f"/api/orders/{order_id}/emails/confirmation/resend"
    assert client.post(path, headers={"X-Admin-Key": KEY}).status_code == 409  # not failed: nothing to do

    def failed(order):
        order["emails"][0].update(status="failed", failed_at=order["created_at"], last_error="550 no such user")

    store.update_order(order_id, failed)
    assert client.post(path, environ_base=OUTSIDE).status_code == 401
    answer = client.post(path, headers={"X-Admin-Key": KEY})
    assert answer.status_code == 202
    email = store.get_order(order_id)["emails"][0]
    assert (email["status"], email["attempts"], email.get("failed_at")) == ("pending", 0, None)
    app.extensions["shop"].emails.send_due(order_id)
    shown = client.get(f"/api/orders/{order_id}", headers={"X-Admin-Key": KEY}).get_json()["data"]["emails"][0]
    assert (shown["status"], shown["via"]) == ("sent", "log")  # no SMTP_URL: written to the log, and said so


def test_emails_explain_the_total_and_link_tracking_and_the_invoice():
    order = {
        "order_id": "BHRT-1234567890",
        "customer_email": "asha@example.com",
        "items": [
            {"sku": "BHRT-001-M", "name": "Heritage Print T-Shirt", "quantity": 1, "price": 1299, "line_total": 1299}
        ],
        "subtotal": 1299,
        "shipping": 49,
        "cod_fee": 30,
        "total": 1378,
        "payment_method": "cod",
        "shipping_address": {
            "name": "Asha",
            "line1": "12 MG Road",
            "city": "Mumbai",
            "state": "Maharashtra",
            "pincode": "400001",
            "phone": "9876543210",
        },
    }
    text = draft(order, "confirmation", mail_from="s@shop.in", shop_url="https://shop.in").text
    assert "Shipping: ₹49" in text and "Cash on delivery fee: ₹30" in text and "inclusive of all taxes" in text
    assert "https://shop.in/track.html?order=BHRT-1234567890" in text and "invoice" not in text
    invoiced = {**order, "invoice": {"invoice_number": "INV/26-27/000001"}, "tracking_url": "https://t.example/1"}
    shipped = draft(invoiced, "shipped", mail_from="s@shop.in", shop_url="https://shop.in")
    assert "https://shop.in/api/orders/BHRT-1234567890/invoice?email=asha%40example.com" in shipped.text
    assert shipped.html.count("<a href=") == 3  # the courier's tracking, ours, the invoice
