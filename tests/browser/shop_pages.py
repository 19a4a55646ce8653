"""What a customer does on the pages, as steps the browser tests and the screenshot script share:
found by role and label, as a person (or a screen reader) finds them."""

from __future__ import annotations

import itertools
import os
import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

ADDRESS = {
    "Full name": "Asha Verma",
    "Address line 1": "12 MG Road",
    "Address line 2": "Near Flora Fountain",
    "City": "Mumbai",
    "PIN code": "400001",
    "Mobile number": "98765 43210",
}
_emails = itertools.count(1)


def unique_email(label: str) -> str:
    """An email no other test of this session uses: orders are counted by it."""
    return f"{label}-{os.getpid()}-{next(_emails)}@example.com"


def add_to_cart(page, design: str, size: str | None = None):
    card = page.get_by_role("article", name=design)
    if size:
        card.get_by_label("Size").select_option(label=size)
    # Just pressed, the button says "Added ✓" for a moment; pressing it then adds one more.
    card.get_by_role("button", name=re.compile(r"^Add(ed| to cart)")).click()


def fill_checkout(page, email: str, *, state: str = "Maharashtra", payment: str | None = None, **fields):
    """Fill the checkout form; `fields` override ADDRESS by label, e.g. {"PIN code": "012345"}."""
    page.get_by_label("Email").fill(email)
    for label, value in {**ADDRESS, **fields}.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("State").select_option(state)
    if payment:
        page.get_by_label("Payment").select_option(label=payment)


def confirmed_order_id(page) -> str:
    """Wait for the order confirmation; the order id it shows."""
    expect(page.get_by_role("region", name="Thank you! Your order is placed")).to_be_visible()
    return page.locator(".order-id").inner_text()


def buy(page, email: str, design: str = "Warli Village Tee", **fields) -> str:
    """One T-shirt from the storefront, start to confirmation; the order id."""
    page.goto("/")
    add_to_cart(page, design)
    fill_checkout(page, email, **fields)
    page.get_by_role("button", name="Place order").click()
    return confirmed_order_id(page)


def serious_violations(page) -> list[str]:
    """The axe-core scan's serious and critical violations of the page as it is now."""
    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def wider_than_the_viewport(page) -> list[str]:
    """Every element reaching past the viewport's right edge, or wider than it (a phone's page
    must not scroll sideways); the document's own scroll width counts too. What is inside a
    `.table-wrap` (a table scrolling in its own box) counts only when the page itself widens."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const wide = [...document.querySelectorAll('body *')].filter((node) => {
            const box = node.getBoundingClientRect();
            return !node.closest('.table-wrap') && (box.width > width + 0.5 || box.right > width + 0.5);
          }).map((node) => `${node.tagName.toLowerCase()}#${node.id}.${node.className}`);
          if (document.documentElement.scrollWidth > width) wide.push(`document: ${document.documentElement.scrollWidth}px`);
          return wide;
        }"""
    )
