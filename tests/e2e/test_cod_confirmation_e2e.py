"""End to end: cash on delivery confirmed first, with the real server process, the Qikink emulator
and a real SMTP server on 127.0.0.1 (aiosmtpd). The customer's link arrives by email; opening it
changes nothing; its button confirms once and the order reaches Qikink exactly then; a guessed
link confirms nothing; an order left unconfirmed is cancelled by the server's own upkeep pass,
its stock back and the customer emailed."""

from __future__ import annotations

import re

import pytest
import requests

from tests.conftest import make_data_dir, order_body
from tests.harness import EmulatorProcess, ServerProcess, wait_until
from tests.smtp_server import SmtpServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def emailed_link(smtp, order_id) -> str:
    wait_until(lambda: smtp.inbox.of_kind(f"order {order_id}"), 60, what="the 'please confirm' email")
    (message,) = smtp.inbox.of_kind(f"Please confirm your cash-on-delivery order {order_id}")
    text = message.get_body(("plain",)).get_content()
    return re.search(r"Confirm your order: (\S+)", text).group(1)


def created_at_qikink(emulator) -> dict:
    return requests.get(f"{emulator.url}/_emulator/counters", timeout=5).json()["created"]


def server_with(tmp_path, emulator, smtp, hours: str) -> ServerProcess:
    return ServerProcess(
        tmp_path / "data",
        tmp_path,
        emulator_url=emulator.url,
        env={
            "SMTP_URL": smtp.url,
            "MAIL_FROM": "Shop <orders@bharat.example>",
            "COD_CONFIRMATION": "email",
            "COD_CONFIRM_HOURS": hours,
            "PUBLIC_URL": "http://shop.example.in",
        },
    )


def test_a_cod_order_is_confirmed_by_the_emailed_link_once_or_cancelled_unconfirmed(tmp_path):
    make_data_dir(tmp_path / "data")
    smtp = SmtpServer().start()
    try:
        with EmulatorProcess(tmp_path, step_seconds=0) as emulator:
            with server_with(tmp_path, emulator, smtp, "24") as server:
                confirm_by_link(server, emulator, smtp)
            # The same shop restarted with the shortest window (36 s), to see an order expire.
            with server_with(tmp_path, emulator, smtp, "0.01") as server:
                left_unconfirmed(server, emulator, smtp)
    finally:
        smtp.stop()


def confirm_by_link(server, emulator, smtp):
    order = server.post("/api/orders", json=order_body(payment_method="cod")).json()["data"]
    order_id = order["order_id"]
    assert (order["status"], order["qikink_status"]) == ("awaiting_confirmation", "not_sent")
    link = emailed_link(smtp, order_id)
    assert link.startswith(f"http://shop.example.in/confirm/{order_id}.")
    path = link.removeprefix("http://shop.example.in")
    assert server.get(path).status_code == 200
    assert server.get(f"/api/orders/{order_id}").json()["data"]["status"] == "awaiting_confirmation"
    assert created_at_qikink(emulator) == {}
    guessed = server.post(f"/confirm/{order_id}.{'x' * 32}", allow_redirects=False)
    assert guessed.status_code == 404
    first = server.post(path, allow_redirects=False)
    second = server.post(path, allow_redirects=False)
    assert (first.status_code, second.status_code) == (303, 303)
    wait_until(
        lambda: server.get(f"/api/orders/{order_id}").json()["data"]["qikink_status"] == "synced",
        60,
        what="the confirmed order at Qikink",
    )
    assert created_at_qikink(emulator) == {order_id.replace("-", ""): 1}
    wait_until(lambda: smtp.inbox.of_kind(f"{order_id} is confirmed"), 60, what="the confirmation")


def left_unconfirmed(server, emulator, smtp):
    stock = server.get("/api/products/BHRT-001-M").json()["data"]["stock_quantity"]
    left = server.post("/api/orders", json=order_body(payment_method="cod", customer_email="ravi@example.com"))
    left_id = left.json()["data"]["order_id"]
    assert server.get("/api/products/BHRT-001-M").json()["data"]["stock_quantity"] == stock - 2
    link = emailed_link(smtp, left_id)
    # Expires 36 s after it was placed; the upkeep pass (every 30 s) cancels it then.
    wait_until(
        lambda: server.get(f"/api/orders/{left_id}").json()["data"]["status"] == "cancelled",
        180,
        what="the unconfirmed order cancelled",
    )
    assert server.get("/api/products/BHRT-001-M").json()["data"]["stock_quantity"] == stock
    wait_until(lambda: smtp.inbox.of_kind(f"{left_id} is cancelled"), 60, what="the cancelled email")
    cancelled = smtp.inbox.of_kind(f"{left_id} is cancelled")[0].get_body(("plain",)).get_content()
    assert "not confirmed in time" in cancelled
    assert server.post(link.removeprefix("http://shop.example.in"), allow_redirects=False).status_code == 303
    assert server.get(f"/api/orders/{left_id}").json()["data"]["status"] == "cancelled"
    assert left_id.replace("-", "") not in created_at_qikink(emulator)
