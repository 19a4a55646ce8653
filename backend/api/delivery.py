"""/api/delivery-estimate: when an order placed today should arrive (backend/delivery_estimate.py)."""

from flask import Blueprint

from . import services

bp = Blueprint("delivery", __name__, url_prefix="/api")


@bp.get("/delivery-estimate")
def get_delivery_estimate():
    return {"status": "success", "data": services().delivery.public()}
