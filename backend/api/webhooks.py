"""/api/webhooks (admin): the shop's endpoints for order events, their delivery log, "Resend".

An endpoint's signing secret (`whsec_…`) is in the answer that creates it and the one that
rotates it, never again: staff copy it into the receiving tool once.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..errors import NotFound, ValidationError
from ..webhooks.delivery import url_problem
from ..webhooks.dispatcher import describe
from ..webhooks.events import EVENT_TYPES
from . import json_body, require_admin, services

bp = Blueprint("webhooks", __name__)
MAX_URL, MAX_DESCRIPTION = 2000, 200


def _hub():
    hub = services().webhooks
    if hub is None:
        raise NotFound("Webhooks are not set up on this server")
    return hub


def _fields(body: dict, *, partial: bool) -> dict:
    """The endpoint fields of a POST or PATCH body, checked; 422 naming every bad field."""
    problems: list[dict] = []
    changes: dict[str, Any] = {}
    config = services().config
    if "url" in body or not partial:
        url = body.get("url")
        if not isinstance(url, str) or not url.strip() or len(url) > MAX_URL:
            problems.append({"field": "url", "message": f"is required: an http(s) URL of at most {MAX_URL} characters"})
        else:
            problem = url_problem(
                url.strip(), allow_private=config.webhook_allow_private, require_https=config.app_env == "production"
            )
            if problem:
                problems.append({"field": "url", "message": problem})
            changes["url"] = url.strip()
    if "events" in body or not partial:
        events = body.get("events", list(EVENT_TYPES) if not partial else None)
        if (
            not isinstance(events, list)
            or not events
            or not all(isinstance(e, str) and e in EVENT_TYPES for e in events)
        ):
            problems.append({"field": "events", "message": f"must be a non-empty list of: {', '.join(EVENT_TYPES)}"})
        else:
            changes["events"] = [e for e in EVENT_TYPES if e in events]
    if "description" in body:
        description = body["description"]
        if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
            problems.append(
                {"field": "description", "message": f"must be text of at most {MAX_DESCRIPTION} characters"}
            )
        else:
            changes["description"] = description.strip()
    if "enabled" in body:
        if not partial or not isinstance(body["enabled"], bool):
            problems.append(
                {"field": "enabled", "message": "must be true or false (and only when changing an endpoint)"}
            )
        else:
            changes["enabled"] = body["enabled"]
    unknown = sorted(set(body) - {"url", "events", "description", "enabled"})
    problems += [{"field": name, "message": "is not an endpoint field"} for name in unknown]
    if problems:
        raise ValidationError.from_fields(problems)
    return changes


def _endpoint_or_404(hub, endpoint_id: str) -> dict:
    endpoint = hub.webhooks.endpoint(endpoint_id)
    if endpoint is None:
        raise NotFound(f"No webhook endpoint {endpoint_id}")
    return endpoint


def _answer(hub, endpoint: dict, *, with_secret: bool = False) -> dict:
    data = describe(endpoint, hub.webhooks.counts())
    if with_secret:
        data["secret"] = endpoint["secret"]
    return data


@bp.get("/api/webhooks")
def list_endpoints():
    require_admin()
    hub = _hub()
    counts = hub.webhooks.counts()
    endpoints = [describe(endpoint, counts) for endpoint in hub.webhooks.endpoints()]
    return {"status": "success", "data": endpoints, "event_types": list(EVENT_TYPES)}


@bp.post("/api/webhooks")
def add_endpoint():
    require_admin()
    hub = _hub()
    fields = _fields(json_body(), partial=False)
    endpoint = hub.webhooks.add_endpoint(fields["url"], fields["events"], fields.get("description", ""), hub.clock())
    body = {"status": "success", "data": _answer(hub, endpoint, with_secret=True)}
    return body, 201, {"Location": f"/api/webhooks/{endpoint['id']}"}


@bp.get("/api/webhooks/<endpoint_id>")
def get_endpoint(endpoint_id):
    require_admin()
    hub = _hub()
    return {"status": "success", "data": _answer(hub, _endpoint_or_404(hub, endpoint_id))}


@bp.patch("/api/webhooks/<endpoint_id>")
def change_endpoint(endpoint_id):
    require_admin()
    hub = _hub()
    _endpoint_or_404(hub, endpoint_id)
    endpoint = hub.webhooks.update_endpoint(endpoint_id, _fields(json_body(), partial=True), hub.clock())
    hub.wake()  # enabled again: its waiting events go now
    return {"status": "success", "data": _answer(hub, endpoint)}


@bp.delete("/api/webhooks/<endpoint_id>")
def delete_endpoint(endpoint_id):
    require_admin()
    hub = _hub()
    if not hub.webhooks.delete_endpoint(endpoint_id):
        raise NotFound(f"No webhook endpoint {endpoint_id}")
    return {"status": "success", "message": "Endpoint deleted with its delivery log"}


@bp.post("/api/webhooks/<endpoint_id>/secret")
def rotate_secret(endpoint_id):
    require_admin()
    hub = _hub()
    _endpoint_or_404(hub, endpoint_id)
    endpoint = hub.webhooks.rotate_secret(endpoint_id, hub.clock())
    return {"status": "success", "data": _answer(hub, endpoint, with_secret=True)}


@bp.get("/api/webhooks/<endpoint_id>/deliveries")
def deliveries(endpoint_id):
    require_admin()
    hub = _hub()
    _endpoint_or_404(hub, endpoint_id)
    limit = request.args.get("limit", "50")
    if not limit.isdigit() or not 1 <= int(limit) <= 200:
        raise ValidationError.from_fields([{"field": "limit", "message": "must be a whole number from 1 to 200"}])
    rows = hub.webhooks.deliveries(endpoint_id, int(limit))
    return {"status": "success", "data": [hub.public_delivery(row) for row in rows]}


@bp.post("/api/webhooks/deliveries/<int:delivery_id>/resend")
def resend(delivery_id):
    require_admin()
    hub = _hub()
    delivery = hub.webhooks.delivery(delivery_id) if delivery_id < 2**63 else None
    if delivery is None:
        raise NotFound(f"No webhook delivery {delivery_id}")
    if delivery["status"] == "pending":
        return {"status": "success", "data": hub.public_delivery(delivery), "message": "Already waiting to be sent"}
    delivery = hub.webhooks.resend(delivery_id, hub.clock())
    hub.wake()
    return {"status": "success", "data": hub.public_delivery(delivery), "message": "Sent again shortly"}
