"""/api/health: is the service able to take orders?"""

from flask import Blueprint

from ..version import __version__
from . import services

bp = Blueprint("health", __name__)


@bp.get("/api/health")
def health():
    shop = services()
    problem = shop.store.check_writable()
    body = {
        "status": "ok" if problem is None else "degraded",
        "storage": "ok" if problem is None else "unavailable",
        "qikink": shop.fulfilment.connection_state(),
        "version": __version__,
    }
    if problem:
        body["storage_error"] = problem
    if shop.store.quarantined:
        body["quarantined_files"] = [q["moved_to"] for q in shop.store.quarantined]
    return body, 200 if problem is None else 503
