"""Which browser origins may call which routes.

Every `/api/*` route answers the origins in CORS_ORIGINS. In development the customer's
routes (catalogue, placing an order, an order read with its email, tracking, status, health) also
answer `Origin: null`, which is what a page opened straight from disk (`file://`) sends, so a
beginner's own page works. Sandboxed frames of any website send `null` too, so a request with a
`null` origin never gets admin rights (`is_admin`): on a shared path such as `/api/orders/<id>`
it is answered as a customer's (404 without the order's email), and admin actions get 401.
"""

from __future__ import annotations

NULL_ORIGIN = "null"
PUBLIC_ROUTES = r"/api/(products(/[^/]+)?|orders(/[^/]+)?|qikink/(status|fulfillment/[^/]+)|health)$"
ALLOW_HEADERS = ["Content-Type", "Authorization", "X-Admin-Key", "Idempotency-Key"]
EXPOSE_HEADERS = ["Location", "Idempotent-Replayed", "Retry-After", "X-Request-ID"]


def cors_resources(origins: list, *, allow_null_origin: bool) -> dict:
    """flask-cors `resources`: the public routes (with `null` when allowed), then all of /api/*."""
    resources = {r"/api/*": {"origins": origins}}
    if allow_null_origin:
        resources[PUBLIC_ROUTES] = {"origins": [*origins, NULL_ORIGIN]}
    return resources


def is_null_origin(origin: str | None) -> bool:
    return (origin or "").strip().lower() == NULL_ORIGIN
