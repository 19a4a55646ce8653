"""What an order costs besides its items: shipping and the cash-on-delivery fee (settings)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..models import money_json

ZERO = Decimal("0")


@dataclass(frozen=True)
class ChargeSettings:
    """SHIPPING_FEE, FREE_SHIPPING_ABOVE and COD_FEE in rupees; the defaults charge nothing."""

    shipping_fee: Decimal = ZERO
    free_shipping_above: Decimal | None = None  # shipping is free when the items come to at least this
    cod_fee: Decimal = ZERO

    @classmethod
    def from_config(cls, config) -> ChargeSettings:
        return cls(config.shipping_fee, config.free_shipping_above, config.cod_fee)

    def for_order(self, subtotal: Decimal, payment_method: str) -> dict:
        """{"subtotal", "shipping", "cod_fee", "total"} as Decimals for items worth `subtotal`."""
        free = self.free_shipping_above is not None and subtotal >= self.free_shipping_above
        shipping = ZERO if free else self.shipping_fee
        cod_fee = self.cod_fee if payment_method == "cod" else ZERO
        return {"subtotal": subtotal, "shipping": shipping, "cod_fee": cod_fee, "total": subtotal + shipping + cod_fee}

    def public(self) -> dict:
        """The settings as the storefront shows them before "Place order"."""
        return {
            "currency": "INR",
            "shipping_fee": money_json(self.shipping_fee),
            "free_shipping_above": None if self.free_shipping_above is None else money_json(self.free_shipping_above),
            "cod_fee": money_json(self.cod_fee),
        }


def _rupees(amount: Decimal) -> str:
    return f"Rs {money_json(amount)}"


def banner_lines(config) -> list[str]:
    """What the start-up banner says about charges and invoices (ASCII: any console prints it)."""
    shipping = _rupees(config.shipping_fee) if config.shipping_fee else "none"
    if config.shipping_fee and config.free_shipping_above is not None:
        shipping += f" (free from {_rupees(config.free_shipping_above)} of items)"
    lines = [
        f"Charges: shipping {shipping}, cash on delivery fee {_rupees(config.cod_fee) if config.cod_fee else 'none'}"
    ]
    if config.seller_gstin:
        lines.append(
            f"GST invoices: on, for {config.seller_legal_name} (GSTIN {config.seller_gstin}, {config.seller_state})"
        )
    else:
        lines.append("GST invoices: off (set SHOP_LEGAL_NAME, SHOP_GSTIN, SHOP_ADDRESS and SHOP_STATE)")
    return lines


def stored_charges(order: dict) -> dict:
    """An order's subtotal, shipping, COD fee and total as JSON numbers; orders saved before
    charges existed had none, so their subtotal is their total."""
    total = order.get("total")
    return {
        "subtotal": order.get("subtotal", total),
        "shipping": order.get("shipping", 0),
        "cod_fee": order.get("cod_fee", 0),
        "total": total,
    }
