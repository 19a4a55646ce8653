"""The seller's pages (/shipping, /returns, /cancellation, /privacy, /terms, /contact), GET
/api/seller (the same details as JSON), and the HTML 404 page a browser gets for an address the
shop does not have (the API and every other client keep the JSON envelope)."""

from __future__ import annotations

from flask import Blueprint, Response, request
from werkzeug.exceptions import NotFound as HTTPNotFound

from ..errors import NotFound
from ..policies.details import SellerDetails
from ..policies.render import POLICY_PAGES, render_not_found, render_policy
from . import services
from .pages import PAGE_CSP

bp = Blueprint("policies", __name__)
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _html(document: str, status: int = 200) -> Response:
    response = Response(document, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.cache_control.no_cache = True  # settings change with a restart: always revalidate
    if status == 200:
        response.add_etag()
        response.make_conditional(request)  # a revalidation of an unchanged page is a body-less 304
    return response


def _policy_view(slug: str):
    def view():
        return _html(render_policy(slug, services().config, path=request.path))

    view.__doc__ = f"The {POLICY_PAGES[slug][1].lower()} page, from the shop's settings."
    return view


for _slug in POLICY_PAGES:
    bp.add_url_rule(f"/{_slug}", endpoint=f"policy_{_slug}", view_func=_policy_view(_slug), methods=["GET"])


@bp.get("/api/seller")
def seller():
    """The seller's public details as the policy pages show them; null where a setting is not set."""
    return {"status": "success", "data": SellerDetails.from_config(services().config).public()}


def wants_html_page() -> bool:
    """A browser asking for a page: a GET (or HEAD) outside /api/ whose Accept names HTML itself
    (curl's `*/*` and `application/json` keep the JSON envelope)."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith("/api/")
        and any(value in HTML_TYPES and quality > 0 for value, quality in request.accept_mimetypes)
    )


@bp.app_errorhandler(HTTPNotFound)
@bp.app_errorhandler(NotFound)
def not_found(error):
    """404: the friendly page for a browser, else the JSON envelope."""
    if wants_html_page():
        return _html(render_not_found(services().config, path=request.path), status=404)
    return (error if isinstance(error, NotFound) else NotFound()).to_response()
