"""/api/photos and /photos/…: uploads checked by content and size, metadata gone, copies by width
and format with a year's caching, the admin rule, the products' photos and the sample mockups."""

from __future__ import annotations

import io
import json

import pytest

from backend import create_app
from backend.photos.service import MAX_BYTES, MOCKUPS_DIR
from tests.photos.images import GPS_IFD, bomb, image_bytes, opened, photo_with_gps

MOCKUPS = json.loads((MOCKUPS_DIR / "mockups.json").read_text(encoding="utf-8"))


def upload(client, data: bytes, *, name="photo.jpg", mimetype="image/jpeg", headers=None, **fields):
    form = {"design": "BHRT-002", "alt": "Warli Village Tee, front view", **fields}
    form["file"] = (io.BytesIO(data), name, mimetype)
    return client.post("/api/photos", data=form, content_type="multipart/form-data", headers=headers or {})


def copy_url(photo: dict, width: int, fmt: str | None) -> str:
    return photo["src"].rsplit("-", 1)[0] + f"-{width}" + (f".{fmt}" if fmt else "")


@pytest.mark.parametrize("fmt,name", [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp")])
def test_jpeg_png_and_webp_uploads_are_kept_and_listed(client, fmt, name):
    answer = upload(client, image_bytes(fmt, size=(900, 600)), name=name, colour="White")
    assert answer.status_code == 201, answer.get_json()
    photo = answer.get_json()["data"]
    assert answer.headers["Location"] == f"/api/photos/{photo['id']}"
    assert (photo["design"], photo["colour"], photo["alt"]) == ("BHRT-002", "White", "Warli Village Tee, front view")
    assert (photo["width"], photo["height"]) == (900, 600)
    listed = client.get("/api/photos?design=BHRT-002").get_json()["data"]
    assert photo in listed
    assert client.get(f"/api/photos/{photo['id']}").get_json()["data"] == photo


def test_a_text_file_named_like_a_jpeg_is_refused(client):
    answer = upload(client, b"just some text, honestly\n" * 10, name="holiday.jpg", mimetype="image/jpeg")
    assert answer.status_code == 415
    assert answer.get_json()["error"]["code"] == "unsupported_photo_type"


def test_a_photo_over_8_mb_is_refused_with_413_while_other_routes_keep_64_kib(client):
    answer = upload(client, b"\xff\xd8\xff" + b"\x00" * MAX_BYTES)
    assert answer.status_code == 413
    assert answer.get_json()["error"]["code"] == "photo_too_large"
    order = client.post("/api/orders", data=b"{" + b" " * (70 * 1024) + b"}", content_type="application/json")
    assert order.status_code == 413
    assert order.get_json()["error"]["code"] == "payload_too_large"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_decompression_bomb_is_refused(client):
    answer = upload(client, bomb(90_000_000), name="bomb.png", mimetype="image/png")
    assert answer.status_code == 422
    assert answer.get_json()["error"]["details"][0]["field"] == "file"


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"alt": "   "}, "alt"),
        ({"alt": "x" * 251}, "alt"),
        ({"alt": "bad\x00text"}, "alt"),
        ({"design": "BHRT-999"}, "design"),
        ({"design": ""}, "design"),
        ({"colour": "<script>"}, "colour"),
    ],
)
def test_the_fields_are_checked(client, fields, field):
    answer = upload(client, image_bytes(), **fields)
    assert answer.status_code == 422
    assert [d["field"] for d in answer.get_json()["error"]["details"]] == [field]


def test_a_form_without_a_file_or_not_multipart_is_refused(client):
    no_file = client.post("/api/photos", data={"design": "BHRT-002", "alt": "x"}, content_type="multipart/form-data")
    assert no_file.status_code == 422
    assert client.post("/api/photos", data={"design": "BHRT-002", "alt": "x"}).status_code == 415  # urlencoded
    assert client.post("/api/photos", json={"design": "BHRT-002"}).status_code == 415


def test_gps_and_the_rest_of_the_metadata_are_gone_from_every_copy(client):
    photo = upload(client, photo_with_gps((400, 200))).get_json()["data"]
    assert (photo["width"], photo["height"]) == (200, 400)  # the orientation applied
    for fmt in ("jpg", "webp"):
        served = opened(client.get(copy_url(photo, 400, fmt)).data)
        assert not served.getexif().get_ifd(GPS_IFD)
        assert not {"exif", "icc_profile", "comment"} & set(served.info)
    stored = client.application.extensions["shop"].photos.store
    original = stored.original(stored.photo(photo["id"])["hash"])
    assert b"PhoneMaker" not in original and not opened(original).getexif()


