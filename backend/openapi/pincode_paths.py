"""GET /api/pincodes/{pincode}: India Post's directory, offline."""

from __future__ import annotations

from .fields import ref
from .operations import JSON, errors


def pincode_paths() -> dict:
    return {
        "/api/pincodes/{pincode}": {
            "parameters": [
                {"name": "pincode", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            "get": {
                "operationId": "getPincode",
                "tags": ["orders"],
                "summary": "The state and district of a PIN code (India Post's directory)",
                "description": "What the checkout fills in as a PIN code is typed. An order's PIN code must exist "
                "and lie in its state: POST /api/orders answers 400 `address_mismatch` otherwise. 404 for a "
                "PIN code India Post does not have.",
                "responses": {
                    "200": {
                        "description": "The PIN code's place.",
                        "content": {
                            JSON: {
                                "schema": ref("PincodeAnswer"),
                                "example": {
                                    "status": "success",
                                    "data": {
                                        "pincode": "400001",
                                        "state": "Maharashtra",
                                        "states": ["Maharashtra"],
                                        "district": "Mumbai",
                                    },
                                },
                            }
                        },
                    },
                    **errors(404),
                },
            },
        }
    }
