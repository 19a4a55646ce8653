"""The emulator's routes: Razorpay's orders, payments and refunds API (its validation and error
envelope, Basic auth), the checkout stand-in (checkout.js and its test payment page), and
`/_emulator/*` controls (pay from the command line, faults, counters)."""

from __future__ import annotations

import base64
import hmac
import time

from flask import Flask, Response, jsonify, request

from .checkout import CHECKOUT_JS, PAY_JS, pay_page
from .state import WEBHOOK_MODES, EmulatorState
from .webhooks import WebhookSender


def error(status: int, description: str, *, field=None, code="BAD_REQUEST_ERROR", reason="input_validation_failed"):
    body = {
        "error": {
            "code": code,
            "description": description,
            "source": "business" if status == 400 else "NA",
            "step": "payment_initiation" if status == 400 else "NA",
            "reason": reason if status == 400 else "NA",
            "metadata": {},
            "field": field,
        }
    }
    return jsonify(body), status


def _order_problem(body) -> tuple[str, str] | None:
    """Razorpay's rules for POST /v1/orders (razorpay-api.md §1): (field, description) or None."""
    if not isinstance(body, dict):
        return None, "The request body must be a JSON object"
    amount = body.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        return "amount", "The amount must be an integer."
    if amount < 100:
        return "amount", "The amount must be atleast INR 1.00"
    if body.get("currency", "INR") != "INR":
        return "currency", "Currency is not supported"
    receipt = body.get("receipt")
    if receipt is not None and (not isinstance(receipt, str) or len(receipt) > 40):
        return "receipt", "The receipt may not be greater than 40 characters."
    notes = body.get("notes", {})
    if notes in ([], None):
        notes = {}
    if not isinstance(notes, dict) or len(notes) > 15:
        return "notes", "Number of fields in notes should be less than or equal to 15"
    if any(not isinstance(v, str | int | float) or len(str(v)) > 256 for v in notes.values()):
        return "notes", "Notes values may not be greater than 256 characters"
    if body.get("partial_payment") not in (None, False):
        return "partial_payment", "Partial payments are not enabled for this account"
    return None