def test_copies_come_at_each_width_never_enlarged_and_made_once(client):
    photo = upload(client, image_bytes("PNG", size=(1000, 500))).get_json()["data"]
    assert photo["srcset"]["image/webp"].endswith("-1600.webp 1000w")
    sizes = {width: opened(client.get(copy_url(photo, width, "jpg")).data).size for width in (400, 800, 1600)}
    assert sizes == {400: (400, 200), 800: (800, 400), 1600: (1000, 500)}
    store = client.application.extensions["shop"].photos.store
    content_hash = store.photo(photo["id"])["hash"]
    assert store.copy(content_hash, 800, "jpg") == client.get(copy_url(photo, 800, "jpg")).data


@pytest.mark.parametrize(
    "accept,mimetype",
    [
        ("image/avif,image/webp,image/apng,image/*,*/*;q=0.8", "image/webp"),
        ("image/webp", "image/webp"),
        ("image/jpeg,image/*;q=0.8", "image/jpeg"),
        ("*/*", "image/jpeg"),
        ("image/webp;q=0", "image/jpeg"),
    ],
)
def test_the_address_without_a_format_answers_webp_or_jpeg_by_accept(client, accept, mimetype):
    photo = upload(client, image_bytes()).get_json()["data"]
    answer = client.get(copy_url(photo, 400, None), headers={"Accept": accept})
    assert answer.mimetype == mimetype
    assert opened(answer.data).format == {"image/webp": "WEBP", "image/jpeg": "JPEG"}[mimetype]
    assert "Accept" in answer.headers["Vary"]


def test_copies_are_cached_for_a_year_with_an_etag_and_the_security_headers(client):
    photo = upload(client, image_bytes()).get_json()["data"]
    answer = client.get(copy_url(photo, 800, "webp"))
    assert answer.status_code == 200 and answer.mimetype == "image/webp"
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    again = client.get(copy_url(photo, 800, "webp"), headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304 and not again.data


@pytest.mark.parametrize(
    "path",
    ["/photos/" + "0" * 32 + "-800.webp", "/photos/" + "0" * 32 + "-500.jpg", "/photos/../app.py", "/photos/x-800.png"],
)
def test_no_photo_at_other_addresses(client, path):
    assert client.get(path).status_code == 404


def test_a_deleted_photo_and_its_copies_are_gone(client):
    photo = upload(client, image_bytes()).get_json()["data"]
    assert client.get(copy_url(photo, 400, "jpg")).status_code == 200
    assert client.delete(f"/api/photos/{photo['id']}").status_code == 200
    assert client.get(f"/api/photos/{photo['id']}").status_code == 404
    assert client.get(copy_url(photo, 400, "jpg")).status_code == 404
    assert client.delete(f"/api/photos/{photo['id']}").status_code == 404


def test_uploading_and_deleting_need_the_admin_key(config):
    client = create_app(config.with_overrides(admin_api_key="k" * 20)).test_client()
    assert upload(client, image_bytes()).status_code == 401
    key = {"Authorization": "Bearer " + "k" * 20}
    photo = upload(client, image_bytes(), headers=key).get_json()["data"]
    assert client.delete(f"/api/photos/{photo['id']}").status_code == 401
    assert client.get("/api/photos").status_code == 200  # the photos are public, like the products


def test_another_website_cannot_make_this_machines_browser_upload(client):
    answer = upload(client, image_bytes(), headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert answer.status_code in (401, 403)


def test_each_product_lists_its_designs_photos_starting_with_the_sample_mockup(client):
    products = client.get("/api/products").get_json()["data"]
    by_sku = {p["sku"]: p for p in products}
    assert all(len(p["photos"]) == 1 for p in products)
    assert by_sku["BHRT-001-M"]["photos"] == by_sku["BHRT-001-L"]["photos"]  # one design, two sizes
    first = by_sku["BHRT-001-M"]["photos"][0]
    assert first["alt"] == next(m["alt"] for m in MOCKUPS if m["design"] == "BHRT-001")
    assert client.get(first["src"]).status_code == 200
    assert client.get("/api/products/BHRT-001-L").get_json()["data"]["photos"] == [first]


def test_a_deleted_sample_is_not_brought_back_by_the_next_start(config):
    client = create_app(config).test_client()
    sample = client.get("/api/photos?design=BHRT-003").get_json()["data"][0]
    client.delete(f"/api/photos/{sample['id']}")
    again = create_app(config).test_client()
    assert again.get("/api/photos?design=BHRT-003").get_json()["data"] == []
    assert len(again.get("/api/photos").get_json()["data"]) == len(MOCKUPS) - 1


def test_a_design_takes_at_most_24_photos(client, monkeypatch):
    monkeypatch.setattr("backend.photos.service.MAX_PER_DESIGN", 3)  # the sample mockup is one
    assert upload(client, image_bytes()).status_code == 201
    assert upload(client, image_bytes(colour=(1, 2, 3))).status_code == 201
    answer = upload(client, image_bytes(colour=(4, 5, 6)))
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "too_many_photos"
