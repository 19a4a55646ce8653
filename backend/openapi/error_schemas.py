"""The error envelope's JSON Schema and the error codes by HTTP status, read from backend/errors.py
so the document lists exactly the errors the server answers with."""

from __future__ import annotations

from .. import errors
from .fields import obj


def error_codes() -> dict[int, list[str]]:
    """HTTP status → the error codes errors.py answers it with."""
    codes: dict[int, list[str]] = {}
    pending = [errors.ApiError]
    while pending:
        cls = pending.pop(0)
        pending.extend(cls.__subclasses__())
        if cls.code not in codes.setdefault(cls.status, []):
            codes[cls.status].append(cls.code)
    return codes


def error_schemas() -> dict:
    """The error envelope every error answer uses."""
    return {
        "Error": obj(
            ("status", "error"),
            {
                "status": {"type": "string", "const": "error"},
                "error": obj(
                    ("code", "message"),
                    {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "request_id": {
                            "type": "string",
                            "description": "The request's id (X-Request-ID): quote it when asking for help.",
                        },
                        "details": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "description": "One broken rule: the field and what is wrong (409 answers "
                                "add sku, current_price, requested, available, order_id).",
                                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                            },
                        },
                    },
                ),
            },
        ),
    }
