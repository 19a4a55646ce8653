"""Screenshots of the seller's pages for docs/frontend.md: `.venv/bin/python scripts/screenshots_policies.py`.

Starts the real server with example seller settings (a made-up company, a valid-format GSTIN) and
writes docs/contact-390.png (the contact page on a 390 px phone) and docs/returns-1280.png. Needs
the test packages (run-tests installs them) and Chromium.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.shop_server import find_chromium, start_shop_server  # noqa: E402

DOCS = ROOT / "docs"
EXAMPLE_SELLER = {
    "SHOP_LEGAL_NAME": "Bharat Heritage Prints Private Limited",
    "SHOP_GSTIN": "27AAPFU0939F1ZV",
    "SHOP_ADDRESS": "4th Floor, 21 Linking Road, Bandra West, Mumbai 400050",
    "SHOP_STATE": "Maharashtra",
    "SHOP_EMAIL": "help@bharatheritage.in",
    "SHOP_PHONE": "+91 98765 43210",
    "GRIEVANCE_OFFICER_NAME": "Asha Verma",
    "GRIEVANCE_OFFICER_EMAIL": "grievance@bharatheritage.in",
    "GRIEVANCE_OFFICER_PHONE": "+91 98765 43211",
    "DAMAGE_REPORT_DAYS": "2",
}


def main() -> int:
    chromium = find_chromium()
    if chromium is None:
        print("Chromium not found: apt-get install chromium (or set CHROMIUM_PATH)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        server = start_shop_server(Path(folder) / "data", Path(folder), env=EXAMPLE_SELLER)
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            for width, path, name in ((390, "/contact", "contact-390.png"), (1280, "/returns", "returns-1280.png")):
                page = browser.new_page(viewport={"width": width, "height": 900}, base_url=server.url)
                page.goto(path)
                page.screenshot(path=DOCS / name, full_page=True)
                page.close()
        finally:
            browser.close()
            server.stop()
    print(f"Wrote contact-390.png and returns-1280.png in {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
