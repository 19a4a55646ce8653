"""What a variant earns the shop on one sale: its price less the GST in it, Qikink's cost of the
piece, the shipping Qikink charges and the payment gateway's fee with the GST on that fee. Money in
Decimal rupees, each part rounded to the paisa. A loss or a margin below the setting is a warning,
never a refusal: a shop may sell a loss leader on purpose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..billing.gst import GstRules, paise, split_inclusive

GST_ON_SERVICES = Decimal("18")  # the gateway's fee is a service: 18 % GST on it
FALLBACK_GST_RATE = Decimal("5")  # apparel up to ₹2,500 a piece, when the catalogue has no rates
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class MarginSettings:
    """MARGIN_QIKINK_COST, MARGIN_SHIPPING_COST, MARGIN_GATEWAY_PERCENT, MARGIN_WARN_PERCENT."""

    qikink_cost: Decimal = Decimal("300")  # a printed T-shirt, when the variant names no qikink.cost
    shipping_cost: Decimal = Decimal("65")  # Qikink's prepaid shipping for one piece
    gateway_percent: Decimal = Decimal("2")  # Razorpay's standard rate
    warn_below_percent: Decimal = Decimal("10")

    @classmethod
    def from_config(cls, config) -> MarginSettings:
        return cls(
            config.margin_qikink_cost,
            config.margin_shipping_cost,
            config.margin_gateway_percent,
            config.margin_warn_percent,
        )


def variant_cost(product: dict) -> Decimal | None:
    """The variant's own `qikink.cost` (rupees), or None when it names none."""
    cost = (product.get("qikink") or {}).get("cost")
    if cost is None or isinstance(cost, bool):
        return None
    try:
        return paise(Decimal(str(cost)))
    except ArithmeticError:
        return None


def gst_rate(rules: GstRules | None, hsn: str | None, price: Decimal, on: date) -> Decimal:
    """The GST rate in a tax-inclusive price: the catalogue's rates, else FALLBACK_GST_RATE."""
    if rules is None or hsn not in rules.rates:
        return FALLBACK_GST_RATE
    try:
        return rules.rate(hsn, price, on)
    except ValueError:
        return FALLBACK_GST_RATE


def margin(price: Decimal, settings: MarginSettings, *, rate: Decimal, qikink_cost: Decimal | None = None) -> dict:
    """Every part of one sale at `price` (tax inclusive, GST `rate` %), the margin in rupees and in
    percent of the price, and `warning` (plain words) when it loses money or is thin."""
    price = paise(Decimal(price))
    _taxable, gst = split_inclusive(price, rate)
    cost = settings.qikink_cost if qikink_cost is None else qikink_cost
    fee = paise(price * settings.gateway_percent / HUNDRED)
    fee_gst = paise(fee * GST_ON_SERVICES / HUNDRED)
    left = price - gst - cost - settings.shipping_cost - fee - fee_gst
    percent = (left * HUNDRED / price).quantize(Decimal("0.1")) if price else Decimal("0")
    warning = None
    if left < 0:
        warning = f"Loses ₹{-left} on each sale"
    elif percent < settings.warn_below_percent:
        warning = f"Thin margin: {percent} % of the price (the shop warns below {settings.warn_below_percent} %)"
    return {
        "price": price,
        "gst": gst,
        "gst_rate": rate,
        "qikink_cost": cost,
        "qikink_cost_from": "settings" if qikink_cost is None else "variant",
        "shipping": settings.shipping_cost,
        "gateway_fee": fee,
        "gst_on_gateway_fee": fee_gst,
        "margin": left,
        "margin_percent": percent,
        "warning": warning,
    }
