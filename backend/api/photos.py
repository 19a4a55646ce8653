"""/api/photos (the console's uploads, the list, deletion) and /photos/… (the resized copies, at
content-hash addresses cached for a year)."""

from __future__ import annotations

from flask import Blueprint, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import NotFound, PhotoTooLarge, UnsupportedMediaType, ValidationError
from ..photos.service import MAX_BYTES, UPLOAD_LIMIT, public_photo
from . import require_admin, services

bp = Blueprint("photos", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
TYPES = {"webp": "image/webp", "jpg": "image/jpeg"}


def _photos():
    return services().photos


def _uploaded_bytes() -> bytes:
    """The `file` field's bytes; 413 past MAX_BYTES, told from Content-Length before any is read."""
    # The app's 64 KiB limit is raised for this request only, and only after the admin check.
    request.max_content_length = UPLOAD_LIMIT
    if request.content_length is not None and request.content_length > request.max_content_length:
        raise PhotoTooLarge()
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType("Send the photo as multipart/form-data, in the field `file`")
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        raise PhotoTooLarge() from None
    if upload is None:
        raise ValidationError.from_fields([{"field": "file", "message": "is required: a JPEG, PNG or WebP image"}])
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoTooLarge()
    return data


@bp.post("/api/photos")
def upload_photo():
    require_admin()
    data = _uploaded_bytes()
    form = request.form
    record = _photos().upload(data, design=form.get("design", ""), colour=form.get("colour"), alt=form.get("alt", ""))
    return {"status": "success", "data": public_photo(record)}, 201, {"Location": f"/api/photos/{record['id']}"}


@bp.get("/api/photos")
def list_photos():
    design = request.args.get("design")
    photos = [public_photo(r) for r in _photos().photos(design.strip() if design else None)]
    return {"status": "success", "data": photos, "count": len(photos)}


@bp.get("/api/photos/<photo_id>")
def get_photo(photo_id):
    return {"status": "success", "data": public_photo(_photos().photo(photo_id))}


@bp.delete("/api/photos/<photo_id>")
def delete_photo(photo_id):
    require_admin()
    _photos().delete(photo_id)
    return {"status": "success", "message": "Photo deleted"}


def _copy(content_hash: str, width: int, fmt: str, *, negotiated: bool):
    data = _photos().copy(content_hash, width, fmt)
    if data is None:
        raise NotFound(f"No photo at {request.path}")
    response = Response(data, mimetype=TYPES[fmt])
    response.headers["Cache-Control"] = IMMUTABLE
    response.set_etag(f"{content_hash}-{width}-{fmt}")  # the address is the content: a strong tag
    if negotiated:
        response.vary.add("Accept")
    return response.make_conditional(request)


@bp.get("/photos/<content_hash>-<int:width>.<any(webp, jpg):fmt>")
def photo_copy(content_hash, width, fmt):
    """One copy, its format named in the address (a <picture>'s sources)."""
    return _copy(content_hash, width, fmt, negotiated=False)


@bp.get("/photos/<content_hash>-<int:width>")
def photo_negotiated(content_hash, width):
    """One copy as WebP for a browser that says it takes WebP, else JPEG."""
    # Only a WebP named in Accept counts: `*/*` comes from clients that may not read WebP.
    takes_webp = any(mime == "image/webp" and quality > 0 for mime, quality in request.accept_mimetypes)
    fmt = "webp" if takes_webp else "jpg"
    return _copy(content_hash, width, fmt, negotiated=True)
