"""End to end: the real server process sends the customer emails by its own background thread
through a real SMTP server on 127.0.0.1 (aiosmtpd); the emulator ships and cancels orders."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import make_data_dir, order_body
from tests.harness import EmulatorProcess, ServerProcess, wait_until
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.e2e


def test_the_server_emails_confirmation_shipped_and_cancelled_by_itself(tmp_path):
    smtp = SmtpServer().start()
    try:
        with (
            EmulatorProcess(tmp_path, step_seconds=0) as emulator,
            ServerProcess(
                make_data_dir(tmp_path / "data"),
                tmp_path,
                emulator_url=emulator.url,
                env={
                    "SMTP_URL": smtp.url,
                    "MAIL_FROM": "Shop <orders@bharat.example>",
                    "QIKINK_TRACKING_FRESHNESS_MINUTES": "60",
                },
            ) as server,
        ):
            order = server.post("/api/orders", json=order_body()).json()["data"]
            assert order["qikink_status"] == "synced"
            order_id = order["order_id"]
            wait_until(lambda: smtp.inbox.of_kind(f"{order_id} is confirmed"), 60, what="the confirmation")

            requests.post(
                f"{emulator.url}/_emulator/orders/{order['qikink_shipment_id']}/status",
                json={"status": "In-Transit"},
                timeout=5,
            ).raise_for_status()
            assert server.post("/api/qikink/sync").ok
            wait_until(lambda: smtp.inbox.of_kind(f"{order_id} has shipped"), 60, what="the shipped email")
            shipped = smtp.inbox.of_kind(f"{order_id} has shipped")[0].get_body(("plain",)).get_content()
            assert "Courier: Delhivery" in shipped and "AWB number: 14" in shipped and "courierupdates.com" in shipped

            other = server.post("/api/orders", json=order_body(customer_email="ravi@example.com")).json()["data"]
            answer = server.post(f"/api/orders/{other['order_id']}/cancel")
            assert answer.json()["data"]["status"] == "cancel_requested"
            requests.post(
                f"{emulator.url}/_emulator/orders/{other['qikink_shipment_id']}/cancel", timeout=5
            ).raise_for_status()
            assert server.post("/api/qikink/sync").ok
            wait_until(lambda: smtp.inbox.of_kind(f"{other['order_id']} is cancelled"), 60, what="the cancelled email")
            assert server.get(f"/api/orders/{other['order_id']}").json()["data"]["status"] == "cancelled"
            emails = server.get(f"/api/orders/{order_id}").json()["data"]["emails"]
            assert [(e["kind"], e["status"]) for e in emails] == [("confirmation", "sent"), ("shipped", "sent")]
        subjects = sorted(m["Subject"] for m in smtp.inbox.messages)
        assert subjects == sorted(
            [
                f"Your order {order_id} is confirmed",
                f"Your order {order_id} has shipped",
                f"Your order {other['order_id']} is confirmed",
                f"Your order {other['order_id']} is cancelled",
            ]
        ), "one message per event"
    finally:
        smtp.stop()
