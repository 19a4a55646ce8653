"""The Qikink paths, the integration guide's testing steps: connection status, authentication,
sync, and an order's fulfilment status."""

from __future__ import annotations

from . import examples
from .operations import ADMIN, errors, ok, order_id_param, param


def qikink_paths() -> dict:
    order_id = order_id_param()
    return {
        "/api/qikink/status": {
            "get": {
                "operationId": "getQikinkStatus",
                "tags": ["qikink"],
                "summary": "Qikink connection (step 1)",
                "description": "Mints a token only when none is valid (a new token invalidates the old one).",
                "responses": {
                    **ok("QikinkStatus", "The connection as last seen.", examples.QIKINK_STATUS),
                    **errors(),
                },
            }
        },
        "/api/qikink/authenticate": {
            "post": {
                "operationId": "authenticate",
                "tags": ["qikink"],
                "summary": "Check the credentials (step 2, admin)",
                "description": "Mints a token only when none is valid, unless `force`. A forced mint logs out "
                "every other process and spends one of Qikink's 30 calls a minute, so it is refused while the "
                "account's last token is less than a minute old, whichever process of the shop minted it "
                "(the call budget's window is shared through the data directory, or PostgreSQL for a fleet): "
                "429 `rate_limited` with Retry-After (the seconds until that token is a minute old), no call "
                "made, the current token kept. A forced mint is one attempt (no retries). The request never "
                "waits for the call budget: when it is spent, 429 `rate_limited` with Retry-After at once.",
                "security": ADMIN,
                "parameters": [param("force", "query", "Mint a new token even when one is valid.", "yes_no")],
                "responses": {
                    **ok("Authenticated", "Qikink accepted the credentials.", examples.AUTHENTICATED),
                    **errors(401, 422, 429, 502, only={503: ["qikink_unavailable"]}),
                },
            }
        },
        "/api/qikink/sync": {
            "post": {
                "operationId": "sync",
                "tags": ["qikink"],
                "summary": "Sync now (step 3, admin)",
                "description": "Checks every product's Qikink mapping, sends every `sync_pending` order and refreshes "
                "orders in flight. 200 even when Qikink is down: the report says what happened. The sync never "
                "waits for Qikink's call budget (30 calls a minute): it does what the budget allows now and "
                "answers at once; `orders.waiting_for_budget` counts the orders left to send or refresh (the "
                "background worker goes on as the budget frees), the status is `partial` and `Retry-After` "
                "says in how many seconds the budget has room again.",
                "security": ADMIN,
                "parameters": [param("retry_failed", "query", "Also resend `sync_failed` orders.", "yes_no")],
                "responses": {
                    **sync_ok(),
                    **errors(401, 422, only={503: ["qikink_unavailable"]}),
                },
            }
        },
        "/api/qikink/fulfillment/{order_id}": {
            "parameters": [order_id],
            "get": {
                "operationId": "getFulfilment",
                "tags": ["qikink"],
                "summary": "Fulfilment status (step 5)",
                "description": "For the order's customer (`?email=`) or an admin, like every order route: "
                "courier, AWB and tracking link are the customer's business (404 for anyone else, as for an "
                "unknown order). Refreshed from Qikink when older than a minute; `stale: true` when Qikink "
                "could not be asked. Look-ups are limited per client and per order (429 with Retry-After).",
                "security": [{}, *ADMIN],
                "parameters": [
                    {
                        "name": "email",
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": "The order's customer_email (any case); not needed by an admin.",
                    }
                ],
                "responses": {**ok("Fulfilment", "Where the order is.", examples.FULFILMENT), **errors(404, 429)},
            },
        },
    }


def sync_ok() -> dict:
    """The sync's 200, with Retry-After when orders wait for the call budget."""
    answer = ok("SyncReport", "What the sync did.", examples.SYNC_REPORT)
    answer["200"]["headers"] = {
        "Retry-After": {
            "$ref": "#/components/headers/RetryAfter",
        }
    }
    return answer
