"""GET /api/pincodes/<pincode>: the state and district of a PIN code (India Post's directory,
offline), so that the pages fill the state and city as a PIN code is typed."""

from __future__ import annotations

from flask import Blueprint

from .. import india_post
from ..errors import NotFound
from ..models import PINCODE_RE

bp = Blueprint("pincodes", __name__, url_prefix="/api")


@bp.get("/pincodes/<pincode>")
def get_pincode(pincode):
    place = india_post.lookup(pincode) if PINCODE_RE.match(pincode) else None
    if place is None:
        raise NotFound(f"PIN code {pincode} does not exist in India Post's directory")
    return {
        "status": "success",
        "data": {
            "pincode": place.pincode,
            "state": place.states[0] if len(place.states) == 1 else None,
            "states": list(place.states),
            "district": place.district,
        },
    }
