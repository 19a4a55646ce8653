"""Screenshots of the real pages for the README: `.venv/bin/python scripts/screenshots.py`.

Starts the real server (with its Qikink emulator) on free ports in a temporary data folder,
drives Chromium like a customer and writes docs/storefront.png, docs/size-chart.png, the phone's
docs/storefront-phone.png and docs/size-chart-phone.png (390 px), docs/checkout-errors.png and
docs/tracking.png. Needs the test packages (run-tests installs them) and Chromium.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.browser.shop_pages import add_to_cart, fill_checkout  # noqa: E402
from tests.browser.shop_server import find_chromium, start_shop_server  # noqa: E402

DOCS = ROOT / "docs"


def size_chart(page, path: Path) -> None:
    """The Heritage Print T-Shirt's size chart, open over the page."""
    page.get_by_role("article", name="Heritage Print T-Shirt").get_by_role("button", name="Size chart").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    page.screenshot(path=path)
    page.keyboard.press("Escape")


def main() -> int:
    chromium = find_chromium()
    if chromium is None:
        print("Chromium not found: apt-get install chromium (or set CHROMIUM_PATH)", file=sys.stderr)
        return 1
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        server = start_shop_server(Path(folder) / "data", Path(folder))
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(
                viewport={"width": 1280, "height": 900}, locale="en-IN", timezone_id="Asia/Kolkata", base_url=server.url
            )
            page.goto("/")
            add_to_cart(page, "Heritage Print T-Shirt", "L")
            add_to_cart(page, "Warli Village Tee")
            add_to_cart(page, "Warli Village Tee")
            expect(page.get_by_role("button", name="Added")).to_have_count(0)  # "Added ✓" gone again
            page.screenshot(path=DOCS / "storefront.png", full_page=True)
            size_chart(page, DOCS / "size-chart.png")

            phone = browser.new_page(
                viewport={"width": 390, "height": 844}, locale="en-IN", timezone_id="Asia/Kolkata", base_url=server.url
            )
            phone.goto("/")
            add_to_cart(phone, "Heritage Print T-Shirt", "L")
            add_to_cart(phone, "Warli Village Tee")
            expect(phone.get_by_role("button", name="Added")).to_have_count(0)
            phone.get_by_role("article", name="Warli Village Tee").scroll_into_view_if_needed()
            phone.screenshot(path=DOCS / "storefront-phone.png")
            size_chart(phone, DOCS / "size-chart-phone.png")
            phone.close()

            fill_checkout(page, "asha@example", **{"PIN code": "012345", "Mobile number": "12345", "City": ""})
            page.get_by_role("button", name="Place order").click()
            expect(page.get_by_text("PIN code must be a 6-digit")).to_be_visible()
            page.locator(".side").screenshot(path=DOCS / "checkout-errors.png")

            fill_checkout(page, "asha@example.com")
            page.get_by_role("button", name="Place order").click()
            page.get_by_role("link", name="Track this order").click()
            order_id = page.get_by_label("Order ID").input_value()
            deadline = time.monotonic() + 60
            while server.order(order_id)["status"] != "delivered" and time.monotonic() < deadline:
                time.sleep(0.5)
            page.reload()
            expect(page.get_by_role("status")).to_have_text("Delivered")
            page.screenshot(path=DOCS / "tracking.png", full_page=True)
        finally:
            browser.close()
            server.stop()
    print(f"Wrote {', '.join(p.name for p in sorted(DOCS.glob('*.png')))} in {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
