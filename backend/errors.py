"""API errors as classes, and the one place that renders every error as the JSON envelope."""

from __future__ import annotations

import logging

from flask import Flask, g, has_request_context, jsonify
from werkzeug.exceptions import HTTPException, SecurityError

from .storage.errors import OrderMissing, ProductMissing, SoldOut, StoreError, StoreUnavailable

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the client should see: HTTP status, machine code, human message, field details."""

    status = 500
    code = "internal_error"
    message = "Internal server error"

    def __init__(self, message: str | None = None, *, details=None, headers=None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details
        self.headers = headers or {}

    def to_response(self):
        body = {"status": "error", "error": {"code": self.code, "message": self.message}}
        if self.details is not None:
            body["error"]["details"] = self.details
        if has_request_context() and g.get("request_id"):
            body["error"]["request_id"] = g.request_id  # the same id as the access log's line
        response = jsonify(body)
        response.status_code = self.status
        for name, value in self.headers.items():
            response.headers[name] = value
        return response


class InvalidJson(ApiError):
    status, code, message = 400, "invalid_json", "Request body is not a valid JSON object"


class UntrustedHost(ApiError):
    status, code, message = 400, "untrusted_host", "This server does not answer to that Host name (see ALLOWED_HOSTS)"


class Unauthorized(ApiError):
    status, code, message = 401, "unauthorized", "Admin key missing or wrong (ADMIN_API_KEY in the server's .env)"


class CrossSiteRequest(ApiError):
    status, code = 403, "cross_site_request"
    message = "Admin rights without a key are for this machine's own tools, not for other websites"


class NotFound(ApiError):
    status, code, message = 404, "not_found", "Not found"


class MethodNotAllowed(ApiError):
    status, code, message = 405, "method_not_allowed", "Method not allowed on this route"


class OutOfStock(ApiError):
    status, code, message = 409, "out_of_stock", "Not enough stock"


class PriceMismatch(ApiError):
    status, code, message = 409, "price_mismatch", "Price differs from the catalogue price"


class InvoiceUnavailable(ApiError):
    status, code, message = 409, "invoice_unavailable", "No invoice can be issued for this order"


class PaymentSignatureInvalid(ApiError):
    status, code, message = 400, "payment_signature_invalid", "The payment's signature does not match this order"


class WebhookSignatureInvalid(ApiError):
    status, code, message = 400, "webhook_signature_invalid", "The webhook's signature does not match"


class PaidOutsideForbidden(ApiError):
    status, code, message = 403, "forbidden", "Only the shop's staff may record an order as paid outside the shop"


class PaymentNotRequired(ApiError):
    status, code, message = 409, "payment_not_required", "This order is not awaiting payment"


class IdempotencyConflict(ApiError):
    status, code, message = 409, "idempotency_conflict", "Idempotency-Key was already used with a different body"


class EmailNotFailed(ApiError):
    status, code, message = 409, "email_not_failed", "This email has not failed"


class NotAwaitingConfirmation(ApiError):
    status, code, message = 409, "not_awaiting_confirmation", "Only an order awaiting confirmation can be confirmed"


class CodNotAllowed(ApiError):
    status, code, message = 409, "cod_not_allowed", "Cash on delivery is not available for this order"


class TooManyOpenOrders(ApiError):
    status, code = 409, "too_many_open_orders"
    message = "Too many orders are waiting for their payment or confirmation"


class OrderNotEditable(ApiError):
    status, code, message = 409, "order_not_editable", "Order has been accepted by Qikink and can no longer be edited"


class NotCancellable(ApiError):
    status, code, message = 409, "not_cancellable", "This order can no longer be cancelled"


class NotReplaceable(ApiError):
    status, code, message = 409, "not_replaceable", "This order cannot be replaced now"


class NotPublishable(ApiError):
    status, code, message = 409, "not_publishable", "This variant cannot be published"


class CatalogueConflict(ApiError):
    status, code, message = 409, "catalogue_conflict", "That id or address is taken"


class Retryable(ApiError):
    """An error worth trying again after `retry_after` seconds (the Retry-After header)."""

    retry_after = 3

    def __init__(self, message: str | None = None, *, retry_after: int | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.headers.setdefault("Retry-After", str(retry_after or self.retry_after))


class OrderBusy(Retryable):
    """Retryable: the order is being sent to Qikink right now; its outcome decides the cancellation."""

    status, code = 409, "order_busy"
    message = "This order is being sent to Qikink right now; try again in a few seconds"


class PaymentUnavailable(Retryable):
    """Razorpay cannot give the order a checkout now (the order is kept)."""

    status, code, retry_after = 503, "payment_unavailable", 30
    message = "Online payment is not available right now; the order is kept and can be paid shortly"


class PayloadTooLarge(ApiError):
    status, code, message = 413, "payload_too_large", "Request body is larger than 64 KiB"


class UnsupportedMediaType(ApiError):
    status, code, message = 415, "unsupported_media_type", "Send the body as application/json"


class TooManyPhotos(ApiError):
    status, code, message = 409, "too_many_photos", "The design has as many photos as it may have; delete one first"


class PhotoTooLarge(ApiError):
    status, code, message = 413, "photo_too_large", "A photo may be at most 8 MB"


class UnsupportedPhoto(ApiError):
    """An upload whose bytes are not a JPEG, PNG or WebP image, whatever its name or type said."""

    status, code, message = 415, "unsupported_photo_type", "The file is not a JPEG, PNG or WebP image"


class AddressNotInDirectory(ApiError):
    """A structured address India Post's directory contradicts: no such PIN code, or another state."""

    status, code = 400, "address_mismatch"
    message = "The PIN code and state do not match India Post's directory"


