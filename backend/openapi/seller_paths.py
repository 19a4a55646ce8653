"""GET /api/seller: the seller's public details, as the policy pages (/contact, /terms…) show them."""

from __future__ import annotations

from .fields import ref
from .operations import JSON, errors

EXAMPLE = {
    "status": "success",
    "data": {
        "shop_name": "Bharat Heritage Prints",
        "legal_name": "Bharat Heritage Prints Private Limited",
        "address": "4th Floor, 21 Linking Road, Bandra West, Mumbai 400050",
        "state": "Maharashtra",
        "gstin": "27AAPFU0939F1ZV",
        "email": "help@bharatheritage.in",
        "phone": "+91 98765 43210",
        "grievance_officer": {"name": "Asha Verma", "email": "grievance@bharatheritage.in", "phone": "+91 98765 43211"},
        "damage_report_days": None,
        "missing_settings": ["DAMAGE_REPORT_DAYS"],
    },
}


def seller_paths() -> dict:
    return {
        "/api/seller": {
            "get": {
                "operationId": "getSeller",
                "tags": ["shop"],
                "summary": "The seller's details: legal name, address, GSTIN, contacts, grievance officer",
                "description": "What India's Consumer Protection (E-Commerce) Rules, 2020 ask a seller to show, "
                "from the shop's settings. A detail not set is null and its setting is listed in "
                "`missing_settings` (the policy pages show a placeholder for it; the console warns).",
                "responses": {
                    "200": {
                        "description": "The seller's details.",
                        "content": {JSON: {"schema": ref("SellerAnswer"), "example": EXAMPLE}},
                    },
                    **errors(),
                },
            }
        }
    }
