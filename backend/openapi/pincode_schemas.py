"""The answer of GET /api/pincodes/{pincode}."""

from __future__ import annotations

from ..models import PINCODE_RE
from .fields import obj

SUCCESS = {"type": "string", "const": "success"}


def pincode_schemas() -> dict:
    return {"PincodeAnswer": _answer()}


def _answer() -> dict:
    return obj(
        ("status", "data"),
        {
            "status": SUCCESS,
            "data": obj(
                ("pincode", "state", "states", "district"),
                {
                    "pincode": {"type": "string", "pattern": PINCODE_RE.pattern},
                    "state": {
                        "type": ["string", "null"],
                        "description": "The state to fill in; null when the PIN code lies in two (pick from "
                        "`states`) or the directory names none.",
                    },
                    "states": {"type": "array", "items": {"type": "string"}},
                    "district": {
                        "type": ["string", "null"],
                        "description": "The district most of its post offices name: the city to suggest.",
                    },
                },
            ),
        },
    )
