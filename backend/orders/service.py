"""The order service: place, look up, list and edit orders; prices, stock and idempotency."""

from __future__ import annotations

import ipaddress
import logging
import time
from decimal import Decimal

from .. import india_post
from ..billing.charges import ChargeSettings
from ..clock import timestamp_of
from ..customer_email.outbox import NoEmails
from ..errors import (
    AddressNotInDirectory,
    IdempotencyConflict,
    NotFound,
    OrderNotEditable,
    PaidOutsideForbidden,
    TooManyOpenOrders,
    ValidationError,
)
from ..fulfilment.events import now_iso
from ..fulfilment.sync_state import SyncState
from ..models import (
    IDEMPOTENCY_KEY_RE,
    ORDER_PATCH_FIELDS,
    Problems,
    fingerprint,
    money_json,
    same_email,
    validate_address,
    validate_email,
    validate_items,
    validate_payment_method,
)
from ..payments.records import payment_status as stored_payment_status
from ..storage import OrderFilter, every_order
from ..storage.interface import OrderStore
from . import lifecycle
from .answers import PlaceOutcome, created_answer
from .cancel import CANCEL_WAIT_SECONDS, OrderCancellation
from .dispatch import Dispatcher, SendsNothing
from .placing import order_builder
from .replacement import OrderReplacements

log = logging.getLogger(__name__)

REPLAY_WAIT_SECONDS = 10.0
# Listing orders: pages from 1, and how many orders a page holds.
PAGE_RANGE = (1, 1_000_000)
PER_PAGE_RANGE = (1, 200)
PER_PAGE_DEFAULT = 50
# Orders one email may have holding stock without money or confirmation (awaiting payment or
# confirmation): enough for a customer who retries, too few to empty the stock with fake orders.
MAX_OPEN_ORDERS_PER_EMAIL = 3
# ...and one client address (the real client's, behind a proxy in TRUSTED_PROXIES). Higher than
# per email: many Indian mobile customers share one address (carrier-grade NAT). Loopback is not
# counted: it is this machine, or every client behind a proxy not yet in TRUSTED_PROXIES.
MAX_OPEN_ORDERS_PER_CLIENT = 10


