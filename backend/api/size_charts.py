"""/api/size-charts: garment measurements per garment type, for the storefront's size chart."""

from flask import Blueprint

from ..errors import NotFound
from . import services

bp = Blueprint("size_charts", __name__, url_prefix="/api/size-charts")


@bp.get("")
def list_size_charts():
    data = size_charts_data()
    return {"status": "success", "data": data, "count": len(data)}


def size_charts_data() -> list[dict]:
    charts = services().size_charts
    return [charts.public(chart_id) for chart_id in charts.charts]


@bp.get("/<chart_id>")
def get_size_chart(chart_id):
    """One chart: a product's `size_chart` names it."""
    charts = services().size_charts
    if chart_id not in charts.charts:
        raise NotFound(f"No size chart {chart_id}")
    return {"status": "success", "data": charts.public(chart_id)}
