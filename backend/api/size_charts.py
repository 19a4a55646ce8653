"""/api/size-charts: garment measurements per garment type, for the storefront's size chart; new
charts and chart edits for the console (admin)."""

from flask import Blueprint, url_for

from ..errors import NotFound
from . import json_body, require_admin, services

bp = Blueprint("size_charts", __name__, url_prefix="/api/size-charts")


@bp.get("")
def list_size_charts():
    data = size_charts_data()
    return {"status": "success", "data": data, "count": len(data)}


def size_charts_data() -> list[dict]:
    charts = services().size_charts.current()
    return [charts.public(chart_id) for chart_id in charts.charts]


@bp.post("")
def create_size_chart():
    require_admin()
    chart_id = services().size_chart_editor.create(json_body())
    answer = services().size_charts.current().public(chart_id)
    return {"status": "success", "data": answer}, 201, {"Location": url_for(".get_size_chart", chart_id=chart_id)}


@bp.get("/<chart_id>")
def get_size_chart(chart_id):
    """One chart: a product's `size_chart` names it."""
    charts = services().size_charts.current()
    if chart_id not in charts.charts:
        raise NotFound(f"No size chart {chart_id}")
    return {"status": "success", "data": charts.public(chart_id)}


@bp.patch("/<chart_id>")
def patch_size_chart(chart_id):
    require_admin()
    services().size_chart_editor.change(chart_id, json_body())
    return {"status": "success", "data": services().size_charts.current().public(chart_id)}
