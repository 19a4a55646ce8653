"""The documentation's paths: this document, the page to read it and the page's files."""

from __future__ import annotations

from .operations import JSON, errors

# The docs page's files (name → media type), served by api/docs.py; ours come from frontend/docs/,
# the others from the viewer package.
DOCS_ASSETS = {
    "docs.js": "text/javascript",
    "docs.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "LICENSE": "text/plain",
    "favicon-32x32.png": "image/png",
}


def docs_paths() -> dict:
    return {
        "/api/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "tags": ["docs"],
                "summary": "This document",
                "responses": {
                    "200": {"description": "OpenAPI 3.1.", "content": {JSON: {"schema": {"type": "object"}}}},
                    **errors(),
                },
            }
        },
        "/api/docs": {
            "get": {
                "operationId": "getDocs",
                "tags": ["docs"],
                "summary": "A page to read this document and try calls",
                "responses": {
                    "200": {
                        "description": "HTML (works offline).",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    },
                    **errors(),
                },
            }
        },
        "/api/docs/assets/{name}": {
            "get": {
                "operationId": "getDocsAsset",
                "tags": ["docs"],
                "summary": "The docs page's scripts and styles",
                "parameters": [
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": list(DOCS_ASSETS)},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The file.",
                        "content": {
                            media: {"schema": {"type": "string"}} for media in sorted(set(DOCS_ASSETS.values()))
                        },
                    },
                    **errors(404),
                },
            }
        },
    }