def create_app(state: EmulatorState) -> Flask:
    app = Flask(__name__)
    state.outbox = state.outbox or WebhookSender(state)
    app.extensions["razorpay_emulator"] = state

    def authorised() -> bool:
        header = request.headers.get("Authorization", "")
        if not header.lower().startswith("basic "):
            return False
        try:
            key, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return hmac.compare_digest(key, state.key_id) and hmac.compare_digest(secret, state.key_secret)

    @app.before_request
    def api_rules():
        if not request.path.startswith("/v1/") or request.path == "/v1/checkout.js":
            return None
        state.count(f"{request.method} {request.url_rule.rule if request.url_rule else request.path}")
        if state.faults["slow_seconds"]:
            time.sleep(state.faults["slow_seconds"])
        if state.faults["down"]:
            return error(503, "The server is temporarily unavailable (emulator fault)", code="SERVER_ERROR")
        if not authorised():
            return error(401, "Authentication failed", reason="NA")
        return None

    def found(collection: dict, object_id: str, what: str):
        with state.lock:
            item = collection.get(object_id)
            return dict(item) if item is not None else None

    @app.post("/v1/orders")
    def create_order():
        body = request.get_json(silent=True)
        problem = _order_problem(body)
        if problem:
            return error(400, problem[1], field=problem[0])
        notes = body.get("notes") or {}
        return jsonify(state.create_order(body["amount"], body.get("receipt"), dict(notes)))

    @app.get("/v1/orders/<order_id>")
    def get_order(order_id):
        order = found(state.orders, order_id, "order")
        return jsonify(order) if order else error(400, "The id provided does not exist", field="id")

    @app.get("/v1/orders/<order_id>/payments")
    def order_payments(order_id):
        if found(state.orders, order_id, "order") is None:
            return error(400, "The id provided does not exist", field="id")
        with state.lock:
            items = [dict(p) for p in state.payments.values() if p["order_id"] == order_id]
        return jsonify({"entity": "collection", "count": len(items), "items": items})

    @app.get("/v1/payments/<payment_id>")
    def get_payment(payment_id):
        payment = found(state.payments, payment_id, "payment")
        return jsonify(payment) if payment else error(400, "The id provided does not exist", field="id")

    @app.post("/v1/payments/<payment_id>/capture")
    def capture(payment_id):
        payment = found(state.payments, payment_id, "payment")
        if payment is None:
            return error(400, "The id provided does not exist", field="id")
        body = request.get_json(silent=True) or {}
        if payment["status"] != "authorized":
            return error(400, "This payment has already been captured", field="id")
        if body.get("amount") != payment["amount"]:
            return error(400, "Capture amount must be equal to the amount authorized", field="amount")
        captured, events = state.capture(payment_id)
        state.outbox.send_all(events)
        return jsonify(captured)

    @app.post("/v1/payments/<payment_id>/refund")
    def refund(payment_id):
        payment = state.payments.get(payment_id)
        if payment is None:
            return error(400, "The id provided does not exist", field="id")
        body = request.get_json(silent=True) or {}
        key = request.headers.get("X-Refund-Idempotency")
        if key is not None and len(key) < 10:
            return error(400, "X-Refund-Idempotency must be at least 10 characters", field="X-Refund-Idempotency")
        if key and key in state.idempotency:
            return jsonify(state.refunds[state.idempotency[key]])
        if payment["status"] not in ("captured", "refunded"):
            return error(400, "The payment has not been captured", field="payment_id")
        amount = body.get("amount", payment["amount"] - payment["amount_refunded"])
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 100:
            return error(400, "The amount must be atleast INR 1.00", field="amount")
        if amount > payment["amount"] - payment["amount_refunded"]:
            return error(400, "The refund amount provided is greater than amount captured", field="amount")
        return jsonify(state.refund(payment, amount, body.get("receipt"), body.get("notes") or {}, key))

    @app.get("/v1/payments/<payment_id>/refunds")
    def payment_refunds(payment_id):
        with state.lock:
            items = [dict(r) for r in state.refunds.values() if r["payment_id"] == payment_id]
        return jsonify({"entity": "collection", "count": len(items), "items": items})

    @app.get("/v1/refunds/<refund_id>")
    def get_refund(refund_id):
        refund = found(state.refunds, refund_id, "refund")
        return jsonify(refund) if refund else error(400, "The id provided does not exist", field="id")

    # --- the checkout stand-in ------------------------------------------------------------------
    @app.get("/v1/checkout.js")
    def checkout_js():
        origin = request.host_url.rstrip("/")
        script = CHECKOUT_JS.replace("__EMULATOR_ORIGIN__", origin)
        return Response(script, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})

    @app.get("/checkout/pay")
    def checkout_page():
        order = found(state.orders, request.args.get("order_id", ""), "order")
        return Response(pay_page(order, request.args), mimetype="text/html")

    @app.get("/checkout/pay.js")
    def checkout_page_js():
        return Response(PAY_JS, mimetype="text/javascript")

    @app.post("/checkout/attempt")
    def checkout_attempt():
        """The test payment page's buttons: pay or fail the payment for an order."""
        body = request.get_json(silent=True) or {}
        if body.get("key_id") != state.key_id or body.get("order_id") not in state.orders:
            return error(400, "Unknown key or order", field="order_id")
        outcome = "fail" if body.get("outcome") == "fail" else "pay"
        return jsonify(
            state.pay(body["order_id"], outcome=outcome, email=body.get("email"), contact=body.get("contact"))
        )

    # --- controls -------------------------------------------------------------------------------
    @app.post("/_emulator/orders/<order_id>/pay")
    def pay_from_command_line(order_id):
        """Pay (or with {"outcome": "fail"} fail) an order as the checkout would: the payment and
        the checkout's signed answer, to POST to the shop's /api/orders/<id>/payment."""
        if order_id not in state.orders:
            return error(400, "The id provided does not exist", field="id")
        body = request.get_json(silent=True) or {}
        return jsonify(state.pay(order_id, outcome=body.get("outcome", "pay"), method=body.get("method", "upi")))

    @app.post("/_emulator/faults")
    def faults():
        body = request.get_json(silent=True) or {}
        if "webhooks" in body and body["webhooks"] not in WEBHOOK_MODES:
            return error(400, f"webhooks must be one of {', '.join(WEBHOOK_MODES)}", field="webhooks")
        if "capture" in body and body["capture"] not in ("auto", "manual"):
            return error(400, "capture must be auto or manual", field="capture")
        with state.lock:
            for name in ("down", "slow_seconds", "webhooks", "capture"):
                if name in body:
                    state.faults[name] = body[name]
            return jsonify(dict(state.faults))

    @app.get("/_emulator/state")
    def dump():
        with state.lock:
            return jsonify(
                {
                    "orders": list(state.orders.values()),
                    "payments": list(state.payments.values()),
                    "refunds": list(state.refunds.values()),
                    "counters": dict(state.counters),
                    "faults": dict(state.faults),
                    "webhooks": list(state.outbox.sent),
                }
            )

    return app
