"""Payments: the checkout of an order awaiting payment, the checkout's signed answer, Razorpay's
webhook, and staff's "Check payment"."""

from flask import Blueprint, request

from ..errors import NotFound, PaymentNotRequired, WebhookSignatureInvalid
from ..orders import lifecycle
from ..orders.answers import admin_order, public_order
from . import is_admin, json_body, require_admin, services

bp = Blueprint("payments", __name__)


def _payments():
    payments = services().payments
    if payments is None:
        raise PaymentNotRequired("Online payment is off in this shop (PAYMENTS_ENV=off)")
    return payments


@bp.get("/api/orders/<order_id>/payment")
def get_payment(order_id):
    """What the page needs to open the checkout again ("Pay now"), while the order awaits payment."""
    order = services().orders.get(order_id, email=request.args.get("email"), admin=is_admin())
    return {"status": "success", "data": _payments().payment_for(order)}


@bp.post("/api/orders/<order_id>/payment")
def post_payment(order_id):
    """The checkout's answer; its signature is the proof, so no email is needed."""
    order = _payments().checkout_answer(order_id, json_body())
    paid = lifecycle.is_paid(order)
    message = "Payment received" if paid else "Payment being confirmed with Razorpay"
    invoicing = services().orders.invoicing
    return {"status": "success", "message": message, "data": public_order(order, invoicing=invoicing)}


@bp.post("/api/orders/<order_id>/payment/check")
def check_payment(order_id):
    """Staff: ask Razorpay about this order now (and send any refund due)."""
    require_admin()
    services().orders.get(order_id, admin=True)
    order = _payments().check(order_id)
    return {"status": "success", "data": admin_order(order, invoicing=services().orders.invoicing)}


@bp.post("/api/payments/razorpay/webhook")
def razorpay_webhook():
    """Razorpay's webhook: verified over the raw body; 200 whatever the event once it is."""
    signature = request.headers.get("X-Razorpay-Signature")
    if not signature:
        # Checked first, whatever the mode: a request without Razorpay's signature is refused as such.
        raise WebhookSignatureInvalid("The X-Razorpay-Signature header is missing")
    payments = services().payments
    if payments is None:
        raise NotFound("Online payment is off in this shop (PAYMENTS_ENV=off)")
    raw = request.get_data(cache=False)
    outcome = payments.webhook(raw, signature, request.headers.get("X-Razorpay-Event-Id"))
    return {"status": "success", "message": outcome}
