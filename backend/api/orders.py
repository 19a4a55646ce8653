"""/api/orders: take orders, look them up, list and correct them."""
from flask import Blueprint, request

from ..errors import ValidationError
from ..models import ORDER_STATUSES, QIKINK_STATUSES
from ..orders import admin_order, public_order
from . import choice_arg, int_arg, is_admin, json_body, require_admin, services

bp = Blueprint("orders", __name__, url_prefix="/api/orders")

MESSAGES = {
    "synced": "Order created successfully and synced with Qikink",
    "sync_pending": "Order created successfully (Qikink sync pending)",
    "action_required": "Order created; Qikink needs a structured shipping address before it can be sent",
    "sync_failed": "Order created, but Qikink refused it; an admin needs to correct it",
}
INTEGRATION_STATUS = {"synced": "success", "sync_pending": "pending", "action_required": "action_required",
                      "sync_failed": "failed"}
PAGE_RANGE = (1, 1_000_000)
PER_PAGE_RANGE = (1, 200)
PER_PAGE_DEFAULT = 50


def created_body(order: dict) -> dict:
    qikink_status = order["qikink_status"]
    integration = {"status": INTEGRATION_STATUS.get(qikink_status, qikink_status),
                   "qikink_shipment_id": order.get("qikink_shipment_id"), "tracking_id": order.get("tracking_id")}
    if qikink_status != "synced":
        integration["reason"] = order.get("qikink_message") or (order.get("sync") or {}).get("last_error")
    return {"status": "success", "message": MESSAGES.get(qikink_status, "Order created successfully"),
            "data": public_order(order), "qikink_integration": integration}


@bp.post("")
def create_order():
    shop = services()
    body = json_body()
    key = request.headers.get("Idempotency-Key")
    claim = shop.fulfilment.new_claim() if shop.fulfilment is not None else None
    order, created = shop.orders.place(body, key, sync_claim=claim)
    location = {"Location": f"/api/orders/{order['order_id']}"}
    if not created:
        stored = shop.orders.stored_response(order)
        if stored is None:
            stored = {"status": 201, "body": created_body(shop.store.get_order(order["order_id"]) or order)}
        return stored["body"], stored["status"], {**location, "Idempotent-Replayed": "true"}
    if shop.fulfilment is not None:
        order = shop.fulfilment.push_new(order, claim)
    response = created_body(order)
    if key is not None:
        shop.orders.keep_response(order["order_id"], 201, response)
    return response, 201, location


@bp.get("")
def list_orders():
    require_admin()
    page = int_arg("page", PAGE_RANGE[0], *PAGE_RANGE)
    per_page = int_arg("per_page", PER_PAGE_DEFAULT, *PER_PAGE_RANGE)
    counts = request.args.get("counts")
    if counts not in (None, "qikink_status"):
        raise ValidationError.from_fields([{"field": "counts", "message": "must be qikink_status"}])
    service = services().orders
    status, email = choice_arg("status", ORDER_STATUSES), request.args.get("email")
    orders, total = service.list(status=status, qikink_status=choice_arg("qikink_status", QIKINK_STATUSES),
                                 email=email, page=page, per_page=per_page)
    body = {"status": "success", "data": [public_order(o) for o in orders],
            "pagination": {"page": page, "per_page": per_page, "total": total}}
    if counts:
        body["counts"] = {"qikink_status": service.count_by_qikink_status(status=status, email=email)}
    return body


@bp.get("/<order_id>")
def get_order(order_id):
    admin = is_admin()
    order = services().orders.get(order_id, email=request.args.get("email"), admin=admin)
    return {"status": "success", "data": admin_order(order) if admin else public_order(order)}


@bp.patch("/<order_id>")
def patch_order(order_id):
    require_admin()
    shop = services()
    order = shop.orders.edit(order_id, json_body())
    if shop.fulfilment is not None:
        shop.fulfilment.order_changed(order)
    return {"status": "success", "message": "Order updated", "data": public_order(order)}
