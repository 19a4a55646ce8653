"""GET /metrics: Prometheus' text format (admin, or this machine): see backend/metrics.

Behind a proxy, TRUSTED_PROXIES makes the real client the remote address, so the proxy's own
loopback connection does not open it to the internet (the deploy example also blocks the path)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from . import is_loopback, is_null_origin, refuse_other_websites, require_admin

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics():
    if is_loopback(request.remote_addr) and not is_null_origin(request.headers.get("Origin")):
        refuse_other_websites()  # a scraper on this machine needs no key; another website's page gets none
    else:
        require_admin()
    registry = current_app.extensions["metrics_registry"]
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
