"""kill -9 between Razorpay's capture and the shop's record: the payment is captured at Razorpay
(its webhook lost, the checkout's answer never sent) and the shop process is killed before it
knows. Restarted, its first payment pass asks Razorpay about every order awaiting payment, settles
the order once and sends it to Qikink once: nothing paid is lost, nothing is refunded."""

from __future__ import annotations

import pytest
import requests

from razorpay_emulator import RazorpayEmulator
from tests.conftest import make_data_dir, order_body
from tests.harness import EmulatorProcess, ServerProcess, wait_until
from tests.razorpay_emulator.controls import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, faults, pay

pytestmark = pytest.mark.e2e


def test_a_payment_captured_while_the_shop_was_killed_is_settled_after_the_restart(tmp_path):
    data_dir = make_data_dir(tmp_path / "data")
    with (
        RazorpayEmulator(
            key_id=KEY_ID,
            key_secret=KEY_SECRET,
            webhook_secret=WEBHOOK_SECRET,
            webhook_url="http://127.0.0.1:9/nowhere",
            refund_seconds=0.1,
        ) as razorpay,
        EmulatorProcess(tmp_path) as qikink,
    ):
        env = {
            "PAYMENTS_ENV": "razorpay",
            "RAZORPAY_KEY_ID": KEY_ID,
            "RAZORPAY_KEY_SECRET": KEY_SECRET,
            "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "RAZORPAY_BASE_URL": razorpay.url,
            "RAZORPAY_CHECKOUT_URL": f"{razorpay.url}/v1/checkout.js",
        }
        faults(razorpay, webhooks="drop")  # Razorpay's webhook never arrives
        server = ServerProcess(data_dir, tmp_path, emulator_url=qikink.url, env=env).start()
        created = server.post("/api/orders", json=order_body()).json()
        order_id = created["data"]["order_id"]
        assert created["data"]["payment_status"] == "awaiting_payment"
        pay(razorpay, created["payment"]["razorpay_order_id"])  # captured at Razorpay
        server.kill()  # SIGKILL (TerminateProcess on Windows): no chance to notice
        state = requests.get(f"{razorpay.url}/_emulator/state", timeout=10).json()
        assert [p["status"] for p in state["payments"]] == ["captured"]

        with ServerProcess(data_dir, tmp_path, emulator_url=qikink.url, env=env) as restarted:
            wait_until(
                lambda: restarted.get(f"/api/orders/{order_id}").json()["data"]["qikink_status"] == "synced",
                90,
                what="the paid order settled and sent after the restart",
            )
            order = restarted.get(f"/api/orders/{order_id}").json()["data"]
            assert (order["status"], order["payment_status"]) == ("confirmed", "paid")
            assert order["refund"] is None
        counters = requests.get(f"{qikink.url}/_emulator/counters", timeout=10).json()
        assert counters["created"] == {order_id.replace("-", ""): 1}
        state = requests.get(f"{razorpay.url}/_emulator/state", timeout=10).json()
        assert [p["status"] for p in state["payments"]] == ["captured"] and not state.get("refunds")
