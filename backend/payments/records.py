"""What an order keeps of its payment and refunds, and what answers show of them.

Kept on the order (written in the order's own transaction, so a payment is settled exactly once):

    order["payment_status"]  lifecycle.PaymentStatus
    order["payment"]         {"provider": "razorpay" | "outside", "amount": <paise>, "currency": "INR",
                              "razorpay_order_id", "razorpay_payment_id", "method", "paid_at",
                              "expires_at", "next_lookup_at", "last_error", "mismatch"}
    order["refunds"]         [{"payment_id", "amount", "reason", "idempotency_key", "status": "pending" |
                              "processed" | "failed", "id", "attempts", "last_error", "created_at"}]

Amounts are integer paise end to end; rupees (the order's `total`) are turned into paise once, here.
"""

from __future__ import annotations

from decimal import Decimal

from ..orders.lifecycle import PaymentStatus as P

REFUND_PENDING, REFUND_PROCESSED, REFUND_FAILED = "pending", "processed", "failed"


def paise(rupees) -> int:
    """₹1,299.50 → 129950, exactly (the order's money is stored as exact JSON numbers)."""
    value = Decimal(str(rupees)) * 100
    if value != value.to_integral_value():
        raise ValueError(f"{rupees} rupees is not a whole number of paise")
    return int(value)


def order_paise(order: dict) -> int:
    return paise(order["total"])


def payment_of(order: dict) -> dict:
    return order.setdefault("payment", {})


def payment_status(order: dict) -> str:
    """The stored payment status; orders from before payments existed: COD needs none, prepaid
    counted as paid outside the shop (they went to Qikink as Prepaid)."""
    stored = order.get("payment_status")
    if stored:
        return stored
    return P.NOT_REQUIRED if order.get("payment_method") == "cod" else P.PAID


def add_refund(order: dict, payment_id: str, amount: int, reason: str, timestamp: str) -> dict | None:
    """Record that a captured payment is to be refunded in full, once: a payment already being
    refunded gets no second record. The idempotency key is fixed here, so every retry (and every
    process of a fleet) sends the same one."""
    refunds = order.setdefault("refunds", [])
    if any(r["payment_id"] == payment_id for r in refunds):
        return None
    refund = {
        "payment_id": payment_id,
        "amount": amount,
        "reason": reason,
        "idempotency_key": f"refund-{order['order_id']}-{payment_id}",
        "status": REFUND_PENDING,
        "id": None,
        "attempts": 0,
        "last_error": None,
        "created_at": timestamp,
    }
    refunds.append(refund)
    if order.get("payment", {}).get("razorpay_payment_id") == payment_id:
        order["payment_status"] = P.REFUND_PENDING
    return refund


def pending_refunds(order: dict) -> list[dict]:
    return [r for r in order.get("refunds") or [] if r["status"] == REFUND_PENDING]


def refund_settled(order: dict, refund: dict, status: str, razorpay_refund: dict | None = None) -> None:
    """A refund Razorpay processed (or refused for good); the order's own payment follows it."""
    refund["status"] = status
    if razorpay_refund is not None:
        refund["id"] = razorpay_refund.get("id") or refund["id"]
    if order.get("payment", {}).get("razorpay_payment_id") == refund["payment_id"]:
        order["payment_status"] = P.REFUNDED if status == REFUND_PROCESSED else P.REFUND_FAILED


def public_payment(order: dict) -> dict:
    """`payment_status`, `payment` (amount in paise, ids; null for COD) and `refund` (the latest)."""
    stored = order.get("payment") or {}
    payment = None
    if stored:
        payment = {
            "provider": stored.get("provider"),
            "amount": stored.get("amount"),
            "currency": stored.get("currency", "INR"),
            "razorpay_order_id": stored.get("razorpay_order_id"),
            "razorpay_payment_id": stored.get("razorpay_payment_id"),
            "method": stored.get("method"),
            "paid_at": stored.get("paid_at"),
            "expires_at": stored.get("expires_at"),
        }
    refunds = order.get("refunds") or []
    refund = None
    if refunds:
        last = refunds[-1]
        refund = {"id": last["id"], "amount": last["amount"], "status": last["status"], "reason": last["reason"]}
    return {"payment_status": payment_status(order), "payment": payment, "refund": refund}
