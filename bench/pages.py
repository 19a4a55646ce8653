"""The pages' weight and the time to the first product in Chromium:
`.venv/bin/python -m bench.pages [loads]` (default 20 loads; needs Chromium and the test packages).

Weight: the bytes of HTML, CSS and JS each page loads, as served (no compression), counted from
the browser's own requests. Time to first product: from navigation start to the first product
card in the DOM, with a fresh cache each load, against the real server on 127.0.0.1.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.shop_server import find_chromium, start_shop_server

FIRST_CARD = """new Promise((resolve) => {
  const seen = () => document.querySelector('#catalogue article');
  if (seen()) { resolve(performance.now()); return; }
  new MutationObserver((_, observer) => {
    if (seen()) { observer.disconnect(); resolve(performance.now()); }
  }).observe(document, { childList: true, subtree: true });
})"""
TEXT_TYPES = ("text/html", "text/css", "text/javascript")


def page_weight(browser, url: str) -> dict:
    """Bytes by type of every HTML, CSS and JS answer one load of `url` receives."""
    page = browser.new_page()
    sizes = {}

    def count(response):
        kind = (response.headers.get("content-type") or "").split(";")[0]
        if kind in TEXT_TYPES:
            sizes[response.url] = (kind, len(response.body()))

    page.on("response", count)
    page.goto(url, wait_until="networkidle")
    page.close()
    totals = {kind: 0 for kind in TEXT_TYPES}
    for kind, size in sizes.values():
        totals[kind] += size
    return {"files": len(sizes), **totals, "total": sum(totals.values())}


def first_product_ms(browser, url: str, loads: int) -> list[float]:
    times = []
    for _ in range(loads):
        context = browser.new_context()
        page = context.new_page()
        page.goto(url, wait_until="commit")
        times.append(page.evaluate(FIRST_CARD))
        context.close()
    return times


def main(argv=None) -> int:
    loads = int((argv or sys.argv[1:] or ["20"])[0])
    chromium = find_chromium()
    if chromium is None:
        print("Chromium not found: apt-get install chromium (or set CHROMIUM_PATH)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        server = start_shop_server(Path(folder) / "data", Path(folder))
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            for path in ("/", "/track"):
                weight = page_weight(browser, server.url + path)
                print(
                    f"{path:7} {weight['files']} files, {weight['total']:,} bytes "
                    f"(HTML {weight['text/html']:,}, CSS {weight['text/css']:,}, JS {weight['text/javascript']:,})"
                )
            times = first_product_ms(browser, server.url + "/", loads)
            print(
                f"first product rendered: median {statistics.median(times):.0f} ms, "
                f"min {min(times):.0f}, max {max(times):.0f} ({loads} loads, fresh cache each)"
            )
        finally:
            browser.close()
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
