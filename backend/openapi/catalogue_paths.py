"""The console's catalogue paths (admin): /api/catalogue, its designs and variants."""

from __future__ import annotations

from .operations import ADMIN, body, errors, ok

DESIGN_ID = {
    "name": "design_id",
    "in": "path",
    "required": True,
    "description": "A design's id (GET /api/catalogue).",
    "schema": {"type": "string", "examples": ["BHRT-001"]},
}
SKU = {
    "name": "sku",
    "in": "path",
    "required": True,
    "description": "A variant's SKU.",
    "schema": {"type": "string", "examples": ["BHRT-001-M"]},
}
CHANGE_ERRORS = errors(400, 401, 404, 409, 413, 415, 422, 503)


def catalogue_paths() -> dict:
    return {
        "/api/catalogue": {
            "get": {
                "operationId": "getCatalogue",
                "tags": ["products"],
                "summary": "Every design and variant, published or not, with problems and margins (admin)",
                "description": "A design is shown to shoppers when it is published and has a published variant; "
                "a variant is published only with a Qikink mapping that can be sent. Each variant's margin "
                "comes from the settings MARGIN_*; a loss or a thin margin is among its `problems`.",
                "security": ADMIN,
                "responses": {**ok("Catalogue", "The catalogue."), **errors(401, 503)},
            }
        },
        "/api/catalogue/designs": {
            "post": {
                "operationId": "createDesign",
                "tags": ["products"],
                "summary": "Add a design, unpublished (admin)",
                "security": ADMIN,
                "requestBody": body(
                    "NewDesign",
                    {"new": ("A new design", {"name": "Kolam Tee", "category": "mens", "hsn": "6109"})},
                ),
                "responses": {**ok("CatalogueDesignAnswer", "Added.", status="201"), **CHANGE_ERRORS},
            }
        },
        "/api/catalogue/designs/{design_id}": {
            "parameters": [DESIGN_ID],
            "patch": {
                "operationId": "patchDesign",
                "tags": ["products"],
                "summary": "Change a design; name, category, HSN, print and size chart reach its variants (admin)",
                "security": ADMIN,
                "requestBody": body("DesignPatch", {"publish": ("Show it to shoppers", {"published": True})}),
                "responses": {**ok("CatalogueDesignAnswer", "Changed."), **CHANGE_ERRORS},
            },
        },
        "/api/catalogue/designs/{design_id}/variants": {
            "parameters": [DESIGN_ID],
            "post": {
                "operationId": "addVariant",
                "tags": ["products"],
                "summary": "Add a variant (a colour and size, its own SKU) to a design (admin)",
                "security": ADMIN,
                "requestBody": body(
                    "NewVariant",
                    {"new": ("A new size", {"size": "XL", "colour": "White", "price": 1299, "stock_quantity": 10})},
                ),
                "responses": {**ok("CatalogueVariantAnswer", "Added.", status="201"), **CHANGE_ERRORS},
            },
        },
        "/api/catalogue/variants/{sku}": {
            "parameters": [SKU],
            "patch": {
                "operationId": "patchVariant",
                "tags": ["products"],
                "summary": "Change a variant: price, stock, colour, size, Qikink mapping, published (admin)",
                "description": "The answer carries the margin's warning (a loss is allowed: a loss leader).",
                "security": ADMIN,
                "requestBody": body(
                    "VariantPatch",
                    {
                        "map": (
                            "Map it to Qikink and publish it",
                            {"qikink": {"search_from_my_products": 1, "sku": "BHRT001M"}, "published": True},
                        ),
                        "price": ("A new price", {"price": 1199}),
                    },
                ),
                "responses": {**ok("CatalogueVariantAnswer", "Changed."), **CHANGE_ERRORS},
            },
        },
    }
