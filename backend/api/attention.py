"""GET /api/attention (admin): what a person must act on now (see backend/attention)."""

from __future__ import annotations

from flask import Blueprint

from ..attention.items import summary
from . import require_admin, services

bp = Blueprint("attention", __name__)


@bp.get("/api/attention")
def attention():
    require_admin()
    items = services().attention.items()
    return {"status": "success", "data": items, "summary": summary(items)}
