"""Cash on delivery, confirmed before Qikink prints it (COD_CONFIRMATION=email).

Qikink debits the shop's wallet for a COD order when it receives it, and a quarter of COD orders
in India come back undelivered: so a COD order is created `awaiting_confirmation`, its stock held,
and goes to Qikink only once confirmed, by the customer (the link in the email: `/confirm/<token>`,
a page with one button; a GET changes nothing) or by staff (`POST /api/orders/<id>/confirm`, a
phone call). Above COD_REVIEW_ABOVE the customer's click is not enough: staff confirm too.
Unconfirmed after COD_CONFIRM_HOURS, it is cancelled: stock back once, the customer told.

The token is `<order id>.<32 random characters>`: single-purpose (it confirms this order, nothing
else), unguessable (192 bits from `secrets`), compared in constant time, and useless once the
order is confirmed, cancelled or expired. It is kept in the order (the email is written from it)
and never appears in an answer.
"""

from __future__ import annotations

import hmac
import logging
import math
import secrets
import time
from collections.abc import Callable
from decimal import Decimal

from ..clock import iso_utc, timestamp_of
from ..customer_email.outbox import queue_email
from ..errors import NotAwaitingConfirmation, NotFound, TooSoon
from ..fulfilment.events import add_event, now_iso
from ..fulfilment.sync_state import SyncState
from ..storage import OrderFilter, every_order
from ..storage.interface import OrderStore
from . import lifecycle
from .lifecycle import OrderStatus

log = logging.getLogger(__name__)

TOKEN_BYTES = 24  # 32 URL-safe characters
# "Resend the email": enough for a customer whose first email went to spam or was deleted, too
# few to turn the shop into a mailer aimed at someone else's inbox (the email is the order's own).
RESEND_EVERY_SECONDS = 600
MAX_RESENDS = 3


def new_confirmation(now: float, hours: float, *, review: bool) -> dict:
    """What a new COD order keeps about its confirmation."""
    return {
        "token": secrets.token_urlsafe(TOKEN_BYTES),
        "expires_at": iso_utc(now + hours * 3600),
        "review": review,  # above COD_REVIEW_ABOVE: staff confirm too
        "customer_confirmed_at": None,
        "confirmed_at": None,
        "confirmed_by": None,  # "customer" or "admin"
    }


def link_token(order: dict) -> str | None:
    confirmation = order.get("cod_confirmation") or {}
    return f"{order['order_id']}.{confirmation['token']}" if confirmation.get("token") else None


def confirm_url(order: dict, shop_url: str) -> str | None:
    token = link_token(order)
    return f"{shop_url}/confirm/{token}" if token else None


def waiting_for(order: dict) -> str | None:
    """Whose confirmation the order waits for: "customer", "shop", or None (not waiting)."""
    if not lifecycle.awaits_confirmation(order):
        return None
    confirmation = order.get("cod_confirmation") or {}
    return "shop" if confirmation.get("customer_confirmed_at") else "customer"


def public_confirmation(order: dict) -> dict:
    """The order's confirmation as its customer and staff may read it (never the token)."""
    confirmation = order.get("cod_confirmation")
    if not confirmation:
        return {"confirmation": None}
    return {
        "confirmation": {
            "waiting_for": waiting_for(order),
            "expires_at": confirmation.get("expires_at"),
            "confirmed_at": confirmation.get("confirmed_at"),
            "confirmed_by": confirmation.get("confirmed_by"),
        }
    }


