"""Pieces of the document's operations: admin security, error answers (from backend/errors.py),
success answers, request bodies and parameters (their schemas from schemas.py)."""

from __future__ import annotations

from http import HTTPStatus

from .error_schemas import error_codes
from .fields import ref
from .schemas import parameter_schemas

ADMIN: list[dict[str, list]] = [{"adminBearer": []}, {"adminKey": []}]
JSON = "application/json"


def error_response(status: int, codes=None) -> dict:
    """The error envelope for `status`, its `code` one of `codes` (default: every code errors.py
    answers `status` with). Asking for a code errors.py does not have fails the build."""
    known = error_codes()[status]
    codes = list(codes or known)
    unknown = set(codes) - set(known)
    if unknown:
        raise ValueError(f"errors.py has no {status} error with code {', '.join(sorted(unknown))}")
    schema = {"allOf": [ref("Error"), {"properties": {"error": {"properties": {"code": {"enum": codes}}}}}]}
    response = {
        "description": f"{HTTPStatus(status).phrase}: `{'`, `'.join(codes)}`",
        "content": {JSON: {"schema": schema}},
    }
    if status in (429, 503):  # always after a 429; after a 503 when storage is busy
        header = "RetryAfterRequired" if status == 429 else "RetryAfter"
        response["headers"] = {"Retry-After": {"$ref": f"#/components/headers/{header}"}}
    return response


def errors(*statuses, only: dict | None = None) -> dict:
    """Error answers by status, plus 500; `only={409: [codes]}` keeps some codes of a status."""
    answers = {str(status): {"$ref": f"#/components/responses/Error{status}"} for status in statuses}
    for status, codes in (only or {}).items():
        answers[str(status)] = error_response(status, codes)
    answers.setdefault("500", {"$ref": "#/components/responses/Error500"})
    return dict(sorted(answers.items()))


def ok(schema: str, description: str, example=None, status: str = "200", links=None) -> dict:
    media = {"schema": ref(schema)}
    if example is not None:
        media["example"] = example
    answer = {"description": description, "content": {JSON: media}}
    if links:
        answer["links"] = links
    return {status: answer}


def body(schema: str, named_examples: dict) -> dict:
    return {
        "required": True,
        "content": {
            JSON: {
                "schema": ref(schema),
                "examples": {
                    name: {"summary": summary, "value": value} for name, (summary, value) in named_examples.items()
                },
            }
        },
    }


def param(name: str, where: str, description: str, schema: str | None = None) -> dict:
    """A parameter whose schema is parameter_schemas()[schema or name]."""
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": parameter_schemas()[schema or name],
    }


def order_id_param() -> dict:
    """The `order_id` path parameter of the orders' and the fulfilment's paths."""
    return param("order_id", "path", "`BHRT-` and digits, as `POST /api/orders` answered it.")
