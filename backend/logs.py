"""How the server's log lines look: LOG_FORMAT=text (the default: time, level, logger, message) or
json (one JSON object a line, for a log collector). Every line written while a request is served
carries its request id (`request_id`, the X-Request-ID of the answer), so one request's lines can
be found together; lines from background threads have none."""

from __future__ import annotations

import json
import logging
import time

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The access log's fields (backend/api/access_log.py), kept as JSON keys when present.
EXTRA_FIELDS = ("client", "method", "path", "status", "duration_ms")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record made while a request is served ("-" otherwise)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current_request_id()
        return True


def _current_request_id() -> str:
    try:
        from flask import g, has_request_context

        if has_request_context():
            return g.get("request_id") or "-"
    except Exception:  # logging must never fail a request
        pass
    return "-"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(log_format: str = "text") -> None:
    """The root logger's one handler (standard error), in the chosen format. Like basicConfig, it
    leaves logging alone when someone else set it up (pytest, a program embedding the server); it
    replaces only its own handler (the format is chosen again once .env is read)."""
    root = logging.getLogger()
    if any(not getattr(h, "bhrt_handler", False) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.bhrt_handler = True  # type: ignore[attr-defined]  # marks our own handler
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT.replace("%(message)s", "%(message)s%(rid)s")))
        handler.addFilter(_text_request_id)
    handler.addFilter(RequestIdFilter())
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _text_request_id(record: logging.LogRecord) -> bool:
    """In text, a request's id ends its line (` [req=…]`), except on the access log's own line,
    which already says it."""
    rid = getattr(record, "request_id", None) or _current_request_id()
    record.rid = "" if rid == "-" or record.name == "backend.access" else f" [req={rid}]"
    return True
