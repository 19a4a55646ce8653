"""The order service: place, look up, list and edit orders; prices, stock and idempotency."""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from decimal import Decimal

from .errors import IdempotencyConflict, NotFound, OrderNotEditable, OutOfStock, PriceMismatch, ValidationError
from .models import (IDEMPOTENCY_KEY_RE, ORDER_PATCH_FIELDS, QIKINK_STATUSES, Problems, fingerprint, money_json,
                     validate_address, validate_email, validate_items, validate_payment_method)
from .storage import OrderFilter

log = logging.getLogger(__name__)

EDITABLE_QIKINK_STATUSES = ("action_required", "sync_pending", "sync_failed")
PUBLIC_ORDER_FIELDS = (
    "order_id", "customer_email", "shipping_address", "items", "total", "currency", "payment_method",
    "status", "qikink_status", "qikink_order_number", "qikink_shipment_id", "tracking_id", "courier",
    "tracking_url", "qikink_message", "created_at", "updated_at",
)
ACTION_REQUIRED_MESSAGE = (
    "Qikink needs a structured shipping address: complete it with PATCH /api/orders/<order_id> giving "
    "shipping_address with name, line1, city, state, pincode and phone"
)
REPLAY_WAIT_SECONDS = 10.0


def now_iso(clock=time.time) -> str:
    return datetime.fromtimestamp(clock(), timezone.utc).isoformat(timespec="seconds")


def public_order(order: dict) -> dict:
    return {field: order.get(field) for field in PUBLIC_ORDER_FIELDS}


def admin_order(order: dict) -> dict:
    """What staff see of one order: the public fields, its events and how sending it went."""
    sync = order.get("sync") or {}
    next_attempt = sync.get("next_attempt_at")
    return {**public_order(order), "events": order.get("events", []),
            "sync": {"attempts": sync.get("attempts", 0), "last_error": sync.get("last_error"),
                     "last_attempt_at": sync.get("last_attempt_at"), "synced_at": sync.get("synced_at"),
                     "next_attempt_at": datetime.fromtimestamp(next_attempt, timezone.utc).isoformat(timespec="seconds")
                     if next_attempt else None}}


def add_event(order: dict, event: str, description: str, timestamp: str, location=None) -> bool:
    """Record a fulfilment event once; False when it was already there."""
    events = order.setdefault("events", [])
    if any(e["event"] == event for e in events):
        return False
    events.append({"event": event, "timestamp": timestamp, "location": location, "description": description})
    return True


