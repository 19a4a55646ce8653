"""Building a new order inside the store's create transaction (see OrderService.place)."""

from __future__ import annotations

from decimal import Decimal

from ..customer_email.outbox import queue_email
from ..errors import CodNotAllowed, OutOfStock, PriceMismatch
from ..fulfilment.events import add_event, now_iso
from ..fulfilment.sync_state import SyncState
from ..models import money_json
from ..payments.records import paise
from . import lifecycle

ACTION_REQUIRED_MESSAGE = (
    "Qikink needs a structured shipping address: complete it with PATCH /api/orders/<order_id> giving "
    "shipping_address with name, line1, city, state, pincode and phone"
)


def order_builder(service, request: dict):
    """The store's `build(products, order_id)` for a validated request: prices and stock checked
    against the catalogue as stored, the order's first statuses, its payment or COD confirmation,
    and its first email, all in the write that creates it."""

    def build(products: dict, order_id: str):
        mismatches, short = [], []
        items, subtotal = [], Decimal("0")
        for line in request["lines"]:
            product = products[line["sku"]]
            price = product["price"]
            if any(p != price for p in line["prices"]):
                mismatches.append(
                    {
                        "field": "items",
                        "sku": line["sku"],
                        "message": "price differs from the catalogue",
                        "current_price": money_json(price),
                    }
                )
            if product["stock_quantity"] < line["quantity"]:
                short.append(
                    {
                        "field": "items",
                        "sku": line["sku"],
                        "message": "not enough stock",
                        "requested": line["quantity"],
                        "available": product["stock_quantity"],
                    }
                )
            line_total = price * line["quantity"]
            subtotal += line_total
            items.append(
                {
                    "sku": line["sku"],
                    "name": product["name"],
                    "quantity": line["quantity"],
                    "price": money_json(price),
                    "line_total": money_json(line_total),
                }
            )
        if mismatches:
            raise PriceMismatch(
                f"Price of {mismatches[0]['sku']} is now {mismatches[0]['current_price']}", details=mismatches
            )
        if short:
            raise OutOfStock(f"Only {short[0]['available']} of {short[0]['sku']} in stock", details=short)
        charges = service.charges.for_order(subtotal, request["payment_method"])
        cap = service.cod_max_order_value
        if request["payment_method"] == "cod" and cap is not None and charges["total"] > cap:
            raise CodNotAllowed(
                f"Cash on delivery is available for orders up to ₹{cap:,.2f}; this one is "
                f"₹{charges['total']:,.2f}. Pay online (prepaid) to place it",
                details=[{"field": "payment_method", "message": "cash on delivery is not available above the limit"}],
            )
        timestamp = now_iso(service.clock)
        structured = isinstance(request["shipping_address"], dict)
        order = {
            "order_id": order_id,
            "customer_email": request["customer_email"],
            "shipping_address": request["shipping_address"],
            "items": items,
            **{name: money_json(amount) for name, amount in charges.items()},
            "currency": "INR",
            "payment_method": request["payment_method"],
            **lifecycle.start(
                sendable=structured,
                awaiting_payment=request["online"],
                awaiting_confirmation=request["confirm"],
                paid=request["paid"],
            ),
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
        if request["online"]:
            order["payment"] = service.payments.new_payment(order)
        elif request["paid"]:
            order["payment"] = {"provider": "outside", "amount": paise(order["total"]), "currency": "INR"}
        if request["confirm"]:
            order["cod_confirmation"] = service.confirmations.new(charges["total"])
        if (request["online"] or request["confirm"]) and request.get("client"):
            # Held stock without money or confirmation: counted per client address (never in an answer).
            order["placed_from"] = request["client"]
        if lifecycle.is_queued(order) and request.get("sync_claim"):
            order["sync"] = SyncState.from_dict(request["sync_claim"]).as_dict()
        add_event(order, "order_received", "Order placed", timestamp)
        # Durable with the order, sent after it. A prepaid order's confirmation goes once it is
        # paid; a COD order's once it is confirmed (first, the email asking to confirm it).
        if request["confirm"]:
            queue_email(order, "confirm_cod", timestamp)
        elif not request["online"]:
            queue_email(order, "confirmation", timestamp)
        return order, {line["sku"]: line["quantity"] for line in request["lines"]}

    return build
