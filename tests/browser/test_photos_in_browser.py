"""Photos in the browser: the storefront's cards show the sample mockups (alt text, sizes, lazy
loading but for the first), and the console uploads a photo, shows it and deletes it."""

from __future__ import annotations

import io
import json

import pytest
from playwright.sync_api import expect

from backend.photos.service import MOCKUPS_DIR

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]

MOCKUPS = json.loads((MOCKUPS_DIR / "mockups.json").read_text(encoding="utf-8"))
ALT = "Phulkari Pocket Tee folded on a wooden table, pocket embroidery close up"


def png(colour=(219, 39, 119)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(out, "PNG")
    return out.getvalue()


def test_the_storefront_shows_each_designs_mockup_with_its_alt_text(page):
    page.goto("/")
    images = page.get_by_role("article").get_by_role("img")
    expect(images).to_have_count(len(MOCKUPS))
    for mockup in MOCKUPS:
        expect(page.get_by_role("img", name=mockup["alt"], exact=True)).to_be_visible()
    first = images.first
    expect(first).to_have_attribute("loading", "eager")
    expect(images.nth(1)).to_have_attribute("loading", "lazy")
    expect(first).to_have_attribute("width", "1200")
    expect(first).to_have_attribute("sizes", "(min-width: 960px) 19rem, (min-width: 640px) 45vw, 92vw")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first.element_handle())
    # Chromium takes WebP, so the <picture> gave it a WebP copy, no wider than 1600 px.
    assert ".webp" in first.evaluate("img => img.currentSrc")
    assert first.evaluate("img => img.naturalWidth") <= 1600


def test_the_storefront_draws_its_cards_from_the_page_and_fetches_the_preloaded_photo_once(page):
    """backend/api/first_screen.py: no catalogue call before the first cards, and the card's
    <picture> uses the very file the page preloaded (not a second download of another size)."""
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto("/")
    first = page.get_by_role("article").get_by_role("img").first
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first.element_handle())
    catalogue_calls = [u for u in asked if "/api/products" in u or "/api/designs" in u]
    assert catalogue_calls == [], catalogue_calls
    shown = first.evaluate("img => img.currentSrc")
    photos = [u for u in asked if "/photos/" in u or ".webp" in u]
    assert photos.count(shown) == 1, (shown, photos)
    assert photos[0] == shown, "the preload was the first photo asked for"


def test_the_console_uploads_shows_and_deletes_a_photo(page):
    page.goto("/admin#photos")
    section = page.get_by_role("region", name="Photos")
    section.get_by_label("Design", exact=True).select_option(label="Phulkari Pocket Tee (BHRT-007)")
    photos = section.get_by_role("list", name="Photos of this design")
    expect(photos.get_by_role("listitem")).to_have_count(1)  # the sample mockup

    section.get_by_label("Photo", exact=True).set_input_files(
        {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo at all"}
    )
    section.get_by_label("What the photo shows, for people who cannot see it").fill(ALT)
    section.get_by_role("button", name="Upload photo").click()
    expect(section.get_by_role("alert")).to_contain_text("The file is not a JPEG, PNG or WebP photo.")

    section.get_by_label("Photo", exact=True).set_input_files(
        {"name": "pocket.png", "mimeType": "image/png", "buffer": png()}
    )
    section.get_by_role("button", name="Upload photo").click()
    expect(section.get_by_role("alert")).to_have_text(f'Uploaded the photo "{ALT}".')
    expect(photos.get_by_role("img", name=ALT)).to_be_visible()
    expect(photos.get_by_role("listitem")).to_have_count(2)

    photos.get_by_role("button", name=f"Delete photo: {ALT}").click()
    expect(section.get_by_role("alert")).to_have_text(f'Deleted the photo "{ALT}".')
    expect(photos.get_by_role("img", name=ALT)).to_have_count(0)
    expect(photos.get_by_role("listitem")).to_have_count(1)


def test_the_console_asks_for_the_alt_text_before_uploading(page):
    page.goto("/admin#photos")
    section = page.get_by_role("region", name="Photos")
    section.get_by_label("Photo", exact=True).set_input_files(
        {"name": "pocket.png", "mimeType": "image/png", "buffer": png()}
    )
    section.get_by_role("button", name="Upload photo").click()
    expect(section.get_by_role("alert")).to_have_text("Describe the photo for people who cannot see it.")
    alt = section.get_by_label("What the photo shows, for people who cannot see it")
    expect(alt).to_be_focused()
    expect(alt).to_have_attribute("aria-invalid", "true")
