"""Razorpay's two signatures (razorpay-api.md §3, §4): hex HMAC-SHA256, compared in constant time.

- The checkout's answer: over `"<razorpay_order_id>|<razorpay_payment_id>"` with the key secret,
  where the order id is the one kept on our order, never one taken from the request.
- A webhook: over the raw request body with the webhook secret (a third secret, not the key's).

Both verifiers answer False, never raise, on missing or malformed input.
"""

from __future__ import annotations

import hashlib
import hmac


def _hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def checkout_signature(key_secret: str, order_id: str, payment_id: str) -> str:
    return _hex_hmac(key_secret, f"{order_id}|{payment_id}".encode())


def webhook_signature(webhook_secret: str, raw_body: bytes) -> str:
    return _hex_hmac(webhook_secret, raw_body)


def _same(expected: str, given) -> bool:
    return isinstance(given, str) and hmac.compare_digest(expected.encode(), given.strip().lower().encode())


def verify_checkout(key_secret: str, order_id, payment_id, signature) -> bool:
    if not key_secret or not all(isinstance(v, str) and v for v in (order_id, payment_id, signature)):
        return False
    return _same(checkout_signature(key_secret, order_id, payment_id), signature)


def verify_webhook(webhook_secret: str, raw_body: bytes, signature) -> bool:
    if not webhook_secret or not isinstance(raw_body, bytes | bytearray) or not signature:
        return False
    return _same(webhook_signature(webhook_secret, bytes(raw_body)), signature)
