"""The pages' weight and the time to the first product in Chromium:
`.venv/bin/python -m bench.pages [loads]` (default 20 loads; needs Chromium and the test packages).

Weight: the bytes of HTML, CSS and JS each page loads, as served (no compression), counted from
the browser's own requests, and the images besides. Time to first product: from navigation start
to the first product card in the DOM, with a fresh cache each load, against the real server on
127.0.0.1. Largest contentful paint on a phone: a 390 px viewport, the CPU slowed down 4× and
DevTools' "Fast 3G" network (562.5 ms round trip, 1.44 Mbit/s down, 675 kbit/s up), through the
Chrome DevTools Protocol; LCP and the first product photo's paint (Element Timing) from the
browser's own PerformanceObserver; straight from the server, and behind deploy/Caddyfile's Caddy
(HTTPS, gzip) when Caddy is installed, as a shop on the internet serves the pages.
"""

from __future__ import annotations

import shutil
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
# The first card's photo painted: its <img elementtiming="first-photo"> (Element Timing API),
# whether or not a larger text block is the page's largest paint.
FIRST_PHOTO = """new Promise((resolve) => {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.identifier === 'first-photo') resolve(entry.renderTime || entry.loadTime);
    }
  }).observe({ type: 'element', buffered: true });
  addEventListener('load', () => setTimeout(() => resolve(null), 5000));
})"""
TEXT_TYPES = ("text/html", "text/css", "text/javascript")
FAST_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 1.44e6 / 8, "uploadThroughput": 675e3 / 8}
LCP = """new Promise((resolve) => {
  let last = null;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) last = entry;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  // LCP is final once the page is loaded and settled: wait for load, then a quiet second.
  const done = () => setTimeout(() => resolve(last && {
    ms: last.startTime, element: last.element ? last.element.tagName.toLowerCase() : null,
    url: last.url || null }), 1000);
  if (document.readyState === 'complete') done(); else addEventListener('load', done);
})"""


def page_weight(browser, url: str) -> dict:
    """Bytes by type of every HTML, CSS and JS answer one load of `url` receives."""
    page = browser.new_page()
    sizes = {}

    def count(response):
        kind = (response.headers.get("content-type") or "").split(";")[0]
        if kind in TEXT_TYPES or kind.startswith("image/"):
            sizes[response.url] = (kind, len(response.body()))

    page.on("response", count)
    page.goto(url, wait_until="networkidle")
    page.close()
    totals = {kind: 0 for kind in TEXT_TYPES}
    for kind, size in sizes.values():
        if kind in totals:
            totals[kind] += size
    images = sum(size for kind, size in sizes.values() if kind.startswith("image/"))
    return {"files": len(sizes), **totals, "total": sum(totals.values()), "images": images}


def phone_paints(browser, url: str, loads: int) -> list[dict]:
    """Largest contentful paint and the first photo's paint of `url` on a throttled phone, a fresh
    cache each load: {"lcp": {"ms", "element", "url"} or None, "photo_ms": float or None}."""
    found = []
    for _ in range(loads):
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, ignore_https_errors=True
        )
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", FAST_3G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto(url, wait_until="commit")
        photo = page.evaluate_handle(FIRST_PHOTO)  # observing from the start, read after the LCP settles
        lcp = page.evaluate(LCP)
        found.append({"lcp": lcp, "photo_ms": photo.json_value()})
        context.close()
    return found


def report_phone(label: str, paints: list[dict]) -> None:
    values = [p["lcp"]["ms"] for p in paints if p["lcp"]]
    photos = [p["photo_ms"] for p in paints if p["photo_ms"] is not None]
    last = paints[-1]["lcp"] or {}
    print(
        f"phone (4x CPU, Fast 3G), {label}: largest contentful paint median {statistics.median(values):.0f} ms, "
        f"max {max(values):.0f} (the element: {last.get('element')}); first product photo painted "
        + (f"median {statistics.median(photos):.0f} ms, max {max(photos):.0f}" if photos else "never")
        + f" ({len(paints)} loads)"
    )


def behind_caddy(folder: Path, upstream_port: int):
    """deploy/Caddyfile in front of the server (HTTPS with Caddy's own CA, `encode zstd gzip`), as a
    shop on the internet serves its pages; None without Caddy."""
    if shutil.which("caddy") is None:
        return None
    from tests.robustness.caddy import Caddy

    return Caddy(folder, upstream_port)


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
                    f"{path:7} {weight['total']:,} bytes of HTML, CSS and JS "
                    f"(HTML {weight['text/html']:,}, CSS {weight['text/css']:,}, JS {weight['text/javascript']:,}); "
                    f"images {weight['images']:,} bytes; {weight['files']} files"
                )
            times = first_product_ms(browser, server.url + "/", loads)
            print(
                f"first product rendered: median {statistics.median(times):.0f} ms, "
                f"min {min(times):.0f}, max {max(times):.0f} ({loads} loads, fresh cache each)"
            )
            phone_loads = max(3, loads // 4)
            report_phone("straight from the server", phone_paints(browser, server.url + "/", phone_loads))
            caddy = behind_caddy(Path(folder), int(server.url.rsplit(":", 1)[1]))
            if caddy is None:
                print("behind Caddy: not measured (apt-get install caddy)")
            else:
                try:
                    report_phone("behind Caddy (HTTPS, gzip)", phone_paints(browser, caddy.url + "/", phone_loads))
                finally:
                    caddy.stop()
        finally:
            browser.close()
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
