"""HTTP views, one blueprint per resource, and the little they share (body parsing, admin check)."""

from __future__ import annotations

import hmac
import ipaddress
from typing import TYPE_CHECKING

from flask import current_app, g, request

from ..errors import CrossSiteRequest, Unauthorized, UnsupportedMediaType, ValidationError
from ..models import BOOLEAN_WORDS, parse_json_body
from .cors import is_null_origin

if TYPE_CHECKING:  # the type only: app.py imports this package when it builds an app
    from ..app import Shop


def services() -> Shop:
    """The services `create_app` built for this app."""
    return current_app.extensions["shop"]


def json_body() -> dict:
    """The request's JSON object, or the right 400/413/415 error."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType()
    return parse_json_body(request.get_data(cache=True))


def is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address((address or "").split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def origin_allowed(origin: str) -> bool:
    """Is `origin` this server's own (as the browser reached it) or one of CORS_ORIGINS?"""
    if origin.casefold() == f"{request.scheme}://{request.host}".casefold():
        return True
    return any(
        pattern == "*"
        or (pattern.casefold() == origin.casefold() if isinstance(pattern, str) else pattern.fullmatch(origin))
        for pattern in services().cors_origins
    )


def refuse_other_websites() -> None:
    """403 for a request another website made this machine's browser send.

    Browsers add `Origin` to every cross-origin request (and to every POST), and
    `Sec-Fetch-Site`; curl and PowerShell send neither, so they are unaffected.
    """
    origin = request.headers.get("Origin")
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site" or (
        origin is not None and not origin_allowed(origin)
    ):
        raise CrossSiteRequest()


def is_admin() -> bool:
    """Admin key (constant-time compare) when one is set; else only the loopback address, and
    then not for requests from other websites (403 cross_site_request).

    Only the socket's address counts: X-Forwarded-For and Host are ignored on purpose. A `null`
    Origin (a file:// page, or a sandboxed frame of any website) is never admin.
    """
    if "is_admin" not in g:
        g.is_admin = _is_admin()  # once a request: a wrong key is counted and logged once
    return g.is_admin


def _is_admin() -> bool:
    if is_null_origin(request.headers.get("Origin")):
        return False
    key = services().config.admin_api_key
    if not key:
        if not is_loopback(request.remote_addr):
            return False
        refuse_other_websites()
        return True
    header = request.headers.get("Authorization", "")
    provided = header[7:].strip() if header[:7].lower() == "bearer " else request.headers.get("X-Admin-Key", "")
    if not provided:
        return False  # a customer's request: no key tried
    throttle = services().throttle
    throttle.admin_blocked()  # 429 for a client that guessed wrong too often, before comparing
    if hmac.compare_digest(provided.encode("utf-8", "replace"), key.encode("utf-8")):
        return True
    throttle.admin_failed()
    return False


def require_admin() -> None:
    if not is_admin():
        raise Unauthorized()


# The words a yes/no query parameter (?force=, ?retry_failed=) may take.


def bool_arg(name: str) -> bool:
    """A yes/no query parameter (False when absent); anything else is a 422, not a silent no."""
    raw = request.args.get(name)
    if raw is None:
        return False
    if raw.lower() not in BOOLEAN_WORDS:
        raise ValidationError.from_fields([{"field": name, "message": "must be true or false"}])
    return BOOLEAN_WORDS[raw.lower()]


def choice_arg(name: str, choices) -> str | None:
    """A query parameter that must be one of `choices` (None when absent)."""
    raw = request.args.get(name)
    if raw is not None and raw not in choices:
        raise ValidationError.from_fields([{"field": name, "message": f"must be one of {', '.join(choices)}"}])
    return raw


def int_arg(name: str, default: int, minimum: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    # isascii: str.isdigit() also accepts '²' and other digits int() refuses or reads unexpectedly;
    # the length cap keeps int() away from its 4,300-digit limit.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18) or not minimum <= int(raw) <= maximum:
        raise ValidationError.from_fields(
            [{"field": name, "message": f"must be an integer from {minimum} to {maximum}"}]
        )
    return int(raw)
