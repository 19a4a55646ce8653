"""/api/charges, /api/orders/<id>/invoice and /credit-note: what an order will cost, its GST invoice
and, once an invoiced order is cancelled, the credit note reversing it."""

from flask import Blueprint, request

from ..billing.page import CSP, render_credit_note, render_invoice
from . import is_admin, services

bp = Blueprint("invoices", __name__, url_prefix="/api")


@bp.get("/charges")
def get_charges():
    """Shipping and COD fee, so the storefront shows the whole total before "Place order"; and
    whether the shop issues invoices, so the tracking page offers one only when it can."""
    return {"status": "success", "data": charges_data()}


def charges_data() -> dict:
    shop = services()
    return {**shop.charges.public(), "invoices": shop.invoices.issuing}


@bp.get("/orders/<order_id>/invoice")
def get_invoice(order_id):
    """The order's tax invoice (issued at the first request): HTML to print, or JSON when asked."""
    invoice = services().invoices.invoice(order_id, email=request.args.get("email"), admin=is_admin())
    return _document(invoice, render_invoice)


@bp.get("/orders/<order_id>/credit-note")
def get_credit_note(order_id):
    """The credit note of a cancelled order that was invoiced: HTML to print, or JSON when asked."""
    note = services().invoices.credit_note(order_id, email=request.args.get("email"), admin=is_admin())
    return _document(note, render_credit_note)


def _document(document: dict, render):
    wanted = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if wanted == "application/json":
        return {"status": "success", "data": document}, 200, {"Vary": "Accept"}
    return (
        render(document),
        200,
        {
            "Content-Type": "text/html; charset=utf-8",
            "Vary": "Accept",
            "Content-Security-Policy": CSP,
            "Cache-Control": "no-cache",
        },
    )
