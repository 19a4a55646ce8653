"""The catalogue's paths: /api/products, /api/products/{sku}, /api/designs, the size charts and the
delivery estimate."""

from __future__ import annotations

from . import examples
from .operations import ADMIN, body, errors, ok, param


def product_paths() -> dict:
    sku = param("sku", "path", "A product's SKU.")
    return {
        "/api/products": {
            "get": {
                "operationId": "listProducts",
                "tags": ["products"],
                "summary": "The catalogue, with live price and stock",
                "parameters": [
                    {
                        "name": "category",
                        "in": "query",
                        "description": "Only this category (any case).",
                        "schema": {"type": "string", "examples": ["mens", "womens", "unisex"]},
                    }
                ],
                "responses": {**ok("ProductList", "Every product (or those of the category)."), **errors()},
            }
        },
        "/api/products/{sku}": {
            "parameters": [sku],
            "get": {
                "operationId": "getProduct",
                "tags": ["products"],
                "summary": "One product",
                "responses": {
                    **ok("ProductAnswer", "The product.", {"status": "success", "data": examples.PRODUCT}),
                    **errors(404),
                },
            },
            "patch": {
                "operationId": "patchProduct",
                "tags": ["products"],
                "summary": "Change price and/or stock (admin)",
                "security": ADMIN,
                "requestBody": body("ProductPatch", {"both": ("New price and stock", examples.PRODUCT_PATCH)}),
                "responses": {**ok("ProductAnswer", "Changed."), **errors(400, 401, 404, 413, 415, 422, 503)},
            },
        },
        "/api/designs": {
            "get": {
                "operationId": "listDesigns",
                "tags": ["products"],
                "summary": "The catalogue by design, each with its variants (colours × sizes)",
                "description": "Every SKU of /api/products is a variant of exactly one design, with its own "
                "price and stock. A design's `slug` names its product page, /p/{slug}.",
                "parameters": [
                    {
                        "name": "category",
                        "in": "query",
                        "description": "Only this category (any case).",
                        "schema": {"type": "string", "examples": ["mens", "womens", "unisex"]},
                    }
                ],
                "responses": {**ok("DesignList", "Every design (or those of the category)."), **errors()},
            }
        },
        "/api/designs/{slug}": {
            "parameters": [
                {
                    "name": "slug",
                    "in": "path",
                    "required": True,
                    "description": "A design's slug, as its product page's address /p/{slug} has it.",
                    "schema": {"type": "string", "examples": ["heritage-print-t-shirt"]},
                }
            ],
            "get": {
                "operationId": "getDesign",
                "tags": ["products"],
                "summary": "One design with its variants",
                "responses": {
                    **ok("DesignAnswer", "The design.", {"status": "success", "data": examples.DESIGN}),
                    **errors(404),
                },
            },
        },
        "/api/size-charts": {
            "get": {
                "operationId": "listSizeCharts",
                "tags": ["products"],
                "summary": "Every size chart",
                "description": "Garment measurements per garment type, kept with the catalogue (seeded from "
                "SIZE_CHARTS_FILE on first start, edited in the console). A product's "
                "`size_chart` names its chart: its category's, or one its catalogue entry chose.",
                "responses": {**ok("SizeChartList", "Every chart."), **errors()},
            },
            "post": {
                "operationId": "createSizeChart",
                "tags": ["products"],
                "summary": "Add a size chart (admin)",
                "description": "Kept with the catalogue: every server of a fleet sees it. A design names it "
                "with `size_chart` (PATCH /api/catalogue/designs/{design_id}).",
                "security": ADMIN,
                "requestBody": body("NewSizeChart", {"new": ("A new chart", examples.NEW_SIZE_CHART)}),
                "responses": {
                    **ok("SizeChartAnswer", "Added.", status="201"),
                    **errors(400, 401, 409, 413, 415, 422, 503),
                },
            },
        },
        "/api/size-charts/{chart_id}": {
            "parameters": [
                {
                    "name": "chart_id",
                    "in": "path",
                    "required": True,
                    "description": "A chart's id, as a product's `size_chart` gives it.",
                    "schema": {"type": "string", "examples": ["unisex-classic-tee"]},
                }
            ],
            "get": {
                "operationId": "getSizeChart",
                "tags": ["products"],
                "summary": "One size chart",
                "responses": {
                    **ok("SizeChartAnswer", "The chart.", {"status": "success", "data": examples.SIZE_CHART}),
                    **errors(404),
                },
            },
            "patch": {
                "operationId": "patchSizeChart",
                "tags": ["products"],
                "summary": "Change a size chart's name, fit, fabric or sizes (admin)",
                "description": "`sizes` replaces every row: a row left out is removed, unless a variant of "
                "the chart sells that size (409 `catalogue_conflict`).",
                "security": ADMIN,
                "requestBody": body(
                    "SizeChartPatch", {"rename": ("A new name", {"name": "Unisex classic T-shirt (2026)"})}
                ),
                "responses": {
                    **ok("SizeChartAnswer", "Changed."),
                    **errors(400, 401, 404, 409, 413, 415, 422, 503),
                },
            },
        },
        "/api/delivery-estimate": {
            "get": {
                "operationId": "getDeliveryEstimate",
                "tags": ["products"],
                "summary": "When an order placed today should arrive",
                "description": "Today in India, plus DELIVERY_PRINT_DAYS working days (Monday to Friday) "
                "of printing, plus DELIVERY_TRANSIT_DAYS calendar days with the courier: the earliest "
                "date from the fewest days, the latest from the most. Public holidays are not counted.",
                "responses": {
                    **ok(
                        "DeliveryEstimateAnswer",
                        "The estimate.",
                        {"status": "success", "data": examples.DELIVERY_ESTIMATE},
                    ),
                    **errors(),
                },
            }
        },
    }
