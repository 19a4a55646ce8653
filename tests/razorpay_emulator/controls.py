"""The Razorpay emulator's keys for tests and its test controls under /_emulator/ (faults, a
customer paying), shared by the emulator's tests and the end-to-end payment tests."""

from __future__ import annotations

import requests

KEY_ID, KEY_SECRET, WEBHOOK_SECRET = "rzp_test_EmulatorTests1", "emulator-test-secret", "emulator-webhook-secret"


def faults(emulator, **changes):
    return requests.post(f"{emulator.url}/_emulator/faults", json=changes, timeout=10).json()


def pay(emulator, order_id, outcome="pay"):
    return requests.post(
        f"{emulator.url}/_emulator/orders/{order_id}/pay", json={"outcome": outcome}, timeout=10
    ).json()
