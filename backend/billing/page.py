"""The invoice (and a credit note) as a printable HTML page: one self-contained document (its style inline, allowed by
hash in its own Content-Security-Policy), no script, no font or file from anywhere else."""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"
STYLE = (TEMPLATES / "invoice.css").read_text(encoding="utf-8")
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
CSP = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def indian_amount(value) -> str:
    """2474.29 → "2,474.29"; 1234567 → "12,34,567.00" (lakh grouping)."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    sign, whole, paise = ("-" if amount < 0 else ""), *f"{abs(amount):.2f}".split(".")
    head, tail = whole[:-3], whole[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return f"{sign}{','.join([*groups, tail])}.{paise}"


def long_date(iso: str) -> str:
    """ "2026-11-30" (or a timestamp on that day) → "30 Nov 2026", as Indian invoices write dates."""
    return date.fromisoformat(iso[:10]).strftime("%d %b %Y")


def percent(value) -> str:
    return f"{Decimal(str(value)).normalize():f}%"


_env = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True
)
_env.filters["amount"] = indian_amount
_env.filters["percent"] = percent
_env.filters["long_date"] = long_date


def render_invoice(invoice: dict) -> str:
    """The printable page of an invoice document (every value escaped)."""
    return _env.get_template("invoice.html").render(invoice=invoice, credit=False, style=STYLE)


def render_credit_note(note: dict) -> str:
    """The printable page of a credit note: the invoice's layout, titled and numbered as a credit note."""
    return _env.get_template("invoice.html").render(invoice=note, credit=True, style=STYLE)
