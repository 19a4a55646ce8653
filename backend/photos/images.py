"""Pillow's part: an upload checked by its content, cleaned (orientation applied, metadata dropped,
re-encoded) and its resized copies. Knows nothing of HTTP or storage."""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# The types a photo may be, by what Pillow finds in the bytes (never the name or Content-Type).
ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# 40 megapixels: more than any phone camera's photo, far less than a decompression bomb's. Pillow
# refuses twice MAX_IMAGE_PIXELS at open() already; the check in clean() refuses anything above it.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
MAX_SIDE = 12_000  # a 1 × 40,000,000 strip is no photo either
WIDTHS = (400, 800, 1600)
# The kept photo's longest side: twice the widest copy (enough for any later, larger size), and a
# 50-megapixel upload costs its decoding once rather than on every copy.
MASTER_MAX = 3200
# Decoding a 40-megapixel photo takes ~160 MB a copy of its pixels: two uploads at a time at most.
_DECODING = threading.BoundedSemaphore(2)
FORMATS = {"webp": "image/webp", "jpg": "image/jpeg"}
BACKGROUND = (255, 255, 255)  # what a transparent PNG is laid on for JPEG


class PhotoRefused(Exception):
    """An upload that is not a photo the shop takes; `reason` is one of 'type', 'too_many_pixels'."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class CleanPhoto:
    """A photo as the shop keeps it: re-encoded bytes without metadata, their hash and size."""

    data: bytes
    mime: str
    width: int
    height: int

    @property
    def hash(self) -> str:
        return content_hash(self.data)


def content_hash(data: bytes) -> str:
    """The name of a photo's bytes (128 bits of SHA-256: URLs stay short, collisions stay impossible)."""
    return hashlib.sha256(data).hexdigest()[:32]


def _open_checked(data: bytes) -> Image.Image:
    """The image in `data`, refused unless JPEG, PNG or WebP of a sane pixel count that verifies."""
    try:
        probe = Image.open(io.BytesIO(data), formats=list(ACCEPTED))
        probe.verify()  # reads the whole file: a truncated or corrupt one fails here
        image = Image.open(io.BytesIO(data), formats=list(ACCEPTED))  # verify() leaves it unusable
    except Image.DecompressionBombError:
        raise PhotoRefused("too_many_pixels", f"The image has more than {MAX_PIXELS:,} pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoRefused("type", "The file is not a JPEG, PNG or WebP image") from None
    width, height = image.size
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise PhotoRefused(
            "too_many_pixels", f"The image has more than {MAX_PIXELS:,} pixels or a side over {MAX_SIDE}"
        )
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colours converted to sRGB when the photo carries another profile (a phone's Display P3), so
    that dropping the profile does not dull them; the profile itself is never kept."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
        return converted if converted is not None else image
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unreadable profile: the pixels as they are


def clean(data: bytes) -> CleanPhoto:
    """Check `data` by its content and re-encode it: EXIF orientation applied, at most MASTER_MAX
    pixels on its longest side, then every byte of metadata (EXIF with GPS, XMP, ICC, comments)
    left behind. Raises PhotoRefused."""
    image = _open_checked(data)
    with _DECODING:
        return _clean(image)


def _clean(image: Image.Image) -> CleanPhoto:
    source_format = image.format or ""  # set: _open_checked let only JPEG, PNG and WebP through
    try:
        image.seek(0)  # an animated WebP or PNG: its first frame
        if source_format == "JPEG":
            image.draft(image.mode, (MASTER_MAX, MASTER_MAX))  # decode a huge JPEG at 1/2, 1/4 or 1/8
        image.load()
        image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PhotoRefused("type", "The image could not be decoded") from None
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = _to_srgb(image.convert("RGBA" if has_alpha else "RGB"))
    if max(image.size) > MASTER_MAX:
        image.thumbnail((MASTER_MAX, MASTER_MAX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A fresh image from the pixels alone: nothing of the upload's info dict travels with it.
    pixels = Image.frombytes(image.mode, image.size, image.tobytes())
    if source_format == "JPEG":
        pixels.save(out, "JPEG", quality=92, optimize=True)
    elif source_format == "PNG":
        pixels.save(out, "PNG", optimize=True)
    else:
        pixels.save(out, "WEBP", quality=90, method=4)
    return CleanPhoto(out.getvalue(), ACCEPTED[source_format], *pixels.size)


def served_width(original_width: int, width: int) -> int:
    """The width a copy asked at `width` has: never wider than the original (no upscaling)."""
    return min(width, original_width)


def resize(data: bytes, width: int, fmt: str) -> bytes:
    """A copy of a cleaned photo `width` pixels wide (or its own width, if narrower) as `fmt`
    ('webp' or 'jpg')."""
    image: Image.Image = Image.open(io.BytesIO(data))
    target = served_width(image.width, width)
    height = max(1, round(image.height * target / image.width))
    if image.format == "JPEG":
        image.draft("RGB", (target, height))  # decode at a fraction of the size when it can
    image = image.convert(image.mode if image.mode in ("RGB", "RGBA") else "RGB")
    if image.size != (target, height):
        image = image.resize((target, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if fmt == "webp":
        image.save(out, "WEBP", quality=80, method=4)
    else:
        if image.mode == "RGBA":
            flat = Image.new("RGB", image.size, BACKGROUND)
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()
