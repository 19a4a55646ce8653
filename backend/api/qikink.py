"""/api/qikink/*: connection status, authentication, sync, fulfilment tracking."""

import math

from flask import Blueprint, request

from ..clock import iso_utc, now_iso, utc_now
from ..errors import QikinkAuthFailed, QikinkFailed, QikinkUnavailable, TooSoon
from ..qikink import QikinkAuthError, QikinkError, QikinkRateLimited
from . import bool_arg, is_admin, require_admin, services

bp = Blueprint("qikink", __name__, url_prefix="/api/qikink")
SYNC_ORDER_KEYS = ("pushed", "failed", "still_pending", "refreshed", "not_refreshed", "waiting_for_budget", "reasons")


def _fulfilment():
    fulfilment = services().fulfilment
    if not fulfilment.enabled:
        raise QikinkUnavailable("Qikink is switched off on this server (QIKINK_ENV=off): orders are kept, not sent")
    return fulfilment


@bp.get("/status")
def status():
    return services().fulfilment.status()


@bp.post("/authenticate")
def authenticate():
    require_admin()
    force = bool_arg("force")
    fulfilment = _fulfilment()
    try:
        # A request thread never waits for Qikink's call budget (30 calls a minute, shared with the
        # sending of orders): 429 with Retry-After instead, at once.
        info = fulfilment.authenticate(force=force, wait=False)
    except QikinkRateLimited as exc:
        wait = max(1, math.ceil(exc.retry_after or 1))
        raise TooSoon(f"{exc.message}: try again in {wait} s", retry_after=wait) from None
    except QikinkAuthError as exc:
        raise QikinkAuthFailed(
            f"Qikink refused the credentials ({exc.qikink_message or exc.message}): "
            "check QIKINK_CLIENT_ID and QIKINK_CLIENT_SECRET"
        ) from None
    except QikinkError as exc:
        if exc.transient:
            raise QikinkUnavailable(
                f"Qikink is not answering right now ({exc.message}); orders are kept and sent when it answers"
            ) from None
        raise QikinkFailed(f"Qikink answered with a failure: {exc.qikink_message or exc.message}") from None
    return {
        "status": "authenticated",
        "client_id": fulfilment.client.config.masked_client_id,
        "api_endpoint": fulfilment.client.config.api_base,
        "timestamp": now_iso(),
        "token_valid_until": iso_utc(info.valid_until),
    }


@bp.post("/sync")
def sync():
    require_admin()
    retry_failed = bool_arg("retry_failed")
    fulfilment = _fulfilment()
    started = utc_now()
    if not fulfilment.client.has_valid_token() and fulfilment.breaker.allow():
        fulfilment.probe()  # not yet in touch with Qikink (fresh start): check before judging the connection
    products = fulfilment.check_products()
    # An admin's explicit request: everything pending is sent and everything in flight refreshed
    # now, as far as the call budget allows; the report says what was left and why.
    report = fulfilment.run_pass(force=True, retry_failed=retry_failed)
    if fulfilment.connection_state() != "connected" and not report["pushed"] and not report["refreshed"]:
        integration_status = "error"
    elif products["invalid"] or any(report[k] for k in ("failed", "errors", "still_pending", "waiting_for_budget")):
        integration_status = "partial"
    else:
        integration_status = "success"
    timestamp = iso_utc(started)
    integration = {
        "status": integration_status,
        "qikink_response": {"products_synced": products["valid"], "sync_timestamp": timestamp},
    }
    if fulfilment.last_error:
        integration["last_error"] = fulfilment.last_error
    answer = {
        "sync_id": f"SYNC-{int(started.timestamp())}",
        "timestamp": timestamp,
        "products_synced": products["valid"],
        "qikink_integration": integration,
        "products": products,
        "orders": {k: report[k] for k in SYNC_ORDER_KEYS},
    }
    # The sync never waits for Qikink's call budget: what it left, the worker sends as the budget
    # frees; Retry-After says when a new sync could do more.
    if report["waiting_for_budget"]:
        return answer, 200, {"Retry-After": str(max(1, math.ceil(report["budget_frees_in"] or 1)))}
    return answer


@bp.get("/fulfillment/<order_id>")  # the guide's spelling in the URL; fulfilment everywhere in the code
def fulfilment(order_id):
    """Where the order is (courier, AWB, tracking link, timeline): for its customer (`?email=`) or an
    admin, like every other order route; anyone else gets the same 404 as an unknown order."""
    services().orders.get(order_id, email=request.args.get("email"), admin=is_admin())
    return services().fulfilment.fulfilment_view(order_id)
