"""Confirming a cash-on-delivery order: the customer's page behind the emailed link
(`/confirm/<token>`: a GET only shows it, the "Confirm order" button POSTs; no JavaScript
needed) and staff's `POST /api/orders/<order_id>/confirm`."""

from __future__ import annotations

import html

from flask import Blueprint, Response, redirect, request

from ..customer_email.messages import local_time
from ..errors import NotAwaitingConfirmation
from ..orders.answers import admin_order
from ..orders.confirmation import CodConfirmations
from ..policies.render import render_footer
from . import require_admin, services
from .pages import PAGE_CSP

bp = Blueprint("confirm", __name__)

SHOP_NAME = "Bharat Heritage Prints"


def _confirmations() -> CodConfirmations | None:
    return services().confirmations


@bp.post("/api/orders/<order_id>/confirm")
def confirm_order(order_id):
    """Staff: confirm a COD order awaiting confirmation (after a phone call, or a review)."""
    require_admin()
    confirmations = _confirmations()
    if confirmations is None:
        raise NotAwaitingConfirmation("Cash-on-delivery confirmation is off in this shop (COD_CONFIRMATION=off)")
    order = confirmations.confirm_by_admin(order_id)
    message = "Order confirmed: it goes to Qikink" if order["qikink_status"] != "not_sent" else "Order confirmed"
    return {"status": "success", "message": message, "data": admin_order(order, invoicing=services().orders.invoicing)}


@bp.post("/api/orders/<order_id>/confirmation-email")
def resend_confirmation(order_id):
    """The customer: send the COD confirmation email again (`?email=`, as for every customer route;
    rate-limited: a few times, minutes apart)."""
    confirmations = _confirmations()
    services().orders.get(order_id, email=request.args.get("email"))  # 404 unless the email is the order's
    if confirmations is None:
        raise NotAwaitingConfirmation("Cash-on-delivery confirmation is off in this shop (COD_CONFIRMATION=off)")
    order, queued = confirmations.resend(order_id)
    message = (
        f"Confirmation email sent again to {order['customer_email']}"
        if queued
        else f"The confirmation email to {order['customer_email']} is on its way"
    )
    return {"status": "success", "message": message, "data": {"order_id": order_id, "queued": queued}}, 202


@bp.get("/confirm/<token>")
def confirmation_page(token):
    """The page the emailed link opens: the order and one button. Reading it changes nothing
    (mail scanners follow links)."""
    confirmations = _confirmations()
    order = confirmations.order_for(token) if confirmations is not None else None
    if order is None:
        return _page("This link is not valid", [_p(NOT_VALID)], status=404)
    return _order_page(order, confirmations.state(order), token)


@bp.post("/confirm/<token>")
def confirm_by_link(token):
    """The button: confirms the order (once; again changes nothing), then shows the page (303)."""
    confirmations = _confirmations()
    result = confirmations.confirm_by_customer(token) if confirmations is not None else None
    if result is None:
        return _page("This link is not valid", [_p(NOT_VALID)], status=404)
    return redirect(f"/confirm/{token}", code=303)


NOT_VALID = (
    "We could not find an order for this link. Check that the whole link from our email was opened "
    "(some email apps cut long links), or look your order up on the tracking page."
)
STATES = {
    "open": ("Confirm your cash-on-delivery order", None),
    "waiting_for_shop": (
        "Thank you: you have confirmed your order",
        "We check orders of this size by hand before printing; we will confirm it shortly (we may "
        "call you on the phone number you gave). You will get an email when it is confirmed.",
    ),
    "confirmed": (
        "Your order is confirmed",
        "Thank you. We print it now and email you the tracking details when it ships. Pay the courier "
        "in cash when it arrives.",
    ),
    "expired": (
        "This order was not confirmed in time",
        "It has been cancelled and will not be printed or shipped. You are welcome to order again.",
    ),
    "cancelled": ("This order is cancelled", "It will not be printed or shipped."),
}


def _order_page(order: dict, state: str, token: str) -> Response:
    heading, words = STATES[state]
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(str(item['quantity']))} × {esc(item['name'])} ({esc(item['sku'])})</td>"
        f"<td class='amount'>₹{_rupees(item['line_total'])}</td></tr>"
        for item in order["items"]
    )
    address = order.get("shipping_address")
    if isinstance(address, dict):
        where = ", ".join(
            str(address.get(k)) for k in ("name", "line1", "line2", "city", "state", "pincode") if address.get(k)
        )
    else:
        where = str(address or "")
    expires = (order.get("cod_confirmation") or {}).get("expires_at")
    body = [
        f"<p>Order <strong>{esc(order['order_id'])}</strong></p>",
        f"<table class='confirm-items'>{rows}<tr><th>Total, paid to the courier in cash</th>"
        f"<th class='amount'>₹{_rupees(order['total'])}</th></tr></table>",
        f"<p>Delivering to: {esc(where)}</p>",
    ]
    if state == "open":
        body.append(
            "<p>Press the button to confirm that you placed this order and will pay the courier in cash when "
            "it arrives. We print it only after that.</p>"
            f"<form method='post' action='/confirm/{esc(token, quote=True)}'>"
            "<button type='submit' class='primary'>Confirm order</button></form>"
            + (
                f"<p class='hint'>Not confirmed by <time datetime='{esc(expires, quote=True)}'>"
                f"{esc(local_time(expires))}</time>, it is cancelled. If you did not place this order, close "
                "this page.</p>"
                if expires
                else ""
            )
        )
    else:
        body.append(_p(words or ""))  # every state but "open" has its words
    track = f"/track?order={esc(order['order_id'], quote=True)}"
    body.append(f"<p><a href='{track}'>Follow this order on the tracking page</a></p>")
    return _page(heading, body)


def _rupees(amount) -> str:
    return f"{float(amount):,.2f}".replace(".00", "")


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _page(heading: str, body: list[str], *, status: int = 200) -> Response:
    document = (
        "<!doctype html><html lang='en-IN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(heading)} · {SHOP_NAME}</title>"
        "<link rel='stylesheet' href='/css/shop.css'></head><body>"
        f"<header class='site-header'><a href='/' class='brand'>{SHOP_NAME}</a></header>"
        f"<main id='main' class='confirm-page panel'><h1>{html.escape(heading)}</h1>{''.join(body)}</main>"
        f"{render_footer(services().config, path=request.path)}</body></html>"
    )
    response = Response(document, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
    return response
