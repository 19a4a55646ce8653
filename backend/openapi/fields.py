"""Building blocks of the document's JSON Schemas: $refs, nullable and trimmed text, the phone and
country patterns as backend/models.py checks them, response objects, and the small schemas (money,
counts, nullable strings and times) that many responses share."""

from __future__ import annotations

import re

from ..models import CONTROL_CHARS, COUNTRY_NAMES, MOBILE_FIRST_DIGITS, MOBILE_LENGTH, PHONE_MARKS, PHONE_PREFIXES

# Shared by several schemas; never changed in place (extend them with {**MONEY, ...}).
STRING_OR_NULL = {"type": ["string", "null"]}
TIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
MONEY = {"type": "number", "minimum": 0}
SUCCESS = {"type": "string", "const": "success"}
SECONDS_OR_NULL = {"type": ["number", "null"], "minimum": 0}
COUNT = {"type": "integer", "minimum": 0}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def core(pattern: re.Pattern) -> str:
    """A validation regex without its ^...$ anchors."""
    return pattern.pattern.removeprefix("^").removesuffix("$")


def trimmed(core: str) -> str:
    """The server trims surrounding white space before it checks a value."""
    return rf"^\s*(?:{core})\s*$"


def number(value) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def text(max_len: int, *, required: bool = True, multiline: bool = False, **extra) -> dict:
    """A text field as `models._text` checks it: trimmed, not blank when required, at most
    `max_len` characters, no control characters (a plain-string address may hold line breaks)."""
    allowed = f"(?:[^{CONTROL_CHARS}]|\\n)" if multiline else f"[^{CONTROL_CHARS}]"
    visible = f"[^\\s{CONTROL_CHARS}]"
    core = f"{allowed}*{visible}{allowed}*" if required else f"{allowed}*"
    schema = {"type": "string", "maxLength": max_len, "pattern": trimmed(core)}
    if required:
        schema["minLength"] = 1
    return {**schema, **extra}


def phone_pattern() -> str:
    """A PHONE_PREFIXES prefix (optional) and a mobile number, with white space (not control
    characters) and PHONE_MARKS allowed anywhere: what `normalise_phone` accepts."""
    sep = f"(?:[^\\S{CONTROL_CHARS}]|[{re.escape(PHONE_MARKS)}])"
    prefixes = "|".join(f"{sep}*".join(re.escape(c) for c in prefix) for prefix in PHONE_PREFIXES)
    number = f"[{MOBILE_FIRST_DIGITS}](?:{sep}*[0-9]){{{MOBILE_LENGTH - 1}}}"
    return trimmed(f"{sep}*(?:(?:{prefixes}){sep}*)?{number}{sep}*")


def country_pattern() -> str:
    """COUNTRY_NAMES in any case."""
    names = "|".join("".join(f"[{c.upper()}{c.lower()}]" for c in name) for name in COUNTRY_NAMES)
    return trimmed(names)


def obj(required, properties: dict, **extra) -> dict:
    """A response object; more keys may come (newer servers add them), so they are allowed."""
    return {"type": "object", "required": list(required), "properties": properties, **extra}
