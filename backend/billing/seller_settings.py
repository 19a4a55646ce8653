"""The seller's settings (SHOP_LEGAL_NAME, SHOP_GSTIN, SHOP_ADDRESS, SHOP_STATE), checked when the
settings are read: all four or none (ValueError otherwise; the settings make it a ConfigError)."""

from __future__ import annotations

from ..models import state_name
from .gst import gstin_problem


def seller_settings(get) -> dict:
    """SHOP_LEGAL_NAME, SHOP_GSTIN, SHOP_ADDRESS, SHOP_STATE: all four or none (no invoices then)."""
    names = ("SHOP_LEGAL_NAME", "SHOP_GSTIN", "SHOP_ADDRESS", "SHOP_STATE")
    values = {name: get(name) for name in names}
    if not any(values.values()):
        return {}
    missing = [name for name in names if not values[name]]
    if missing:
        raise ValueError(
            f"{', '.join(missing)} must be set too: GST invoices need the shop's legal name, "
            f"GSTIN, address and state (or leave all four empty for no invoices)"
        )
    state = state_name(values["SHOP_STATE"])
    if state is None:
        raise ValueError(
            f"SHOP_STATE must be an Indian state or union territory, by name or two-letter code, "
            f"not {values['SHOP_STATE']!r}"
        )
    gstin = values["SHOP_GSTIN"].upper()
    problem = gstin_problem(gstin, state)
    if problem:
        raise ValueError(f"SHOP_GSTIN {problem}")
    return {
        "seller_legal_name": values["SHOP_LEGAL_NAME"],
        "seller_gstin": gstin,
        "seller_address": values["SHOP_ADDRESS"],
        "seller_state": state,
    }