class OrderService:
    """Business rules for orders, on top of an OrderStore."""

    def __init__(self, store, *, clock=time.time, sleep=time.sleep):
        self.store = store
        self.clock = clock
        self.sleep = sleep

    # --- placing ----------------------------------------------------------------------------
    def validate_new(self, body: dict) -> dict:
        """Check a POST /api/orders body against every rule; the normalised request or a 422."""
        problems = Problems()
        request = {
            "customer_email": validate_email(problems, "customer_email", body.get("customer_email")),
            "shipping_address": validate_address(problems, body.get("shipping_address")),
            "payment_method": validate_payment_method(problems, body.get("payment_method")),
            "lines": validate_items(problems, body.get("items"), self.store.catalogue),
        }
        problems.raise_if_any()
        return request

    def _builder(self, request: dict):
        def build(products: dict, order_id: str):
            mismatches, short = [], []
            items, total = [], Decimal("0")
            for line in request["lines"]:
                product = products[line["sku"]]
                price = product["price"]
                if any(p != price for p in line["prices"]):
                    mismatches.append({"field": "items", "sku": line["sku"], "message": "price differs from the catalogue",
                                       "current_price": money_json(price)})
                if product["stock_quantity"] < line["quantity"]:
                    short.append({"field": "items", "sku": line["sku"], "message": "not enough stock",
                                  "requested": line["quantity"], "available": product["stock_quantity"]})
                line_total = price * line["quantity"]
                total += line_total
                items.append({"sku": line["sku"], "name": product["name"], "quantity": line["quantity"],
                              "price": money_json(price), "line_total": money_json(line_total)})
            if mismatches:
                raise PriceMismatch(f"Price of {mismatches[0]['sku']} is now {mismatches[0]['current_price']}",
                                    details=mismatches)
            if short:
                raise OutOfStock(f"Only {short[0]['available']} of {short[0]['sku']} in stock", details=short)
            timestamp = now_iso(self.clock)
            structured = isinstance(request["shipping_address"], dict)
            order = {
                "order_id": order_id,
                "customer_email": request["customer_email"],
                "shipping_address": request["shipping_address"],
                "items": items,
                "total": money_json(total),
                "currency": "INR",
                "payment_method": request["payment_method"],
                "status": "pending" if structured else "action_required",
                "qikink_status": "sync_pending" if structured else "action_required",
                "qikink_order_number": order_id.replace("-", ""),
                "qikink_shipment_id": None,
                "tracking_id": None,
                "courier": None,
                "tracking_url": None,
                "qikink_message": None if structured else ACTION_REQUIRED_MESSAGE,
                "created_at": timestamp,
                "updated_at": timestamp,
                "events": [],
                "idempotency": request.get("idempotency"),
            }
            if structured and request.get("sync_claim"):
                order["sync"] = dict(request["sync_claim"])
            add_event(order, "order_received", "Order placed", timestamp)
            return order, {line["sku"]: line["quantity"] for line in request["lines"]}

        return build

    def place(self, body: dict, idempotency_key: str | None = None, *, sync_claim: dict | None = None):
        """Validate and save a new order. Returns `(order, created)`; `created` False is a replay.
        `sync_claim` (from Fulfilment.new_claim) is saved with a sendable order."""
        if idempotency_key is not None and not IDEMPOTENCY_KEY_RE.match(idempotency_key):
            raise ValidationError.from_fields([{"field": "Idempotency-Key",
                                                "message": "must be 1 to 255 visible ASCII characters"}])
        request = self.validate_new(body)
        request["sync_claim"] = sync_claim
        if idempotency_key is not None:
            request["idempotency"] = {"fingerprint": fingerprint(body), "response": None}
        order, created = self.store.create_order(self._builder(request), idempotency_key=idempotency_key)
        if not created:
            stored = order.get("idempotency") or {}
            if stored.get("fingerprint") != request["idempotency"]["fingerprint"]:
                raise IdempotencyConflict(details=[{"field": "Idempotency-Key", "message": "used before with another body",
                                                    "order_id": order["order_id"]}])
        return order, created

    def stored_response(self, order: dict) -> dict | None:
        """The first complete answer kept for an idempotent request, waiting briefly while the
        request that created the order is still finishing it."""
        # Counted from the order's creation: when its request died with its process, the answer
        # never comes, and a client's retry must not wait for it.
        created = datetime.fromisoformat(order["created_at"]).timestamp()
        deadline = min(self.clock(), created) + REPLAY_WAIT_SECONDS
        while True:
            response = (order.get("idempotency") or {}).get("response")
            if response is not None or self.clock() >= deadline:
                return response
            self.sleep(0.05)
            order = self.store.get_order(order["order_id"]) or order

    def keep_response(self, order_id: str, status: int, body: dict) -> None:
        def record(order):
            if not order.get("idempotency") or order["idempotency"].get("response") is not None:
                return False
            order["idempotency"]["response"] = {"status": status, "body": body}
            return True

        self.store.update_order(order_id, record)

    # --- reading -----------------------------------------------------------------------------
    def get(self, order_id: str, *, email: str | None = None, admin: bool = False) -> dict:
        """An order for an admin, or for whoever knows its email; otherwise 404, never 403."""
        order = self.store.get_order(order_id)
        if order is None:
            raise NotFound(f"No order {order_id}")
        if not admin and (not email or email.strip().lower() != order["customer_email"].lower()):
            raise NotFound(f"No order {order_id}")
        return order

    def list(self, *, status=None, qikink_status=None, email=None, page=1, per_page=50):
        filtered = any(v is not None for v in (status, qikink_status, email))
        matches = OrderFilter(status=status, qikink_status=qikink_status, email=email) if filtered else None
        return self.store.list_orders(matches, page=page, per_page=per_page)

    def count_by_qikink_status(self, *, status=None, email=None) -> dict:
        """{qikink_status: number of orders} over the orders matching `status` and `email`,
        answered by the store (its index, or SQL)."""
        counts = dict.fromkeys(QIKINK_STATUSES, 0)
        filtered = status is not None or email is not None
        counts.update(self.store.count_by_qikink_status(OrderFilter(status=status, email=email) if filtered else None))
        return counts

    # --- editing -----------------------------------------------------------------------------
    def edit(self, order_id: str, body: dict) -> dict:
        """Complete or correct an order Qikink has not accepted, and queue it to be sent."""
        problems = Problems()
        changes = {}
        for key in sorted(set(body) - set(ORDER_PATCH_FIELDS)):
            problems.add(key, "cannot be changed (only shipping_address, customer_email, payment_method)")
        if "shipping_address" in body:
            address = validate_address(problems, body["shipping_address"])
            if isinstance(body["shipping_address"], str):
                problems.add("shipping_address", "must be structured: name, line1, city, state, pincode, phone")
            changes["shipping_address"] = address
        if "customer_email" in body:
            changes["customer_email"] = validate_email(problems, "customer_email", body["customer_email"])
        if "payment_method" in body:
            changes["payment_method"] = validate_payment_method(problems, body["payment_method"])
        if not body:
            problems.add("body", "must contain shipping_address, customer_email or payment_method")
        problems.raise_if_any()

        def apply(order):
            if order["qikink_status"] not in EDITABLE_QIKINK_STATUSES:
                raise OrderNotEditable(f"Order {order_id} is {order['qikink_status']} and can no longer be edited")
            sync = order.setdefault("sync", {})
            if sync.get("claimed_until", 0) > self.clock():
                raise OrderNotEditable(f"Order {order_id} is being sent to Qikink right now; try again in a minute")
            order.update(changes)
            timestamp = now_iso(self.clock)
            order["updated_at"] = timestamp
            if isinstance(order["shipping_address"], dict):
                order["qikink_status"] = "sync_pending"
                order["status"] = "pending"
                order["qikink_message"] = None
                # Send it soon, but keep `lookup_first`: an earlier attempt may have reached Qikink.
                for key in ("next_attempt_at", "attempts", "last_error"):
                    sync.pop(key, None)
            return True

        return self.store.update_order(order_id, apply)
