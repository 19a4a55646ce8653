"""Images made with Pillow for the photo tests: each format, a photo with GPS and orientation, a
decompression bomb, a file that only says it is a JPEG."""

from __future__ import annotations

import io

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(fmt: str = "JPEG", size=(1000, 500), colour=(185, 28, 28), mode: str = "RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, fmt, **save)
    return out.getvalue()


def photo_with_gps(size=(200, 100)) -> bytes:
    """A JPEG a phone could have taken: GPS position, camera make, a comment, EXIF orientation 6
    (turn 90° clockwise to view), so its pixels are `size` but it shows as size[1] × size[0]."""
    image = Image.new("RGB", size, (30, 58, 138))
    image.paste((250, 204, 21), (0, 0, size[0] // 2, size[1]))  # left half yellow: shows the turn
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (19.0, 4.0, 30.0), 3: "E", 4: (72.0, 52.0, 40.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"taken at home")
    return out.getvalue()


def bomb(pixels: int) -> bytes:
    """A tiny PNG (one bit a pixel, all zero, compresses to almost nothing) of `pixels` pixels."""
    width = 10_000
    out = io.BytesIO()
    Image.new("1", (width, pixels // width)).save(out, "PNG", optimize=True)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
