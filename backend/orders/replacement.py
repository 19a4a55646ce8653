"""Replacement orders: a delivered order's exchange of size, or a returned order sent again, at the
shop's cost (Qikink neither exchanges nor refunds: the shop places a new order and pays Qikink for
it from its wallet). The replacement is an ordinary order to Qikink and the sender; to the customer
it costs nothing, so it has no payment, no COD confirmation and no GST invoice."""

from __future__ import annotations

from decimal import Decimal

from .. import india_post
from ..customer_email.outbox import queue_email
from ..errors import AddressNotInDirectory, IdempotencyConflict, NotReplaceable, OutOfStock
from ..fulfilment.events import add_event, now_iso
from ..fulfilment.sync_state import SyncState
from ..models import Problems, fingerprint, money_json, validate_address, validate_items
from . import lifecycle
from .answers import PlaceOutcome, created_answer
from .lifecycle import PaymentStatus

NOTE_MAX = 500
REPLACEMENT_FIELDS = ("reason", "items", "note", "shipping_address", "force")
REASON_WORDS = {"exchange_size": "exchange of size", "reship": "reship of a returned parcel"}
ZERO = money_json(Decimal("0"))


def validate_replacement(body: dict, original: dict, catalogue: dict) -> dict:
    """A POST /api/orders/<id>/replacement body, normalised: reason, lines (a reship defaults to the
    original's items; an exchange names its new sizes), address (the original's unless corrected),
    note and force; or a 422 naming every broken field."""
    problems = Problems()
    for key in sorted(set(body) - set(REPLACEMENT_FIELDS)):
        problems.add(key, f"is not a replacement field (only {', '.join(REPLACEMENT_FIELDS)})")
    reason = body.get("reason")
    if reason not in lifecycle.REPLACEMENT_REASONS:
        problems.add("reason", f"must be {' or '.join(lifecycle.REPLACEMENT_REASONS)}")
    items = body.get("items")
    if items is None and reason == "reship":
        items = [{"sku": item["sku"], "quantity": item["quantity"]} for item in original["items"]]
    elif items is None:
        problems.add("items", "is required for an exchange: the sizes to send instead")
    lines = validate_items(problems, items, catalogue) if items is not None else []
    for index, line in enumerate(items if isinstance(items, list) else []):
        if isinstance(line, dict) and "price" in line:
            problems.add(f"items[{index}].price", "is not taken: a replacement costs the customer nothing")
    note = body.get("note", "")
    if not isinstance(note, str) or len(note) > NOTE_MAX:
        problems.add("note", f"must be text of at most {NOTE_MAX} characters")
        note = ""
    force = body.get("force", False)
    if not isinstance(force, bool):
        problems.add("force", "must be true or false")
    address = original["shipping_address"]
    if "shipping_address" in body:
        address = validate_address(problems, body["shipping_address"])
        if isinstance(body["shipping_address"], str):
            problems.add("shipping_address", "must be structured: name, line1, city, state, pincode, phone")
    problems.raise_if_any()
    return {
        "reason": reason,
        "lines": lines,
        "shipping_address": address,
        "note": note.strip(),
        "force": force,
        "corrected_address": "shipping_address" in body,
    }


def open_replacements(store, original: dict) -> list[str]:
    """The ids of the original's replacements still on their way (not delivered, returned or cancelled)."""
    found = []
    for order_id in original.get("replacements") or []:
        order = store.get_order(order_id)
        if order is not None and not lifecycle.is_final(order):
            found.append(order_id)
    return found


