"""Pillow's part on its own: what is refused, what is left of a photo's metadata, the copies' sizes."""

from __future__ import annotations

import pytest

from backend.photos import images
from tests.photos.images import GPS_IFD, bomb, image_bytes, opened, photo_with_gps


@pytest.mark.parametrize(
    "fmt,mime", [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")], ids=["jpeg", "png", "webp"]
)
def test_jpeg_png_and_webp_are_taken_and_keep_their_size(fmt, mime):
    clean = images.clean(image_bytes(fmt, size=(640, 480)))
    assert (clean.mime, clean.width, clean.height) == (mime, 640, 480)
    assert opened(clean.data).size == (640, 480)


@pytest.mark.parametrize(
    "data",
    [
        b"Hello, I am a text file renamed photo.jpg",
        b"\xff\xd8\xff\xe0" + b"\x00" * 64,  # a JPEG's first bytes and nothing after
        image_bytes("GIF", size=(10, 10), mode="P"),
        image_bytes("BMP", size=(10, 10)),
        image_bytes("JPEG")[:-400],  # cut off
    ],
    ids=["text", "jpeg-magic-only", "gif", "bmp", "truncated-jpeg"],
)
def test_anything_that_is_not_a_whole_jpeg_png_or_webp_is_refused_as_its_type(data):
    with pytest.raises(images.PhotoRefused) as refused:
        images.clean(data)
    assert refused.value.reason == "type"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Pillow's, between 1× and 2× its limit
@pytest.mark.parametrize("pixels", [45_000_000, 90_000_000], ids=["over-the-cap", "over-pillows-own-limit"])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(pixels):
    data = bomb(pixels)
    assert len(data) < 200_000  # small on the wire, huge in memory
    with pytest.raises(images.PhotoRefused) as refused:
        images.clean(data)
    assert refused.value.reason == "too_many_pixels"


def test_exif_gps_comments_and_icc_are_gone_and_the_orientation_is_applied():
    original = opened(photo_with_gps((200, 100)))
    assert original.getexif().get_ifd(GPS_IFD)  # the test photo does carry a position

    clean = images.clean(photo_with_gps((200, 100)))
    kept = opened(clean.data)
    assert (clean.width, clean.height) == kept.size == (100, 200)  # turned as the camera meant
    assert not kept.getexif()
    assert not kept.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "icc_profile", "comment", "xmp"} & set(kept.info)
    assert kept.getpixel((50, 10))[2] < 100  # the yellow half is now on top
    assert b"PhoneMaker" not in clean.data and b"taken at home" not in clean.data


def test_an_icc_profile_is_converted_and_dropped():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    clean = images.clean(image_bytes("PNG", size=(20, 20), icc_profile=profile))
    assert "icc_profile" not in opened(clean.data).info


@pytest.mark.parametrize(
    "original,asked,served", [(1000, 400, 400), (1000, 800, 800), (1000, 1600, 1000), (300, 400, 300)]
)
@pytest.mark.parametrize("fmt,pillow", [("webp", "WEBP"), ("jpg", "JPEG")])
def test_copies_are_made_at_each_width_and_never_enlarged(original, asked, served, fmt, pillow):
    clean = images.clean(image_bytes("PNG", size=(original, original // 2)))
    copy = opened(images.resize(clean.data, asked, fmt))
    assert copy.format == pillow
    assert copy.size == (served, served // 2)


def test_a_transparent_png_gets_a_white_background_as_jpeg_and_keeps_its_alpha_as_webp():
    clean = images.clean(image_bytes("PNG", size=(40, 40), colour=(0, 0, 0, 0), mode="RGBA"))
    assert opened(images.resize(clean.data, 400, "jpg")).getpixel((5, 5)) == pytest.approx((255, 255, 255), abs=2)
    assert opened(images.resize(clean.data, 400, "webp")).mode == "RGBA"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_photo_larger_than_needed_is_kept_at_3200_px_on_its_longest_side(fmt):
    clean = images.clean(image_bytes(fmt, size=(6400, 4000)))
    assert (clean.width, clean.height) == (3200, 2000) == opened(clean.data).size
