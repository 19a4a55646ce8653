"""Screenshots of the checkout with charges and of a GST invoice, for the README:
`.venv/bin/python scripts/screenshots_billing.py` (like scripts/screenshots.py, whose pages it
leaves alone). Writes docs/checkout-charges.png, docs/invoice.png and docs/credit-note.png (the
same order, cancelled from its tracking page)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.browser.shop_pages import add_to_cart, confirmed_order_id, fill_checkout  # noqa: E402
from tests.browser.shop_server import find_chromium, start_shop_server  # noqa: E402

DOCS = ROOT / "docs"
SHOP = {
    "SHIPPING_FEE": "49",
    "FREE_SHIPPING_ABOVE": "2500",
    "COD_FEE": "30",
    "SHOP_LEGAL_NAME": "Bharat Heritage Prints Private Limited",
    "SHOP_GSTIN": "27AAPFU0939F1ZV",
    "SHOP_ADDRESS": "4th Floor, 21 Linking Road, Bandra West, Mumbai 400050",
    "SHOP_STATE": "Maharashtra",
}


def print_view(document, path: Path) -> None:
    """A screenshot of a document page as it prints (A4 width)."""
    document.wait_for_load_state()
    document.emulate_media(media="print")
    document.set_viewport_size({"width": 900, "height": 1200})
    document.screenshot(path=path, full_page=True)


def main() -> int:
    chromium = find_chromium()
    if chromium is None:
        print("Chromium not found: apt-get install chromium (or set CHROMIUM_PATH)", file=sys.stderr)
        return 1
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        server = start_shop_server(Path(folder) / "data", Path(folder), env=SHOP)
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            context = browser.new_context(
                viewport={"width": 1280, "height": 900}, locale="en-IN", timezone_id="Asia/Kolkata", base_url=server.url
            )
            page = context.new_page()
            page.goto("/")
            add_to_cart(page, "Heritage Print T-Shirt", "L")
            add_to_cart(page, "Warli Village Tee")
            fill_checkout(
                page,
                "asha@example.com",
                state="Karnataka",
                payment="Cash on delivery (pay the courier)",
                City="Bengaluru",
                **{"PIN code": "560001"},
            )
            expect(page.locator("#summary-cod")).to_have_text("₹30")
            page.locator(".side").screenshot(path=DOCS / "checkout-charges.png")

            # Qikink down for this order, so that its customer can still cancel it (for the credit note).
            server.emulator.fault("503", count=1000, paths=["/api/order/create"])
            page.get_by_role("button", name="Place order").click()
            confirmed_order_id(page)
            page.get_by_role("link", name="Track this order").click()
            with context.expect_page() as opened:
                page.get_by_role("link", name="Invoice").click()
            print_view(opened.value, DOCS / "invoice.png")

            page.bring_to_front()
            page.get_by_role("button", name="Cancel order").click()
            page.get_by_role("button", name="Yes, cancel it").click()
            with context.expect_page() as opened:
                page.get_by_role("link", name="Credit note").click()
            print_view(opened.value, DOCS / "credit-note.png")
        finally:
            browser.close()
            server.stop()
    print(f"Wrote checkout-charges.png, invoice.png and credit-note.png in {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
