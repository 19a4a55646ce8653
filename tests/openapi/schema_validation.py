"""Validating JSON against one schema of the served OpenAPI document, as Schemathesis does."""

from __future__ import annotations

import jsonschema_rs


def schema_validator(document, pointer: str):
    """A validator for the schema at `pointer` (e.g. /components/schemas/NewOrder), $refs resolved,
    formats checked: jsonschema-rs, the validator Schemathesis uses."""
    return jsonschema_rs.validator_for(
        {"$ref": f"#{pointer}", "components": document["components"]}, validate_formats=True
    )
