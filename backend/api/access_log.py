"""Every request gets an id (the caller's X-Request-ID when it is sane, else a new one), echoed in
the answer's X-Request-ID and in error bodies (`error.request_id`); and, with ACCESS_LOG (on by
default in production), one log line per request on the `backend.access` logger:

    203.0.113.7 GET /api/orders/BHRT-4817302956?email=… 200 3.1ms id=4f2a…

Query values that can hold personal data or secrets (email, token, key), and any query value or
path segment with an `@` in it (an email under another name, or typed into the path), are
replaced by `…`; a path that carries a secret (the COD confirmation link) is logged as its route
pattern. The fields
are also passed as `extra` (client, method, path, status, duration_ms, request_id), for a JSON
log format to use.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from urllib.parse import parse_qsl, quote

from flask import Flask, g, request

log = logging.getLogger("backend.access")

REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
HIDDEN_PARAMS = frozenset({"email", "token", "key", "admin_key", "razorpay_signature"})
SECRET_PATH_ARGS = frozenset({"token"})


def loggable_path() -> str:
    """The request's path and query, without personal data or secrets."""
    if SECRET_PATH_ARGS & set(request.view_args or {}) and request.url_rule is not None:
        path = request.url_rule.rule
    else:
        path = "/".join("…" if "@" in part else part for part in request.path.split("/"))
    if not request.query_string:
        return path
    pairs = parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True)
    return f"{path}?{'&'.join(_shown(name, value) for name, value in pairs)}"


def _shown(name: str, value: str) -> str:
    if "@" in name:  # `?asha@example.com`: the email is the name
        return "…"
    hidden = name.lower() in HIDDEN_PARAMS or "@" in value
    return f"{quote(name, safe='')}={'…' if hidden else quote(value, safe='')}"


def install(app: Flask, *, enabled: bool) -> None:
    """Register the request id (first, so every later hook and error has it) and the access log."""

    @app.before_request
    def start():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID_RE.fullmatch(given) else uuid.uuid4().hex
        g.access_started = time.perf_counter()

    @app.after_request
    def finish(response):
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers["X-Request-ID"] = request_id
        if enabled:
            duration = (time.perf_counter() - g.get("access_started", time.perf_counter())) * 1000
            fields = {
                "client": request.remote_addr,
                "method": request.method,
                "path": loggable_path(),
                "status": response.status_code,
                "duration_ms": round(duration, 1),
                "request_id": request_id,
            }
            log.info(
                "%s %s %s %s %.1fms id=%s",
                fields["client"],
                fields["method"],
                fields["path"],
                fields["status"],
                fields["duration_ms"],
                request_id,
                extra=fields,
            )
        return response
