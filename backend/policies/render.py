"""The policy pages and the browser's 404 page, rendered on the server from Jinja templates (every
value escaped), in the storefront's look (css/shop.css), with no script."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .details import SHOP_NAME, SellerDetails

TEMPLATES = Path(__file__).resolve().parent / "templates"

# Address → (template, title), in the footer's order.
POLICY_PAGES = {
    "shipping": ("shipping.html", "Shipping"),
    "returns": ("returns.html", "Returns and exchanges"),
    "cancellation": ("cancellation.html", "Cancellation"),
    "privacy": ("privacy.html", "Privacy"),
    "terms": ("terms.html", "Terms of sale"),
    "contact": ("contact.html", "Contact and grievance officer"),
}


def rupees(value) -> str:
    """Decimal("1299.50") → "₹1,299.50"; whole rupees without paise."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    text = f"{amount:,.2f}"
    return f"₹{text[:-3] if text.endswith('.00') else text}"


_env = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True
)
_env.filters["rupees"] = rupees


def root_of(path: str) -> str:
    """The relative way back to the shop's root from `path` ("/a/b" → "../"), so that the links work
    behind a proxy that serves the shop under a prefix (a <base> is forbidden by the pages' CSP)."""
    return "../" * max(path.count("/") - 1, 0)


def render_policy(slug: str, config, *, path: str) -> str:
    """The page at /<slug> (one of POLICY_PAGES) for this shop's settings."""
    template, title = POLICY_PAGES[slug]
    return _env.get_template(template).render(title=title, slug=slug, **_context(config, path))


def render_not_found(config, *, path: str) -> str:
    """The friendly page a browser gets for an address the shop does not have."""
    return _env.get_template("not_found.html").render(title="Page not found", slug=None, **_context(config, path))


def render_footer(config, *, path: str) -> str:
    """The footer with the policy links, for the server's other pages (the COD confirmation)."""
    return _env.get_template("footer.html").render(slug=None, **_context(config, path))


def _context(config, path: str) -> dict:
    return {
        "shop_name": SHOP_NAME,
        "seller": SellerDetails.from_config(config),
        "config": config,
        "root": root_of(path),
        "pages": POLICY_PAGES,
    }
