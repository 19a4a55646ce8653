"""JSON Schemas of photos: the multipart upload (POST /api/photos), a photo with the addresses of
its resized copies, the answers holding photos."""

from __future__ import annotations

from ..photos.images import MAX_PIXELS, WIDTHS
from ..photos.service import COLOUR_CORE, MAX_ALT, MAX_BYTES, design_of
from .fields import COUNT, STRING_OR_NULL, SUCCESS, obj, ref, text, trimmed

COPY_URL = r"/photos/[0-9a-f]{32}-(?:400|800|1600)\.(?:webp|jpg)"
SRCSET = {"type": "string", "pattern": rf"^{COPY_URL} [0-9]+w(?:, {COPY_URL} [0-9]+w)*$"}


def photo_request_schemas(catalogue) -> dict:
    """The upload's form. `catalogue`: SKU → product (a photo belongs to one of their designs)."""
    designs = sorted({design_of({**product, "sku": sku}) for sku, product in catalogue.items()})
    return {
        "PhotoUpload": {
            "type": "object",
            "required": ["file", "design", "alt"],
            "properties": {
                "file": {
                    "type": "string",
                    "contentMediaType": "application/octet-stream",
                    "description": f"The photo: JPEG, PNG or WebP (told by its content, not its name or type), "
                    f"at most {MAX_BYTES // (1024 * 1024)} MB and {MAX_PIXELS:,} pixels.",
                },
                "design": {"type": "string", "enum": designs, "description": "The design: a SKU without its size."},
                "alt": text(MAX_ALT, description="What the photo shows, for people who cannot see it."),
                "colour": {
                    "type": "string",
                    "maxLength": 64,
                    "pattern": trimmed(f"(?:{COLOUR_CORE})?"),
                    "description": "The garment colour the photo shows (empty or left out: any).",
                },
            },
        },
    }


def photo_response_schemas() -> dict:
    """A photo and the answers holding photos."""
    return {
        "Photo": obj(
            ("id", "design", "colour", "alt", "width", "height", "src", "srcset", "created_at"),
            {
                "id": {"type": "string", "pattern": "^ph_[0-9a-f]{16}$"},
                "design": {"type": "string", "examples": ["BHRT-001"]},
                "colour": STRING_OR_NULL,
                "alt": {"type": "string", "description": "The text for people who cannot see the photo."},
                "width": {**COUNT, "description": "Pixels, of the largest copy (a photo is never enlarged)."},
                "height": COUNT,
                "src": {
                    "type": "string",
                    "pattern": f"^{COPY_URL}$",
                    "description": "A JPEG copy about 800 px wide. Copies live at content-hash addresses, cached "
                    "for a year (`Cache-Control: public, max-age=31536000, immutable`, ETag); the address "
                    "without `.webp`/`.jpg` answers WebP when `Accept` names image/webp, else JPEG.",
                },
                "srcset": obj(
                    ("image/webp", "image/jpeg"),
                    {"image/webp": SRCSET, "image/jpeg": SRCSET},
                    description=f"An <img>/<source> srcset per format, at {', '.join(map(str, WIDTHS))} px "
                    "(or the photo's own width, when narrower).",
                ),
                "created_at": {"type": "number", "description": "Unix time of the upload."},
            },
        ),
        "PhotoList": obj(
            ("status", "data", "count"),
            {"status": SUCCESS, "data": {"type": "array", "items": ref("Photo")}, "count": COUNT},
        ),
        "PhotoAnswer": obj(("status", "data"), {"status": SUCCESS, "data": ref("Photo")}),
        "PhotoDeleted": obj(("status", "message"), {"status": SUCCESS, "message": {"type": "string"}}),
    }
