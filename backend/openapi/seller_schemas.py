"""The answer of GET /api/seller (its settings' names from backend/policies/details.py)."""

from __future__ import annotations

from ..policies.details import REQUIRED
from .fields import STRING_OR_NULL, SUCCESS, obj


def seller_schemas() -> dict:
    officer = obj(
        ("name", "email", "phone"), {"name": STRING_OR_NULL, "email": STRING_OR_NULL, "phone": STRING_OR_NULL}
    )
    data = obj(
        (
            "shop_name",
            "legal_name",
            "address",
            "state",
            "gstin",
            "email",
            "phone",
            "grievance_officer",
            "damage_report_days",
            "missing_settings",
        ),
        {
            "shop_name": {"type": "string"},
            "legal_name": STRING_OR_NULL,
            "address": STRING_OR_NULL,
            "state": STRING_OR_NULL,
            "gstin": STRING_OR_NULL,
            "email": STRING_OR_NULL,
            "phone": STRING_OR_NULL,
            "grievance_officer": officer,
            "damage_report_days": {
                "type": ["integer", "null"],
                "minimum": 1,
                "description": "Days after delivery to report a damaged or misprinted item (DAMAGE_REPORT_DAYS).",
            },
            "missing_settings": {
                "type": "array",
                "items": {"type": "string", "enum": [name for name, _, _ in REQUIRED]},
                "description": "The settings whose details are missing, for the shop's owner to set.",
            },
        },
    )
    return {"SellerAnswer": obj(("status", "data"), {"status": SUCCESS, "data": data})}
