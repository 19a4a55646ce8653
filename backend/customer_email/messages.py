"""What each customer email says, as plain text and simple HTML (customer text always escaped)."""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import parseaddr
from urllib.parse import quote, urlencode

SHOP_NAME = "Bharat Heritage Prints"
IST = timezone(timedelta(hours=5, minutes=30))
KINDS = ("confirm_cod", "confirmation", "replacement", "shipped", "cancelled", "refunded")
# Why a replacement is sent, as its email says it (replacement.py's reasons).
REPLACEMENT_WORDS = {
    "exchange_size": "in the size you asked for",
    "reship": "because your first parcel came back to us",
}


def _rupees(amount) -> str:
    return f"₹{float(amount):,.2f}".replace(".00", "")


def _address_lines(address) -> list[str]:
    if isinstance(address, str):
        return [address]
    return [
        line
        for line in (
            address.get("name"),
            address.get("line1"),
            address.get("line2"),
            f"{address.get('city')}, {address.get('state')} {address.get('pincode')}",
        )
        if line
    ]


def _item_lines(order: dict) -> list[str]:
    return [
        f"{item['quantity']} × {item['name']} ({item['sku']}): {_rupees(item['line_total'])}" for item in order["items"]
    ]


def _total_facts(order: dict) -> list[tuple[str, str]]:
    """The total, explained: items, shipping and the COD fee when the order has them."""
    facts = []
    shipping, cod_fee = order.get("shipping") or 0, order.get("cod_fee") or 0
    if shipping or cod_fee:
        facts.append(("Items", _rupees(order.get("subtotal", order["total"]))))
        if shipping:
            facts.append(("Shipping", _rupees(shipping)))
        if cod_fee:
            facts.append(("Cash on delivery fee", _rupees(cod_fee)))
    facts.append(("Total", f"{_rupees(order['total'])} (inclusive of all taxes)"))
    return facts


def _tracking_link(order: dict, shop_url: str) -> tuple[str, str]:
    return ("Follow your order", f"{shop_url}/track.html?order={quote(order['order_id'])}")


def _invoice_link(order: dict, shop_url: str) -> tuple[str, str] | None:
    """The tax invoice, once issued (at the supply): the customer's own email opens it."""
    if not order.get("invoice"):
        return None
    query = urlencode({"email": order["customer_email"]})
    return ("Your tax invoice", f"{shop_url}/api/orders/{quote(order['order_id'])}/invoice?{query}")


def _content(order: dict, kind: str, shop_url: str) -> tuple[str, list[str], list[tuple[str, str]], tuple]:
    """(subject, paragraphs, facts as (term, value), links as (words, address) or None) of one email."""
    order_id = order["order_id"]
    if kind == "confirm_cod":
        confirmation = order.get("cod_confirmation") or {}
        token = confirmation.get("token")
        return (
            f"Please confirm your cash-on-delivery order {order_id}",
            [
                "Thank you for your order. Because you pay the courier in cash on delivery, we print it only "
                'once you confirm it: open the link below and press "Confirm order".',
                f"If it is not confirmed by {local_time(confirmation.get('expires_at'))}, it is cancelled and "
                "nothing is charged. If you did not place this order, ignore this email.",
            ],
            [
                ("Order", order_id),
                *(("Item", line) for line in _item_lines(order)),
                *_total_facts(order),
                ("Payment", "Cash on delivery (pay the courier)"),
                ("Delivering to", ", ".join(_address_lines(order["shipping_address"]))),
            ],
            (("Confirm your order", f"{shop_url}/confirm/{order_id}.{token}") if token else None,),
        )
    if kind == "confirmation":
        return (
            f"Your order {order_id} is confirmed",
            [
                "Thank you for your order. We print each T-shirt for you; our printing partner Qikink ships it "
                "within India, and we will email you the tracking details when it is on its way."
            ],
            [
                ("Order", order_id),
                *(("Item", line) for line in _item_lines(order)),
                *_total_facts(order),
                ("Payment", _payment_words(order)),
                ("Delivering to", ", ".join(_address_lines(order["shipping_address"]))),
            ],
            (_tracking_link(order, shop_url), _invoice_link(order, shop_url)),
        )
    if kind == "replacement":
        because = REPLACEMENT_WORDS[order["replacement_reason"]]
        return (
            f"A replacement for your order {order['replacement_of']} is on its way",
            [
                f"We are printing a new T-shirt for you {because}. It costs you nothing; there is nothing to pay "
                "the courier. We will email you the tracking details when it ships.",
            ],
            [
                ("Replacement order", order_id),
                ("Replaces order", order["replacement_of"]),
                *(("Item", f"{item['quantity']} × {item['name']} ({item['sku']})") for item in order["items"]),
                ("Cost to you", "Nothing"),
                ("Delivering to", ", ".join(_address_lines(order["shipping_address"]))),
            ],
            (_tracking_link(order, shop_url),),
        )
    if kind == "shipped":
        return (
            f"Your order {order_id} has shipped",
            ["Good news: your order is on its way."],
            [
                ("Order", order_id),
                ("Courier", order.get("courier") or "Our courier partner"),
                ("AWB number", order.get("tracking_id") or "to follow"),
                *(("Item", line) for line in _item_lines(order)),
            ],
            (
                ("Track your parcel", order["tracking_url"]) if order.get("tracking_url") else None,
                _tracking_link(order, shop_url),
                _invoice_link(order, shop_url),
            ),
        )
    if kind == "cancelled":
        unconfirmed = (order.get("cod_confirmation") or {}).get("expired")
        return (
            f"Your order {order_id} is cancelled",
            [
                "Your cash-on-delivery order was not confirmed in time, so it has been cancelled and will not "
                "be printed or shipped. You are welcome to order again."
                if unconfirmed
                else "Your order has been cancelled and will not be printed or shipped. If you paid for it, the "
                "amount is refunded to you."
            ],
            [("Order", order_id), *(("Item", line) for line in _item_lines(order))],
            (),
        )
    if kind == "refunded":
        refunds = order.get("refunds") or []
        amount = sum(r["amount"] for r in refunds if r.get("status") == "processed") / 100
        return (
            f"Your payment for order {order_id} is refunded",
            [
                f"We have refunded {_rupees(amount)} to the account you paid from. Banks usually show it "
                "within 5 to 7 working days."
            ],
            [("Order", order_id), ("Refunded", _rupees(amount))],
            (),
        )
    raise ValueError(f"no email of kind {kind!r}")


