"""The photos' paths: /api/photos (list, upload) and /api/photos/{photo_id} (read, delete)."""

from __future__ import annotations

from ..photos.service import MAX_PER_DESIGN
from .fields import ref
from .operations import ADMIN, errors, ok

MULTIPART = "multipart/form-data"


def photo_paths() -> dict:
    photo_id = {
        "name": "photo_id",
        "in": "path",
        "required": True,
        "description": "A photo's id, as the upload answered it.",
        "schema": {"type": "string", "examples": ["ph_3f2a9c1d0b7e4a55"]},
    }
    return {
        "/api/photos": {
            "get": {
                "operationId": "listPhotos",
                "tags": ["products"],
                "summary": "The designs' photos",
                "parameters": [
                    {
                        "name": "design",
                        "in": "query",
                        "description": "Only this design's (a SKU without its size).",
                        "schema": {"type": "string", "examples": ["BHRT-001"]},
                    }
                ],
                "responses": {**ok("PhotoList", "The photos, oldest first."), **errors()},
            },
            "post": {
                "operationId": "uploadPhoto",
                "tags": ["products"],
                "summary": "Upload a photo of a design (admin)",
                "description": "The image is checked by its content (Pillow), turned by its EXIF orientation and "
                "encoded again, which leaves its metadata (EXIF with GPS, XMP, ICC profile, comments) behind. "
                f"At most {MAX_PER_DESIGN} photos a design (409 `too_many_photos`).",
                "security": ADMIN,
                "requestBody": {
                    "required": True,
                    "content": {
                        MULTIPART: {
                            "schema": ref("PhotoUpload"),
                            "encoding": {"file": {"contentType": "image/jpeg, image/png, image/webp"}},
                        }
                    },
                },
                "responses": {
                    **ok("PhotoAnswer", "Kept.", status="201"),
                    **errors(400, 401, 409, 413, 415, 422, 503),
                },
            },
        },
        "/api/photos/{photo_id}": {
            "parameters": [photo_id],
            "get": {
                "operationId": "getPhoto",
                "tags": ["products"],
                "summary": "One photo",
                "responses": {**ok("PhotoAnswer", "The photo."), **errors(404)},
            },
            "delete": {
                "operationId": "deletePhoto",
                "tags": ["products"],
                "summary": "Delete a photo (admin)",
                "security": ADMIN,
                "responses": {**ok("PhotoDeleted", "Deleted."), **errors(401, 404, 503)},
            },
        },
    }
