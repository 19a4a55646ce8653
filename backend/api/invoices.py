"""/api/charges and /api/orders/<id>/invoice: what an order will cost, and its GST invoice."""

from flask import Blueprint, request

from ..billing.page import CSP, render_invoice
from . import is_admin, services

bp = Blueprint("invoices", __name__, url_prefix="/api")


@bp.get("/charges")
def get_charges():
    """Shipping and COD fee, so the storefront shows the whole total before "Place order"; and
    whether the shop issues invoices, so the tracking page offers one only when it can."""
    shop = services()
    return {"status": "success", "data": {**shop.charges.public(), "invoices": shop.invoices.issuing}}


@bp.get("/orders/<order_id>/invoice")
def get_invoice(order_id):
    """The order's tax invoice (issued at the first request): HTML to print, or JSON when asked."""
    invoice = services().invoices.invoice(order_id, email=request.args.get("email"), admin=is_admin())
    wanted = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if wanted == "application/json":
        return {"status": "success", "data": invoice}, 200, {"Vary": "Accept"}
    return (
        render_invoice(invoice),
        200,
        {
            "Content-Type": "text/html; charset=utf-8",
            "Vary": "Accept",
            "Content-Security-Policy": CSP,
            "Cache-Control": "no-cache",
        },
    )
