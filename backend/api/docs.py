"""/api/openapi.json and /api/docs: the API's OpenAPI document and a page to read it and try calls.

The page is Swagger UI, served from the `swagger-ui-py` package's copy of swagger-ui-dist (pinned in
requirements.txt, Apache-2.0 licence served beside it), so it works offline; no CDN.
"""

import importlib.util
from pathlib import Path

from flask import Blueprint, current_app, send_from_directory

from ..config import PROJECT_ROOT
from ..errors import NotFound
from ..openapi import DOCS_ASSETS, build_document
from . import services

bp = Blueprint("docs", __name__)

PAGE_DIR = PROJECT_ROOT / "frontend" / "docs"
PAGE_FILES = ("docs.js", "docs.css")
# The page runs no inline script or style: everything comes from this server. Swagger UI's
# stylesheet draws a few icons as data: SVG images, hence img-src (images cannot run scripts).
PAGE_CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"


def viewer_dir() -> Path:
    """swagger-ui-dist's files inside the installed swagger-ui-py package (not imported: only its files are used)."""
    spec = importlib.util.find_spec("swagger_ui")
    assert spec is not None and spec.submodule_search_locations, "swagger-ui-py is in requirements.txt"
    return Path(next(iter(spec.submodule_search_locations))) / "static"


@bp.get("/api/openapi.json")
def openapi_document():
    document = current_app.extensions.get("openapi")
    if document is None:
        document = current_app.extensions["openapi"] = build_document(services().store.catalogue)
    return document


@bp.get("/api/docs")
def docs_page():
    response = send_from_directory(PAGE_DIR, "index.html", mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


@bp.get("/api/docs/assets/<name>")
def docs_asset(name):
    if name not in DOCS_ASSETS:
        raise NotFound(f"No docs asset {name}")
    directory = PAGE_DIR if name in PAGE_FILES else viewer_dir()
    response = send_from_directory(directory, name, mimetype=DOCS_ASSETS[name], max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