class ValidationError(ApiError):
    status, code, message = 422, "validation_error", "Request breaks a validation rule"

    @classmethod
    def from_fields(cls, problems: list[dict]) -> ValidationError:
        first = problems[0]
        return cls(f"{first['field']} {first['message']}", details=problems)


class RateLimited(ApiError):
    status, code, message = 429, "rate_limited", "Too many requests"


class TooSoon(Retryable):
    """A request the shop answers at most so often (e.g. resending an email): try after Retry-After."""

    status, code, message = 429, "rate_limited", "Too many requests"


class QikinkFailed(ApiError):
    status, code, message = 502, "qikink_error", "Qikink answered with a failure"


class QikinkAuthFailed(ApiError):
    status, code, message = 502, "qikink_auth_failed", "Qikink refused the credentials"


class QikinkUnavailable(ApiError):
    status, code, message = 503, "qikink_unavailable", "Qikink cannot be reached"


class StorageUnavailable(Retryable):
    status, code, message = 503, "storage_unavailable", "Order storage is unavailable; try again shortly"
    retry_after = 5


_HTTP_ERRORS = {
    400: InvalidJson,
    401: Unauthorized,
    404: NotFound,
    405: MethodNotAllowed,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    429: RateLimited,
}


def register_error_handlers(app: Flask) -> None:
    """Render ApiError, werkzeug's HTTP errors and anything unexpected as the JSON envelope."""

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError):
        return error.to_response()

    @app.errorhandler(StoreUnavailable)
    def _store_unavailable(error: StoreUnavailable):
        return StorageUnavailable(error.message, retry_after=error.retry_after).to_response()

    @app.errorhandler(OrderMissing)
    @app.errorhandler(ProductMissing)
    def _store_missing(error: StoreError):
        return NotFound(error.message).to_response()

    @app.errorhandler(SoldOut)
    def _sold_out(error: SoldOut):
        return OutOfStock(error.message).to_response()

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        # werkzeug raises SecurityError (a 400) for a Host outside Flask's TRUSTED_HOSTS.
        cls = UntrustedHost if isinstance(error, SecurityError) else _HTTP_ERRORS.get(error.code or 500)
        if cls is None:
            api_error = ApiError(error.description or "HTTP error")
            api_error.status, api_error.code = error.code or 500, "http_error"
        elif cls is RateLimited:
            api_error = RateLimited(f"Too many requests: {error.description}")
        else:
            api_error = cls()
        response = api_error.to_response()
        allowed = getattr(error, "valid_methods", None)
        if cls is MethodNotAllowed and allowed:
            response.headers["Allow"] = ", ".join(allowed)
        for name, value in (getattr(error, "response", None) or _NoHeaders).headers.items():
            if name.lower() in ("retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"):
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("Unhandled error")
        return ApiError().to_response()


class _NoHeaders:
    headers: dict = {}


class StartupError(RuntimeError):
    """The server cannot start; the message says which file or setting and what to do."""
