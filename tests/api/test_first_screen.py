"""The storefront page carries its first screen (backend/api/first_screen.py): the same data the
API answers, a preload of the very photo the first card shows, safe inside a <script> block, a
fresh ETag when stock changes, and the plain page when the store cannot be read."""

from __future__ import annotations

import json
import re

from backend.api import first_screen
from backend.api.pages import FRONTEND_DIR
from tests.conftest import order_body


def data_block(answer) -> dict:
    (block,) = re.findall(rb'<script type="application/json" id="first-screen">(.*?)</script>', answer.data)
    return json.loads(block)


def test_the_page_holds_what_the_api_answers_and_preloads_the_first_cards_photo(client):
    data = data_block(client.get("/"))
    for key, path in [
        ("products", "/api/products"),
        ("designs", "/api/designs"),
        ("charges", "/api/charges"),
        ("size_charts", "/api/size-charts"),
        ("delivery", "/api/delivery-estimate"),
    ]:
        assert data[key] == client.get(path).get_json()["data"], key
    first = data["products"][0]
    photo = first["photos"][0]
    (link,) = re.findall(rb'<link rel="preload" as="image"[^>]*>', client.get("/").data)
    assert f'imagesrcset="{photo["srcset"]["image/webp"]}"'.encode() in link
    assert f'imagesizes="{first_screen.PHOTO_SIZES}"'.encode() in link and b'type="image/webp"' in link
    card_js = (FRONTEND_DIR / "js" / "product-card.js").read_text(encoding="utf-8")
    assert f"const PHOTO_SIZES = '{first_screen.PHOTO_SIZES}';" in card_js, "the preload must pick the card's file"


def test_the_first_card_is_the_first_designs_first_size_in_stock():
    photo = lambda name: [{"src": name}]  # noqa: E731
    products = [
        {"design": "A", "name": "a", "in_stock": False, "photos": photo("a-m")},
        {"design": "B", "name": "b", "in_stock": True, "photos": photo("b-m")},
        {"design": "A", "name": "a", "in_stock": True, "photos": photo("a-l")},
    ]
    assert first_screen.first_photo(products) == {"src": "a-l"}
    products[2]["in_stock"] = False
    assert first_screen.first_photo(products) == {"src": "a-m"}, "none in stock: the first size"
    assert first_screen.first_photo([]) is None


def test_nothing_in_the_data_can_close_the_script_block():
    text = json.dumps({"name": "</script><script>alert(1)</script> <!-- & \u2028"})
    safe = text.translate(first_screen.SCRIPT_SAFE)
    assert not set("<>&\u2028") & set(safe)
    assert json.loads(safe) == json.loads(text)


def test_a_sale_changes_the_pages_etag_and_an_unchanged_page_is_a_304(client):
    first = client.get("/")
    assert client.get("/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.post("/api/orders", json=order_body()).status_code == 201  # takes stock
    after = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != first.headers["ETag"]
    sold = {p["sku"]: p["stock_quantity"] for p in data_block(after)["products"]}
    before = {p["sku"]: p["stock_quantity"] for p in data_block(first)["products"]}
    assert sold != before


def test_a_store_that_cannot_be_read_still_serves_the_page_without_its_data(client, monkeypatch, caplog):
    def broken(*args):
        raise OSError("database unreachable")

    monkeypatch.setattr(first_screen, "products_data", broken)
    answer = client.get("/")
    assert answer.status_code == 200 and b'id="first-screen"' not in answer.data
    assert b'<script type="module" src="js/storefront.js">' in answer.data
    assert "without its first screen" in caplog.text
