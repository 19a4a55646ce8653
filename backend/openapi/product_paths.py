"""The catalogue's paths: /api/products and /api/products/{sku}."""

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
    }
