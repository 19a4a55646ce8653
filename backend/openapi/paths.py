"""The document's paths, in its order: health, then those of product_paths.py, order_paths.py,
qikink_paths.py and docs_paths.py."""

from __future__ import annotations

from .attention_paths import attention_paths
from .catalogue_paths import catalogue_paths
from .confirm_paths import confirmation_paths
from .docs_paths import docs_paths
from .fields import ref
from .operations import JSON, errors, ok
from .order_paths import order_paths
from .payment_paths import payment_paths
from .photo_paths import photo_paths
from .pincode_paths import pincode_paths
from .product_paths import product_paths
from .qikink_paths import qikink_paths
from .seller_paths import seller_paths
from .webhook_paths import webhook_paths


def paths() -> dict:
    return throttled(every_path())


def every_path() -> dict:
    return {
        "/api/health": {
            "get": {
                "operationId": "getHealth",
                "tags": ["health"],
                "summary": "Can the service take orders?",
                "responses": {
                    **ok("Health", "Storage writable."),
                    "503": {
                        "description": "Storage unusable (`status` degraded, `storage_error` says why).",
                        "content": {JSON: {"schema": ref("Health")}},
                    },
                    **errors(),
                },
            }
        },
        **product_paths(),
        **catalogue_paths(),
        **photo_paths(),
        **order_paths(),
        **payment_paths(),
        **confirmation_paths(),
        **pincode_paths(),
        **seller_paths(),
        **qikink_paths(),
        **attention_paths(),
        **webhook_paths(),
        **docs_paths(),
    }


def throttled(document_paths: dict) -> dict:
    """429 `rate_limited` on what backend/api/throttle.py limits: every operation that takes an admin
    key (5 wrong keys a minute per client, then 429) and every customer look-up of an order."""
    for path, operations in document_paths.items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            customer = "{order_id}" in path and (operation.get("security") is None or {} in operation["security"])
            if "429" not in responses and ("401" in responses or customer):
                operation["responses"] = dict(sorted({**responses, **errors(429)}.items()))
    return document_paths