class CodConfirmations:
    """Confirming COD orders (by link or by staff) and cancelling the ones not confirmed in time."""

    def __init__(
        self,
        store: OrderStore,
        *,
        dispatcher,
        emails,
        hours: float,
        review_above: Decimal | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.store = store
        self.dispatcher = dispatcher
        self.emails = emails
        self.hours = hours
        self.review_above = review_above
        self.clock = clock

    def new(self, total: Decimal) -> dict:
        return new_confirmation(
            self.clock(), self.hours, review=self.review_above is not None and total > self.review_above
        )

    # --- the customer's link ---------------------------------------------------------------------
    def order_for(self, token: str) -> dict | None:
        """The order this link confirms, or None (unknown, malformed, or another order's token)."""
        order_id, dot, secret = (token or "").rpartition(".")
        if not dot or not order_id or len(secret) > 64 or len(order_id) > 64:
            return None
        order = self.store.get_order(order_id)
        stored = ((order or {}).get("cod_confirmation") or {}).get("token")
        if not stored or not hmac.compare_digest(stored.encode(), secret.encode()):
            return None
        return order

    def state(self, order: dict) -> str:
        """What the link's page says: "open" (the button), "waiting_for_shop", "confirmed",
        "expired" or "cancelled"."""
        confirmation = order.get("cod_confirmation") or {}
        if lifecycle.awaits_confirmation(order):
            if self._over(confirmation):
                return "expired"
            return "waiting_for_shop" if confirmation.get("customer_confirmed_at") else "open"
        if confirmation.get("confirmed_at"):
            return "confirmed"
        return "expired" if confirmation.get("expired") else "cancelled"

    def confirm_by_customer(self, token: str) -> tuple[dict, str] | None:
        """The customer's click: the order and its state after it; None for a link that is not one."""
        order = self.order_for(token)
        if order is None:
            return None
        order = self._confirm(order["order_id"], by="customer")
        return order, self.state(order)

    def resend(self, order_id: str) -> tuple[dict, bool]:
        """The customer asks for the confirmation email again (the caller checked the order's email):
        (order, queued). At most MAX_RESENDS, RESEND_EVERY_SECONDS apart (429 with Retry-After);
        an email still on its way is not sent twice (queued False). Only while the order waits for
        the customer's click (409 otherwise)."""
        now = self.clock()
        timestamp = now_iso(self.clock)
        outcome: dict = {"queued": False, "refused": None}

        def apply(order):
            confirmation = order.get("cod_confirmation") or {}
            if waiting_for(order) != "customer" or self._over(confirmation):
                outcome["refused"] = NotAwaitingConfirmation(
                    f"Order {order_id} is not waiting for the customer's confirmation: there is no link to resend"
                )
                return False
            email = next((e for e in order.get("emails") or [] if e.get("kind") == "confirm_cod"), None)
            resends = confirmation.get("resends", 0)
            last = confirmation.get("last_resent_at")
            wait = 0 if last is None else RESEND_EVERY_SECONDS - (now - timestamp_of(last))
            if resends >= MAX_RESENDS:
                # Retry-After (every 429 has one): when the link expires, after which none is sent.
                left = timestamp_of(confirmation["expires_at"]) - now if confirmation.get("expires_at") else 3600
                outcome["refused"] = TooSoon(
                    f"The confirmation email of {order_id} was sent {resends + 1} times already: "
                    "check the spam folder, or call the shop to confirm by phone",
                    retry_after=max(1, math.ceil(left)),
                )
                return False
            if wait > 0:
                outcome["refused"] = TooSoon(
                    f"The confirmation email of {order_id} was sent again a moment ago: "
                    f"wait {math.ceil(wait / 60)} minutes before asking again",
                    retry_after=math.ceil(wait),
                )
                return False
            if email is None or email.get("status") == "pending":
                return False  # on its way already
            email.update(status="pending", queued_at=timestamp, attempts=0, last_error=None)
            confirmation.update(resends=resends + 1, last_resent_at=timestamp)
            # The timeline shows it once (events are once each); the count is in cod_confirmation.
            add_event(
                order, "confirmation_resent", "Confirmation email sent again at the customer's request", timestamp
            )
            order["updated_at"] = timestamp
            outcome["queued"] = True
            return True

        order = self.store.update_order(order_id, apply)
        if order is None:
            raise NotFound(f"No order {order_id}")
        if outcome["refused"] is not None:
            raise outcome["refused"]
        if outcome["queued"]:
            log.info("Confirmation email of COD order %s queued again (customer's request)", order_id)
            self.emails.note(order)
        return order, outcome["queued"]

    # --- staff ---------------------------------------------------------------------------------------
    def confirm_by_admin(self, order_id: str) -> dict:
        """Staff confirmed it (by phone, or after reviewing it): it goes to Qikink. Confirming a
        confirmed order changes nothing; a cancelled or expired one is refused (409)."""
        order = self.store.get_order(order_id)
        if order is None:
            raise NotFound(f"No order {order_id}")
        confirmation = order.get("cod_confirmation") or {}
        if confirmation.get("confirmed_at"):
            return order
        if not lifecycle.awaits_confirmation(order) or self._over(confirmation):
            raise NotAwaitingConfirmation(
                f"Order {order_id} is {order['status']}: only an order awaiting confirmation can be confirmed"
            )
        return self._confirm(order_id, by="admin")

    def _over(self, confirmation: dict) -> bool:
        expires_at = confirmation.get("expires_at")
        if not expires_at:
            return False
        return self.clock() >= timestamp_of(expires_at)

    def _confirm(self, order_id: str, *, by: str) -> dict:
        timestamp = now_iso(self.clock)
        outcome = {"moved": False}

        def apply(order):
            confirmation = order.get("cod_confirmation") or {}
            if not lifecycle.awaits_confirmation(order) or self._over(confirmation):
                return False
            if by == "customer":
                if confirmation.get("customer_confirmed_at"):
                    return False
                confirmation["customer_confirmed_at"] = timestamp
                if confirmation.get("review"):
                    add_event(order, "customer_confirmed", "Confirmed by the customer; the shop reviews it", timestamp)
                    order["updated_at"] = timestamp
                    return True
            lifecycle.confirmed(order, sendable=isinstance(order["shipping_address"], dict))
            confirmation.update(confirmed_at=timestamp, confirmed_by=by)
            SyncState.of(order).due_now()
            words = "Confirmed by the customer" if by == "customer" else "Confirmed by the shop"
            add_event(order, "cod_confirmed", f"{words}: sent to our printing partner", timestamp)
            queue_email(order, "confirmation", timestamp)
            order["updated_at"] = timestamp
            outcome["moved"] = True
            return True

        order = self.store.update_order(order_id, apply)
        if outcome["moved"]:
            log.info("COD order %s confirmed by the %s: queued for Qikink", order_id, by)
            self.dispatcher.order_changed(order)
            self.emails.note(order)
        return order

    # --- expiry ------------------------------------------------------------------------------------
    def awaiting(self) -> list[dict]:
        return every_order(self.store, OrderFilter(status=OrderStatus.AWAITING_CONFIRMATION))

    def expire_due(self) -> int:
        """Cancel every COD order not confirmed in time (stock back once, the customer told)."""
        expired = 0
        for order in self.awaiting():
            if self._over(order.get("cod_confirmation") or {}):
                expired += self.expire(order["order_id"]) is not None
        return expired

    def expire(self, order_id: str) -> dict | None:
        """Cancel one unconfirmed order whose time is over; None when nothing changed."""
        timestamp = now_iso(self.clock)
        outcome = {"expired": False}

        def apply(order, tx):
            confirmation = order.get("cod_confirmation") or {}
            if not lifecycle.awaits_confirmation(order) or not self._over(confirmation):
                return False
            lifecycle.cancel_unsent(order)
            if not order.get("stock_returned"):
                for item in order["items"]:
                    tx.return_stock(item["sku"], item["quantity"])
                order["stock_returned"] = True
            confirmation["expired"] = True
            add_event(order, "confirmation_expired", "Not confirmed in time: cancelled", timestamp)
            queue_email(order, "cancelled", timestamp)
            order["updated_at"] = timestamp
            outcome["expired"] = True
            return True

        order = self.store.transact_order(order_id, apply)
        if order is None or not outcome["expired"]:
            return None
        log.info("COD order %s was not confirmed in time: cancelled", order_id)
        self.dispatcher.order_changed(order)
        self.emails.note(order)
        return order