class OrderService:
    """Business rules for orders, on top of an OrderStore; orders are handed on to fulfilment
    through the dispatcher (`Fulfilment` when Qikink is on, one that sends nothing when off)."""

    def __init__(
        self,
        store: OrderStore,
        *,
        dispatcher: Dispatcher | None = None,
        emails=None,
        charges: ChargeSettings | None = None,
        clock=time.time,
        sleep=time.sleep,
        cancel_wait: float = CANCEL_WAIT_SECONDS,
        invoicing: bool = False,
        payments=None,
        confirmations=None,
        cod_max_order_value: Decimal | None = None,
        open_orders_per_client: int | None = MAX_OPEN_ORDERS_PER_CLIENT,
    ):
        self.store = store
        # CodConfirmations (COD_CONFIRMATION=email): a COD order waits for the customer's click.
        # None (off): a COD order is sent at once.
        self.confirmations = confirmations
        self.cod_max_order_value = cod_max_order_value
        self.open_orders_per_client = open_orders_per_client  # None: not limited (RATELIMIT_ENABLED=false)
        # PaymentService (Razorpay or its emulator): a prepaid order is paid before it is sent.
        # None (PAYMENTS_ENV=off): prepaid counts as paid outside the shop and is sent at once.
        self.payments = payments
        self.charges = charges or ChargeSettings()
        self.dispatcher = dispatcher or SendsNothing()
        self.emails = emails or NoEmails()  # told of each order written with an email to send
        self.clock = clock
        self.sleep = sleep
        self.invoicing = invoicing  # the shop issues GST invoices: answers link an order's invoice
        self.cancellation = OrderCancellation(
            store,
            dispatcher=self.dispatcher,
            emails=self.emails,
            clock=clock,
            sleep=sleep,
            wait=cancel_wait,
            payments=payments,
        )

    # --- placing ----------------------------------------------------------------------------
    def place_order(
        self, body: dict, idempotency_key: str | None = None, *, admin: bool = False, client: str | None = None
    ) -> PlaceOutcome:
        """Place an order and hand it to fulfilment; with a key used before, the first answer.

        The claim to send the order is saved with it, so the push right after needs no second
        write. The answer for a key is kept once the push is over: a replay waits briefly for
        it (see `stored_response`), so both requests answer alike."""
        claim = self.dispatcher.new_claim()
        order, created = self.place(body, idempotency_key, sync_claim=claim, admin=admin, client=client)
        if not created:
            stored = self.stored_response(order)
            if stored is None:  # the first request died before answering: answer from the order
                latest = self.store.get_order(order["order_id"]) or order
                stored = {"status": 201, "body": self.created_answer(self._opened(latest))}
            return PlaceOutcome(order, False, stored["status"], stored["body"])
        self.emails.note(order)  # the order is durable: its confirmation may go
        order = self._opened(order)
        order = self.dispatcher.push_new(order, claim)
        answer = self.created_answer(order)
        if idempotency_key is not None:
            self.keep_response(order["order_id"], 201, answer)
        return PlaceOutcome(order, True, 201, answer)

    def _opened(self, order: dict) -> dict:
        """A prepaid order awaiting payment gets its Razorpay order (kept when Razorpay is down)."""
        if self.payments is not None and lifecycle.awaits_payment(order):
            return self.payments.open(order)
        return order

    def created_answer(self, order: dict) -> dict:
        checkout = self.payments.checkout(order) if self.payments is not None else None
        return created_answer(order, invoicing=self.invoicing, checkout=checkout)

    def validate_new(self, body: dict, *, admin: bool = False) -> dict:
        """Check a POST /api/orders body against every rule; the normalised request or a 422."""
        paid_outside = body.get("paid_outside", False)
        if "paid_outside" in body and not admin:
            raise PaidOutsideForbidden()
        problems = Problems()
        if not isinstance(paid_outside, bool):
            problems.add("paid_outside", "must be true or false")
        request = {
            "customer_email": validate_email(problems, "customer_email", body.get("customer_email")),
            "shipping_address": validate_address(problems, body.get("shipping_address")),
            "payment_method": validate_payment_method(problems, body.get("payment_method")),
            "lines": validate_items(problems, body.get("items"), self.store.catalogue_snapshot().on_sale()),
        }
        problems.raise_if_any()
        check_directory(request["shipping_address"])
        if paid_outside and request["payment_method"] != "prepaid":
            problems.add("paid_outside", "is for prepaid orders (cash on delivery is paid to the courier)")
            problems.raise_if_any()
        # How a prepaid order is paid: online first (Razorpay), or already (staff, or payments off).
        online = request["payment_method"] == "prepaid" and self.payments is not None and not paid_outside
        request["paid"] = request["payment_method"] == "prepaid" and not online
        request["online"] = online
        request["confirm"] = request["payment_method"] == "cod" and self.confirmations is not None
        return request

    def _check_open_orders(self, request: dict) -> None:
        """An order that holds stock without money or confirmation is refused when its email
        already has MAX_OPEN_ORDERS_PER_EMAIL such orders."""
        if not (request["online"] or request["confirm"]):
            return
        email = request["customer_email"]
        open_orders = sum(
            self.store.list_orders(OrderFilter(status=status, email=email), page=1, per_page=1)[1]
            for status in (lifecycle.OrderStatus.AWAITING_PAYMENT, lifecycle.OrderStatus.AWAITING_CONFIRMATION)
        )
        if open_orders >= MAX_OPEN_ORDERS_PER_EMAIL:
            raise TooManyOpenOrders(
                f"{email} already has {open_orders} orders waiting for their payment or confirmation: "
                "complete or cancel one of them first (the emails we sent have the links)"
            )
        client = request.get("client")
        if client is None or self.open_orders_per_client is None or _is_loopback(client):
            return
        # Orders awaiting payment or confirmation are few (they expire within hours): read them all.
        from_client = sum(
            1
            for status in (lifecycle.OrderStatus.AWAITING_PAYMENT, lifecycle.OrderStatus.AWAITING_CONFIRMATION)
            for order in every_order(self.store, OrderFilter(status=status))
            if order.get("placed_from") == client
        )
        if from_client >= self.open_orders_per_client:
            raise TooManyOpenOrders(
                f"{from_client} orders from this network are waiting for their payment or confirmation: "
                "complete or cancel one of them first, or pay online (the emails we sent have the links)"
            )

    def _builder(self, request: dict):
        return order_builder(self, request)

    def place(
        self,
        body: dict,
        idempotency_key: str | None = None,
        *,
        sync_claim: dict | None = None,
        admin: bool = False,
        client: str | None = None,
    ):
        """Validate and save a new order, without handing it on. Returns `(order, created)`;
        `created` False is a replay. `sync_claim` (a dispatcher's new_claim) is saved with a
        sendable order."""
        self._check_key(idempotency_key)
        request = self.validate_new(body, admin=admin)
        request["client"] = None if admin else client  # staff's orders (a phone order) are not counted
        if idempotency_key is None or self.store.find_by_idempotency_key(idempotency_key) is None:
            self._check_open_orders(request)  # a replay answers its order, however many are open
        request["sync_claim"] = sync_claim
        if idempotency_key is not None:
            request["idempotency"] = {"fingerprint": fingerprint(body), "response": None}
        order, created = self.store.create_order(self._builder(request), idempotency_key=idempotency_key)
        if not created:
            stored = order.get("idempotency") or {}
            if stored.get("fingerprint") != request["idempotency"]["fingerprint"]:
                # Names no order: the key may be another customer's (a guessed or shared key).
                raise IdempotencyConflict(
                    details=[{"field": "Idempotency-Key", "message": "used before with another body"}]
                )
        return order, created

    def replace(self, order_id: str, body: dict, idempotency_key: str | None = None) -> PlaceOutcome:
        """Staff: a replacement of `order_id` at the shop's cost (see replacement.py)."""
        self._check_key(idempotency_key)
        return OrderReplacements(self).replace(order_id, body, idempotency_key)

    @staticmethod
    def _check_key(idempotency_key: str | None) -> None:
        if idempotency_key is not None and not IDEMPOTENCY_KEY_RE.fullmatch(idempotency_key):
            raise ValidationError.from_fields(
                [{"field": "Idempotency-Key", "message": "must be 1 to 255 visible ASCII characters"}]
            )

    def stored_response(self, order: dict) -> dict | None:
        """The first complete answer kept for an idempotent request, waiting briefly while the
        request that created the order is still finishing it."""
        # Counted from the order's creation: when its request died with its process, the answer
        # never comes, and a client's retry must not wait for it.
        created = timestamp_of(order["created_at"])
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
        if not admin and not same_email(email, order["customer_email"]):
            raise NotFound(f"No order {order_id}")
        return order

    def list(self, *, status=None, qikink_status=None, email=None, payment_status=None, page=1, per_page=50):
        filtered = any(v is not None for v in (status, qikink_status, email))
        matches = OrderFilter(status=status, qikink_status=qikink_status, email=email) if filtered else None
        if payment_status is not None:
            # Not in the stores' indexes: each order is read and tested (staff's occasional filter).
            matches = _WithPaymentStatus(matches, payment_status)
        return self.store.list_orders(matches, page=page, per_page=per_page)

    def count_by_qikink_status(self, *, status=None, email=None) -> dict:
        """{qikink_status: number of orders} over the orders matching `status` and `email`,
        answered by the store (its index, or SQL)."""
        counts = dict.fromkeys(lifecycle.QIKINK_STATUSES, 0)
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
        if "shipping_address" in changes:
            check_directory(changes["shipping_address"])

        def apply(order):
            if not lifecycle.may_edit(order):
                raise OrderNotEditable(f"Order {order_id} is {order['qikink_status']} and can no longer be edited")
            sync = SyncState.of(order)
            if sync.is_claimed(self.clock()):
                raise OrderNotEditable(f"Order {order_id} is being sent to Qikink right now; try again in a minute")
            order.update(changes)
            if "payment_method" in changes and "subtotal" in order:
                # Cash on delivery adds today's fee, prepaid drops it; shipping stays as charged.
                cod_fee = self.charges.cod_fee if order["payment_method"] == "cod" else Decimal("0")
                order["cod_fee"] = money_json(cod_fee)
                order["total"] = money_json(Decimal(str(order["subtotal"])) + Decimal(str(order["shipping"])) + cod_fee)
            timestamp = now_iso(self.clock)
            order["updated_at"] = timestamp
            if isinstance(order["shipping_address"], dict):
                lifecycle.requeue(order)
                order["qikink_message"] = None
                # Send it soon, but keep `lookup_first`: an earlier attempt may have reached Qikink.
                sync.reset_retries()
            return True

        order = self.store.update_order(order_id, apply)
        self.dispatcher.order_changed(order)
        return order

    # --- cancelling ------------------------------------------------------------------------------
    def cancel(self, order_id: str, *, email: str | None = None, admin: bool = False) -> dict:
        """Cancel an order (see OrderCancellation.cancel); 404 unless an admin or the order's email."""
        self.get(order_id, email=email, admin=admin)
        return self.cancellation.cancel(order_id, admin=admin)


def check_directory(address) -> None:
    """A structured address must agree with India Post's directory (400, the field and the state
    the PIN code is in); a one-line address is the guide's, kept as written."""
    if isinstance(address, dict):
        found = india_post.problems(address)
        if found:
            raise AddressNotInDirectory(found[0]["message"], details=found)


class _WithPaymentStatus:
    """An order filter plus its payment status (orders from before payments count as records says)."""

    def __init__(self, base: OrderFilter | None, payment_status: str):
        self.base = base
        self.payment_status = payment_status

    def __call__(self, order: dict) -> bool:
        return (self.base is None or self.base(order)) and stored_payment_status(order) == self.payment_status


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
