"""The document's paths, in its order: health, then those of product_paths.py, order_paths.py,
qikink_paths.py and docs_paths.py."""

from __future__ import annotations

from .attention_paths import attention_paths
from .confirm_paths import confirmation_paths
from .docs_paths import docs_paths
from .fields import ref
from .operations import JSON, errors, ok
from .order_paths import order_paths
from .payment_paths import payment_paths
from .pincode_paths import pincode_paths
from .product_paths import product_paths
from .qikink_paths import qikink_paths


def paths() -> dict:
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
        **order_paths(),
        **payment_paths(),
        **confirmation_paths(),
        **pincode_paths(),
        **qikink_paths(),
        **attention_paths(),
        **docs_paths(),
    }
