"""`python -m razorpay_emulator --port 5002 --webhook-url http://127.0.0.1:5000/api/payments/razorpay/webhook`:
serve the emulator until interrupted. Keys come from RAZORPAY_KEY_ID / RAZORPAY_KEY_SECRET /
RAZORPAY_WEBHOOK_SECRET (else fresh test keys, printed once so the shop can be given them)."""

from __future__ import annotations

import argparse
import logging
import os
import time

from .server import RazorpayEmulator

log = logging.getLogger("razorpay_emulator")


def main(argv=None, prog="python -m razorpay_emulator") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="Local Razorpay API emulator (test payments only)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5002)
    parser.add_argument("--webhook-url", default=None, help="where signed webhooks go (the shop's webhook route)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    emulator = RazorpayEmulator(
        host=args.host,
        port=args.port,
        key_id=os.environ.get("RAZORPAY_KEY_ID") or None,
        key_secret=os.environ.get("RAZORPAY_KEY_SECRET") or None,
        webhook_secret=os.environ.get("RAZORPAY_WEBHOOK_SECRET") or None,
        webhook_url=args.webhook_url,
    ).start()
    state = emulator.state
    log.info("Razorpay emulator on %s (checkout script %s)", emulator.url, emulator.checkout_url)
    if not os.environ.get("RAZORPAY_KEY_ID"):
        log.info(
            "Test keys for the shop: RAZORPAY_KEY_ID=%s RAZORPAY_KEY_SECRET=%s RAZORPAY_WEBHOOK_SECRET=%s",
            state.key_id,
            state.key_secret,
            state.webhook_secret,
        )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
