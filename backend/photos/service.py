"""Photos of the designs: upload (checked, cleaned), list, delete, the resized copies (made once,
then kept) and the sample mockups added on first start. Knows nothing of HTTP."""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from pathlib import Path

from ..config import PROJECT_ROOT
from ..errors import NotFound, TooManyPhotos, UnsupportedPhoto, ValidationError
from ..models import Problems, text_field
from . import images
from .store import PhotoStore

log = logging.getLogger(__name__)

MAX_BYTES = 8 * 1024 * 1024
# An upload's whole body: the photo, the form's other fields and the multipart boundaries.
UPLOAD_LIMIT = MAX_BYTES + 64 * 1024
MAX_PER_DESIGN = 24
MAX_ALT = 250
MOCKUPS_DIR = PROJECT_ROOT / "data" / "mockups"
COLOUR_CORE = r"[A-Za-z][A-Za-z -]{0,39}"
_COLOUR = re.compile(COLOUR_CORE)
_HASH = re.compile(r"[0-9a-f]{32}")


def design_of(product: dict) -> str:
    """A product's design id: its own `design`, else its SKU without the size (BHRT-001-M → BHRT-001)."""
    if product.get("design"):
        return product["design"]
    size = product.get("size")
    return product["sku"].removesuffix(f"-{size}") if size else product["sku"]


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError.from_fields([{"field": field, "message": message}])


class PhotoService:
    """The photos of one app. `designs()` answers the design ids photos may belong to."""

    def __init__(self, store: PhotoStore, designs, *, mockups_dir: Path | None = MOCKUPS_DIR, clock=time.time):
        self.store = store
        self._designs = designs
        self._mockups_dir = mockups_dir
        self._clock = clock
        self._seeded = mockups_dir is None
        self._seed_lock = threading.Lock()

    # --- the sample mockups --------------------------------------------------------------------
    def ensure_seeded(self) -> None:
        """The sample mockups (data/mockups/), added once to a store that never had them: done on
        first use rather than at start-up, so that an app that never shows a photo never writes one."""
        if self._seeded:
            return
        with self._seed_lock:
            if self._seeded or self._mockups_dir is None:
                return
            manifest = self._mockups_dir / "mockups.json"
            if manifest.is_file():
                known = self._designs()
                entries = [e for e in json.loads(manifest.read_text(encoding="utf-8")) if e["design"] in known]
                photos = [self._mockup(entry) for entry in entries]
                if self.store.seed(photos):
                    log.info("Added %d sample mockup photos from %s", len(photos), self._mockups_dir)
            self._seeded = True

    def _mockup(self, entry: dict) -> tuple[dict, bytes]:
        data = (self._mockups_dir / entry["file"]).read_bytes()
        record = self._record(entry["design"], entry.get("colour"), entry["alt"], data, entry["mime"])
        record.update(width=entry["width"], height=entry["height"])
        return record, data

    def _record(self, design, colour, alt, data, mime, width=0, height=0) -> dict:
        return {
            "id": "ph_" + secrets.token_hex(8),
            "design": design,
            "colour": colour,
            "alt": alt,
            "hash": images.content_hash(data),
            "mime": mime,
            "width": width,
            "height": height,
            "bytes": len(data),
            "created_at": self._clock(),
        }

    # --- the console's calls -------------------------------------------------------------------
    def upload(self, data: bytes, *, design: str, colour: str | None, alt: str) -> dict:
        """Check the fields and the image, clean it, keep it: the new photo's record."""
        problems = Problems()
        if not design:
            problems.add("design", "is required")
        elif design not in self._designs():  # exactly, as the document's enum says
            problems.add("design", "must be one of the catalogue's designs (e.g. BHRT-001)")
        alt = " ".join(text_field(problems, "alt", alt, max_len=MAX_ALT).split())
        colour = text_field(problems, "colour", colour, required=False, max_len=64) or None
        if colour is not None and not _COLOUR.fullmatch(colour):
            problems.add("colour", "must be a colour's name: letters, spaces and hyphens, at most 40")
        problems.raise_if_any()
        self.ensure_seeded()
        if len(self.store.photos(design)) >= MAX_PER_DESIGN:
            raise TooManyPhotos(f"{design} already has {MAX_PER_DESIGN} photos: delete one first")
        try:
            photo = images.clean(data)
        except images.PhotoRefused as refused:
            if refused.reason == "type":
                raise UnsupportedPhoto(refused.message) from None
            raise _invalid("file", refused.message) from None
        record = self._record(design, colour, alt, photo.data, photo.mime, photo.width, photo.height)
        return self.store.add(record, photo.data)

    def photos(self, design: str | None = None) -> list[dict]:
        self.ensure_seeded()
        return self.store.photos(design)

    def photo(self, photo_id: str) -> dict:
        self.ensure_seeded()
        record = self.store.photo(photo_id)
        if record is None:
            raise NotFound(f"No photo with id {photo_id}")
        return record

    def delete(self, photo_id: str) -> dict:
        self.ensure_seeded()  # else a first-start seed could bring a deleted sample back
        record = self.store.delete(photo_id)
        if record is None:
            raise NotFound(f"No photo with id {photo_id}")
        return record

    def by_design(self) -> dict[str, list[dict]]:
        """Every photo's public form, grouped by design (GET /api/products)."""
        grouped: dict[str, list[dict]] = {}
        for record in self.photos():
            grouped.setdefault(record["design"], []).append(public_photo(record))
        return grouped

    # --- serving -------------------------------------------------------------------------------
    def copy(self, content_hash: str, width: int, fmt: str) -> bytes | None:
        """The photo `content_hash` at `width` as `fmt`: made the first time, kept for every later one."""
        if not _HASH.fullmatch(content_hash) or width not in images.WIDTHS or fmt not in images.FORMATS:
            return None
        made = self.store.copy(content_hash, width, fmt)
        if made is not None:
            return made
        original = self.store.original(content_hash)
        if original is None:
            return None
        made = images.resize(original, width, fmt)
        self.store.save_copy(content_hash, width, fmt, made)
        return made


def photo_url(content_hash: str, width: int, fmt: str | None) -> str:
    """The address of a copy; without `fmt`, the one that answers WebP or JPEG by the Accept header."""
    return f"/photos/{content_hash}-{width}" + (f".{fmt}" if fmt else "")


def public_photo(record: dict) -> dict:
    """What the API shows of a photo: its text, size and the addresses of its copies (a width
    wider than the photo is served at the photo's own width, so each width is listed once)."""
    widths: dict[int, int] = {}
    for width in images.WIDTHS:
        widths.setdefault(images.served_width(record["width"], width), width)
    largest = max(widths)
    display_height = round(record["height"] * largest / record["width"]) if record["width"] else 0

    def srcset(fmt):
        return ", ".join(f"{photo_url(record['hash'], asked, fmt)} {actual}w" for actual, asked in widths.items())

    return {
        "id": record["id"],
        "design": record["design"],
        "colour": record["colour"],
        "alt": record["alt"],
        "width": largest,
        "height": display_height,
        "src": photo_url(record["hash"], widths[min(widths, key=lambda w: abs(w - 800))], "jpg"),
        "srcset": {"image/webp": srcset("webp"), "image/jpeg": srcset("jpg")},
        "created_at": record["created_at"],
    }
