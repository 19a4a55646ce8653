"""The shop's pages: static HTML, CSS and JS modules from `frontend/`, with the security headers.

Only the page paths and the `css/`, `js/` and `img/` folders are served, each with an explicit
type (Windows' registry can map `.js` to `text/plain`, which browsers refuse for modules).
File names carry no version, so browsers revalidate every time (`no-cache` + ETag → 304).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, request, send_from_directory

from ..config import PROJECT_ROOT
from ..errors import NotFound
from .first_screen import storefront_response

FRONTEND_DIR = PROJECT_ROOT / "frontend"

# Each page also under its file name, so that the pages' relative links work the same when
# frontend/ is served by any static server.
PAGES = {
    "/": "index.html",
    "/index.html": "index.html",
    "/track": "track.html",
    "/track.html": "track.html",
    "/admin": "admin.html",
    "/admin.html": "admin.html",
    "/product.html": "product.html",  # ?slug=…, for frontend/ served by another static server
}
ASSET_FOLDERS = ("css", "js", "img")
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
PAGE_CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors 'none'"
API_CSP = "default-src 'none'; frame-ancestors 'none'"

bp = Blueprint("pages", __name__)


def _send(folder: Path, name: str):
    """One file from `folder` with its explicit type, revalidated on every use."""
    mimetype = TYPES.get(Path(name).suffix.lower())
    if mimetype is None or not (folder / name).is_file():
        raise NotFound(f"No page or file at {request.path}")
    response = send_from_directory(folder, name, mimetype=mimetype, max_age=None, conditional=True, etag=True)
    response.cache_control.no_cache = True
    return response


# The pages where a customer pays: only they may load Razorpay Checkout (razorpay-api.md §2).
PAY_PAGES = ("index.html", "track.html")
RAZORPAY_HOSTS = {
    "script": ("https://checkout.razorpay.com", "https://cdn.razorpay.com"),
    "frame": ("https://api.razorpay.com", "https://checkout.razorpay.com"),
    "connect": ("https://api.razorpay.com", "https://lumberjack.razorpay.com"),
    "img": ("https://cdn.razorpay.com",),
}


def pay_page_csp(checkout_url: str) -> str:
    """PAGE_CSP, plus Razorpay's hosts (and the checkout script's own origin: the emulator's)."""
    origin = "/".join(checkout_url.split("/")[:3])
    hosts = {kind: " ".join(dict.fromkeys((origin, *urls))) for kind, urls in RAZORPAY_HOSTS.items()}
    return (
        f"{PAGE_CSP}; script-src 'self' {hosts['script']}; frame-src {hosts['frame']}; "
        f"connect-src 'self' {hosts['connect']}; img-src 'self' data: {hosts['img']}"
    )


def _page(name: str):
    def view():
        if name == "index.html":  # the storefront: its first screen's data and photo in the page
            response = storefront_response((FRONTEND_DIR / name).read_text(encoding="utf-8"))
        else:
            response = _send(FRONTEND_DIR, name)
        payments = current_app.extensions["shop"].payments
        if name in PAY_PAGES and payments is not None:
            response.headers["Content-Security-Policy"] = pay_page_csp(payments.checkout_url)
        return response

    return view


for _path, _file in PAGES.items():
    bp.add_url_rule(
        _path, endpoint=f"page{_path.replace('/', '_').replace('.', '_')}", view_func=_page(_file), methods=["GET"]
    )


@bp.get("/p/<slug>")
def product_page(slug):
    """A design's page (frontend/product.html reads the slug from the address); an unknown slug
    is the 404 page, so a shared link to a design no longer sold says so at once."""
    if current_app.extensions["shop"].shelf.designs().by_slug(slug) is None:
        raise NotFound(f"No design {slug}")
    return _send(FRONTEND_DIR, "product.html")


@bp.get(f"/<any({', '.join(ASSET_FOLDERS)}):folder>/<path:name>")
def asset(folder, name):
    """A file below one of ASSET_FOLDERS (send_from_directory refuses paths that leave it)."""
    return _send(FRONTEND_DIR / folder, name)


class SecurityHeaders:
    """WSGI middleware: every answer gets no MIME sniffing and is never framed. Pages may load only
    from this origin; JSON answers may load nothing at all (a JSON body opened as a document runs
    nothing). API answers vary by Origin. A header a view set itself is kept. Done on the raw header list: werkzeug's
    `Headers.setdefault` scans and re-checks the whole list for each header (0.03 ms a request)."""

    PAGE_TYPES = ("text/html", "image/svg+xml")

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        api = environ.get("PATH_INFO", "").startswith("/api/")

        def start(status, headers, exc_info=None):
            names = {name.lower(): value for name, value in headers}
            if api and "origin" not in names.get("vary", "").lower():
                # An API answer depends on the Origin it was asked from (CORS headers, sent only
                # to browsers), so a cache must not give one origin's answer to another.
                vary = names.get("vary")
                headers[:] = [(n, v) for n, v in headers if n.lower() != "vary"]
                headers.append(("Vary", f"{vary}, Origin" if vary else "Origin"))
            if "x-content-type-options" not in names:
                headers.append(("X-Content-Type-Options", "nosniff"))
            policy = names.get("content-security-policy")
            if policy is not None and "frame-ancestors" not in policy:
                # A view's own policy (the docs page's, a payment page's) is never framed either:
                # a framed docs page let any site click "Execute" on this machine's admin routes.
                headers[:] = [(n, v) for n, v in headers if n.lower() != "content-security-policy"]
                headers.append(("Content-Security-Policy", f"{policy}; frame-ancestors 'none'"))
            if "x-frame-options" not in names:
                headers.append(("X-Frame-Options", "DENY"))  # browsers that predate frame-ancestors
            if policy is None and "content-type" in names:
                # Not on a body-less answer: a 304 revalidating a page would give the browser's
                # cached copy the JSON policy, which blocks the page's own styles and scripts.
                mimetype = names["content-type"].split(";", 1)[0].strip().lower()
                headers.append(("Content-Security-Policy", PAGE_CSP if mimetype in self.PAGE_TYPES else API_CSP))
            if "referrer-policy" not in names:
                headers.append(("Referrer-Policy", "same-origin"))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)