def local_time(iso: str | None) -> str:
    """An expiry as Indian customers read it: 4 December 2026, 11:30 pm IST."""
    if not iso:
        return "the deadline"
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(IST)
    hour = moment.strftime("%I").lstrip("0")
    return f"{moment.day} {moment:%B %Y}, {hour}:{moment:%M} {moment.strftime('%p').lower()} IST"


def _payment_words(order: dict) -> str:
    if order.get("payment_method") == "cod":
        return "Cash on delivery"
    payment = order.get("payment") or {}
    if payment.get("provider") == "razorpay" and payment.get("razorpay_payment_id"):
        return f"Paid online (payment {payment['razorpay_payment_id']}), thank you"
    return "Prepaid"


@dataclass(frozen=True)
class Draft:
    """One email's words and addresses, before any MIME is built. The log shows its text; SMTP
    turns it into a message with an HTML part too (`message()`), which costs far more."""

    subject: str
    mail_from: str
    to: str
    message_id: str
    greeting: str
    paragraphs: tuple[str, ...]
    facts: tuple[tuple[str, object], ...]
    links: tuple[tuple[str, str], ...]  # (words, address) each

    @property
    def text(self) -> str:
        lines = [f"Hello {self.greeting},", "", *self.paragraphs, ""]
        lines += [f"{term}: {value}" for term, value in self.facts]
        if self.links:
            lines += ["", *(f"{words}: {address}" for words, address in self.links)]
        return "\n".join([*lines, "", SHOP_NAME]) + "\n"

    @property
    def html(self) -> str:
        esc = html.escape
        rows = "".join(
            f'<tr><th align="left">{esc(term)}</th><td>{esc(str(value))}</td></tr>' for term, value in self.facts
        )
        link = "".join(f'<p><a href="{esc(address, quote=True)}">{esc(words)}</a></p>' for words, address in self.links)
        return (
            f'<!doctype html><html><body style="font-family:sans-serif"><p>Hello {esc(self.greeting)},</p>'
            + "".join(f"<p>{esc(p)}</p>" for p in self.paragraphs)
            + f'<table cellpadding="4">{rows}</table>{link}<p>{esc(SHOP_NAME)}</p></body></html>'
        )

    def message(self) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = self.subject
        message["From"] = self.mail_from
        message["To"] = self.to
        message["Message-ID"] = self.message_id
        message.set_content(self.text)
        message.add_alternative(self.html, subtype="html")
        return message


@functools.lru_cache(maxsize=16)
def _domain_of(mail_from: str) -> str:
    return parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"


def draft(order: dict, kind: str, *, mail_from: str, shop_url: str = "http://localhost:5000") -> Draft:
    """The email of `kind` for `order` (links to the shop at `shop_url`, PUBLIC_URL). Its Message-ID
    is the same every time it is written, so a copy sent again after a crash can be recognised as
    the same message."""
    subject, paragraphs, facts, links = _content(order, kind, shop_url)
    return Draft(
        subject=subject,
        mail_from=mail_from,
        to=order["customer_email"],
        message_id=f"<{order['order_id']}.{kind}@{_domain_of(mail_from)}>",
        greeting=_greeting(order),
        paragraphs=tuple(paragraphs),
        facts=tuple(facts),
        links=tuple(link for link in links if link),
    )


def compose(order: dict, kind: str, *, mail_from: str, shop_url: str = "http://localhost:5000") -> EmailMessage:
    """The email of `kind` for `order` as a MIME message (text and HTML alternatives)."""
    return draft(order, kind, mail_from=mail_from, shop_url=shop_url).message()


def _greeting(order: dict) -> str:
    address = order.get("shipping_address")
    name = address.get("name") if isinstance(address, dict) else None
    return name or order["customer_email"].partition("@")[0]
