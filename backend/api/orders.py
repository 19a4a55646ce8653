"""/api/orders: take orders, look them up, list, correct and cancel them."""

from flask import Blueprint, request

from ..errors import EmailNotFailed, ValidationError
from ..fulfilment.events import CANCEL_IN_DASHBOARD
from ..orders.answers import admin_order, public_order
from ..orders.lifecycle import ORDER_STATUSES, PAYMENT_STATUSES, QIKINK_STATUSES, OrderStatus
from ..orders.service import PAGE_RANGE, PER_PAGE_DEFAULT, PER_PAGE_RANGE
from . import choice_arg, int_arg, is_admin, json_body, require_admin, services

bp = Blueprint("orders", __name__, url_prefix="/api/orders")


@bp.post("")
def create_order():
    key = request.headers.get("Idempotency-Key")
    # Spaces and tabs around a header value are HTTP's optional white space, not part of the key.
    body = json_body()
    # Staff only (checked when the body carries it): an order already paid another way.
    admin = "paid_outside" in body and is_admin()
    outcome = services().orders.place_order(
        body, key.strip(" \t") if key is not None else None, admin=admin, client=request.remote_addr
    )
    headers = {"Location": f"/api/orders/{outcome.order['order_id']}"}
    if not outcome.created:
        headers["Idempotent-Replayed"] = "true"
    return outcome.body, outcome.status, headers


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
    orders, total = service.list(
        status=status,
        qikink_status=choice_arg("qikink_status", QIKINK_STATUSES),
        payment_status=choice_arg("payment_status", PAYMENT_STATUSES),
        email=email,
        page=page,
        per_page=per_page,
    )
    body = {
        "status": "success",
        "data": [public_order(o, admin=True, invoicing=service.invoicing) for o in orders],
        "pagination": {"page": page, "per_page": per_page, "total": total},
    }
    if counts:
        body["counts"] = {"qikink_status": service.count_by_qikink_status(status=status, email=email)}
    return body


@bp.get("/<order_id>")
def get_order(order_id):
    admin = is_admin()
    order = services().orders.get(order_id, email=request.args.get("email"), admin=admin)
    return {"status": "success", "data": _answer(order, admin=admin)}


@bp.patch("/<order_id>")
def patch_order(order_id):
    require_admin()
    order = services().orders.edit(order_id, json_body())
    return {"status": "success", "message": "Order updated", "data": _answer(order, admin=True, summary=True)}


@bp.post("/<order_id>/cancel")
def cancel_order(order_id):
    admin = is_admin()
    order = services().orders.cancel(order_id, email=request.args.get("email"), admin=admin)
    if order["status"] == OrderStatus.CANCEL_PENDING:  # recorded; decided once Qikink answers
        return {"status": "success", "message": order["qikink_message"], "data": _answer(order, admin=admin)}, 202
    message = CANCEL_IN_DASHBOARD if order["status"] == OrderStatus.CANCEL_REQUESTED else "Order cancelled"
    return {"status": "success", "message": message, "data": _answer(order, admin=admin)}


@bp.post("/<order_id>/replacement")
def replace_order(order_id):
    """Staff: an exchange of size or a reship, at the shop's cost, linked to this order."""
    require_admin()
    key = request.headers.get("Idempotency-Key")
    outcome = services().orders.replace(order_id, json_body(), key.strip(" \t") if key is not None else None)
    headers = {"Location": f"/api/orders/{outcome.order['order_id']}"}
    if not outcome.created:
        headers["Idempotent-Replayed"] = "true"
    return outcome.body, outcome.status, headers


def _answer(order: dict, *, admin: bool, summary: bool = False) -> dict:
    """The order as this caller reads it: staff see its events and sending (unless `summary`)."""
    invoicing = services().orders.invoicing
    if admin and not summary:
        return admin_order(order, invoicing=invoicing)
    return public_order(order, admin=admin, invoicing=invoicing)


@bp.post("/<order_id>/emails/<kind>/resend")
def resend_email(order_id, kind):
    """Staff: an email given up (failed) sent again, e.g. after correcting the customer's address."""
    require_admin()
    emails = services().emails
    order = services().orders.get(order_id, admin=True)
    if not any(e.get("kind") == kind and e.get("status") == "failed" for e in order.get("emails") or []):
        raise EmailNotFailed(f"Order {order_id} has no {kind!r} email that failed: nothing to send again")
    order = emails.resend(order_id, kind)
    answer = admin_order(order, invoicing=services().orders.invoicing)
    return {"status": "success", "message": f"The {kind} email is being sent again", "data": answer}, 202
