"""/api/catalogue: the console's catalogue (admin): every design and variant, published or not,
with what stops a variant being published and its margin; new designs and variants, their edits."""

from flask import Blueprint, url_for

from . import json_body, require_admin, services

bp = Blueprint("catalogue", __name__, url_prefix="/api/catalogue")


@bp.get("")
def list_catalogue():
    require_admin()
    designs = services().catalogue_view.designs()
    return {"status": "success", "data": designs, "count": len(designs)}


@bp.post("/designs")
def create_design():
    require_admin()
    design_id = services().catalogue.create_design(json_body())
    design = services().catalogue_view.design(design_id)
    return {"status": "success", "data": design}, 201, {"Location": url_for(".patch_design", design_id=design_id)}


@bp.patch("/designs/<design_id>")
def patch_design(design_id):
    require_admin()
    services().catalogue.change_design(design_id, json_body())
    design = services().catalogue_view.design(design_id)
    return {"status": "success", "data": design, "warnings": design["problems"]}


@bp.post("/designs/<design_id>/variants")
def add_variant(design_id):
    require_admin()
    sku = services().catalogue.add_variant(design_id, json_body())
    variant = services().catalogue_view.variant(sku)
    headers = {"Location": url_for(".patch_variant", sku=sku)}
    return {"status": "success", "data": variant, "warnings": variant["problems"]}, 201, headers


@bp.patch("/variants/<sku>")
def patch_variant(sku):
    require_admin()
    services().catalogue.change_variant(sku, json_body())
    variant = services().catalogue_view.variant(sku)
    return {"status": "success", "data": variant, "warnings": variant["problems"]}