def replacement_builder(service, original: dict, request: dict):
    """The store's `build(products, order_id)` for a replacement: stock checked and taken like any
    order, every amount zero, queued to be sent (or waiting for an admin's address)."""

    def build(products: dict, order_id: str):
        short = [
            {
                "field": "items",
                "sku": line["sku"],
                "message": "not enough stock",
                "requested": line["quantity"],
                "available": products[line["sku"]]["stock_quantity"],
            }
            for line in request["lines"]
            if products[line["sku"]]["stock_quantity"] < line["quantity"]
        ]
        if short:
            raise OutOfStock(f"Only {short[0]['available']} of {short[0]['sku']} in stock", details=short)
        timestamp = now_iso(service.clock)
        structured = isinstance(request["shipping_address"], dict)
        items = [
            {
                "sku": line["sku"],
                "name": products[line["sku"]]["name"],
                "quantity": line["quantity"],
                "price": ZERO,
                "line_total": ZERO,
            }
            for line in request["lines"]
        ]
        order = {
            "order_id": order_id,
            "customer_email": original["customer_email"],
            "shipping_address": request["shipping_address"],
            "items": items,
            **dict.fromkeys(("subtotal", "shipping", "cod_fee", "total"), ZERO),
            "currency": "INR",
            # Prepaid to Qikink (it collects nothing from the customer); nothing for the customer to pay.
            "payment_method": "prepaid",
            **lifecycle.start(sendable=structured),
            "payment_status": PaymentStatus.NOT_REQUIRED,
            "replacement_of": original["order_id"],
            "replacement_reason": request["reason"],
            "replacement_note": request["note"],
            "qikink_order_number": order_id.replace("-", ""),
            "qikink_shipment_id": None,
            "tracking_id": None,
            "courier": None,
            "tracking_url": None,
            "qikink_message": None if structured else "Qikink needs a structured shipping address",
            "created_at": timestamp,
            "updated_at": timestamp,
            "events": [],
            "idempotency": request.get("idempotency"),
        }
        if lifecycle.is_queued(order) and request.get("sync_claim"):
            order["sync"] = SyncState.from_dict(request["sync_claim"]).as_dict()
        words = REASON_WORDS[request["reason"]]
        add_event(order, "order_received", f"Replacement for order {original['order_id']} ({words})", timestamp)
        queue_email(order, "replacement", timestamp)  # durable with the order, sent after it
        return order, {line["sku"]: line["quantity"] for line in request["lines"]}

    return build


def link_replacement(store, original_id: str, replacement: dict, clock) -> dict:
    """Record the replacement on its original, once (a replayed request links nothing twice)."""
    timestamp = now_iso(clock)
    words = REASON_WORDS[replacement["replacement_reason"]]

    def link(order):
        replacements = order.setdefault("replacements", [])
        if replacement["order_id"] in replacements:
            return False
        replacements.append(replacement["order_id"])
        add_event(
            order, "replacement_created", f"Replacement order {replacement['order_id']} sent ({words})", timestamp
        )
        order["updated_at"] = timestamp
        return True

    return store.update_order(original_id, link)


class OrderReplacements:
    """Places replacement orders through the order service's store, dispatcher and idempotency."""

    def __init__(self, service):
        self.service = service

    def replace(self, order_id: str, body: dict, idempotency_key: str | None = None) -> PlaceOutcome:
        """A replacement of `order_id` at the shop's cost (see replacement.py), linked both
        ways and handed to fulfilment like any order; with a key used before, the first answer.
        At most one replacement on its way per order unless `force`."""
        service = self.service
        original = service.get(order_id, admin=True)
        request = validate_replacement(body, original, service.store.catalogue_snapshot().on_sale())
        if request["corrected_address"] and (found := india_post.problems(request["shipping_address"])):
            raise AddressNotInDirectory(found[0]["message"], details=found)
        replay = idempotency_key is not None and service.store.find_by_idempotency_key(idempotency_key) is not None
        if not replay:  # a replay answers its replacement, however the original has moved since
            problem = lifecycle.replacement_problem(original, request["reason"], service.clock())
            if problem:
                raise NotReplaceable(problem)
            on_its_way = open_replacements(service.store, original)
            if on_its_way and not request["force"]:
                raise NotReplaceable(
                    f"Order {order_id} already has replacement {on_its_way[0]} on its way; "
                    "send force: true to place another"
                )
        claim = service.dispatcher.new_claim()
        request["sync_claim"] = claim
        if idempotency_key is not None:
            request["idempotency"] = {
                "fingerprint": fingerprint({"replacement_of": order_id, **body}),
                "response": None,
            }
        build = replacement_builder(service, original, request)
        order, created = service.store.create_order(build, idempotency_key=idempotency_key)
        if not created:
            if (order.get("idempotency") or {}).get("fingerprint") != request["idempotency"]["fingerprint"]:
                raise IdempotencyConflict(
                    details=[{"field": "Idempotency-Key", "message": "used before with another body"}]
                )
            link_replacement(service.store, order_id, order, service.clock)  # when the first request died before it
            stored = service.stored_response(order)
            if stored is None:
                latest = service.store.get_order(order["order_id"]) or order
                stored = {"status": 201, "body": self.answer(latest)}
            return PlaceOutcome(order, False, stored["status"], stored["body"])
        link_replacement(service.store, order_id, order, service.clock)
        order = service.dispatcher.push_new(order, claim)
        answer = self.answer(order)
        if idempotency_key is not None:
            service.keep_response(order["order_id"], 201, answer)
        return PlaceOutcome(order, True, 201, answer)

    def answer(self, order: dict) -> dict:
        """A 201's body: the replacement as its customer reads it, and how sending it went."""
        answer = created_answer(order, invoicing=self.service.invoicing)
        answer["message"] = (
            f"Replacement for order {order['replacement_of']}: {answer['message'][0].lower()}{answer['message'][1:]}"
        )
        return answer
